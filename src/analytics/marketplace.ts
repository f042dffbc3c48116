import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { stagePurchaseFacts } from './orderFacts.ts';
import { datasetVersionSchema, filterShape, filtersOf, isoDateSchema } from './params.ts';
import { type Concentration, concentration } from './pareto.ts';
import type { AnalysisOutput } from './result.ts';

/**
 * Marketplace views over the purchases of a date range [from, to) and filters:
 * - delivery performance (delivery days, late share) overall, by outcome, by days late, by
 *   customer state and by purchase month, each against the average review score;
 * - revenue and customers by customer state;
 * - category performance: revenue, orders, average review, repeat rates;
 * - seller concentration: Pareto shares, Gini and HHI of seller revenue, top sellers.
 *
 * Category and seller revenue: an order's value (per the order-value definition) is split over
 * its items in proportion to price + freight (equally when those are all 0), so categories and
 * sellers add up to the revenue of the purchases that have items; purchases without items are
 * reported as `unattributed_revenue`.
 */

export const marketplaceParamsSchema = z
  .strictObject({
    dataset_version: datasetVersionSchema.optional(),
    from: isoDateSchema.optional(),
    to: isoDateSchema.optional(),
    ...filterShape,
    /** How many top sellers to list (default 10). */
    top_sellers: z.coerce.number().int().min(1).max(1000).default(10),
  })
  .refine((p) => !p.from || !p.to || p.from < p.to, { message: 'from must be before to', path: ['to'] });
export type MarketplaceParams = z.output<typeof marketplaceParamsSchema>;
export type MarketplaceParamsInput = z.input<typeof marketplaceParamsSchema>;

export interface DeliveryStats {
  readonly orders: number;
  readonly delivered_orders: number;
  readonly avg_delivery_days: number | null;
  readonly median_delivery_days: number | null;
  readonly late_orders: number;
  readonly late_share: number | null;
  readonly reviewed_orders: number;
  readonly avg_review_score: number | null;
}

export interface ReviewByGroup {
  readonly group: string;
  readonly orders: number;
  readonly reviewed_orders: number;
  readonly avg_review_score: number | null;
}

export interface StateRevenue {
  readonly state: string;
  readonly revenue: number;
  readonly share_revenue: number | null;
  readonly orders: number;
  readonly customers: number;
  readonly avg_order_value: number | null;
}

export interface CategoryPerformance {
  /** Portuguese name as in the data; '(none)' for products without a category. */
  readonly category: string;
  /** English translation where the translation file has one. */
  readonly category_english: string | null;
  readonly revenue: number;
  readonly share_revenue: number | null;
  readonly orders: number;
  readonly items: number;
  readonly customers: number;
  readonly reviewed_orders: number;
  readonly avg_review_score: number | null;
  /** Share of the category's customers with 2 or more purchases (any category) in the range. */
  readonly repeat_rate: number | null;
  /** Share of the category's customers with 2 or more purchases containing this category. */
  readonly category_repeat_rate: number | null;
}

export interface SellerRevenue {
  readonly seller_id: string;
  readonly seller_state: string | null;
  readonly revenue: number;
  readonly share_revenue: number | null;
  readonly orders: number;
}

export interface MarketplaceResult {
  readonly delivery: {
    readonly overall: DeliveryStats;
    /** on_time, late, not_delivered. */
    readonly by_outcome: readonly ReviewByGroup[];
    /** Buckets of delivered date − estimated date, in days. */
    readonly by_days_late: readonly ReviewByGroup[];
    readonly by_state: readonly ({ readonly state: string } & DeliveryStats)[];
    readonly by_month: readonly ({ readonly month: string } & DeliveryStats)[];
  };
  readonly states: readonly StateRevenue[];
  readonly categories: readonly CategoryPerformance[];
  readonly sellers: {
    readonly concentration: Concentration;
    readonly top: readonly SellerRevenue[];
  };
  readonly revenue: number;
  readonly unattributed_revenue: number;
}

const DELIVERY_SELECT = `count(*)::INTEGER AS orders,
       count(*) FILTER (WHERE delivered)::INTEGER AS delivered_orders,
       avg(delivery_days)::DOUBLE AS avg_delivery_days,
       median(delivery_days)::DOUBLE AS median_delivery_days,
       count(*) FILTER (WHERE NOT on_time)::INTEGER AS late_orders,
       (count(*) FILTER (WHERE NOT on_time) / nullif(count(*) FILTER (WHERE delivered), 0))::DOUBLE AS late_share,
       count(review_score)::INTEGER AS reviewed_orders,
       avg(review_score)::DOUBLE AS avg_review_score`;

const REVIEW_SELECT = `count(*)::INTEGER AS orders, count(review_score)::INTEGER AS reviewed_orders,
       avg(review_score)::DOUBLE AS avg_review_score`;

/** Days-late buckets: [label, lowest days late, highest] (null = open). */
const LATE_BUCKETS: readonly [string, number | null, number | null][] = [
  ['more than 7 days early', null, -8],
  ['1-7 days early', -7, -1],
  ['on the estimated day', 0, 0],
  ['1-3 days late', 1, 3],
  ['4-7 days late', 4, 7],
  ['8-14 days late', 8, 14],
  ['more than 14 days late', 15, null],
];

function bucketCaseSql(): string {
  const whens = LATE_BUCKETS.map(([, lo, hi], i) => {
    const conds = [
      ...(lo === null ? [] : [`days_late >= ${lo}`]),
      ...(hi === null ? [] : [`days_late <= ${hi}`]),
    ];
    return `WHEN ${conds.join(' AND ')} THEN ${i}`;
  });
  return `CASE ${whens.join(' ')} END`;
}

async function deliveryViews(conn: DuckDBConnection): Promise<MarketplaceResult['delivery']> {
  const [overall] = await Engine.allOn<DeliveryStats>(conn, `SELECT ${DELIVERY_SELECT} FROM mk_p`);
  const by_outcome = await Engine.allOn<ReviewByGroup>(
    conn,
    `SELECT CASE WHEN NOT delivered THEN 'not_delivered' WHEN on_time THEN 'on_time' ELSE 'late' END AS "group",
            ${REVIEW_SELECT}
       FROM mk_p GROUP BY 1
      ORDER BY CASE "group" WHEN 'on_time' THEN 0 WHEN 'late' THEN 1 ELSE 2 END`,
  );
  const bucketRows = await Engine.allOn<{ b: number } & Omit<ReviewByGroup, 'group'>>(
    conn,
    `SELECT ${bucketCaseSql()} AS b, ${REVIEW_SELECT} FROM mk_p WHERE delivered GROUP BY 1 ORDER BY 1`,
  );
  const by_days_late = bucketRows.map(({ b, ...r }) => ({ group: LATE_BUCKETS[b]![0], ...r }));
  const by_state = await Engine.allOn<{ state: string } & DeliveryStats>(
    conn,
    `SELECT customer_state AS state, ${DELIVERY_SELECT} FROM mk_p GROUP BY 1 ORDER BY orders DESC, state`,
  );
  const by_month = await Engine.allOn<{ month: string } & DeliveryStats>(
    conn,
    `SELECT strftime(purchase_date, '%Y-%m') AS month, ${DELIVERY_SELECT} FROM mk_p GROUP BY 1 ORDER BY 1`,
  );
  return { overall: overall!, by_outcome, by_days_late, by_state, by_month };
}

export async function computeMarketplace(
  engine: Engine,
  ds: DatasetRef,
  defs: Definitions,
  params: MarketplaceParams,
): Promise<AnalysisOutput<MarketplaceResult>> {
  const timings: Record<string, number> = {};
  const mark = (name: string, since: number) => {
    timings[name] = Math.round(performance.now() - since);
  };
  const data = await engine.withConnection(async (conn) => {
    let t = performance.now();
    // Memory (10M customers in 4 GB): staged in temporary tables so that every statement runs at
    // most three hash joins or aggregates (besides look-ups in small tables), which DuckDB spills
    // to disk; no windows over orders, no DISTINCT aggregates; insertion order is not needed.
    await conn.run('SET SESSION preserve_insertion_order = false');
    await conn.run(`DROP TABLE IF EXISTS mk_p; DROP TABLE IF EXISTS mk_cust; DROP TABLE IF EXISTS mk_o; DROP TABLE IF EXISTS mk_alloc;
      DROP TABLE IF EXISTS mk_co; DROP TABLE IF EXISTS mk_sellers`);
    const facts = await stagePurchaseFacts(conn, 'mk_f', ds, defs, filtersOf(params));
    await conn.run(
      `CREATE TEMP TABLE mk_p AS
         SELECT order_id, customer_unique_id, customer_state, purchase_date, order_value, delivered, on_time,
                delivery_days, days_late, review_score
           FROM (${facts.sql})`,
    );
    await conn.run(facts.drop);
    // Per purchase with items: the item total (price + freight) and count, to split its value, and
    // integer keys in place of the order and customer ids (row ids of mk_p and of mk_cust, the
    // customers with their number of purchases), so that later steps group narrow rows.
    await conn.run(
      `CREATE TEMP TABLE mk_cust AS SELECT customer_unique_id, count(*) AS purchases FROM mk_p GROUP BY 1`,
    );
    await conn.run(
      `CREATE TEMP TABLE mk_o AS
         SELECT p.rowid AS ok, order_id, c.rowid AS ck, c.purchases, p.order_value, p.review_score, i.total, i.n
           FROM mk_p p
           JOIN (SELECT order_id, sum(price + freight_value) AS total, count(*) AS n
                   FROM ${tableRef(ds, 'order_items')} GROUP BY order_id) i USING (order_id)
           JOIN mk_cust c USING (customer_unique_id)`,
    );
    await conn.run('DROP TABLE mk_cust');
    // One row per item of a purchase: its share of the order value, seller and category.
    await conn.run(
      `CREATE TEMP TABLE mk_alloc AS
         SELECT o.ok, o.ck, o.purchases, o.review_score, i.seller_id,
                coalesce(pr.product_category_name, '(none)') AS category, tr.product_category_name_english AS en,
                CASE WHEN o.total > 0 THEN o.order_value * (i.price + i.freight_value) / o.total
                     ELSE o.order_value / o.n END AS value
           FROM ${tableRef(ds, 'order_items')} i
           JOIN mk_o o USING (order_id)
           LEFT JOIN ${tableRef(ds, 'products')} pr USING (product_id)
           LEFT JOIN ${tableRef(ds, 'category_translation')} tr USING (product_category_name)`,
    );
    await conn.run('DROP TABLE mk_o');
    mark('purchases', t);

    t = performance.now();
    const delivery = await deliveryViews(conn);
    mark('delivery', t);

    t = performance.now();
    const [tot] = await Engine.allOn<{ revenue: number; attributed: number }>(
      conn,
      `SELECT coalesce((SELECT sum(order_value) FROM mk_p), 0)::DOUBLE AS revenue,
              coalesce((SELECT sum(value) FROM mk_alloc), 0)::DOUBLE AS attributed`,
    );
    const revenue = tot?.revenue ?? 0;
    const states = await Engine.allOn<StateRevenue>(
      conn,
      `WITH sc AS (
         SELECT customer_state, sum(order_value) AS revenue, count(*) AS orders FROM mk_p GROUP BY customer_state, customer_unique_id
       )
       SELECT customer_state AS state, sum(revenue)::DOUBLE AS revenue,
              (sum(revenue) / nullif(sum(sum(revenue)) OVER (), 0))::DOUBLE AS share_revenue,
              sum(orders)::INTEGER AS orders, count(*)::INTEGER AS customers,
              (sum(revenue) / sum(orders))::DOUBLE AS avg_order_value
         FROM sc GROUP BY 1 ORDER BY revenue DESC, state`,
    );
    mark('states', t);

    t = performance.now();
    // One row per (category, purchase), with the purchase's customer and review.
    await conn.run(
      `CREATE TEMP TABLE mk_co AS
         SELECT category, ok, any_value(ck) AS ck, any_value(purchases) AS purchases,
                any_value(review_score) AS review_score
           FROM mk_alloc GROUP BY category, ok`,
    );
    const categories = await Engine.allOn<CategoryPerformance>(
      conn,
      `WITH crev AS (
         SELECT category, any_value(en) AS en, sum(value) AS revenue, count(*) AS items FROM mk_alloc GROUP BY 1
       ),
       crev2 AS (
         SELECT category, count(*) AS orders, count(review_score) AS reviewed, avg(review_score) AS avg_review
           FROM mk_co GROUP BY 1
       ),
       cc AS (
         SELECT category, ck, count(*) AS cat_orders, any_value(purchases) AS purchases FROM mk_co GROUP BY category, ck
       ),
       crep AS (
         SELECT category, count(*) AS customers,
                count(*) FILTER (WHERE purchases >= 2) AS repeaters,
                count(*) FILTER (WHERE cat_orders >= 2) AS cat_repeaters
           FROM cc GROUP BY 1
       )
       SELECT crev.category, crev.en AS category_english, crev.revenue::DOUBLE AS revenue,
              (crev.revenue / nullif(sum(crev.revenue) OVER (), 0))::DOUBLE AS share_revenue,
              crev2.orders::INTEGER AS orders, crev.items::INTEGER AS items, crep.customers::INTEGER AS customers,
              crev2.reviewed::INTEGER AS reviewed_orders, crev2.avg_review::DOUBLE AS avg_review_score,
              (crep.repeaters / crep.customers)::DOUBLE AS repeat_rate,
              (crep.cat_repeaters / crep.customers)::DOUBLE AS category_repeat_rate
         FROM crev JOIN crev2 USING (category) JOIN crep USING (category)
        ORDER BY revenue DESC, category`,
    );
    mark('categories', t);

    t = performance.now();
    await conn.run('DROP TABLE IF EXISTS mk_sellers');
    await conn.run(
      `CREATE TEMP TABLE mk_sellers AS
         SELECT seller_id, sum(revenue) AS revenue, count(*) AS orders
           FROM (SELECT seller_id, ok, sum(value) AS revenue FROM mk_alloc GROUP BY seller_id, ok)
          GROUP BY seller_id`,
    );
    const sellerConcentration = await concentration(conn, '(SELECT revenue AS value FROM mk_sellers)');
    const top = await Engine.allOn<SellerRevenue>(
      conn,
      `SELECT s.seller_id, se.seller_state, s.revenue::DOUBLE AS revenue,
              (s.revenue / nullif((SELECT sum(revenue) FROM mk_sellers), 0))::DOUBLE AS share_revenue,
              s.orders::INTEGER AS orders
         FROM mk_sellers s LEFT JOIN ${tableRef(ds, 'sellers')} se USING (seller_id)
        ORDER BY s.revenue DESC, s.seller_id LIMIT ${params.top_sellers}`,
    );
    mark('sellers', t);
    await conn.run(
      'DROP TABLE IF EXISTS mk_p; DROP TABLE IF EXISTS mk_alloc; DROP TABLE IF EXISTS mk_co; DROP TABLE IF EXISTS mk_sellers',
    );
    return {
      delivery,
      states,
      categories,
      sellers: { concentration: sellerConcentration, top },
      revenue,
      unattributed_revenue: revenue - (tot?.attributed ?? 0),
    };
  });
  const warnings: string[] = [];
  if (data.delivery.overall.orders === 0) warnings.push('no purchases in the range and filters');
  if (Math.abs(data.unattributed_revenue) > 0.005) {
    warnings.push(
      `R$ ${data.unattributed_revenue.toFixed(2)} of revenue comes from purchases without items and is not attributed to categories or sellers`,
    );
  }
  return {
    data,
    rows: {
      purchases: data.delivery.overall.orders,
      states: data.states.length,
      categories: data.categories.length,
      sellers: data.sellers.concentration.units,
    },
    warnings,
    timings_ms: timings,
  };
}
