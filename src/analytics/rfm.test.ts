import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { resolveAsOf } from './purchases.ts';
import {
  computeRfmSummary,
  queryRfmCustomers,
  type RfmCustomerRow,
  rfmCustomersSql,
  rfmPageSchema,
} from './rfm.ts';
import { createTestDataset, type TestDataset } from './testData.ts';

const DEFS: Definitions = { excludedStatuses: ['canceled', 'unavailable'], orderValue: 'payments' };

/**
 * Eight customers A..H. The latest *purchase* is B's on 2018-06-30, so the as-of date is 2018-07-01:
 * F's canceled order of 2018-07-15 and B's unavailable order are not purchases.
 */
const SPEC: TestDataset = {
  orders: [
    { id: 'a1', customer: 'A', at: '2018-01-10', value: 100 },
    { id: 'a2', customer: 'A', at: '2018-03-01', value: 50 },
    { id: 'a3', customer: 'A', at: '2018-06-20', value: 150 },
    { id: 'b1', customer: 'B', at: '2018-06-30 23:59:59', value: 80 },
    { id: 'b2', customer: 'B', at: '2018-06-25', value: 5, status: 'unavailable' },
    { id: 'c1', customer: 'C', at: '2017-12-01', value: 200 },
    { id: 'c2', customer: 'C', at: '2018-02-15', value: 100 },
    { id: 'd1', customer: 'D', at: '2018-05-01', value: 40, status: 'shipped' },
    { id: 'e1', customer: 'E', at: '2017-11-15', value: 500 },
    { id: 'f1', customer: 'F', at: '2018-06-01', value: 60 },
    { id: 'f2', customer: 'F', at: '2018-07-15', value: 999, status: 'canceled' },
    { id: 'g1', customer: 'G', at: '2018-04-10', payments: [30, 20.5] },
    { id: 'h1', customer: 'H', at: '2018-03-20' }, // no payment rows: order value 0
  ],
};

/*
 * Worked by hand, as of 2018-07-01:
 *   customer  last purchase  recency  frequency  monetary
 *   A         2018-06-20        11        3        300
 *   B         2018-06-30         1        1         80
 *   C         2018-02-15       136        2        300     (14 days to 1 Mar + 31 + 30 + 31 + 30)
 *   D         2018-05-01        61        1         40
 *   E         2017-11-15       228        1        500     (16 + 31 + 181)
 *   F         2018-06-01        30        1         60
 *   G         2018-04-10        82        1         50.5   (two payments 30 + 20.5)
 *   H         2018-03-20       103        1          0
 *
 * R (worst first: 228, 136, 103, 82, 61, 30, 11, 1; 8 customers):
 *   s1 target 1.6 → boundary after 2 (|2−1.6| = .4 < |1−1.6| = .6) → {228, 136}
 *   s2 target 6/4 = 1.5 → after 1 or 2 more tie at .5 → larger → {103, 82}
 *   s3 target 4/3 → 1 more (.33) beats 2 (.67) → {61}
 *   s4 target 3/2 → tie → larger → {30, 11};  s5 → {1}
 * F: 1 ×6, 2, 3 → s1 {1} (6 ≥ 1.6, nothing smaller), s2 {2}, s3 {3}: only 3 scores.
 * M (0, 40, 50.5, 60, 80, 300, 300, 500):
 *   s1 target 1.6 → {0, 40};  s2 target 1.5 → tie → {50.5, 60};  s3 target 4/3 → {80} (1 away .33 vs 3 away 1.67)
 *   s4 target 3/2 → the two 300s (2) are the next group → {300};  s5 {500}
 */
const EXPECTED_ROWS: RfmCustomerRow[] = [
  row('A', 11, 3, 300, 4, 3, 4, 'Potential Loyalists'),
  row('B', 1, 1, 80, 5, 1, 3, 'New Customers'),
  row('C', 136, 2, 300, 1, 2, 4, 'Hibernating'),
  row('D', 61, 1, 40, 3, 1, 1, 'About to Sleep'),
  row('E', 228, 1, 500, 1, 1, 5, 'Lost'),
  row('F', 30, 1, 60, 4, 1, 2, 'Promising'),
  row('G', 82, 1, 50.5, 2, 1, 2, 'Hibernating'),
  row('H', 103, 1, 0, 2, 1, 1, 'Hibernating'),
];

function row(
  id: string,
  r: number,
  f: number,
  m: number,
  rs: number,
  fs: number,
  ms: number,
  segment: string,
) {
  return {
    customer_unique_id: id,
    recency_days: r,
    frequency: f,
    monetary: m,
    r_score: rs,
    f_score: fs,
    m_score: ms,
    rfm_score: `${rs}${fs}${ms}`,
    segment,
  };
}

describe('RFM on a hand-made data set', () => {
  let engine: Engine;
  let ds: DatasetRef;
  beforeAll(async () => {
    engine = await Engine.memory();
    ds = await createTestDataset(engine, SPEC);
  });
  afterAll(() => engine.close());

  const summarise = async (asOf?: string) => {
    const a = await resolveAsOf(engine, ds, DEFS, asOf);
    return computeRfmSummary(engine, ds, DEFS, {}, a);
  };

  it('takes the day after the latest purchase as the as-of date', async () => {
    expect(await resolveAsOf(engine, ds, DEFS)).toBe('2018-07-01');
    // Without an as-of date the summary derives the same one from its own pass over the purchases.
    const derived = await computeRfmSummary(engine, ds, DEFS, {});
    expect(derived.resolvedParams).toEqual({ as_of: '2018-07-01' });
    expect(derived.data).toEqual((await summarise()).data);
    // With a filter the default stays global: D (RJ) alone would give 2 May, but the as-of date is still 1 July.
    expect((await computeRfmSummary(engine, ds, DEFS, { states: ['SP'] })).data.as_of).toBe('2018-07-01');
  });

  it('computes recency, frequency, monetary, tie-safe scores and segments as worked out by hand', async () => {
    const { data } = await summarise();
    const rows = await queryRfmCustomers(
      engine,
      rfmCustomersSql(ds, DEFS, data.as_of, {}, data.thresholds),
      rfmPageSchema.parse({ limit: 100 }),
    );
    expect(rows).toEqual(EXPECTED_ROWS);
  });

  it('returns the thresholds actually used', async () => {
    const { data, warnings } = await summarise();
    expect(data.thresholds.recency).toEqual([
      { score: 1, min: 136, max: 228, customers: 2 },
      { score: 2, min: 82, max: 103, customers: 2 },
      { score: 3, min: 61, max: 61, customers: 1 },
      { score: 4, min: 11, max: 30, customers: 2 },
      { score: 5, min: 1, max: 1, customers: 1 },
    ]);
    expect(data.thresholds.frequency).toEqual([
      { score: 1, min: 1, max: 1, customers: 6 },
      { score: 2, min: 2, max: 2, customers: 1 },
      { score: 3, min: 3, max: 3, customers: 1 },
    ]);
    expect(data.thresholds.monetary).toEqual([
      { score: 1, min: 0, max: 40, customers: 2 },
      { score: 2, min: 50.5, max: 60, customers: 2 },
      { score: 3, min: 80, max: 80, customers: 1 },
      { score: 4, min: 300, max: 300, customers: 2 },
      { score: 5, min: 500, max: 500, customers: 1 },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^frequency: only 3 score\(s\) used/)]);
  });

  it('summarises segments: customers, shares, revenue, averages, order value', async () => {
    const { data } = await summarise();
    // Total revenue 300 + 80 + 300 + 40 + 500 + 60 + 50.5 + 0 = 1330.5; purchases 3 + 2 + 6×1 = 11.
    expect(data.customers).toBe(8);
    expect(data.orders).toBe(11);
    expect(data.revenue).toBeCloseTo(1330.5, 9);
    expect(data.segments.map((s) => s.segment)).toHaveLength(11);
    const hib = data.segments.find((s) => s.segment === 'Hibernating')!;
    // C, G, H: revenue 300 + 50.5 + 0, purchases 2 + 1 + 1, recency (136 + 82 + 103)/3, R (1+2+2)/3, M (4+2+1)/3.
    expect(hib.customers).toBe(3);
    expect(hib.share_customers).toBeCloseTo(3 / 8, 12);
    expect(hib.revenue).toBeCloseTo(350.5, 9);
    expect(hib.share_revenue).toBeCloseTo(350.5 / 1330.5, 12);
    expect(hib.orders).toBe(4);
    expect(hib.avg_recency_days).toBeCloseTo(107, 12);
    expect(hib.avg_frequency).toBeCloseTo(4 / 3, 12);
    expect(hib.avg_monetary).toBeCloseTo(350.5 / 3, 9);
    expect(hib.avg_r_score).toBeCloseTo(5 / 3, 12);
    expect(hib.avg_f_score).toBeCloseTo(4 / 3, 12);
    expect(hib.avg_m_score).toBeCloseTo(7 / 3, 12);
    expect(hib.avg_order_value).toBeCloseTo(350.5 / 4, 9);
    const pl = data.segments.find((s) => s.segment === 'Potential Loyalists')!;
    expect([pl.customers, pl.orders, pl.avg_order_value]).toEqual([1, 3, 100]);
    const champions = data.segments.find((s) => s.segment === 'Champions')!;
    expect(champions).toMatchObject({ customers: 0, revenue: 0, avg_r_score: null, avg_order_value: null });
    expect(data.segments.reduce((s, x) => s + x.customers, 0)).toBe(8);
  });

  it('reports the (R, F) grid and repeat behaviour', async () => {
    const { data } = await summarise();
    expect(data.grid).toEqual([
      { r_score: 5, f_score: 1, customers: 1, revenue: 80 },
      { r_score: 4, f_score: 3, customers: 1, revenue: 300 },
      { r_score: 4, f_score: 1, customers: 1, revenue: 60 },
      { r_score: 3, f_score: 1, customers: 1, revenue: 40 },
      { r_score: 2, f_score: 1, customers: 2, revenue: 50.5 },
      { r_score: 1, f_score: 2, customers: 1, revenue: 300 },
      { r_score: 1, f_score: 1, customers: 1, revenue: 500 },
    ]);
    // One-time buyers B, D, E, F, G, H: (80 + 40 + 500 + 60 + 50.5 + 0)/6; repeat buyers A, C: (300 + 300)/2.
    expect(data.repeat).toEqual({
      one_time_customers: 6,
      repeat_customers: 2,
      avg_monetary_one_time: expect.closeTo(730.5 / 6, 9),
      avg_monetary_repeat: 300,
    });
  });

  it('computes Pareto and Gini on customer revenue', async () => {
    const { data } = await summarise();
    // Ascending: 0, 40, 50.5, 60, 80, 300, 300, 500.  Top 20% = 1.6 customers = 500 + 0.6 × 300 = 680.
    expect(data.pareto.top_shares.find((t) => t.top === 0.2)?.share).toBeCloseTo(680 / 1330.5, 12);
    // Σ i·x = 2·40 + 3·50.5 + 4·60 + 5·80 + 6·300 + 7·300 + 8·500 = 8771.5.
    expect(data.pareto.gini).toBeCloseTo((2 * 8771.5) / (8 * 1330.5) - 9 / 8, 12);
    // 80% of 1330.5 = 1064.4: 500 + 300 + 300 = 1100 ≥ 1064.4 > 800 → 2 + (264.4 / 300) customers of 8.
    expect(data.pareto.units_share_for_target).toBeCloseTo((2 + 264.4 / 300) / 8, 9);
  });

  it('writes a recommendation per segment from the figures', async () => {
    const { data } = await summarise();
    expect(data.recommendations).toHaveLength(11);
    const hib = data.recommendations.find((r) => r.segment === 'Hibernating')!;
    expect(hib.finding).toContain('3 customers (37.5%) bring R$ 350.50 (26.3% of revenue)');
    expect(hib.finding).toContain('last 107 days before 2018-07-01');
    expect(hib.action).toMatch(/reactivation/);
    const champions = data.recommendations.find((r) => r.segment === 'Champions')!;
    expect(champions).toMatchObject({
      priority: 'none',
      finding: 'No customers fall in this segment as of 2018-07-01.',
    });
    expect(data.highlights[0]).toContain('75.0% of customers bought once and 2 (25.0%) more than once');
  });

  it('uses only purchases before a given as-of date', async () => {
    const { data } = await summarise('2018-03-01');
    const rows = await queryRfmCustomers(
      engine,
      rfmCustomersSql(ds, DEFS, data.as_of, {}, data.thresholds),
      rfmPageSchema.parse({}),
    );
    // Before 1 Mar: A's order of 10 Jan (a2 on 1 Mar itself is excluded), C's two, E's one.
    // A: 21 + 28 = 50 days; C: 14; E: 16 + 31 + 31 + 28 = 106.
    expect(rows.map((r) => [r.customer_unique_id, r.recency_days, r.frequency, r.monetary])).toEqual([
      ['A', 50, 1, 100],
      ['C', 14, 2, 300],
      ['E', 106, 1, 500],
    ]);
  });

  it('pages by offset and by keyset, and filters by segment', async () => {
    const { data } = await summarise();
    const sql = rfmCustomersSql(ds, DEFS, data.as_of, {}, data.thresholds);
    const p1 = await queryRfmCustomers(engine, sql, rfmPageSchema.parse({ limit: 3 }));
    const p2 = await queryRfmCustomers(
      engine,
      sql,
      rfmPageSchema.parse({ limit: 3, after: p1[2]!.customer_unique_id }),
    );
    const p2b = await queryRfmCustomers(engine, sql, rfmPageSchema.parse({ limit: 3, offset: 3 }));
    expect(p1.map((r) => r.customer_unique_id)).toEqual(['A', 'B', 'C']);
    expect(p2.map((r) => r.customer_unique_id)).toEqual(['D', 'E', 'F']);
    expect(p2b).toEqual(p2);
    const hib = await queryRfmCustomers(engine, sql, rfmPageSchema.parse({ segment: 'Hibernating' }));
    expect(hib.map((r) => r.customer_unique_id)).toEqual(['C', 'G', 'H']);
  });

  it('filters by customer state', async () => {
    const e2 = await Engine.memory();
    try {
      const ds2 = await createTestDataset(e2, {
        orders: [
          { id: 'o1', customer: 'X', state: 'SP', at: '2018-01-01', value: 10 },
          { id: 'o2', customer: 'Y', state: 'RJ', at: '2018-01-02', value: 20 },
        ],
      });
      const { data } = await computeRfmSummary(e2, ds2, DEFS, { states: ['RJ'] }, '2018-01-03');
      expect([data.customers, data.revenue]).toEqual([1, 20]);
    } finally {
      e2.close();
    }
  });
});

describe('RFM ties', () => {
  it('gives every customer the same F score when all bought the same number of times', async () => {
    const engine = await Engine.memory();
    try {
      // 12 customers, one purchase each, on 12 different days; values 10..120.
      const orders = Array.from({ length: 12 }, (_, i) => ({
        id: `o${i}`,
        customer: `c${String(i).padStart(2, '0')}`,
        at: `2018-01-${String(i + 1).padStart(2, '0')}`,
        value: 10 * (i + 1),
      }));
      const ds = await createTestDataset(engine, { orders });
      const { data, warnings } = await computeRfmSummary(engine, ds, DEFS, {}, '2018-02-01');
      expect(data.thresholds.frequency).toEqual([{ score: 1, min: 1, max: 1, customers: 12 }]);
      const rows = await queryRfmCustomers(
        engine,
        rfmCustomersSql(ds, DEFS, data.as_of, {}, data.thresholds),
        rfmPageSchema.parse({}),
      );
      expect(new Set(rows.map((r) => r.f_score))).toEqual(new Set([1]));
      // Recency and monetary have 12 distinct values: all 5 scores are used.
      expect(new Set(rows.map((r) => r.r_score))).toEqual(new Set([1, 2, 3, 4, 5]));
      expect(warnings?.some((w) => w.startsWith('frequency: only 1 score(s)'))).toBe(true);
      expect(data.highlights[0]).toMatch(/^Every customer bought exactly once/);
    } finally {
      engine.close();
    }
  });

  it('handles a data set with no purchases before the as-of date', async () => {
    const engine = await Engine.memory();
    try {
      const ds = await createTestDataset(engine, {
        orders: [{ id: 'o', customer: 'x', at: '2018-05-01', value: 1 }],
      });
      const out = await computeRfmSummary(engine, ds, DEFS, {}, '2018-01-01');
      expect(out.data.customers).toBe(0);
      expect(out.data.thresholds.recency).toEqual([]);
      expect(out.data.pareto.gini).toBeNull();
      expect(out.warnings).toContain('no purchases before the as-of date 2018-01-01');
    } finally {
      engine.close();
    }
  });
});
