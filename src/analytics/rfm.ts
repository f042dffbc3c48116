import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine, type JsonValue, literal } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { datasetVersionSchema, filterShape, filtersOf, isoDateSchema } from './params.ts';
import { type Concentration, concentration } from './pareto.ts';
import { purchasesSql, resolveAsOf } from './purchases.ts';
import {
  highlights,
  type Recommendation,
  type RepeatStats,
  recommend,
  type SegmentSummary,
} from './recommendations.ts';
import type { AnalysisOutput } from './result.ts';
import { binsOfColumn, type Direction, type ScoreBin, scoreCaseSql } from './rfmScores.ts';
import {
  DEFAULT_SEGMENT_MAP,
  type SegmentMap,
  segmentCaseSql,
  segmentIndexCaseSql,
  segmentMapSchema,
} from './segments.ts';

/**
 * RFM per customer (customer_unique_id), as of a date A (exclusive: purchases on or after A are
 * ignored):
 * - recency_days = whole days from the last purchase date to A (≥ 1 when A is the default);
 * - frequency = number of purchases (orders that count as purchases);
 * - monetary = sum of their order values, rounded to cents.
 * Scores use tie-safe adaptive bins (rfmScores.ts); segments come from a rule map (segments.ts).
 */

export const rfmParamsSchema = z.strictObject({
  dataset_version: datasetVersionSchema.optional(),
  /** As-of date (exclusive); default the day after the latest purchase. */
  as_of: isoDateSchema.optional(),
  ...filterShape,
  /** A segment map replacing the default 11-segment map. */
  segment_map: segmentMapSchema.optional(),
});
export type RfmParams = z.output<typeof rfmParamsSchema>;
export type RfmParamsInput = z.input<typeof rfmParamsSchema>;

export const rfmPageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
  /** Keyset cursor: rows with customer_unique_id greater than this (use `next_after` of the previous page). */
  after: z.string().min(1).max(200).optional(),
  /** Only customers of this segment. */
  segment: z.string().min(1).max(60).optional(),
  /** Only customers whose customer_unique_id starts with this (case-insensitive). */
  search: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[0-9a-zA-Z_-]+$/, 'letters, digits, _ or -')
    .optional(),
  /** Sort column (ties broken by customer_unique_id); keyset paging (`after`) needs the default. */
  sort: z
    .enum(['customer_unique_id', 'recency_days', 'frequency', 'monetary', 'rfm_score', 'segment'])
    .default('customer_unique_id'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type RfmPage = z.output<typeof rfmPageSchema>;
export type RfmPageInput = z.input<typeof rfmPageSchema>;

export const RFM_COLUMNS = [
  'customer_unique_id',
  'recency_days',
  'frequency',
  'monetary',
  'r_score',
  'f_score',
  'm_score',
  'rfm_score',
  'segment',
] as const;

/** A type alias (not an interface) so rows fit generic `Record<string, …>` writers. */
export type RfmCustomerRow = {
  readonly customer_unique_id: string;
  readonly recency_days: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly r_score: number;
  readonly f_score: number;
  readonly m_score: number;
  /** The three scores as digits, e.g. "541". */
  readonly rfm_score: string;
  readonly segment: string;
};

export interface RfmThresholds {
  /** Bins of recency_days; score 5 = most recent. */
  readonly recency: readonly ScoreBin[];
  readonly frequency: readonly ScoreBin[];
  readonly monetary: readonly ScoreBin[];
}

export const SCORE_METHOD =
  'tie-safe adaptive quintiles: distinct values in order from worst to best fill scores 1..5 greedily, each bin ' +
  'ending at the value boundary nearest to an equal share of the customers not yet scored; equal values always ' +
  'share a score, and a metric with fewer distinct values (or one dominant value) uses fewer scores (1..k)';

export interface RfmGridCell {
  readonly r_score: number;
  readonly f_score: number;
  readonly customers: number;
  readonly revenue: number;
}

export interface RfmSummary {
  readonly as_of: string;
  readonly customers: number;
  readonly orders: number;
  readonly revenue: number;
  readonly score_method: string;
  readonly thresholds: RfmThresholds;
  /** Every segment of the map, in map order (empty ones included). */
  readonly segments: readonly SegmentSummary[];
  /** Customers and revenue per (R, F) score pair that occurs. */
  readonly grid: readonly RfmGridCell[];
  readonly repeat: RepeatStats;
  readonly pareto: Concentration;
  readonly recommendations: readonly Recommendation[];
  readonly highlights: readonly string[];
  /** Names of the segments, in map order; 'default' or 'custom' map. */
  readonly segment_map: { readonly kind: 'default' | 'custom'; readonly segments: readonly string[] };
}

const DIRECTIONS: Record<keyof RfmThresholds, { column: string; direction: Direction }> = {
  recency: { column: 'recency_days', direction: 'desc' },
  frequency: { column: 'frequency', direction: 'asc' },
  monetary: { column: 'monetary', direction: 'asc' },
};

/** Per-customer recency, frequency and monetary value as of `asOf` (one row per customer_unique_id). */
export function rfmBaseSql(ds: DatasetRef, defs: Definitions, asOf: string, params: RfmParams): string {
  const purchases = purchasesSql(ds, defs, { ...filtersOf(params), to: asOf });
  return `SELECT customer_unique_id,
         date_diff('day', max(purchase_date), ${literal(asOf)}::DATE)::INTEGER AS recency_days,
         count(*)::INTEGER AS frequency,
         round(sum(order_value), 2)::DOUBLE AS monetary
    FROM (${purchases}) p
   GROUP BY customer_unique_id`;
}

/** Scores of a source of base rows (a table or a parenthesised SELECT) with the given thresholds. */
function scoresSql(source: string, thresholds: RfmThresholds): string {
  return `SELECT *,
                 ${scoreCaseSql('recency_days', thresholds.recency, 'desc')}::INTEGER AS r_score,
                 ${scoreCaseSql('frequency', thresholds.frequency, 'asc')}::INTEGER AS f_score,
                 ${scoreCaseSql('monetary', thresholds.monetary, 'asc')}::INTEGER AS m_score
            FROM ${source}`;
}

/** Per-customer rows with scores and segment, from a source of base rows (a table or a parenthesised SELECT). */
export function rfmScoredSql(source: string, thresholds: RfmThresholds, map: SegmentMap): string {
  return `SELECT customer_unique_id, recency_days, frequency, monetary, r_score, f_score, m_score,
         concat(r_score, f_score, m_score) AS rfm_score,
         ${segmentCaseSql(map, 'r_score', 'f_score', 'm_score')} AS segment
    FROM (${scoresSql(source, thresholds)})`;
}

/** The full per-customer SQL (scores and segments) for given thresholds: for pages, streams and COPY. */
export function rfmCustomersSql(
  ds: DatasetRef,
  defs: Definitions,
  asOf: string,
  params: RfmParams,
  thresholds: RfmThresholds,
): string {
  return rfmScoredSql(
    `(${rfmBaseSql(ds, defs, asOf, params)})`,
    thresholds,
    params.segment_map ?? DEFAULT_SEGMENT_MAP,
  );
}

interface SegmentAgg {
  segment: string;
  customers: number;
  revenue: number;
  orders: number;
  avg_recency_days: number;
  avg_frequency: number;
  avg_monetary: number;
  avg_r_score: number;
  avg_f_score: number;
  avg_m_score: number;
}

/** Segment figures in map order, with shares and averages (empty segments have nulls). */
function segmentSummaries(
  aggs: readonly SegmentAgg[],
  map: SegmentMap,
  customers: number,
  revenue: number,
): SegmentSummary[] {
  const bySegment = new Map(aggs.map((a) => [a.segment, a]));
  return map.segments.map((rule) => {
    const a = bySegment.get(rule.name);
    if (!a) {
      return {
        segment: rule.name,
        customers: 0,
        share_customers: 0,
        revenue: 0,
        share_revenue: 0,
        orders: 0,
        avg_recency_days: null,
        avg_frequency: null,
        avg_monetary: null,
        avg_r_score: null,
        avg_f_score: null,
        avg_m_score: null,
        avg_order_value: null,
      };
    }
    return {
      segment: a.segment,
      customers: a.customers,
      share_customers: customers > 0 ? a.customers / customers : 0,
      revenue: a.revenue,
      share_revenue: revenue > 0 ? a.revenue / revenue : 0,
      orders: a.orders,
      avg_recency_days: a.avg_recency_days,
      avg_frequency: a.avg_frequency,
      avg_monetary: a.avg_monetary,
      avg_r_score: a.avg_r_score,
      avg_f_score: a.avg_f_score,
      avg_m_score: a.avg_m_score,
      avg_order_value: a.orders > 0 ? a.revenue / a.orders : null,
    };
  });
}

async function timeIt<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const v = await fn();
  timings[name] = Math.round(performance.now() - t);
  return v;
}

interface AggRow extends Omit<SegmentAgg, 'segment'>, RepeatStats {
  /** Index of the segment's rule in the map. */
  seg: number | null;
  /** 1 when the row does not group by segment. */
  gs: number;
  /** 1 when the row does not group by (R, F). */
  grf: number;
  r_score: number | null;
  f_score: number | null;
}

/**
 * The RFM summary: thresholds, segment summary, (R, F) grid, Pareto and recommendations.
 * Everything is aggregated in SQL on one connection. The per-customer TEMP table keeps only the
 * three numbers (not the 32-character id), so it stays small at 10M customers.
 *
 * `asOf` absent means the default (the day after the latest purchase). Without filters it is read
 * off the per-customer table (same definition as `resolveAsOf`, one pass over the purchases
 * instead of two); with filters it stays global, from `resolveAsOf`.
 */
export async function computeRfmSummary(
  engine: Engine,
  ds: DatasetRef,
  defs: Definitions,
  params: RfmParams,
  asOf?: string,
): Promise<AnalysisOutput<RfmSummary>> {
  const map = params.segment_map ?? DEFAULT_SEGMENT_MAP;
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const filtered = Boolean(params.states?.length || params.categories?.length);
  let resolved =
    asOf ?? (filtered ? await timeIt(timings, 'as_of', () => resolveAsOf(engine, ds, defs)) : undefined);
  const data = await engine.withConnection(async (conn: DuckDBConnection) => {
    await conn.run('DROP VIEW IF EXISTS rfm_base; DROP TABLE IF EXISTS rfm_raw');
    await timeIt(timings, 'customers', async () => {
      const purchases = purchasesSql(ds, defs, {
        ...filtersOf(params),
        ...(resolved ? { to: resolved } : {}),
      });
      await conn.run(
        `CREATE TEMP TABLE rfm_raw AS
           SELECT max(purchase_date) AS last_purchase, count(*)::INTEGER AS frequency,
                  round(sum(order_value), 2)::DOUBLE AS monetary
             FROM (${purchases}) GROUP BY customer_unique_id`,
      );
      if (!resolved) {
        const [r] = await Engine.allOn<{ d: string | null }>(
          conn,
          `SELECT strftime(max(last_purchase) + INTERVAL 1 DAY, '%Y-%m-%d') AS d FROM rfm_raw`,
        );
        resolved = r?.d ?? new Date().toISOString().slice(0, 10);
      }
      await conn.run(
        `CREATE TEMP VIEW rfm_base AS
           SELECT date_diff('day', last_purchase, ${literal(resolved)}::DATE)::INTEGER AS recency_days,
                  frequency, monetary
             FROM rfm_raw`,
      );
    });
    const thresholds = await timeIt(timings, 'scores', async () => {
      const out: Partial<Record<keyof RfmThresholds, ScoreBin[]>> = {};
      for (const [metric, { column, direction }] of Object.entries(DIRECTIONS) as [
        keyof RfmThresholds,
        (typeof DIRECTIONS)[keyof RfmThresholds],
      ][]) {
        out[metric] = await binsOfColumn(conn, 'rfm_base', column, direction);
      }
      return out as RfmThresholds;
    });
    // Segments, the (R, F) grid and the totals in one pass over the scored customers.
    const rows = await timeIt(timings, 'segments', () =>
      Engine.allOn<AggRow>(
        conn,
        `SELECT GROUPING(seg)::INTEGER AS gs, GROUPING(r_score, f_score)::INTEGER AS grf,
                seg, r_score, f_score,
                count(*)::INTEGER AS customers, coalesce(sum(monetary), 0)::DOUBLE AS revenue,
                coalesce(sum(frequency), 0)::DOUBLE AS orders, avg(recency_days)::DOUBLE AS avg_recency_days,
                avg(frequency)::DOUBLE AS avg_frequency, avg(monetary)::DOUBLE AS avg_monetary,
                avg(r_score)::DOUBLE AS avg_r_score, avg(f_score)::DOUBLE AS avg_f_score,
                avg(m_score)::DOUBLE AS avg_m_score,
                count(*) FILTER (WHERE frequency = 1)::INTEGER AS one_time_customers,
                count(*) FILTER (WHERE frequency > 1)::INTEGER AS repeat_customers,
                avg(monetary) FILTER (WHERE frequency = 1)::DOUBLE AS avg_monetary_one_time,
                avg(monetary) FILTER (WHERE frequency > 1)::DOUBLE AS avg_monetary_repeat
           FROM (SELECT *, ${segmentIndexCaseSql(map, 'r_score', 'f_score', 'm_score')} AS seg
                   FROM (${scoresSql('rfm_base', thresholds)}))
          GROUP BY GROUPING SETS ((seg), (r_score, f_score), ())`,
      ),
    );
    const pareto = await timeIt(timings, 'pareto', () =>
      concentration(conn, '(SELECT monetary AS value FROM rfm_raw)'),
    );
    await conn.run('DROP VIEW IF EXISTS rfm_base; DROP TABLE IF EXISTS rfm_raw');
    const t = rows.find((r) => r.gs === 1 && r.grf !== 0);
    const totals = { customers: t?.customers ?? 0, orders: t?.orders ?? 0, revenue: t?.revenue ?? 0 };
    const repeat: RepeatStats = {
      one_time_customers: t?.one_time_customers ?? 0,
      repeat_customers: t?.repeat_customers ?? 0,
      avg_monetary_one_time: t?.avg_monetary_one_time ?? null,
      avg_monetary_repeat: t?.avg_monetary_repeat ?? null,
    };
    const segmentRows = rows
      .filter((r) => r.gs === 0 && r.seg !== null)
      .map((r) => ({ ...r, segment: map.segments[r.seg!]!.name }));
    const grid: RfmGridCell[] = rows
      .filter((r) => r.grf === 0 && r.r_score !== null && r.f_score !== null)
      .map((r) => ({ r_score: r.r_score!, f_score: r.f_score!, customers: r.customers, revenue: r.revenue }))
      .sort((a, b) => b.r_score - a.r_score || b.f_score - a.f_score);
    return {
      thresholds,
      segments: segmentSummaries(segmentRows, map, totals.customers, totals.revenue),
      grid,
      totals,
      repeat,
      pareto,
    };
  });
  const asOfUsed = resolved ?? new Date().toISOString().slice(0, 10);

  if (data.totals.customers === 0) warnings.push(`no purchases before the as-of date ${asOfUsed}`);
  for (const metric of Object.keys(DIRECTIONS) as (keyof RfmThresholds)[]) {
    const used = data.thresholds[metric].length;
    if (data.totals.customers > 0 && used < 5) {
      warnings.push(
        `${metric}: only ${used} score(s) used (too few distinct values, or one value held by most customers); ` +
          `scores run 1..${used}`,
      );
    }
  }
  return {
    data: {
      as_of: asOfUsed,
      customers: data.totals.customers,
      orders: data.totals.orders,
      revenue: data.totals.revenue,
      score_method: SCORE_METHOD,
      thresholds: data.thresholds,
      segments: data.segments,
      grid: data.grid,
      repeat: data.repeat,
      pareto: data.pareto,
      recommendations: recommend(data.segments, map, asOfUsed),
      highlights: highlights(data.segments, data.pareto, data.repeat, data.totals.customers),
      segment_map: {
        kind: params.segment_map ? 'custom' : 'default',
        segments: map.segments.map((x) => x.name),
      },
    },
    rows: { customers: data.totals.customers, purchases: data.totals.orders, segments: data.segments.length },
    warnings,
    timings_ms: timings,
    resolvedParams: { as_of: asOfUsed },
  };
}

/** One page of per-customer rows, ordered by customer_unique_id. */
export async function queryRfmCustomers(
  engine: Engine,
  customersSql: string,
  page: RfmPage,
): Promise<RfmCustomerRow[]> {
  const where: string[] = [];
  const values: Record<string, string | number> = {};
  if (page.after !== undefined) {
    where.push('customer_unique_id > $after');
    values.after = page.after;
  }
  if (page.segment !== undefined) {
    where.push('segment = $segment');
    values.segment = page.segment;
  }
  if (page.search !== undefined) {
    where.push('starts_with(lower(customer_unique_id), lower($search))');
    values.search = page.search;
  }
  if (page.after !== undefined && (page.sort !== 'customer_unique_id' || page.order !== 'asc')) {
    throw new InputError(
      'page.after: keyset paging works only with the default sort (customer_unique_id asc)',
    );
  }
  const order =
    page.sort === 'customer_unique_id'
      ? `customer_unique_id ${page.order}`
      : `${page.sort} ${page.order}, customer_unique_id`;
  return engine.all<RfmCustomerRow>(
    `SELECT * FROM (${customersSql}) ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset}`,
    values,
  );
}

/** Streams per-customer rows in chunks (DuckDB streaming result; memory stays flat), ordered by customer. */
export async function streamRfmCustomers(
  engine: Engine,
  customersSql: string,
  onRows: (rows: readonly RfmCustomerRow[]) => Promise<void> | void,
): Promise<number> {
  return engine.withConnection(async (conn) => {
    const result = await conn.stream(`SELECT * FROM (${customersSql}) ORDER BY customer_unique_id`);
    let n = 0;
    for await (const rows of result.yieldRowObjectJson()) {
      n += rows.length;
      await onRows(rows as unknown as RfmCustomerRow[]);
    }
    return n;
  });
}

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Writes all per-customer rows to `file` with DuckDB COPY (CSV with header, or a JSON array). Returns the row count. */
export async function copyRfmCustomers(
  engine: Engine,
  customersSql: string,
  file: string,
  format: ExportFormat,
): Promise<number> {
  const options = format === 'csv' ? "(FORMAT CSV, HEADER, DELIMITER ',')" : '(FORMAT JSON, ARRAY true)';
  // CSV writes money with two decimals (DuckDB would print a DOUBLE 130 as "130.0").
  const columns = RFM_COLUMNS.map((c) =>
    c === 'monetary' && format === 'csv' ? 'monetary::DECIMAL(18, 2) AS monetary' : c,
  );
  return engine.withConnection(async (conn) => {
    const reader = await conn.runAndReadAll(
      `COPY (SELECT ${columns.join(', ')} FROM (${customersSql}) ORDER BY customer_unique_id)
         TO ${literal(file)} ${options}`,
    );
    const rows = reader.getRowsJson() as JsonValue[][];
    return Number(rows[0]?.[0] ?? 0);
  });
}
