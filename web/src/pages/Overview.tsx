import type { Kpis, Overview as OverviewData, Result } from '../api/types.ts';
import { useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Async } from '../components/States.tsx';
import { comparisonRanges, findings, KPI_DEFS } from '../findings.ts';
import { compactNumber, money, percent } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, describeFilters, type Filters, monthRange } from '../state/filters.ts';

export default function Overview() {
  const { filters, setFilters } = useApp();
  const q = useGet<Result<OverviewData>>(`/analysis/overview${apiQuery(filters)}`);
  const ranges = q.data
    ? comparisonRanges(filters, q.data.data.last_purchase, q.data.data.first_purchase)
    : null;
  const withRange = (r: { from: string; to: string }): Filters => ({ ...filters, from: r.from, to: r.to });
  const cur = useGet<Result<OverviewData>>(
    ranges ? `/analysis/overview${apiQuery(withRange(ranges.current))}` : null,
  );
  const prev = useGet<Result<OverviewData>>(
    ranges ? `/analysis/overview${apiQuery(withRange(ranges.previous))}` : null,
  );
  const curK: Kpis | null = cur.data?.data.kpis ?? null;
  const prevK: Kpis | null = prev.data?.data.kpis ?? null;

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Overview</h1>
        <p className="muted">{describeFilters(filters)}</p>
        <ApiExport analysis="overview" query={apiQuery(filters)} />
        <ApiExport analysis="health" label="Health report" formats={['xlsx', 'pdf']} query="" quiet />
      </div>
      <Async q={q}>
        {({ data: o }) => (
          <>
            <div className="kpis">
              {KPI_DEFS.map((d) => (
                <KpiCard
                  key={d.key}
                  id={d.key}
                  label={d.label}
                  hint={d.hint}
                  kind={d.kind}
                  value={o.kpis[d.key]}
                  {...(curK && prevK && ranges
                    ? { current: curK[d.key], previous: prevK[d.key], compareLabel: ranges.label }
                    : {})}
                />
              ))}
            </div>
            <section className="card" aria-labelledby="findings-title" style={{ marginBottom: '0.9rem' }}>
              <h2 id="findings-title" style={{ marginTop: 0 }}>
                Findings
              </h2>
              <ul className="findings" data-testid="findings">
                {findings(o, prevK, curK, ranges?.label ?? '').map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
              {ranges && (
                <p className="muted" style={{ marginBottom: 0, fontSize: '0.82rem' }}>
                  Changes compare {ranges.current.from} → {ranges.current.to} with {ranges.previous.from} →{' '}
                  {ranges.previous.to}.
                </p>
              )}
            </section>
            <div className="grid">
              <Chart
                title="Monthly revenue and orders"
                description={`${o.trend.length} months; click a month to filter to it`}
                data={{
                  columns: ['month', 'revenue', 'orders', 'customers'],
                  rows: o.trend.map((m) => [m.month, m.revenue, m.orders, m.customers]),
                }}
                onClick={(p) => {
                  const r = p.name ? monthRange(p.name) : null;
                  if (r) setFilters({ ...filters, ...r });
                }}
                option={(c) => ({
                  tooltip: tooltip(c, { trigger: 'axis' }),
                  legend: { textStyle: { color: c.text }, top: 0 },
                  grid: { left: 56, right: 48, top: 36, bottom: 28 },
                  xAxis: { type: 'category', data: o.trend.map((m) => m.month), ...axis(c) },
                  yAxis: [
                    {
                      type: 'value',
                      name: 'Revenue',
                      ...axis(c),
                      axisLabel: { color: c.muted, formatter: compactNumber },
                    },
                    { type: 'value', name: 'Orders', ...axis(c), splitLine: { show: false } },
                  ],
                  series: [
                    {
                      name: 'Revenue (R$)',
                      type: 'bar',
                      data: o.trend.map((m) => m.revenue),
                      tooltip: { valueFormatter: (v: number) => money(v) },
                      cursor: 'pointer',
                    },
                    {
                      name: 'Orders',
                      type: 'line',
                      yAxisIndex: 1,
                      data: o.trend.map((m) => m.orders),
                      symbolSize: 6,
                    },
                  ],
                })}
              />
              <Chart
                title="Monthly repeat, on-time and review rates"
                description="repeat customer rate, on-time delivery rate and review score per month"
                data={{
                  columns: ['month', 'repeat_customer_rate', 'on_time_rate', 'avg_review_score'],
                  rows: o.trend.map((m) => [
                    m.month,
                    m.repeat_customer_rate,
                    m.on_time_rate,
                    m.avg_review_score,
                  ]),
                }}
                option={(c) => ({
                  tooltip: tooltip(c, { trigger: 'axis' }),
                  legend: { textStyle: { color: c.text }, top: 0 },
                  grid: { left: 48, right: 40, top: 36, bottom: 28 },
                  xAxis: { type: 'category', data: o.trend.map((m) => m.month), ...axis(c) },
                  yAxis: [
                    {
                      type: 'value',
                      min: 0,
                      max: 1,
                      ...axis(c),
                      axisLabel: { color: c.muted, formatter: (v: number) => percent(v, 0) },
                    },
                    { type: 'value', min: 1, max: 5, name: 'Review', ...axis(c), splitLine: { show: false } },
                  ],
                  series: [
                    {
                      name: 'On-time rate',
                      type: 'line',
                      data: o.trend.map((m) => m.on_time_rate),
                      tooltip: { valueFormatter: (v: number) => percent(v) },
                    },
                    {
                      name: 'Repeat rate',
                      type: 'line',
                      data: o.trend.map((m) => m.repeat_customer_rate),
                      lineStyle: { type: 'dashed' },
                      tooltip: { valueFormatter: (v: number) => percent(v) },
                    },
                    {
                      name: 'Review score',
                      type: 'line',
                      yAxisIndex: 1,
                      data: o.trend.map((m) => m.avg_review_score),
                      lineStyle: { type: 'dotted' },
                      symbol: 'triangle',
                    },
                  ],
                })}
              />
            </div>
          </>
        )}
      </Async>
    </section>
  );
}
