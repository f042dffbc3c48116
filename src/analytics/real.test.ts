import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasRealData,
  OLIST_REAL,
  realSampleDir,
  removeDir,
  skipReason,
  tempDir,
  testContext,
} from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { Engine, literal } from '../engine/engine.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import type { RfmSummary } from './rfm.ts';
import { DEFAULT_SEGMENT_MAP, segmentOf } from './segments.ts';
import { cohorts, marketplace, overview, rfmExportCsv, rfmSummary } from './service.ts';

if (!hasRealData) console.warn(skipReason);

/**
 * The real 4,000-order Olist sample, cross-checked against SQL written here independently: it
 * reads the CSV files directly (not the ingested tables), joins payments without pre-aggregation,
 * and uses none of the analytics SQL builders.
 */
describe.skipIf(!hasRealData)('customer analytics on the real Olist sample', () => {
  const SAMPLE = path.join(OLIST_REAL, 'sample-4000-orders');
  const csv = (f: string) => literal(path.join(SAMPLE, f));
  let ctx: AppContext;
  let dir: string;
  let out: string;
  let ref: Engine;
  let summary: RfmSummary;
  let asOf: string;

  beforeAll(async () => {
    ctx = await testContext();
    dir = realSampleDir();
    out = tempDir('olist-rfm-out-');
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    ref = await Engine.memory();
    await ref.run(`
      CREATE TABLE o AS SELECT * FROM read_csv(${csv('olist_orders_dataset.csv')}, header = true, auto_detect = true);
      CREATE TABLE c AS SELECT * FROM read_csv(${csv('olist_customers_dataset.csv')}, header = true, auto_detect = true);
      CREATE TABLE pay AS SELECT * FROM read_csv(${csv('olist_order_payments_dataset.csv')}, header = true, auto_detect = true);
      CREATE TABLE rev AS SELECT * FROM read_csv(${csv('olist_order_reviews_dataset.csv')}, header = true, auto_detect = true);
      CREATE TABLE buys AS
        SELECT c.customer_unique_id AS cu, o.order_id, o.order_purchase_timestamp AS ts
          FROM o JOIN c ON c.customer_id = o.customer_id
         WHERE o.order_status <> 'canceled' AND o.order_status <> 'unavailable';
    `);
    const [a] = await ref.all<{ d: string }>(`SELECT strftime(max(ts)::DATE + 1, '%Y-%m-%d') AS d FROM buys`);
    asOf = a!.d;
    await ref.run(`
      CREATE TABLE per_customer AS
        SELECT b.cu,
               (${literal(asOf)}::DATE - max(b.ts)::DATE)::INTEGER AS recency,
               count(DISTINCT b.order_id)::INTEGER AS frequency,
               coalesce(sum(pay.payment_value), 0)::DOUBLE AS monetary
          FROM buys b LEFT JOIN pay ON pay.order_id = b.order_id
         GROUP BY b.cu`);
    summary = (await rfmSummary(ctx)).data;
  });
  afterAll(async () => {
    ref?.close();
    await ctx?.close();
    removeDir(dir);
    removeDir(out);
    removeDir(ctx.dataDir);
  });

  it('agrees on the as-of date, customers, purchases and revenue', async () => {
    const [t] = await ref.all<{ customers: number; purchases: number; revenue: number }>(
      `SELECT (SELECT count(DISTINCT cu) FROM buys)::INTEGER AS customers,
              (SELECT count(*) FROM buys)::INTEGER AS purchases,
              (SELECT sum(payment_value) FROM pay WHERE order_id IN (SELECT order_id FROM buys))::DOUBLE AS revenue`,
    );
    expect(summary.as_of).toBe(asOf);
    expect(summary.customers).toBe(t!.customers);
    expect(summary.orders).toBe(t!.purchases);
    expect(summary.revenue).toBeCloseTo(t!.revenue, 2);
    expect(summary.segments.reduce((s, x) => s + x.customers, 0)).toBe(t!.customers);
    expect(summary.segments.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(t!.revenue, 2);
  });

  it('agrees on the frequency distribution behind the F thresholds', async () => {
    const dist = await ref.all<{ frequency: number; n: number }>(
      'SELECT frequency, count(*)::INTEGER AS n FROM per_customer GROUP BY 1 ORDER BY 1',
    );
    for (const bin of summary.thresholds.frequency) {
      const n = dist
        .filter((d) => d.frequency >= bin.min && d.frequency <= bin.max)
        .reduce((s, d) => s + d.n, 0);
      expect(n, `F=${bin.score}`).toBe(bin.customers);
    }
    // One-time buyers all share F = 1 (no NTILE-style split of the tie).
    expect(summary.thresholds.frequency[0]).toMatchObject({
      score: 1,
      min: 1,
      max: 1,
      customers: dist[0]!.n,
    });
  });

  it('exports per-customer rows equal to the independent computation, tie-safe and consistently segmented', async () => {
    const file = path.join(out, 'rfm.csv');
    const meta = await rfmExportCsv(ctx, {}, file);
    expect(meta.rows.customers).toBe(summary.customers);
    await ref.run(
      `CREATE OR REPLACE TABLE exported AS SELECT * FROM read_csv(${literal(file)}, header = true, auto_detect = true)`,
    );
    const [cmp] = await ref.all<{ n: number; joined: number; bad: number }>(
      `SELECT (SELECT count(*) FROM exported)::INTEGER AS n,
              count(*)::INTEGER AS joined,
              count(*) FILTER (WHERE e.recency_days <> p.recency OR e.frequency <> p.frequency
                                 OR abs(e.monetary - p.monetary) > 0.005)::INTEGER AS bad
         FROM exported e JOIN per_customer p ON p.cu = e.customer_unique_id`,
    );
    expect(cmp).toEqual({ n: summary.customers, joined: summary.customers, bad: 0 });
    // Equal values always share a score.
    for (const [value, score] of [
      ['recency_days', 'r_score'],
      ['frequency', 'f_score'],
      ['monetary', 'm_score'],
    ]) {
      const [split] = await ref.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM (SELECT ${value} FROM exported GROUP BY 1 HAVING count(DISTINCT ${score}) > 1)`,
      );
      expect(split!.n, value).toBe(0);
    }
    // Each score's bin contains the value, and each segment follows the map.
    const combos = await ref.all<{ r: number; f: number; m: number; segment: string; rfm: string }>(
      `SELECT DISTINCT r_score::INTEGER AS r, f_score::INTEGER AS f, m_score::INTEGER AS m, segment,
              rfm_score::VARCHAR AS rfm FROM exported`,
    );
    for (const c of combos) {
      expect(c.segment).toBe(segmentOf(DEFAULT_SEGMENT_MAP.segments, c.r, c.f, c.m)?.name);
      expect(c.rfm).toBe(`${c.r}${c.f}${c.m}`);
    }
    const th = summary.thresholds;
    const [outside] = await ref.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM exported WHERE
         ${th.recency.map((b) => `(r_score = ${b.score} AND recency_days NOT BETWEEN ${b.min} AND ${b.max})`).join(' OR ')}
         OR ${th.monetary.map((b) => `(m_score = ${b.score} AND (monetary < ${b.min} - 1e-9 OR monetary > ${b.max} + 1e-9))`).join(' OR ')}`,
    );
    expect(outside!.n).toBe(0);
  });

  it('agrees on Pareto shares and Gini computed here from the sorted revenues', async () => {
    const rows = await ref.all<{ m: number }>('SELECT monetary AS m FROM per_customer ORDER BY monetary');
    const x = rows.map((r) => r.m);
    const n = x.length;
    const total = x.reduce((s, v) => s + v, 0);
    // Top 20%: the largest 0.2·n customers, the last one fractionally.
    const k = 0.2 * n;
    const desc = [...x].reverse();
    let top = 0;
    for (let i = 0; i < Math.floor(k); i++) top += desc[i]!;
    top += (k - Math.floor(k)) * (desc[Math.floor(k)] ?? 0);
    expect(summary.pareto.top_shares.find((t) => t.top === 0.2)?.share).toBeCloseTo(top / total, 6);
    let weighted = 0;
    x.forEach((v, i) => {
      weighted += (i + 1) * v;
    });
    expect(summary.pareto.gini).toBeCloseTo((2 * weighted) / (n * total) - (n + 1) / n, 6);
  });

  it('agrees on the monthly retention of the September 2017 cohort (which has two returning customers)', async () => {
    const result = (await cohorts(ctx)).data;
    const expected = await ref.all<{ k: number; n: number }>(
      `WITH first AS (SELECT cu, min(ts)::DATE AS f FROM buys GROUP BY cu),
            members AS (SELECT cu FROM first WHERE year(f) = 2017 AND month(f) = 9)
       SELECT ((year(b.ts) * 12 + month(b.ts)) - (2017 * 12 + 9))::INTEGER AS k, count(DISTINCT b.cu)::INTEGER AS n
         FROM buys b JOIN members USING (cu) GROUP BY 1 ORDER BY 1`,
    );
    const i = result.cohorts.findIndex((c) => c.cohort === '2017-09');
    expect(i).toBeGreaterThanOrEqual(0);
    const size = expected.find((e) => e.k === 0)!.n;
    expect(expected.filter((e) => e.k > 0).length).toBeGreaterThanOrEqual(2);
    expect(result.cohorts[i]!.size).toBe(size);
    const row = result.matrices.customers[i]!;
    // Observable periods: Sep 2017 .. the as-of month.
    const [y, m] = asOf.split('-').map(Number) as [number, number];
    const last = y * 12 + m - (2017 * 12 + 9) - (asOf.endsWith('-01') ? 1 : 0);
    expect(result.cohorts[i]!.last_period).toBe(last);
    for (let k = 0; k <= last; k++) {
      const n = expected.find((e) => e.k === k)?.n ?? 0;
      expect(row[k], `period ${k}`).toBe(n);
      expect(result.matrices.retention[i]![k]).toBeCloseTo(n / size, 12);
    }
    for (let k = last + 1; k < row.length; k++) expect(row[k]).toBeNull();
  });

  it('agrees on overview KPIs: deduplicated review score and on-time rate', async () => {
    const { kpis } = (await overview(ctx)).data;
    const [t] = await ref.all<{ review: number; reviewed: number; on_time: number; delivered: number }>(
      `WITH latest AS (
         SELECT order_id, arg_max(review_score, strftime(review_creation_date, '%Y%m%d%H%M%S') ||
                                              strftime(review_answer_timestamp, '%Y%m%d%H%M%S')) AS score
           FROM rev GROUP BY order_id)
       SELECT avg(l.score)::DOUBLE AS review, count(l.score)::INTEGER AS reviewed,
              count(*) FILTER (WHERE o.order_delivered_customer_date::DATE <= o.order_estimated_delivery_date::DATE)::INTEGER AS on_time,
              count(o.order_delivered_customer_date)::INTEGER AS delivered
         FROM buys b JOIN o USING (order_id) LEFT JOIN latest l USING (order_id)`,
    );
    expect(kpis.reviewed_orders).toBe(t!.reviewed);
    expect(kpis.avg_review_score).toBeCloseTo(t!.review, 12);
    expect(kpis.delivered_orders).toBe(t!.delivered);
    expect(kpis.on_time_rate).toBeCloseTo(t!.on_time / t!.delivered, 12);
    expect(kpis.customers).toBe(summary.customers);
  });

  it('marketplace views add up to the total revenue', async () => {
    const m = (await marketplace(ctx)).data;
    expect(m.states.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(summary.revenue, 2);
    expect(m.categories.reduce((s, x) => s + x.revenue, 0) + m.unattributed_revenue).toBeCloseTo(
      summary.revenue,
      2,
    );
    expect(m.sellers.concentration.total + m.unattributed_revenue).toBeCloseTo(summary.revenue, 2);
    // Late deliveries are reviewed worse than on-time ones (OLIST_FACTS.md §2.7: 2.57 vs 4.29).
    const score = (g: string) => m.delivery.by_outcome.find((o) => o.group === g)?.avg_review_score ?? 0;
    expect(score('late')).toBeLessThan(score('on_time') - 1);
  });
});
