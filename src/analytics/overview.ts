import { z } from 'zod';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine, literal } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { purchaseFactsSql } from './orderFacts.ts';
import { datasetVersionSchema, filterShape, filtersOf, isoDateSchema } from './params.ts';
import type { AnalysisOutput } from './result.ts';

/**
 * Overview KPIs for a date range of purchases [from, to) and optional filters, with a monthly trend
 * of each (every calendar month between the first and last purchase in range, empty months as 0).
 *
 * - revenue, orders (purchases), customers (distinct customer_unique_id), average order value;
 * - repeat-customer rate: share of the window's customers with a purchase in the window that is not
 *   their first ever (history under the same state/category filters, before the window included);
 *   over the whole data this is the usual "bought more than once" share;
 * - average review score over the window's purchases with a review (one review per order);
 * - on-time delivery rate over the window's delivered purchases (orderFacts.ts).
 */

export const overviewParamsSchema = z
  .strictObject({
    dataset_version: datasetVersionSchema.optional(),
    /** First purchase date included, YYYY-MM-DD. */
    from: isoDateSchema.optional(),
    /** First purchase date excluded, YYYY-MM-DD. */
    to: isoDateSchema.optional(),
    ...filterShape,
  })
  .refine((p) => !p.from || !p.to || p.from < p.to, { message: 'from must be before to', path: ['to'] });
export type OverviewParams = z.output<typeof overviewParamsSchema>;
export type OverviewParamsInput = z.input<typeof overviewParamsSchema>;

export interface Kpis {
  readonly revenue: number;
  readonly orders: number;
  readonly customers: number;
  readonly avg_order_value: number | null;
  readonly repeat_customers: number;
  readonly repeat_customer_rate: number | null;
  readonly reviewed_orders: number;
  readonly avg_review_score: number | null;
  readonly delivered_orders: number;
  readonly on_time_orders: number;
  readonly on_time_rate: number | null;
}

export interface OverviewResult {
  /** First and last purchase date in the range (null when there is none). */
  readonly first_purchase: string | null;
  readonly last_purchase: string | null;
  readonly kpis: Kpis;
  readonly trend: readonly ({ readonly month: string } & Kpis)[];
}

const KPI_SELECT = `coalesce(sum(order_value), 0)::DOUBLE AS revenue,
       count(*)::INTEGER AS orders,
       count(DISTINCT customer_unique_id)::INTEGER AS customers,
       (sum(order_value) / nullif(count(*), 0))::DOUBLE AS avg_order_value,
       count(DISTINCT customer_unique_id) FILTER (WHERE repeat)::INTEGER AS repeat_customers,
       (count(DISTINCT customer_unique_id) FILTER (WHERE repeat) / nullif(count(DISTINCT customer_unique_id), 0))::DOUBLE
         AS repeat_customer_rate,
       count(review_score)::INTEGER AS reviewed_orders,
       avg(review_score)::DOUBLE AS avg_review_score,
       count(*) FILTER (WHERE delivered)::INTEGER AS delivered_orders,
       count(*) FILTER (WHERE on_time)::INTEGER AS on_time_orders,
       (count(*) FILTER (WHERE on_time) / nullif(count(*) FILTER (WHERE delivered), 0))::DOUBLE AS on_time_rate`;

export async function computeOverview(
  engine: Engine,
  ds: DatasetRef,
  defs: Definitions,
  params: OverviewParams,
): Promise<AnalysisOutput<OverviewResult>> {
  const timings: Record<string, number> = {};
  const { states, categories } = params;
  const where = [
    ...(params.from ? [`purchase_date >= ${literal(params.from)}::DATE`] : []),
    ...(params.to ? [`purchase_date < ${literal(params.to)}::DATE`] : []),
  ];
  const t0 = performance.now();
  const data = await engine.withConnection(async (conn) => {
    await conn.run('DROP TABLE IF EXISTS overview_f; DROP TABLE IF EXISTS overview_w');
    // The whole history under the filters: a customer's first purchase (earliest, then smallest
    // order id) may lie before the range. Aggregate + join rather than a window: both spill to disk.
    await conn.run(
      `CREATE TEMP TABLE overview_f AS
         SELECT order_id, customer_unique_id, purchased_at, purchase_date, order_value, review_score, delivered, on_time
           FROM (${purchaseFactsSql(ds, defs, filtersOf({ states, categories }))})`,
    );
    await conn.run(
      `CREATE TEMP TABLE overview_w AS
         SELECT f.customer_unique_id, f.purchase_date, f.order_value, f.review_score, f.delivered, f.on_time,
                first.order_id IS NULL AS repeat
           FROM overview_f f
           LEFT JOIN (SELECT struct_extract(min(struct_pack(t := purchased_at, o := order_id)), 'o') AS order_id
                        FROM overview_f GROUP BY customer_unique_id) first USING (order_id)
         ${where.length ? `WHERE ${where.map((w) => `f.${w}`).join(' AND ')}` : ''}`,
    );
    await conn.run('DROP TABLE IF EXISTS overview_f');
    timings.purchases = Math.round(performance.now() - t0);
    const [total] = await Engine.allOn<Kpis & { first: string | null; last: string | null }>(
      conn,
      `SELECT ${KPI_SELECT}, strftime(min(purchase_date), '%Y-%m-%d') AS first,
              strftime(max(purchase_date), '%Y-%m-%d') AS last
         FROM overview_w`,
    );
    const trend = await Engine.allOn<{ month: string } & Kpis>(
      conn,
      `WITH agg AS (SELECT date_trunc('month', purchase_date)::DATE AS m, ${KPI_SELECT} FROM overview_w GROUP BY 1),
            months AS (SELECT unnest(generate_series(min(m), max(m), INTERVAL 1 MONTH))::DATE AS m FROM agg)
       SELECT strftime(months.m, '%Y-%m') AS month,
              coalesce(revenue, 0)::DOUBLE AS revenue, coalesce(orders, 0)::INTEGER AS orders,
              coalesce(customers, 0)::INTEGER AS customers, avg_order_value,
              coalesce(repeat_customers, 0)::INTEGER AS repeat_customers, repeat_customer_rate,
              coalesce(reviewed_orders, 0)::INTEGER AS reviewed_orders, avg_review_score,
              coalesce(delivered_orders, 0)::INTEGER AS delivered_orders,
              coalesce(on_time_orders, 0)::INTEGER AS on_time_orders, on_time_rate
         FROM months LEFT JOIN agg USING (m) ORDER BY months.m`,
    );
    await conn.run('DROP TABLE IF EXISTS overview_w');
    return { total: total!, trend };
  });
  timings.aggregate = Math.round(performance.now() - t0) - (timings.purchases ?? 0);
  const { first, last, ...kpis } = data.total;
  const warnings = kpis.orders === 0 ? ['no purchases in the range and filters'] : [];
  return {
    data: { first_purchase: first, last_purchase: last, kpis, trend: data.trend },
    rows: { purchases: kpis.orders, months: data.trend.length },
    warnings,
    timings_ms: timings,
  };
}
