import { z } from 'zod';
import type { AppContext } from '../app/context.ts';
import { NotFoundError } from '../core/errors.ts';
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import { PARAM_NAMES } from './clv/fit.ts';
import { predictCustomers, UNITS_PER_MONTH } from './clv/predict.ts';
import { fitClv } from './clv/service.ts';
import { datasetDaysSql } from './clv/summary.ts';
import { type Definitions, definitionsFromConfig, describeDefinitions } from './definitions.ts';
import { datasetVersionSchema, isoDateSchema, parseParams } from './params.ts';
import type { ResultMeta } from './result.ts';
import type { RfmCustomerRow } from './rfm.ts';
import { rfmCustomer } from './service.ts';

export const customerParamsSchema = z.strictObject({
  customer_unique_id: z.string().min(1).max(64),
  dataset_version: datasetVersionSchema.optional(),
  /** As-of date for RFM and CLV (default: the day after the latest purchase). */
  as_of: isoDateSchema.optional(),
  /** CLV horizon in weeks. */
  horizon_weeks: z.coerce.number().int().min(1).max(520).default(52),
  /** Monthly discount rate for CLV. */
  discount_rate: z.coerce.number().min(0).max(1).default(0.01),
});
export type CustomerParamsInput = z.input<typeof customerParamsSchema>;

export interface CustomerOrder {
  order_id: string;
  order_status: string;
  purchased_at: string;
  delivered_at: string | null;
  estimated_delivery: string;
  is_purchase: boolean;
  items: number;
  items_value: number;
  payment_value: number;
  review_score: number | null;
}

export interface CustomerPayment {
  order_id: string;
  payment_sequential: number;
  payment_type: string;
  payment_installments: number;
  payment_value: number;
}

export interface CustomerReview {
  order_id: string;
  review_id: string;
  review_score: number;
  review_comment_title: string | null;
  review_comment_message: string | null;
  review_creation_date: string;
}

export interface CustomerClv {
  model: 'bgnbd';
  unit: 'weeks';
  horizon_weeks: number;
  frequency: number;
  recency: number;
  T: number;
  monetary_value: number;
  p_alive: number;
  expected_purchases: number;
  expected_avg_value: number | null;
  clv: number | null;
  converged: boolean;
}

export interface CustomerDetail {
  customer_unique_id: string;
  city: string;
  state: string;
  zip_code_prefix: string;
  first_purchase: string | null;
  last_purchase: string | null;
  rfm: RfmCustomerRow | null;
  clv: CustomerClv | null;
  orders: CustomerOrder[];
  payments: CustomerPayment[];
  reviews: CustomerReview[];
}

/**
 * One customer (customer_unique_id): where they live, their orders (every status) with payments
 * and reviews, their RFM row and segment, and their BG/NBD + Gamma-Gamma CLV and P(alive) from
 * the data set's fitted models (fits are cached per data set version).
 */
export async function customerDetail(
  ctx: AppContext,
  raw: CustomerParamsInput,
): Promise<{ meta: ResultMeta; data: CustomerDetail }> {
  const started = performance.now();
  const p = parseParams(customerParamsSchema, raw, 'customer');
  const ds = await ctx.dataset(p.dataset_version);
  const defs = definitionsFromConfig(ctx.loaded.config);
  const id = { id: p.customer_unique_id };
  const profile = await ctx.engine.one<{ city: string; state: string; zip: string }>(
    `SELECT c.customer_city AS city, c.customer_state AS state, c.customer_zip_code_prefix AS zip
       FROM ${tableRef(ds, 'customers')} c JOIN ${tableRef(ds, 'orders')} o USING (customer_id)
      WHERE c.customer_unique_id = $id ORDER BY o.order_purchase_timestamp DESC LIMIT 1`,
    id,
  );
  if (!profile)
    throw new NotFoundError(`customer ${p.customer_unique_id} is not in data set version ${ds.version}`);

  const excluded = new Set(defs.excludedStatuses);
  const orderRows = await ctx.engine.all<Omit<CustomerOrder, 'is_purchase'>>(
    `WITH mine AS (
       SELECT o.* FROM ${tableRef(ds, 'orders')} o JOIN ${tableRef(ds, 'customers')} c USING (customer_id)
        WHERE c.customer_unique_id = $id)
     SELECT m.order_id, m.order_status,
            strftime(m.order_purchase_timestamp, '%Y-%m-%d %H:%M:%S') AS purchased_at,
            strftime(m.order_delivered_customer_date, '%Y-%m-%d %H:%M:%S') AS delivered_at,
            strftime(m.order_estimated_delivery_date, '%Y-%m-%d') AS estimated_delivery,
            (SELECT count(*) FROM ${tableRef(ds, 'order_items')} i WHERE i.order_id = m.order_id)::INTEGER AS items,
            coalesce((SELECT sum(price + freight_value) FROM ${tableRef(ds, 'order_items')} i
                       WHERE i.order_id = m.order_id), 0)::DOUBLE AS items_value,
            coalesce((SELECT sum(payment_value) FROM ${tableRef(ds, 'order_payments')} pm
                       WHERE pm.order_id = m.order_id), 0)::DOUBLE AS payment_value,
            (SELECT review_score FROM ${tableRef(ds, 'order_reviews')} r WHERE r.order_id = m.order_id
              ORDER BY review_creation_date DESC, review_answer_timestamp DESC LIMIT 1)::INTEGER AS review_score
       FROM mine m ORDER BY m.order_purchase_timestamp`,
    id,
  );
  const orders = orderRows.map((o) => ({ ...o, is_purchase: !excluded.has(o.order_status) }));
  const payments = await ctx.engine.all<CustomerPayment>(
    `SELECT pm.order_id, pm.payment_sequential, pm.payment_type, pm.payment_installments, pm.payment_value
       FROM ${tableRef(ds, 'order_payments')} pm
       JOIN ${tableRef(ds, 'orders')} o USING (order_id) JOIN ${tableRef(ds, 'customers')} c USING (customer_id)
      WHERE c.customer_unique_id = $id ORDER BY o.order_purchase_timestamp, pm.payment_sequential`,
    id,
  );
  const reviews = await ctx.engine.all<CustomerReview>(
    `SELECT r.order_id, r.review_id, r.review_score, r.review_comment_title, r.review_comment_message,
            strftime(r.review_creation_date, '%Y-%m-%d') AS review_creation_date
       FROM ${tableRef(ds, 'order_reviews')} r
       JOIN ${tableRef(ds, 'orders')} o USING (order_id) JOIN ${tableRef(ds, 'customers')} c USING (customer_id)
      WHERE c.customer_unique_id = $id ORDER BY r.review_creation_date`,
    id,
  );

  const rfm = await rfmCustomer(
    ctx,
    {
      ...(p.dataset_version ? { dataset_version: p.dataset_version } : {}),
      ...(p.as_of ? { as_of: p.as_of } : {}),
    },
    p.customer_unique_id,
  );
  const asOf = rfm.as_of;
  const clv = await customerClv(ctx, ds, defs, p, asOf);
  const purchases = orders.filter((o) => o.is_purchase).map((o) => o.purchased_at);
  return {
    meta: {
      analysis: 'customer',
      dataset_version: ds.version,
      params: { ...p, as_of: asOf },
      definitions: describeDefinitions(defs),
      timings_ms: { total: Math.round(performance.now() - started) },
      rows: { orders: orders.length, payments: payments.length, reviews: reviews.length },
      warnings: clv && !clv.converged ? ['the BG/NBD fit did not converge: CLV figures are unreliable'] : [],
      generated_at: new Date().toISOString(),
      cached: false,
    },
    data: {
      customer_unique_id: p.customer_unique_id,
      city: profile.city,
      state: profile.state,
      zip_code_prefix: profile.zip,
      first_purchase: purchases[0] ?? null,
      last_purchase: purchases.at(-1) ?? null,
      rfm: rfm.row,
      clv,
      orders,
      payments,
      reviews,
    },
  };
}

/** The customer's BG/NBD + Gamma-Gamma prediction from the data set's (cached) model fits. */
async function customerClv(
  ctx: AppContext,
  ds: DatasetRef,
  defs: Definitions,
  p: z.output<typeof customerParamsSchema>,
  asOf: string,
): Promise<CustomerClv | null> {
  // The same summary the CLV service builds: purchase days before the as-of date, T to the as-of date.
  const h = await ctx.engine.one<{ x: number; tx: number; t: number; m: number }>(
    `WITH d AS (SELECT * FROM (${datasetDaysSql(ds, defs, asOf)}) WHERE customer_id = $id),
          f AS (SELECT min(purchase_date) AS first FROM d)
     SELECT (count(*) - 1)::INTEGER AS x,
            (date_diff('day', (SELECT first FROM f), max(purchase_date)) / 7.0)::DOUBLE AS tx,
            (date_diff('day', (SELECT first FROM f), $asof::DATE) / 7.0)::DOUBLE AS t,
            coalesce(avg(value) FILTER (WHERE purchase_date > (SELECT first FROM f)), 0)::DOUBLE AS m
       FROM d HAVING count(*) > 0`,
    { id: p.customer_unique_id, asof: asOf },
  );
  if (!h) return null;
  const common = {
    unit: 'weeks' as const,
    as_of: asOf,
    ...(p.dataset_version ? { dataset_version: p.dataset_version } : {}),
  };
  const purchase = (await fitClv(ctx, { ...common, model: 'bgnbd' })).data.fit;
  const spend = (await fitClv(ctx, { ...common, model: 'gammagamma' })).data.fit;
  const vec = (names: readonly string[], params: Readonly<Record<string, number>>) =>
    Float64Array.from(names.map((n) => params[n] as number));
  const spendOk = spend.loglik !== null;
  const pred = predictCustomers(
    'bgnbd',
    vec(PARAM_NAMES.bgnbd, purchase.params),
    {
      frequency: Float64Array.of(h.x),
      recency: Float64Array.of(h.tx),
      T: Float64Array.of(h.t),
      monetary: Float64Array.of(h.m),
    },
    {
      horizon: p.horizon_weeks,
      unitsPerMonth: UNITS_PER_MONTH.weeks,
      discountRate: p.discount_rate,
      spendParams: spendOk ? vec(PARAM_NAMES.gammagamma, spend.params) : null,
    },
  );
  return {
    model: 'bgnbd',
    unit: 'weeks',
    horizon_weeks: p.horizon_weeks,
    frequency: h.x,
    recency: h.tx,
    T: h.t,
    monetary_value: h.m,
    p_alive: pred.p_alive[0] as number,
    expected_purchases: pred.expected_purchases[0] as number,
    expected_avg_value: pred.expected_avg_value ? (pred.expected_avg_value[0] as number) : null,
    clv: pred.clv ? (pred.clv[0] as number) : null,
    converged: purchase.convergence.converged,
  };
}
