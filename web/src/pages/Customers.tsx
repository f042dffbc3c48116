import type { Result, SegmentsView } from '../api/types.ts';
import { navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Async } from '../components/States.tsx';
import { decimal, integer, money, percent } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, describeFilters, linkKeepingFilters } from '../state/filters.ts';

type Seg = SegmentsView['segments'][number];

export default function Customers() {
  const { filters, route } = useApp();
  const q = useGet<Result<SegmentsView>>(`/analysis/segments${apiQuery(filters, { dates: false })}`);
  const listLink = (segment?: string) => linkKeepingFilters('/customers/list', route.params, { segment });

  const columns: Column<Seg>[] = [
    {
      key: 'segment',
      label: 'Segment',
      value: (s) => s.segment,
      render: (s) => <a href={listLink(s.segment)}>{s.segment}</a>,
    },
    {
      key: 'customers',
      label: 'Customers',
      numeric: true,
      value: (s) => s.customers,
      render: (s) => integer(s.customers),
    },
    {
      key: 'share',
      label: 'Share',
      numeric: true,
      value: (s) => s.share_customers,
      render: (s) => percent(s.share_customers),
    },
    {
      key: 'revenue',
      label: 'Revenue',
      numeric: true,
      value: (s) => s.revenue,
      render: (s) => money(s.revenue),
    },
    {
      key: 'share_rev',
      label: 'Revenue share',
      numeric: true,
      value: (s) => s.share_revenue,
      render: (s) => percent(s.share_revenue),
    },
    {
      key: 'recency',
      label: 'Avg recency (days)',
      numeric: true,
      value: (s) => s.avg_recency_days,
      render: (s) => decimal(s.avg_recency_days, 0),
    },
    {
      key: 'freq',
      label: 'Avg orders',
      numeric: true,
      value: (s) => s.avg_frequency,
      render: (s) => decimal(s.avg_frequency),
    },
    {
      key: 'monetary',
      label: 'Avg spend',
      numeric: true,
      value: (s) => s.avg_monetary,
      render: (s) => money(s.avg_monetary),
    },
  ];

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Customers (RFM)</h1>
        <p className="muted">{describeFilters({ ...filters, from: undefined, to: undefined })}</p>
        <a href={listLink()}>All customers →</a>
        <ApiExport analysis="segments" label="Export segments" query={apiQuery(filters, { dates: false })} />
      </div>
      <Async q={q} empty={(r) => r.data.customers === 0}>
        {({ data: s }) => (
          <>
            <p className="muted" data-testid="rfm-total">
              {integer(s.customers)} customers, {integer(s.orders)} orders, {money(s.revenue)} revenue, as of{' '}
              {s.as_of}.
            </p>
            <div className="grid">
              <Chart
                title="Segments by customers"
                description="treemap of RFM segments sized by customers; click a segment to list its customers"
                height={340}
                data={{
                  columns: ['segment', 'customers', 'revenue'],
                  rows: s.segments.map((x) => [x.segment, x.customers, x.revenue]),
                }}
                onClick={(p) => {
                  if (p.name) navigate(listLink(p.name));
                }}
                option={(c) => ({
                  tooltip: tooltip(c, {
                    formatter: (p: { name: string; value: number }) =>
                      `${p.name}: ${integer(p.value)} customers`,
                  }),
                  series: [
                    {
                      type: 'treemap',
                      roam: false,
                      nodeClick: false,
                      breadcrumb: { show: false },
                      top: 0,
                      left: 0,
                      right: 0,
                      bottom: 0,
                      label: { color: '#000000', fontSize: 12, overflow: 'truncate' },
                      itemStyle: { borderColor: c.background, borderWidth: 2, gapWidth: 2 },
                      cursor: 'pointer',
                      data: s.segments
                        .filter((x) => x.customers > 0)
                        .map((x, i) => ({
                          name: x.segment,
                          value: x.customers,
                          itemStyle: {
                            color: [
                              '#56B4E9',
                              '#E69F00',
                              '#009E73',
                              '#CC79A7',
                              '#F0E442',
                              '#D55E00',
                              '#88CCEE',
                              '#DDCC77',
                              '#44AA99',
                              '#AA4499',
                              '#BBBBBB',
                            ][i % 11],
                          },
                        })),
                    },
                  ],
                })}
              />
              <RfHeatmap grid={s.grid} />
            </div>
            <DataTable
              title="Segments"
              rows={s.segments}
              columns={columns}
              rowKey={(x) => x.segment}
              pageSize={12}
            />
            <h2>Recommendations</h2>
            <div className="grid">
              {s.recommendations
                .filter((r) => r.priority !== 'none')
                .map((r) => (
                  <article key={r.segment} className="card">
                    <h3>
                      <a href={listLink(r.segment)}>{r.segment}</a>{' '}
                      <span className={`tag tag-${r.priority}`}>{r.priority} priority</span>
                    </h3>
                    <p>{r.finding}</p>
                    <p>
                      <strong>Action:</strong> {r.action}
                    </p>
                  </article>
                ))}
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

function RfHeatmap({ grid }: { grid: SegmentsView['grid'] }) {
  const max = Math.max(1, ...grid.map((g) => g.customers));
  return (
    <Chart
      title="Recency × frequency (customers)"
      description="heatmap of customers by recency score (columns) and frequency score (rows)"
      height={340}
      data={{
        columns: ['r_score', 'f_score', 'customers', 'revenue'],
        rows: grid.map((g) => [g.r_score, g.f_score, g.customers, g.revenue]),
      }}
      option={(c) => ({
        tooltip: tooltip(c, {
          formatter: (p: { value: [number, number, number] }) =>
            `R ${p.value[0] + 1}, F ${p.value[1] + 1}: ${integer(p.value[2])} customers`,
        }),
        grid: { left: 64, right: 16, top: 10, bottom: 70 },
        xAxis: {
          type: 'category',
          name: 'Recency score',
          nameLocation: 'middle',
          nameGap: 26,
          data: [1, 2, 3, 4, 5],
          ...axis(c),
        },
        yAxis: {
          type: 'category',
          name: 'Frequency score',
          nameLocation: 'middle',
          nameGap: 40,
          data: [1, 2, 3, 4, 5],
          ...axis(c),
        },
        visualMap: {
          min: 0,
          max,
          calculable: false,
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
            data: grid.map((g) => [g.r_score - 1, g.f_score - 1, g.customers]),
            label: {
              show: true,
              color: c.text,
              backgroundColor: c.background,
              padding: 2,
              borderRadius: 2,
              fontSize: 11,
            },
          },
        ],
      })}
    />
  );
}
