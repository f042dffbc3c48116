import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { computeMarketplace, marketplaceParamsSchema } from './marketplace.ts';
import { createTestDataset } from './testData.ts';
import { MARKET_SPEC } from './testSpecs.ts';

const DEFS: Definitions = { excludedStatuses: ['canceled', 'unavailable'], orderValue: 'payments' };

describe('marketplace views on the hand-made marketplace (testSpecs.ts)', () => {
  let engine: Engine;
  let ds: DatasetRef;
  beforeAll(async () => {
    engine = await Engine.memory();
    ds = await createTestDataset(engine, MARKET_SPEC);
  });
  afterAll(() => engine.close());

  const run = (raw: Record<string, unknown> = {}) =>
    computeMarketplace(engine, ds, DEFS, marketplaceParamsSchema.parse(raw));

  it('measures delivery against review scores', async () => {
    const { data } = await run();
    const d = data.delivery;
    // Delivery days: o1 5, o2 15, o3 10, o6 9, o7 3 → mean 42/5, median 9. Late: o2 (5 days), o6 (2 days).
    expect(d.overall).toEqual({
      orders: 6,
      delivered_orders: 5,
      avg_delivery_days: 8.4,
      median_delivery_days: 9,
      late_orders: 2,
      late_share: 0.4,
      reviewed_orders: 5,
      avg_review_score: 3.8,
    });
    expect(d.by_outcome).toEqual([
      { group: 'on_time', orders: 3, reviewed_orders: 3, avg_review_score: 14 / 3 }, // o1 5, o3 4, o7 5
      { group: 'late', orders: 2, reviewed_orders: 2, avg_review_score: 2.5 }, // o2 3, o6 2
      { group: 'not_delivered', orders: 1, reviewed_orders: 0, avg_review_score: null }, // o4
    ]);
    // Days late (delivered date − estimated date): o1 −5, o7 −5, o3 0, o6 2, o2 5.
    expect(d.by_days_late).toEqual([
      { group: '1-7 days early', orders: 2, reviewed_orders: 2, avg_review_score: 5 },
      { group: 'on the estimated day', orders: 1, reviewed_orders: 1, avg_review_score: 4 },
      { group: '1-3 days late', orders: 1, reviewed_orders: 1, avg_review_score: 2 },
      { group: '4-7 days late', orders: 1, reviewed_orders: 1, avg_review_score: 3 },
    ]);
    expect(
      d.by_state.map((s) => [
        s.state,
        s.orders,
        s.delivered_orders,
        s.avg_delivery_days,
        s.late_share,
        s.avg_review_score,
      ]),
    ).toEqual([
      ['MG', 2, 2, 6, 0.5, 3.5], // o6 9 days late 2, o7 3 days
      ['RJ', 2, 1, 10, 0, 4], // o3 delivered, o4 not
      ['SP', 2, 2, 10, 0.5, 4], // o1 5 days, o2 15 days late; reviews 5 and 3
    ]);
    expect(d.by_month.map((m) => [m.month, m.delivered_orders, m.avg_delivery_days, m.late_share])).toEqual([
      ['2018-01', 2, 7.5, 0],
      ['2018-02', 1, 15, 1],
      ['2018-03', 1, 9, 1],
      ['2018-05', 1, 3, 0],
    ]);
  });

  it('gives revenue and customers by state', async () => {
    const { data } = await run();
    expect(data.states).toEqual([
      { state: 'RJ', revenue: 230, share_revenue: 230 / 510, orders: 2, customers: 2, avg_order_value: 115 },
      { state: 'SP', revenue: 150, share_revenue: 150 / 510, orders: 2, customers: 1, avg_order_value: 75 },
      { state: 'MG', revenue: 130, share_revenue: 130 / 510, orders: 2, customers: 1, avg_order_value: 65 },
    ]);
  });

  it('splits order values over items and measures categories', async () => {
    const { data } = await run();
    // cama: o1 100 + o3 half of 200 + o4 30 + o7 10 = 240.
    // esporte: o2 50 + o3 100 + o6 120 × 40/100 = 48 → 198.  (none): o6 120 × 60/100 = 72.
    const byName = Object.fromEntries(data.categories.map((c) => [c.category, c]));
    expect(data.categories.map((c) => c.category)).toEqual(['cama', 'esporte', '(none)']);
    expect(byName.cama).toEqual({
      category: 'cama',
      category_english: 'bed_bath_table',
      revenue: 240,
      share_revenue: 240 / 510,
      orders: 4,
      items: 4,
      customers: 4,
      reviewed_orders: 3,
      avg_review_score: 14 / 3, // o1 5, o3 4, o7 5
      repeat_rate: 0.5, // X and W bought twice, Y and Z once
      category_repeat_rate: 0,
    });
    expect(byName.esporte).toMatchObject({
      category_english: 'sports_leisure',
      orders: 3,
      customers: 3,
      avg_review_score: 3, // o2 3, o3 4, o6 2
      repeat_rate: 2 / 3, // X, W of X, Y, W
    });
    expect(byName.esporte?.revenue).toBeCloseTo(198, 9);
    expect(byName['(none)']).toMatchObject({ category_english: null, orders: 1, repeat_rate: 1 });
    expect(byName['(none)']?.revenue).toBeCloseTo(72, 9);
    expect(data.unattributed_revenue).toBeCloseTo(0, 9);
  });

  it('measures seller concentration', async () => {
    const { data, warnings } = await run();
    // s1 240 (o1 o3 o4 o7), s2 198 (o2 o3 o6), s3 72 (o6).
    expect(data.sellers.top.map((s) => [s.seller_id, s.seller_state, s.orders])).toEqual([
      ['s1', 'SP', 4],
      ['s2', 'PR', 3],
      ['s3', 'MG', 1],
    ]);
    expect(data.sellers.top[0]?.share_revenue).toBeCloseTo(240 / 510, 12);
    const c = data.sellers.concentration;
    expect(c.units).toBe(3);
    // Ascending 72, 198, 240: Gini = 2 (1·72 + 2·198 + 3·240) / (3·510) − 4/3.
    expect(c.gini).toBeCloseTo((2 * (72 + 396 + 720)) / 1530 - 4 / 3, 9);
    expect(c.hhi).toBeCloseTo((72 ** 2 + 198 ** 2 + 240 ** 2) / 510 ** 2, 9);
    expect(warnings).toEqual([]);
  });

  it('reports revenue of purchases without items as unattributed, and category repeat buyers', async () => {
    const e2 = await Engine.memory();
    try {
      const ds2 = await createTestDataset(e2, {
        orders: [
          { id: 'k1', customer: 'K', at: '2018-01-01', value: 10, items: [{ price: 10, category: 'cama' }] },
          { id: 'k2', customer: 'K', at: '2018-01-05', value: 20, items: [{ price: 20, category: 'cama' }] },
          { id: 'l1', customer: 'L', at: '2018-01-03', value: 5 },
        ],
      });
      const { data, warnings } = await computeMarketplace(e2, ds2, DEFS, marketplaceParamsSchema.parse({}));
      expect(data.revenue).toBe(35);
      expect(data.unattributed_revenue).toBeCloseTo(5, 9);
      expect(warnings).toEqual([
        expect.stringMatching(/^R\$ 5\.00 of revenue comes from purchases without items/),
      ]);
      expect(data.categories).toEqual([
        expect.objectContaining({
          category: 'cama',
          revenue: 30,
          orders: 2,
          customers: 1,
          repeat_rate: 1,
          category_repeat_rate: 1,
        }),
      ]);
    } finally {
      e2.close();
    }
  });
});
