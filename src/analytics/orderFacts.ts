import type { DuckDBConnection } from '@duckdb/node-api';
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import type { Definitions } from './definitions.ts';
import type { PurchaseFilters } from './purchases.ts';
import { purchasesSql } from './purchases.ts';

/**
 * Per-order facts shared by the overview and marketplace views: one review per order and the
 * delivery outcome.
 *
 * Reviews: Olist has orders with 2–3 reviews (and review ids shared between orders); each order
 * keeps its latest review by creation date, then answer time (OLIST_FACTS.md §2.9 item 2).
 *
 * Delivery: delivered = a delivered-to-customer timestamp exists; on time = delivered on or before
 * the estimated delivery *date* (the estimate is a date at 00:00, so a parcel delivered during the
 * estimated day is on time); days late = delivered date − estimated date.
 */

/**
 * One row per reviewed order: order_id, review_score of its latest review (by creation date, then
 * answer time, then review id so that the choice is deterministic). A hash aggregate, not a window sort.
 * `onlyOrders`, a SELECT of order_id, restricts it to those orders.
 */
export function reviewPerOrderSql(ds: DatasetRef, onlyOrders?: string): string {
  return `SELECT order_id,
         arg_max(review_score, struct_pack(c := review_creation_date, a := review_answer_timestamp, i := review_id))
           AS review_score
    FROM ${tableRef(ds, 'order_reviews')}${onlyOrders ? ` SEMI JOIN (${onlyOrders}) USING (order_id)` : ''}
   GROUP BY order_id`;
}

/** The delivery columns of purchaseFactsSql, from purchases `p` joined to their order `o`. */
const DELIVERY_COLUMNS = `o.order_delivered_customer_date AS delivered_at,
         o.order_estimated_delivery_date::DATE AS estimated_date,
         o.order_delivered_customer_date IS NOT NULL AS delivered,
         CASE WHEN o.order_delivered_customer_date IS NULL THEN NULL
              ELSE o.order_delivered_customer_date::DATE <= o.order_estimated_delivery_date::DATE END AS on_time,
         (epoch(o.order_delivered_customer_date) - epoch(p.purchased_at)) / 86400.0 AS delivery_days,
         date_diff('day', o.order_estimated_delivery_date::DATE, o.order_delivered_customer_date::DATE) AS days_late`;

/**
 * Purchases (purchasesSql columns) with the order's delivery facts and deduplicated review:
 * delivered_at, estimated_date, delivered (bool), on_time (null when not delivered),
 * delivery_days (fractional days purchase → delivery), days_late, review_score (null when none).
 *
 * One statement with four hash joins and two aggregates alive at once: fine for small data and
 * tests, but it does not fit a bounded memory on large data: analyses use stagePurchaseFacts.
 */
export function purchaseFactsSql(ds: DatasetRef, defs: Definitions, filters: PurchaseFilters): string {
  return `SELECT p.*, ${DELIVERY_COLUMNS},
         r.review_score
    FROM (${purchasesSql(ds, defs, filters)}) p
    JOIN ${tableRef(ds, 'orders')} o USING (order_id)
    LEFT JOIN (${reviewPerOrderSql(ds)}) r USING (order_id)`;
}

/**
 * Stages purchaseFactsSql on `conn` for large data: creates the temporary tables `<prefix>_p` (the
 * purchases) and `<prefix>_r` (the latest review per order) and returns a SELECT over them with the
 * rows and columns of purchaseFactsSql, to be used (once or more) on the same connection, and the
 * SQL that drops them. A statement using the SELECT adds two joins on order_id to its own work,
 * which DuckDB spills to disk, where purchaseFactsSql holds four joins and two aggregates at once
 * and runs out of memory. The review's arg_max, whose states (holding review ids) are outside
 * DuckDB's memory limit, runs only for the few orders with several reviews.
 */
export async function stagePurchaseFacts(
  conn: DuckDBConnection,
  prefix: string,
  ds: DatasetRef,
  defs: Definitions,
  filters: PurchaseFilters,
): Promise<{ readonly sql: string; readonly drop: string }> {
  const p = `${prefix}_p`;
  const r = `${prefix}_r`;
  const drop = `DROP TABLE IF EXISTS ${p}; DROP TABLE IF EXISTS ${r}; DROP TABLE IF EXISTS ${r}_n`;
  await conn.run(drop);
  await conn.run(`CREATE TEMP TABLE ${p} AS ${purchasesSql(ds, defs, filters)}`);
  // reviewPerOrderSql's rows, with its arg_max (whose states hold the review id outside DuckDB's
  // memory limit) run only for the few orders with several reviews.
  await conn.run(
    `CREATE TEMP TABLE ${r}_n AS
       SELECT order_id, count(*) AS n, any_value(review_score) AS review_score
         FROM ${tableRef(ds, 'order_reviews')} GROUP BY order_id`,
  );
  await conn.run(
    `CREATE TEMP TABLE ${r} AS
       SELECT order_id, CASE WHEN n = 1 THEN one.review_score ELSE many.review_score END AS review_score
         FROM ${r}_n one
         LEFT JOIN (${reviewPerOrderSql(ds, `SELECT order_id FROM ${r}_n WHERE n > 1`)}) many
           USING (order_id)`,
  );
  await conn.run(`DROP TABLE ${r}_n`);
  const sql = `SELECT p.*, ${DELIVERY_COLUMNS}, r.review_score
    FROM ${p} p
    JOIN ${tableRef(ds, 'orders')} o USING (order_id)
    LEFT JOIN ${r} r USING (order_id)`;
  return { sql, drop };
}
