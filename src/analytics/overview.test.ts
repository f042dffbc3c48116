import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { computeOverview, overviewParamsSchema } from './overview.ts';
import { createTestDataset } from './testData.ts';
import { MARKET_SPEC } from './testSpecs.ts';

const DEFS: Definitions = { excludedStatuses: ['canceled', 'unavailable'], orderValue: 'payments' };

describe('overview KPIs on the hand-made marketplace (testSpecs.ts)', () => {
  let engine: Engine;
  let ds: DatasetRef;
  beforeAll(async () => {
    engine = await Engine.memory();
    ds = await createTestDataset(engine, MARKET_SPEC);
  });
  afterAll(() => engine.close());

  const run = (raw: Record<string, unknown> = {}) =>
    computeOverview(engine, ds, DEFS, overviewParamsSchema.parse(raw));

  it('computes every KPI over all purchases', async () => {
    const { data } = await run();
    // Purchases o1 o2 o3 o4 o6 o7 (o5 canceled): 100 + 50 + 200 + 30 + 120 + 10 = 510 over 6 orders.
    // Repeat: X (o2 is their 2nd) and W (o7 is their 2nd) of X, Y, Z, W.
    // Reviews: o1 5, o2 3 (latest of 1 and 3), o3 4, o6 2, o7 5 → 19/5.
    // Delivered o1 o2 o3 o6 o7; on time o1 (15 ≤ 20), o3 (on the estimated day), o7 → 3/5.
    expect(data.kpis).toEqual({
      revenue: 510,
      orders: 6,
      customers: 4,
      avg_order_value: 85,
      repeat_customers: 2,
      repeat_customer_rate: 0.5,
      reviewed_orders: 5,
      avg_review_score: 3.8,
      delivered_orders: 5,
      on_time_orders: 3,
      on_time_rate: 0.6,
    });
    expect([data.first_purchase, data.last_purchase]).toEqual(['2018-01-10', '2018-05-02']);
  });

  it('gives a monthly trend of each KPI, with empty months', async () => {
    const { data } = await run();
    const k = (
      month: string,
      revenue: number,
      orders: number,
      customers: number,
      aov: number | null,
      rep: number,
      repRate: number | null,
      reviewed: number,
      review: number | null,
      delivered: number,
      onTime: number,
      onTimeRate: number | null,
    ) => ({
      month,
      revenue,
      orders,
      customers,
      avg_order_value: aov,
      repeat_customers: rep,
      repeat_customer_rate: repRate,
      reviewed_orders: reviewed,
      avg_review_score: review,
      delivered_orders: delivered,
      on_time_orders: onTime,
      on_time_rate: onTimeRate,
    });
    expect(data.trend).toEqual([
      k('2018-01', 300, 2, 2, 150, 0, 0, 2, 4.5, 2, 2, 1), // o1, o3
      k('2018-02', 80, 2, 2, 40, 1, 0.5, 1, 3, 1, 0, 0), // o2 (X's 2nd, late), o4 (not delivered)
      k('2018-03', 120, 1, 1, 120, 0, 0, 1, 2, 1, 0, 0), // o6 (late)
      k('2018-04', 0, 0, 0, null, 0, null, 0, null, 0, 0, null),
      k('2018-05', 10, 1, 1, 10, 1, 1, 1, 5, 1, 1, 1), // o7 (W's 2nd)
    ]);
  });

  it('counts purchases before the range when deciding who is a repeat customer', async () => {
    const { data } = await run({ from: '2018-02-01', to: '2018-04-01' });
    // o2, o4, o6: customers X, Z, W; X had bought in January → 1 of 3 is a repeat customer.
    expect(data.kpis).toMatchObject({ revenue: 200, orders: 3, customers: 3, repeat_customers: 1 });
    expect(data.kpis.repeat_customer_rate).toBeCloseTo(1 / 3, 12);
    expect(data.kpis.avg_review_score).toBe(2.5);
    expect(data.kpis.on_time_rate).toBe(0);
    expect(data.trend.map((t) => t.month)).toEqual(['2018-02', '2018-03']);
  });

  it('filters by customer state and by product category', async () => {
    const rj = await run({ states: 'rj' });
    // o3, o4 (Y's canceled o5 does not make Y a repeat customer).
    expect(rj.data.kpis).toMatchObject({ revenue: 230, orders: 2, customers: 2, repeat_customers: 0 });
    const esporte = await run({ categories: ['esporte'] });
    // Orders with an esporte item: o2, o3, o6 → 50 + 200 + 120; each is its customer's first esporte order.
    expect(esporte.data.kpis).toMatchObject({ revenue: 370, orders: 3, customers: 3, repeat_customers: 0 });
  });

  it('validates parameters', () => {
    expect(overviewParamsSchema.safeParse({ from: '2018-05-01', to: '2018-01-01' }).success).toBe(false);
    expect(overviewParamsSchema.safeParse({ from: '2018-02-30' }).success).toBe(false);
    expect(overviewParamsSchema.safeParse({ states: 'SPX' }).success).toBe(false);
    expect(overviewParamsSchema.parse({ states: 'sp, rj' }).states).toEqual(['SP', 'RJ']);
  });
});
