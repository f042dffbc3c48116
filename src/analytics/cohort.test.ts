import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import { cohortLongRows, cohortParamsSchema, computeCohorts } from './cohort.ts';
import type { Definitions } from './definitions.ts';
import { resolveAsOf } from './purchases.ts';
import { createTestDataset, type TestDataset } from './testData.ts';

const DEFS: Definitions = { excludedStatuses: ['canceled', 'unavailable'], orderValue: 'payments' };

/*
 * Monthly cohorts, latest purchase 2018-04-12 → as-of 2018-04-13 (April is partial).
 *   Jan cohort: P (5 Jan 100, 10 Feb 50, 1 Apr 30), Q (20 Jan 200, 25 Jan 20), R (31 Jan 10, 1 Feb 10)
 *   Feb cohort: S (14 Feb 70, 10 Apr 30)
 *   Mar cohort: T (3 Mar 40; a canceled order on 10 Mar is not a purchase)
 *   Apr cohort: U (12 Apr 60)
 * R's 1 Feb purchase is period 1 by calendar month although it is one day after the first.
 */
const SPEC: TestDataset = {
  orders: [
    { id: 'p1', customer: 'P', at: '2018-01-05', value: 100 },
    { id: 'p2', customer: 'P', at: '2018-02-10', value: 50 },
    { id: 'p3', customer: 'P', at: '2018-04-01', value: 30 },
    { id: 'q1', customer: 'Q', at: '2018-01-20', value: 200 },
    { id: 'q2', customer: 'Q', at: '2018-01-25', value: 20 },
    { id: 'r1', customer: 'R', at: '2018-01-31 23:00:00', value: 10 },
    { id: 'r2', customer: 'R', at: '2018-02-01 01:00:00', value: 10 },
    { id: 's1', customer: 'S', at: '2018-02-14', value: 70 },
    { id: 's2', customer: 'S', at: '2018-04-10', value: 30 },
    { id: 't1', customer: 'T', at: '2018-03-03', value: 40 },
    { id: 't2', customer: 'T', at: '2018-03-10', value: 500, status: 'canceled' },
    { id: 'u1', customer: 'U', at: '2018-04-12', value: 60 },
  ],
};

const n = null;

describe('cohorts by month on a hand-made data set', () => {
  let engine: Engine;
  let ds: DatasetRef;
  beforeAll(async () => {
    engine = await Engine.memory();
    ds = await createTestDataset(engine, SPEC);
  });
  afterAll(() => engine.close());

  const run = async (raw: Record<string, unknown> = {}) => {
    const params = cohortParamsSchema.parse(raw);
    return computeCohorts(engine, ds, DEFS, params, await resolveAsOf(engine, ds, DEFS, params.as_of));
  };

  it('builds every matrix with censored cells null', async () => {
    const { data, warnings } = await run();
    expect(data.as_of).toBe('2018-04-13');
    expect(data.cohorts.map((c) => [c.cohort, c.size, c.last_period, c.last_period_partial])).toEqual([
      ['2018-01', 3, 3, true],
      ['2018-02', 1, 2, true],
      ['2018-03', 1, 1, true],
      ['2018-04', 1, 0, true],
    ]);
    expect(data.max_period).toBe(3);
    expect(data.partial_period).toEqual({ start: '2018-04-01', end: '2018-05-01' });
    expect(warnings).toEqual([
      expect.stringMatching(/last month \(2018-04-01 to 2018-05-01\) is only partly observed/),
    ]);
    const m = data.matrices;
    // Jan: period 0 P, Q, R; period 1 (Feb) P and R; period 2 (Mar) nobody; period 3 (Apr) P.
    expect(m.customers).toEqual([
      [3, 2, 0, 1],
      [1, 0, 1, n],
      [1, 0, n, n],
      [1, n, n, n],
    ]);
    expect(m.retention).toEqual([
      [1, 2 / 3, 0, 1 / 3],
      [1, 0, 1, n],
      [1, 0, n, n],
      [1, n, n, n],
    ]);
    // Last active period: P 3, Q 0, R 1 → active in k or later: k0 3, k1 2 (P, R), k2 1, k3 1.
    expect(m.retention_or_later).toEqual([
      [1, 2 / 3, 1 / 3, 1 / 3],
      [1, 1, 1, n],
      [1, 0, n, n],
      [1, n, n, n],
    ]);
    // Jan revenue: k0 100 + 200 + 20 + 10 = 330; k1 50 + 10 = 60; k2 0; k3 30.
    expect(m.revenue).toEqual([
      [330, 60, 0, 30],
      [70, 0, 30, n],
      [40, 0, n, n],
      [60, n, n, n],
    ]);
    expect(m.revenue_per_customer).toEqual([
      [110, 20, 0, 10],
      [70, 0, 30, n],
      [40, 0, n, n],
      [60, n, n, n],
    ]);
    expect(m.cumulative_revenue_per_customer).toEqual([
      [110, 130, 130, 140],
      [70, 70, 100, n],
      [40, 40, n, n],
      [60, n, n, n],
    ]);
    expect(m.orders).toEqual([
      [4, 2, 0, 1],
      [1, 0, 1, n],
      [1, 0, n, n],
      [1, n, n, n],
    ]);
    // Orders per active customer: Jan k0 4/3, k1 2/2, k2 nobody active → null.
    expect(m.orders_per_active_customer).toEqual([
      [4 / 3, 1, n, 1],
      [1, n, 1, n],
      [1, n, n, n],
      [1, n, n, n],
    ]);
  });

  it('averages only complete cells, weighted by cohort size', async () => {
    const { data } = await run();
    // Period 0: Jan, Feb, Mar (Apr is partial) → 5 of 5.  Period 1: Jan (2 of 3), Feb (0 of 1) → 2/4.
    // Period 2: Jan only (Feb's is partial) → 0/3.  Period 3: only Jan's, partial → no average.
    expect(data.average.map((a) => [a.period, a.cohorts, a.customers, a.retention])).toEqual([
      [0, 3, 5, 1],
      [1, 2, 2, 0.5],
      [2, 1, 0, 0],
    ]);
    // Cumulative revenue per customer at period 1: (130·3 + 70·1) / 4.
    expect(data.average[1]?.cumulative_revenue_per_customer).toBeCloseTo((130 * 3 + 70) / 4, 12);
  });

  it('derives the default as-of date in its own pass, and keeps it global under a filter', async () => {
    const derived = await computeCohorts(engine, ds, DEFS, cohortParamsSchema.parse({}));
    expect(derived.data).toEqual((await run()).data);
    expect(derived.resolvedParams).toEqual({ as_of: '2018-04-13' });
    // Every customer is in SP; a filter on RJ finds nobody but the as-of date is still the global one.
    const rj = await computeCohorts(engine, ds, DEFS, cohortParamsSchema.parse({ states: ['RJ'] }));
    expect(rj.data.as_of).toBe('2018-04-13');
    expect(rj.data.cohorts).toEqual([]);
    expect(rj.warnings).toEqual(['no purchases before the as-of date 2018-04-13']);
  });

  it('flags nothing as partial when the as-of date starts a month', async () => {
    const { data, warnings } = await run({ as_of: '2018-05-01' });
    expect(data.partial_period).toBeNull();
    expect(data.cohorts.every((c) => !c.last_period_partial)).toBe(true);
    expect(data.average.find((a) => a.period === 3)).toMatchObject({ cohorts: 1, retention: 1 / 3 });
    expect(warnings).toEqual([]);
  });

  it('ignores purchases on or after an earlier as-of date', async () => {
    const { data } = await run({ as_of: '2018-03-01' });
    // Only Jan and Feb cohorts; Feb is the last observable month and complete.
    expect(data.cohorts.map((c) => [c.cohort, c.size, c.last_period])).toEqual([
      ['2018-01', 3, 1],
      ['2018-02', 1, 0],
    ]);
    expect(data.matrices.customers).toEqual([
      [3, 2],
      [1, n],
    ]);
    expect(data.partial_period).toBeNull();
  });

  it('gives the long CSV rows of the observable cells', async () => {
    const { data } = await run();
    const rows = cohortLongRows(data);
    expect(rows).toHaveLength(4 + 3 + 2 + 1);
    expect(rows[1]).toEqual({
      cohort: '2018-01',
      cohort_size: 3,
      period: 1,
      customers: 2,
      retention: 2 / 3,
      revenue: 60,
    });
  });
});

describe('cohorts by week', () => {
  it('uses ISO weeks (Monday first) and calendar week periods', async () => {
    const engine = await Engine.memory();
    try {
      // Mon 1 Jan 2018 week. V: Mon 1 Jan and Mon 8 Jan (period 1). W: Sun 7 Jan (same week as 1 Jan) and Mon 15 Jan (period 2).
      const ds = await createTestDataset(engine, {
        orders: [
          { id: 'v1', customer: 'V', at: '2018-01-01', value: 1 },
          { id: 'v2', customer: 'V', at: '2018-01-08', value: 2 },
          { id: 'w1', customer: 'W', at: '2018-01-07', value: 3 },
          { id: 'w2', customer: 'W', at: '2018-01-15', value: 4 },
        ],
      });
      const params = cohortParamsSchema.parse({ period: 'week' });
      const asOf = await resolveAsOf(engine, ds, DEFS);
      expect(asOf).toBe('2018-01-16');
      const { data } = await computeCohorts(engine, ds, DEFS, params, asOf);
      expect(data.cohorts).toEqual([
        {
          cohort: '2018-01-01',
          cohort_start: '2018-01-01',
          size: 2,
          last_period: 2,
          last_period_partial: true,
        },
      ]);
      expect(data.matrices.customers).toEqual([[2, 1, 1]]);
      expect(data.matrices.retention).toEqual([[1, 0.5, 0.5]]);
      expect(data.matrices.retention_or_later).toEqual([[1, 1, 0.5]]);
      expect(data.partial_period).toEqual({ start: '2018-01-15', end: '2018-01-22' });
    } finally {
      engine.close();
    }
  });
});
