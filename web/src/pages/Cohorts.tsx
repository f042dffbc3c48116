import type { CohortResult, Result } from '../api/types.ts';
import { navigate, useApp } from '../app.tsx';
import { cumulativeRows, heatmapCells } from '../cohortMath.ts';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { Async } from '../components/States.tsx';
import { integer, money, percent } from '../format.ts';
import { usePost } from '../state/api.ts';
import { apiBody, apiQuery, describeFilters, formatHash } from '../state/filters.ts';

const METRICS = [
  { id: 'customers', label: 'Customers' },
  { id: 'retention', label: 'Retention %' },
  { id: 'revenue', label: 'Revenue' },
  { id: 'cumulative_revenue', label: 'Cumulative revenue' },
] as const;
type MetricId = (typeof METRICS)[number]['id'];

export default function Cohorts() {
  const { filters, route } = useApp();
  const period = route.params.get('period') === 'week' ? 'week' : 'month';
  const metric: MetricId = (METRICS.find((m) => m.id === route.params.get('metric'))?.id ??
    'retention') as MetricId;
  const q = usePost<Result<CohortResult>>('/analysis/cohort', { period, ...apiBody(filters) });
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(route.params);
    p.set(k, v);
    navigate(formatHash(route.path, p), true);
  };

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Cohorts</h1>
        <p className="muted">
          {describeFilters({ ...filters, from: undefined, to: undefined })} · by first purchase
        </p>
        <ApiExport analysis="cohort" query={apiQuery(filters, { dates: false, extra: { period } })} />
      </div>
      <div className="form-row">
        <fieldset className="segmented" aria-label="Metric">
          {METRICS.map((m) => (
            <button
              key={m.id}
              type="button"
              aria-pressed={metric === m.id}
              onClick={() => set('metric', m.id)}
            >
              {m.label}
            </button>
          ))}
        </fieldset>
        <fieldset className="segmented" aria-label="Cohort period">
          {(['month', 'week'] as const).map((p) => (
            <button key={p} type="button" aria-pressed={period === p} onClick={() => set('period', p)}>
              {p === 'month' ? 'Monthly' : 'Weekly'}
            </button>
          ))}
        </fieldset>
      </div>
      <Async q={q} empty={(r) => r.data.cohorts.length === 0}>
        {({ data: r }) => {
          const m =
            metric === 'cumulative_revenue'
              ? cumulativeRows(r.matrices.revenue)
              : metric === 'retention'
                ? r.matrices.retention
                : r.matrices[metric];
          const cells = heatmapCells(m);
          const fmt = (v: number) =>
            metric === 'retention' ? percent(v) : metric === 'customers' ? integer(v) : money(v);
          // Period 0 retention is 100% by definition: scale colours on the later periods.
          const scaleCells =
            metric === 'retention' || metric === 'customers' ? cells.filter((c) => c[0] > 0) : cells;
          const max = Math.max(1e-9, ...scaleCells.map((c) => c[2]));
          const labels = cells.length <= 400;
          const names = r.cohorts.map((c) => `${c.cohort} (${c.size})`);
          return (
            <>
              <Chart
                title={`Cohort ${METRICS.find((x) => x.id === metric)?.label.toLowerCase()} by ${period}`}
                description={`${r.cohorts.length} cohorts by ${period} since first purchase; blank cells are not observed yet`}
                height={Math.min(900, Math.max(320, r.cohorts.length * (labels ? 26 : 8) + 110))}
                data={{
                  columns: [
                    'cohort',
                    'size',
                    ...Array.from({ length: r.max_period + 1 }, (_, i) => `${period}_${i}`),
                  ],
                  rows: r.cohorts.map((c, i) => [c.cohort, c.size, ...(m[i] ?? [])]),
                }}
                option={(c) => ({
                  tooltip: tooltip(c, {
                    formatter: (p: { value: [number, number, number] }) =>
                      `${r.cohorts[p.value[1]]?.cohort}, ${period} ${p.value[0]}: ${fmt(p.value[2])}`,
                  }),
                  grid: { left: 120, right: 16, top: 10, bottom: 80 },
                  xAxis: {
                    type: 'category',
                    name: `${period}s since first purchase`,
                    nameLocation: 'middle',
                    nameGap: 26,
                    data: Array.from({ length: r.max_period + 1 }, (_, i) => i),
                    ...axis(c),
                  },
                  yAxis: {
                    type: 'category',
                    inverse: true,
                    data: names,
                    ...axis(c),
                    axisLabel: { color: c.muted, interval: labels ? 0 : Math.ceil(names.length / 30) - 1 },
                  },
                  visualMap: {
                    min: 0,
                    max,
                    orient: 'horizontal',
                    left: 'center',
                    bottom: 0,
                    itemHeight: 180,
                    textStyle: { color: c.text },
                    formatter: (v: number) => fmt(v),
                    inRange: { color: c.sequential },
                  },
                  series: [
                    {
                      type: 'heatmap',
                      data: cells,
                      label: {
                        show: labels,
                        fontSize: 10,
                        color: c.text,
                        backgroundColor: c.background,
                        padding: 1,
                        formatter: (p: { value: [number, number, number] }) =>
                          metric === 'retention' ? percent(p.value[2], 0) : integer(p.value[2]),
                      },
                    },
                  ],
                })}
              />
              <p className="muted" style={{ fontSize: '0.85rem' }}>
                Blank cells are periods not observed yet (censored), not zeros.
                {r.partial_period
                  ? ` The last ${period} (${r.partial_period.start} → ${r.partial_period.end}) is partial.`
                  : ''}
              </p>
              <div className="grid">
                <Chart
                  title="Average retention curve"
                  description="share of a cohort buying again in each period, averaged over the cohorts observed"
                  data={{
                    columns: [
                      'period',
                      'cohorts',
                      'retention',
                      'retention_or_later',
                      'cumulative_revenue_per_customer',
                    ],
                    rows: r.average.map((a) => [
                      a.period,
                      a.cohorts,
                      a.retention,
                      a.retention_or_later,
                      a.cumulative_revenue_per_customer,
                    ]),
                  }}
                  option={(c) => ({
                    tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (v: number) => percent(v, 2) }),
                    legend: { textStyle: { color: c.text }, top: 0 },
                    grid: { left: 56, right: 16, top: 36, bottom: 28 },
                    xAxis: { type: 'category', data: r.average.map((a) => a.period), ...axis(c) },
                    yAxis: {
                      type: 'value',
                      ...axis(c),
                      axisLabel: { color: c.muted, formatter: (v: number) => percent(v, 1) },
                    },
                    series: [
                      {
                        name: 'Bought in period',
                        type: 'line',
                        data: r.average.map((a) => (a.period === 0 ? null : a.retention)),
                      },
                      {
                        name: 'Bought in period or later',
                        type: 'line',
                        lineStyle: { type: 'dashed' },
                        data: r.average.map((a) => (a.period === 0 ? null : a.retention_or_later)),
                      },
                    ],
                  })}
                />
                <Chart
                  title="Cumulative revenue per customer"
                  description="average cumulative revenue per cohort customer by period"
                  data={{
                    columns: ['period', 'cumulative_revenue_per_customer'],
                    rows: r.average.map((a) => [a.period, a.cumulative_revenue_per_customer]),
                  }}
                  option={(c) => ({
                    tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (v: number) => money(v, true) }),
                    grid: { left: 56, right: 16, top: 16, bottom: 28 },
                    xAxis: { type: 'category', data: r.average.map((a) => a.period), ...axis(c) },
                    yAxis: { type: 'value', ...axis(c) },
                    series: [
                      {
                        name: 'R$ per customer',
                        type: 'line',
                        areaStyle: { opacity: 0.15 },
                        data: r.average.map((a) => a.cumulative_revenue_per_customer),
                      },
                    ],
                  })}
                />
              </div>
            </>
          );
        }}
      </Async>
    </section>
  );
}
