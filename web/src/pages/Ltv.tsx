import { useEffect, useId, useState } from 'react';
import type {
  ClvData,
  ClvPlots,
  ClvValidation,
  FrequencyRecencyMatrix,
  Overview,
  Result,
} from '../api/types.ts';
import { navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Async } from '../components/States.tsx';
import { decimal, integer, money, percent, signedPercent } from '../format.ts';
import { defaultCalibrationEnd, histogram, matrixCells, type Row } from '../ltvMath.ts';
import { useGet, usePost } from '../state/api.ts';
import { formatHash } from '../state/filters.ts';

const MODELS = [
  { id: 'bgnbd', label: 'BG/NBD' },
  { id: 'mbgnbd', label: 'MBG/NBD' },
  { id: 'paretonbd', label: 'Pareto/NBD' },
] as const;
const HORIZONS = [26, 52, 104];
const SAMPLE = 5000;
const MATRIX_SIZE = 20;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export default function Ltv() {
  const { route } = useApp();
  const model = MODELS.find((m) => m.id === route.params.get('model'))?.id ?? 'bgnbd';
  const horizon = HORIZONS.includes(Number(route.params.get('horizon')))
    ? Number(route.params.get('horizon'))
    : 52;
  const base = { model, horizon, unit: 'weeks' };
  const top = usePost<Result<ClvData>>('/analysis/ltv', { ...base, sort: 'clv', limit: 25 });
  const sample = usePost<Result<ClvData>>('/analysis/ltv', { ...base, sort: 'input', limit: SAMPLE });
  const plots = usePost<Result<ClvPlots>>('/analysis/ltv/plots', {
    model,
    unit: 'weeks',
    matrix_horizon: horizon,
    matrix_size: MATRIX_SIZE,
  });
  // The calibration end: from the address, or about 60% through the data's purchase dates.
  const range = useGet<Result<Overview>>('/analysis/overview');
  const first = range.data?.data.first_purchase?.slice(0, 10) ?? null;
  const last = range.data?.data.last_purchase?.slice(0, 10) ?? null;
  const calParam = route.params.get('cal');
  const calibrationEnd =
    calParam && ISO_DATE.test(calParam) ? calParam : defaultCalibrationEnd(first, last, 0.6);
  const validation = usePost<Result<ClvValidation>>(calibrationEnd ? '/analysis/ltv/validate' : null, {
    models: [model],
    unit: 'weeks',
    calibration_end: calibrationEnd,
  });
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
      <div className="grid">
        <Async q={sample} empty={(r) => r.data.customers.length === 0}>
          {({ data: d }) => <ClvHistogram d={d} />}
        </Async>
        <Async q={plots}>{({ data: d }) => <ModelMatrices d={d} />}</Async>
      </div>
      <section className="card" aria-labelledby="holdout-title">
        <h2 id="holdout-title" style={{ marginTop: 0 }}>
          Calibration vs holdout
        </h2>
        <CalibrationForm
          key={calibrationEnd ?? ''}
          value={calibrationEnd}
          min={first}
          max={last}
          onApply={(v) => set('cal', v)}
        />
        {calibrationEnd === null ? (
          range.error ? (
            <Async q={range}>{() => null}</Async>
          ) : (
            <p className="muted">Finding the data's date range…</p>
          )
        ) : (
          <Async q={validation}>{({ data: v }) => <Holdout v={v} />}</Async>
        )}
      </section>
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

/** The calibration end: a date input applied with a button (each validation fits the model). */
function CalibrationForm({
  value,
  min,
  max,
  onApply,
}: {
  value: string | null;
  min: string | null;
  max: string | null;
  onApply: (v: string) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  const id = useId();
  useEffect(() => setDraft(value ?? ''), [value]);
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (ISO_DATE.test(draft)) onApply(draft);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-cal`}>Calibration end</label>
        <input
          id={`${id}-cal`}
          type="date"
          className="input"
          value={draft}
          {...(min ? { min } : {})}
          {...(max ? { max } : {})}
          onChange={(e) => setDraft(e.target.value)}
        />
      </div>
      <button type="submit" className="btn" disabled={!ISO_DATE.test(draft) || draft === value}>
        Validate
      </button>
      <p className="muted" style={{ fontSize: '0.85rem', margin: 0 }}>
        The model is fitted on purchases up to this day; the purchases after it are the holdout it predicts.
      </p>
    </form>
  );
}

function Holdout({ v }: { v: ClvValidation }) {
  const m = v.models[0];
  if (!m) return null;
  const labels = m.groups.map((g) => g.frequency);
  return (
    <>
      <dl className="dl" data-testid="holdout-metrics">
        <dt>Calibration end</dt>
        <dd data-testid="holdout-calibration-end">{v.calibration_end}</dd>
        <dt>Holdout</dt>
        <dd>
          {decimal(v.holdout_duration, 1)} {v.unit} to {v.observation_end ?? '—'},{' '}
          {integer(v.holdout_purchases)} repeat purchases
        </dd>
        <dt>MAE</dt>
        <dd data-testid="holdout-mae">{decimal(m.metrics.mae, 4)}</dd>
        <dt>RMSE</dt>
        <dd data-testid="holdout-rmse">{decimal(m.metrics.rmse, 4)}</dd>
        <dt>Total error</dt>
        <dd data-testid="holdout-total-error">
          {m.metrics.total_error_pct === null ? '—' : signedPercent(m.metrics.total_error_pct / 100)} (
          {decimal(m.metrics.predicted_total, 1)} predicted, {integer(m.metrics.actual_total)} actual)
        </dd>
      </dl>
      <Chart
        title="Holdout purchases by calibration frequency"
        description={`mean purchases per customer in the holdout, predicted by ${m.model} against actual, by repeat purchases in the calibration period`}
        data={{
          columns: ['calibration_frequency', 'customers', 'actual_mean', 'predicted_mean'],
          rows: m.groups.map((g) => [g.frequency, g.customers, g.actual_mean, g.predicted_mean]),
        }}
        option={(c) => ({
          tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (x: number) => decimal(x, 3) }),
          legend: { top: 0, textStyle: { color: c.text } },
          grid: { left: 56, right: 16, top: 32, bottom: 44 },
          xAxis: {
            type: 'category',
            name: 'Repeat purchases in calibration',
            nameLocation: 'middle',
            nameGap: 28,
            data: labels,
            ...axis(c),
          },
          yAxis: { type: 'value', name: 'Holdout purchases per customer', ...axis(c) },
          series: [
            { name: 'Actual', type: 'bar', data: m.groups.map((g) => g.actual_mean) },
            { name: 'Predicted', type: 'bar', data: m.groups.map((g) => g.predicted_mean) },
          ],
        })}
      />
    </>
  );
}

function ClvHistogram({ d }: { d: ClvData }) {
  const hist = histogram(d.customers, 'clv', 20);
  return (
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
  );
}

/** The model's exact P(alive) and expected-purchases matrices over frequency × recency. */
function ModelMatrices({ d }: { d: ClvPlots }) {
  const { p_alive, expected_purchases } = d.frequency_recency;
  const heat = (title: string, m: FrequencyRecencyMatrix, fmt: (v: number) => string) => {
    const cells = matrixCells(m);
    const fLabels = m.frequency.map((f) => String(Math.round(f)));
    const rLabels = m.recency.map((r) => decimal(r, 0));
    return (
      <Chart
        title={title}
        description={`${d.model} model at customer age ${decimal(m.T, 0)} ${d.unit}: repeat purchases (columns) by recency of the last purchase (rows)`}
        data={{
          columns: ['frequency', 'recency', 'value'],
          rows: cells.map(([f, r, v]) => [m.frequency[f] ?? null, m.recency[r] ?? null, v]),
        }}
        option={(c) => ({
          tooltip: tooltip(c, {
            formatter: (p: { value: [number, number, number] }) =>
              `F ${fLabels[p.value[0]]}, recency ${rLabels[p.value[1]]} ${d.unit}: ${fmt(p.value[2])}`,
          }),
          grid: { left: 64, right: 16, top: 10, bottom: 80 },
          xAxis: {
            type: 'category',
            name: 'Repeat purchases (frequency)',
            nameLocation: 'middle',
            nameGap: 26,
            data: fLabels,
            ...axis(c),
          },
          yAxis: {
            type: 'category',
            name: `Recency (${d.unit})`,
            nameLocation: 'middle',
            nameGap: 44,
            data: rLabels,
            ...axis(c),
          },
          visualMap: {
            min: 0,
            max: Math.max(0.01, ...cells.map((x) => x[2])),
            orient: 'horizontal',
            left: 'center',
            bottom: 0,
            itemHeight: 160,
            textStyle: { color: c.text },
            inRange: { color: c.sequential },
          },
          series: [{ type: 'heatmap', data: cells }],
        })}
      />
    );
  };
  return (
    <>
      {heat('P(alive) by frequency and recency', p_alive, (v) => percent(v, 1))}
      {heat(
        `Expected purchases in ${decimal(expected_purchases.t ?? 0, 0)} ${d.unit} by frequency and recency`,
        expected_purchases,
        (v) => v.toFixed(3),
      )}
    </>
  );
}
