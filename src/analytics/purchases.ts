import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import type { Engine } from '../engine/engine.ts';
import { literal } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';

export interface PurchaseFilters {
  /** Inclusive lower bound on the purchase date, YYYY-MM-DD. */
  readonly from?: string;
  /** Exclusive upper bound on the purchase date, YYYY-MM-DD. */
  readonly to?: string;
  /** Customer state codes (e.g. SP). */
  readonly states?: readonly string[];
  /** Product categories (Portuguese names as in the data); an order matches if any item is in one. */
  readonly categories?: readonly string[];
}

/**
 * SQL (a SELECT, usable as a sub-query or CTE) of the purchases under the given definitions:
 * one row per purchase with columns
 *   customer_unique_id VARCHAR, order_id VARCHAR, customer_state VARCHAR,
 *   purchased_at TIMESTAMP, purchase_date DATE, order_value DOUBLE.
 * Orders without payments (or items, by definition) have value 0.
 */
export function purchasesSql(ds: DatasetRef, defs: Definitions, filters: PurchaseFilters = {}): string {
  const value =
    defs.orderValue === 'payments'
      ? `SELECT order_id, sum(payment_value) AS v FROM ${tableRef(ds, 'order_payments')} GROUP BY order_id`
      : `SELECT order_id, sum(price + freight_value) AS v FROM ${tableRef(ds, 'order_items')} GROUP BY order_id`;
  const where: string[] = [];
  if (defs.excludedStatuses.length) {
    where.push(`o.order_status NOT IN (${defs.excludedStatuses.map(literal).join(', ')})`);
  }
  if (filters.from) where.push(`o.order_purchase_timestamp >= ${literal(filters.from)}::DATE`);
  if (filters.to) where.push(`o.order_purchase_timestamp < ${literal(filters.to)}::DATE`);
  if (filters.states?.length) where.push(`c.customer_state IN (${filters.states.map(literal).join(', ')})`);
  if (filters.categories?.length) {
    where.push(`o.order_id IN (SELECT i.order_id FROM ${tableRef(ds, 'order_items')} i
      JOIN ${tableRef(ds, 'products')} p USING (product_id)
      WHERE p.product_category_name IN (${filters.categories.map(literal).join(', ')}))`);
  }
  return `SELECT c.customer_unique_id, o.order_id, c.customer_state,
       o.order_purchase_timestamp AS purchased_at,
       o.order_purchase_timestamp::DATE AS purchase_date,
       coalesce(val.v, 0)::DOUBLE AS order_value
  FROM ${tableRef(ds, 'orders')} o
  JOIN ${tableRef(ds, 'customers')} c USING (customer_id)
  LEFT JOIN (${value}) val USING (order_id)
  ${where.length ? `WHERE ${where.join('\n    AND ')}` : ''}`;
}

/** The as-of date: the given one, or the day after the latest purchase (YYYY-MM-DD). */
export async function resolveAsOf(
  engine: Engine,
  ds: DatasetRef,
  defs: Definitions,
  given?: string,
): Promise<string> {
  if (given) return given;
  const row = await engine.one<{ d: string | null }>(
    `SELECT strftime(max(purchase_date) + INTERVAL 1 DAY, '%Y-%m-%d') AS d FROM (${purchasesSql(ds, defs)})`,
  );
  if (!row?.d) return new Date().toISOString().slice(0, 10);
  return row.d;
}
