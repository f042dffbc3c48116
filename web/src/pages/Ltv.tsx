import type { ClvData, Result } from '../api/types.ts';
import { navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Async } from '../components/States.tsx';
import { decimal, integer, money, percent } from '../format.ts';
import { histogram, matrixBy, type Row } from '../ltvMath.ts';
import { usePost } from '../state/api.ts';
import { formatHash } from '../state/filters.ts';

const MODELS = [
  { id: 'bgnbd', label: 'BG/NBD' },
  { id: 'mbgnbd', label: 'MBG/NBD' },
  { id: 'paretonbd', label: 'Pareto/NBD' },
] as const;
const HORIZONS = [26, 52, 104];
const SAMPLE = 5000;

export default function Ltv() {
  const { route } = useApp();
  const model = MODELS.find((m) => m.id === route.params.get('model'))?.id ?? 'bgnbd';
  const horizon = HORIZONS.includes(Number(route.params.get('horizon')))
    ? Number(route.params.get('horizon'))
    : 52;
  const base = { model, horizon, unit: 'weeks' };
  const top = usePost<Result<ClvData>>('/analysis/ltv', { ...base, sort: 'clv', limit: 25 });
  const sample = usePost<Result<ClvData>>('/analysis/ltv', { ...base, sort: 'input', limit: SAMPLE });
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(route.params);
    p.set(k, v);
    navigate(formatHash(route.path, p), true);
  };

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Lifetime value</h1>
        <p className="muted">All customers of the current data set (the CLV API takes no filters)</p>
        <ApiExport analysis="clv" query={`?model=${model}&horizon=${horizon}&unit=weeks`} />
      </div>
      <div className="form-row">
        <fieldset className="segmented" aria-label="Purchase model">
          {MODELS.map((m) => (
            <button key={m.id} type="button" aria-pressed={model === m.id} onClick={() => set('model', m.id)}>
              {m.label}
            </button>
          ))}
        </fieldset>
        <fieldset className="segmented" aria-label="Horizon">
          {HORIZONS.map((h) => (
            <button
              key={h}
              type="button"
              aria-pressed={horizon === h}
              onClick={() => set('horizon', String(h))}
            >
              {h} weeks
            </button>
          ))}
        </fieldset>
      </div>
      <Async q={top}>{({ data: d }) => <Summary d={d} />}</Async>
      <Async q={sample} empty={(r) => r.data.customers.length === 0}>
        {({ data: d }) => <Distributions d={d} />}
      </Async>
      <p className="notice">
        Calibration against a holdout period is not available from the API yet (the CLI's{' '}
        <code>olist clv validate</code> computes it).
      </p>
    </section>
  );
}

function Summary({ d }: { d: ClvData }) {
  const fit = d.purchase_fit;
  const columns: Column<Row>[] = [
    {
      key: 'id',
      label: 'Customer',
      value: (r) => String(r[d.id_column] ?? ''),
      render: (r) => <code>{String(r[d.id_column]).slice(0, 12)}…</code>,
    },
    { key: 'frequency', label: 'Repeat orders', numeric: true, value: (r) => r.frequency as number },
    {
      key: 'p_alive',
      label: 'P(alive)',
      numeric: true,
      value: (r) => r.p_alive as number,
      render: (r) => percent(r.p_alive as number),
    },
    {
      key: 'expected_purchases',
      label: 'Expected purchases',
      numeric: true,
      value: (r) => r.expected_purchases as number,
      render: (r) => decimal(r.expected_purchases as number),
    },
    {
      key: 'clv',
      label: 'CLV',
      numeric: true,
      value: (r) => r.clv as number | null,
      render: (r) => money(r.clv as number | null, true),
    },
  ];
  return (
    <>
      <div className="kpis">
        <KpiCard
          id="ltv-customers"
          label="Customers"
          kind="int"
          value={d.totals.customers}
          hint="Customers modelled"
        />
        <KpiCard
          id="ltv-clv"
          label={`Total CLV, ${d.horizon} weeks`}
          kind="money"
          value={d.totals.clv}
          hint="Discounted expected value"
        />
        <KpiCard
          id="ltv-purchases"
          label="Expected purchases"
          kind="int"
          value={d.totals.expected_purchases}
          hint="Over the horizon"
        />
        <KpiCard
          id="ltv-alive"
          label="Mean P(alive)"
          kind="rate"
          value={d.totals.mean_p_alive}
          hint="Probability a customer is still active"
        />
      </div>
      <div className="grid">
        <section className="card" aria-labelledby="fit-title">
          <h2 id="fit-title" style={{ marginTop: 0 }}>
            Model fit: {d.model}
          </h2>
          {fit ? (
            <dl className="dl" data-testid="fit-summary">
              <dt>Converged</dt>
              <dd>{fit.convergence.converged ? 'yes' : `no (${fit.convergence.reason})`}</dd>
              <dt>Customers</dt>
              <dd>{integer(fit.n_customers)}</dd>
              <dt>Log-likelihood</dt>
              <dd>{decimal(fit.loglik)}</dd>
              <dt>AIC / BIC</dt>
              <dd>
                {decimal(fit.aic, 1)} / {decimal(fit.bic, 1)}
              </dd>
              {Object.entries(fit.params).map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd>{decimal(v, 4)}</dd>
                </div>
              ))}
              {d.spend_params && (
                <>
                  <dt>Gamma-Gamma</dt>
                  <dd>
                    {Object.entries(d.spend_params)
                      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
                      .join(', ')}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p>Saved parameters were used: no fit to report.</p>
          )}
          {[
            ...(fit?.warnings ?? []),
            ...(d.independence && !d.independence.assumption_plausible ? [d.independence.note] : []),
          ].map((w) => (
            <p key={w} className="notice">
              {w}
            </p>
          ))}
        </section>
        <DataTable
          title="Top customers by predicted value"
          rows={d.customers}
          columns={columns}
          rowKey={(r) => String(r[d.id_column])}
          pageSize={10}
        />
      </div>
    </>
  );
}

function Distributions({ d }: { d: ClvData }) {
  const hist = histogram(d.customers, 'clv', 20);
  const alive = matrixBy(d.customers, 'p_alive');
  const purchases = matrixBy(d.customers, 'expected_purchases');
  const fLabels = ['0', '1', '2', '3', '4', '5+'];
  const rLabels = ['0–20%', '20–40%', '40–60%', '60–80%', '80–100%'];
  const heat = (title: string, m: ReturnType<typeof matrixBy>, fmt: (v: number) => string, max: number) => (
    <Chart
      title={title}
      description="mean prediction by repeat purchases (rows) and recency as a share of the customer's age (columns)"
      data={{
        columns: ['recency_bin', 'frequency', 'mean'],
        rows: m.cells.map(([r, f, v]) => [rLabels[r], fLabels[f], v]),
      }}
      option={(c) => ({
        tooltip: tooltip(c, {
          formatter: (p: { value: [number, number, number] }) =>
            `F ${fLabels[p.value[1]]}, recency ${rLabels[p.value[0]]}: ${fmt(p.value[2])}`,
        }),
        grid: { left: 64, right: 16, top: 10, bottom: 80 },
        xAxis: {
          type: 'category',
          name: 'Last purchase, share of customer age',
          nameLocation: 'middle',
          nameGap: 26,
          data: rLabels,
          ...axis(c),
        },
        yAxis: {
          type: 'category',
          name: 'Repeat purchases',
          nameLocation: 'middle',
          nameGap: 40,
          data: fLabels,
          ...axis(c),
        },
        visualMap: {
          min: 0,
          max,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          itemHeight: 160,
          textStyle: { color: c.text },
          inRange: { color: c.sequential },
        },
        series: [
          {
            type: 'heatmap',
            data: m.cells,
            label: {
              show: true,
              fontSize: 11,
              color: c.text,
              backgroundColor: c.background,
              padding: 1,
              formatter: (p: { value: [number, number, number] }) => fmt(p.value[2]),
            },
          },
        ],
      })}
    />
  );
  return (
    <div className="grid">
      <Chart
        title="CLV distribution"
        description={`customers by predicted CLV, ${d.customers.length} customers`}
        data={{ columns: ['clv_range', 'customers'], rows: hist.map((h) => [h.label, h.count]) }}
        option={(c) => ({
          tooltip: tooltip(c, { trigger: 'axis' }),
          grid: { left: 56, right: 16, top: 16, bottom: 56 },
          xAxis: {
            type: 'category',
            name: 'CLV (R$)',
            nameLocation: 'middle',
            nameGap: 40,
            data: hist.map((h) => h.label),
            ...axis(c),
            axisLabel: { color: c.muted, rotate: 40 },
          },
          yAxis: { type: 'value', name: 'Customers', ...axis(c) },
          series: [{ name: 'Customers', type: 'bar', data: hist.map((h) => h.count) }],
        })}
      />
      {heat('P(alive) by frequency and recency', alive, (v) => percent(v, 0), 1)}
      {heat(
        'Expected purchases by frequency and recency',
        purchases,
        (v) => v.toFixed(2),
        Math.max(0.01, ...purchases.cells.map((x) => x[2])),
      )}
    </div>
  );
}
