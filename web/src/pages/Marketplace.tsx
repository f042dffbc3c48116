import type { Marketplace as M, Result } from '../api/types.ts';
import { navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Async } from '../components/States.tsx';
import { compactNumber, decimal, integer, money, percent } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, describeFilters, formatHash, withFilters } from '../state/filters.ts';

export default function Marketplace() {
  const { filters } = useApp();
  const q = useGet<Result<M>>(`/analysis/marketplace${apiQuery(filters, { extra: { top_sellers: 20 } })}`);
  /** Drill to another page with one more filter, keeping the others. */
  const drill = (path: string, extra: { states?: string[]; categories?: string[] }) =>
    navigate(formatHash(path, withFilters(new URLSearchParams(), { ...filters, ...extra })));

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Marketplace</h1>
        <p className="muted">{describeFilters(filters)}</p>
        <ApiExport analysis="marketplace" query={apiQuery(filters, { extra: { top_sellers: 20 } })} />
      </div>
      <Async q={q} empty={(r) => r.data.delivery.overall.orders === 0}>
        {({ data: m }) => {
          const d = m.delivery.overall;
          const states = [...m.states].sort((a, b) => b.revenue - a.revenue);
          const cats = [...m.categories].sort((a, b) => b.revenue - a.revenue).slice(0, 15);
          type Cat = M['categories'][number];
          const catCols: Column<Cat>[] = [
            { key: 'category', label: 'Category', value: (c) => c.category_english ?? c.category },
            {
              key: 'revenue',
              label: 'Revenue',
              numeric: true,
              value: (c) => c.revenue,
              render: (c) => money(c.revenue),
            },
            {
              key: 'share',
              label: 'Share',
              numeric: true,
              value: (c) => c.share_revenue,
              render: (c) => percent(c.share_revenue),
            },
            {
              key: 'orders',
              label: 'Orders',
              numeric: true,
              value: (c) => c.orders,
              render: (c) => integer(c.orders),
            },
            {
              key: 'review',
              label: 'Review',
              numeric: true,
              value: (c) => c.avg_review_score,
              render: (c) => decimal(c.avg_review_score),
            },
            {
              key: 'repeat',
              label: 'Repeat rate',
              numeric: true,
              value: (c) => c.repeat_rate,
              render: (c) => percent(c.repeat_rate),
            },
          ];
          type Seller = M['sellers']['top'][number];
          const sellerCols: Column<Seller>[] = [
            {
              key: 'seller',
              label: 'Seller',
              value: (s) => s.seller_id,
              render: (s) => <code>{s.seller_id.slice(0, 12)}…</code>,
            },
            { key: 'state', label: 'State', value: (s) => s.seller_state },
            {
              key: 'revenue',
              label: 'Revenue',
              numeric: true,
              value: (s) => s.revenue,
              render: (s) => money(s.revenue),
            },
            {
              key: 'share',
              label: 'Share',
              numeric: true,
              value: (s) => s.share_revenue,
              render: (s) => percent(s.share_revenue, 2),
            },
            {
              key: 'orders',
              label: 'Orders',
              numeric: true,
              value: (s) => s.orders,
              render: (s) => integer(s.orders),
            },
          ];
          const top10 = m.sellers.concentration.top_shares.find((t) => t.top === 0.1);
          return (
            <>
              <div className="kpis">
                <KpiCard
                  id="mk-delivered"
                  label="Delivered orders"
                  kind="int"
                  value={d.delivered_orders}
                  hint="Orders delivered"
                />
                <KpiCard
                  id="mk-days"
                  label="Median delivery (days)"
                  kind="score"
                  value={d.median_delivery_days}
                  hint="Purchase to delivery"
                />
                <KpiCard
                  id="mk-late"
                  label="Late share"
                  kind="rate"
                  value={d.late_share}
                  hint="Delivered after the estimate"
                />
                <KpiCard
                  id="mk-review"
                  label="Review score"
                  kind="score"
                  value={d.avg_review_score}
                  hint="Mean review, 1–5"
                />
                <KpiCard
                  id="mk-gini"
                  label="Seller Gini"
                  kind="score"
                  value={m.sellers.concentration.gini}
                  hint="Revenue concentration across sellers"
                />
              </div>
              <div className="grid">
                <Chart
                  title="Review score by days late"
                  description="average review score by how many days late the order arrived"
                  data={{
                    columns: ['days_late', 'orders', 'reviewed_orders', 'avg_review_score'],
                    rows: m.delivery.by_days_late.map((g) => [
                      g.group,
                      g.orders,
                      g.reviewed_orders,
                      g.avg_review_score,
                    ]),
                  }}
                  option={(c) => ({
                    tooltip: tooltip(c, { trigger: 'axis' }),
                    grid: { left: 48, right: 48, top: 28, bottom: 40 },
                    legend: { textStyle: { color: c.text }, top: 0 },
                    xAxis: {
                      type: 'category',
                      name: 'Days late',
                      nameLocation: 'middle',
                      nameGap: 26,
                      data: m.delivery.by_days_late.map((g) => g.group),
                      ...axis(c),
                    },
                    yAxis: [
                      { type: 'value', min: 1, max: 5, name: 'Review', ...axis(c) },
                      { type: 'value', name: 'Orders', ...axis(c), splitLine: { show: false } },
                    ],
                    series: [
                      {
                        name: 'Average review',
                        type: 'bar',
                        data: m.delivery.by_days_late.map((g) => g.avg_review_score),
                      },
                      {
                        name: 'Orders',
                        type: 'line',
                        yAxisIndex: 1,
                        data: m.delivery.by_days_late.map((g) => g.orders),
                      },
                    ],
                  })}
                />
                <Chart
                  title="Delivery time against review score by state"
                  description="each point a customer state: average delivery days against average review score"
                  data={{
                    columns: ['state', 'avg_delivery_days', 'late_share', 'avg_review_score', 'orders'],
                    rows: m.delivery.by_state.map((s) => [
                      s.state,
                      s.avg_delivery_days,
                      s.late_share,
                      s.avg_review_score,
                      s.orders,
                    ]),
                  }}
                  onClick={(p) => {
                    const st = (p.data as { name?: string } | undefined)?.name;
                    if (st) drill('/customers/list', { states: [st] });
                  }}
                  option={(c) => ({
                    tooltip: tooltip(c, {
                      formatter: (p: { data: { name: string; value: [number, number, number] } }) =>
                        `${p.data.name}: ${p.data.value[0].toFixed(1)} days, review ${p.data.value[1].toFixed(2)}, ${integer(p.data.value[2])} orders`,
                    }),
                    grid: { left: 48, right: 16, top: 16, bottom: 40 },
                    xAxis: {
                      type: 'value',
                      name: 'Average delivery days',
                      nameLocation: 'middle',
                      nameGap: 26,
                      scale: true,
                      ...axis(c),
                    },
                    yAxis: { type: 'value', name: 'Review', scale: true, ...axis(c) },
                    series: [
                      {
                        type: 'scatter',
                        cursor: 'pointer',
                        symbolSize: (v: [number, number, number]) =>
                          Math.max(6, Math.min(40, Math.sqrt(v[2]) * 1.5)),
                        label: {
                          show: true,
                          formatter: '{b}',
                          position: 'right',
                          color: c.text,
                          fontSize: 10,
                        },
                        data: m.delivery.by_state
                          .filter((s) => s.avg_delivery_days !== null && s.avg_review_score !== null)
                          .map((s) => ({
                            name: s.state,
                            value: [s.avg_delivery_days, s.avg_review_score, s.orders],
                          })),
                      },
                    ],
                  })}
                />
              </div>
              <div className="grid">
                <Chart
                  title="Revenue by customer state"
                  description="revenue per Brazilian state, largest first (a bar chart in place of a map); click a state to list its customers"
                  height={Math.max(320, states.length * 18 + 40)}
                  data={{
                    columns: ['state', 'revenue', 'share_revenue', 'orders', 'customers'],
                    rows: states.map((s) => [s.state, s.revenue, s.share_revenue, s.orders, s.customers]),
                  }}
                  onClick={(p) => p.name && drill('/customers/list', { states: [p.name] })}
                  option={(c) => ({
                    tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (v: number) => money(v) }),
                    grid: { left: 40, right: 24, top: 8, bottom: 28 },
                    xAxis: {
                      type: 'value',
                      ...axis(c),
                      axisLabel: { color: c.muted, formatter: compactNumber },
                    },
                    yAxis: { type: 'category', inverse: true, data: states.map((s) => s.state), ...axis(c) },
                    series: [
                      { name: 'Revenue', type: 'bar', cursor: 'pointer', data: states.map((s) => s.revenue) },
                    ],
                  })}
                />
                <Chart
                  title="Top categories by revenue"
                  description="the 15 product categories with the most revenue; click one to see its customer segments"
                  height={Math.max(320, cats.length * 22 + 40)}
                  data={{
                    columns: ['category', 'revenue', 'orders'],
                    rows: cats.map((x) => [x.category, x.revenue, x.orders]),
                  }}
                  onClick={(p) => {
                    const cat = cats[p.dataIndex ?? -1];
                    if (cat) drill('/customers', { categories: [cat.category] });
                  }}
                  option={(c) => ({
                    tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (v: number) => money(v) }),
                    grid: { left: 150, right: 24, top: 8, bottom: 28 },
                    xAxis: {
                      type: 'value',
                      ...axis(c),
                      axisLabel: { color: c.muted, formatter: compactNumber },
                    },
                    yAxis: {
                      type: 'category',
                      inverse: true,
                      data: cats.map((x) => (x.category_english ?? x.category).replaceAll('_', ' ')),
                      ...axis(c),
                    },
                    series: [
                      {
                        name: 'Revenue',
                        type: 'bar',
                        cursor: 'pointer',
                        itemStyle: { color: c.series[1] },
                        data: cats.map((x) => x.revenue),
                      },
                    ],
                  })}
                />
              </div>
              <DataTable
                title="Categories"
                rows={m.categories}
                columns={catCols}
                rowKey={(c) => c.category}
              />
              <DataTable
                title="Top sellers"
                rows={m.sellers.top}
                columns={sellerCols}
                rowKey={(s) => s.seller_id}
              />
              <p className="muted" style={{ fontSize: '0.85rem' }}>
                {integer(m.sellers.concentration.units)} sellers
                {top10?.share != null ? `; the top 10% earn ${percent(top10.share)} of seller revenue` : ''}.
              </p>
            </>
          );
        }}
      </Async>
    </section>
  );
}
