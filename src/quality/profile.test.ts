import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, testContext } from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { Engine } from '../engine/engine.ts';
import { type ColumnProfile, profileTable, type TableProfile } from './profile.ts';
import { profileDataset } from './service.ts';
import { createDataset, createTable, datasetRef } from './testTables.ts';

const ds = datasetRef(1);
let engine: Engine;
let payments: TableProfile;
let orders: TableProfile;

const column = (t: TableProfile, name: string): ColumnProfile => {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(name);
  return c;
};

beforeAll(async () => {
  engine = await Engine.memory();
  await createTable(engine, ds, 'order_payments', [
    { order_id: 'a', payment_sequential: 1, payment_type: 'a', payment_installments: 1, payment_value: 10 },
    { order_id: 'a', payment_sequential: 2, payment_type: 'bb', payment_installments: 1, payment_value: 20 },
    { order_id: 'b', payment_sequential: 1, payment_type: 'bb', payment_installments: 2, payment_value: 30 },
    { order_id: 'c', payment_sequential: 1, payment_type: 'ccc', payment_installments: 5, payment_value: 40 },
    {
      order_id: 'd',
      payment_sequential: 1,
      payment_type: null,
      payment_installments: null,
      payment_value: null,
    },
  ]);
  await createTable(engine, ds, 'orders', [
    { order_id: 'o1', order_purchase_timestamp: '2017-01-05 10:00:00' },
    { order_id: 'o2', order_purchase_timestamp: '2017-01-31 23:59:59' },
    { order_id: 'o3', order_purchase_timestamp: '2017-03-01 00:00:00' },
  ]);
  payments = await profileTable(engine, ds, 'order_payments', { bins: 4 });
  orders = await profileTable(engine, ds, 'orders');
});
afterAll(() => engine.close());

describe('profile of a tiny table (values computed by hand)', () => {
  it('counts rows, nulls and distinct values', () => {
    expect(payments.rows).toBe(5);
    const v = column(payments, 'payment_value');
    expect(v).toMatchObject({
      type: 'double',
      sql_type: 'DOUBLE',
      nulls: 1,
      null_share: 0.2,
      distinct: 4,
      min: 10,
      max: 40,
    });
  });

  it('numbers: mean, sample standard deviation, quantiles, zeros, negatives', () => {
    const n = column(payments, 'payment_value').numeric!;
    expect(n.mean).toBe(25);
    // Deviations −15, −5, 5, 15: (225 + 25 + 25 + 225) / 3 = 500 / 3.
    expect(n.stddev).toBeCloseTo(Math.sqrt(500 / 3), 10);
    // Continuous quantiles of 10, 20, 30, 40: position q × 3.
    expect(n.quantiles.p50).toBe(25);
    expect(n.quantiles.p25).toBe(17.5);
    expect(n.quantiles.p75).toBe(32.5);
    expect(n.quantiles.p01).toBeCloseTo(10.3, 10);
    expect(n.zeros).toBe(0);
    expect(n.negatives).toBe(0);
  });

  it('histograms: equal-width bins, one bin per value for small integer ranges', () => {
    // [10, 40] in 4 bins of 7.5: 10 | 20 | 30 | 40 (the maximum goes to the last bin).
    expect(column(payments, 'payment_value').numeric!.histogram).toEqual([
      { lower: 10, upper: 17.5, count: 1 },
      { lower: 17.5, upper: 25, count: 1 },
      { lower: 25, upper: 32.5, count: 1 },
      { lower: 32.5, upper: 40, count: 1 },
    ]);
    // Installments 1, 1, 2, 5 in 4 bins of width 1 over [1, 5].
    expect(
      column(payments, 'payment_installments').numeric!.histogram.map((b) => [b.lower, b.count]),
    ).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
      [4, 1],
    ]);
  });

  it('histograms: one bin per value when an integer column has no more values than bins', async () => {
    const p = await profileTable(engine, ds, 'order_payments', { bins: 5 });
    expect(column(p, 'payment_installments').numeric!.histogram).toEqual([
      { lower: 1, upper: 2, count: 2 },
      { lower: 2, upper: 3, count: 1 },
      { lower: 3, upper: 4, count: 0 },
      { lower: 4, upper: 5, count: 0 },
      { lower: 5, upper: 6, count: 1 },
    ]);
  });

  it('text: top values with counts and length statistics', () => {
    const t = column(payments, 'payment_type');
    expect(t.text!.top_values).toEqual([
      { value: 'bb', count: 2 },
      { value: 'a', count: 1 },
      { value: 'ccc', count: 1 },
    ]);
    expect(t.text!.length).toEqual({ min: 1, mean: 2, max: 3 });
    expect(t).toMatchObject({ distinct: 3, nulls: 1, min: 'a', max: 'ccc' });
    // Identifiers list only repeated values.
    expect(column(payments, 'order_id').text!.top_values).toEqual([{ value: 'a', count: 2 }]);
    expect(column(orders, 'order_id').text!.top_values).toEqual([]);
  });

  it('timestamps: range and monthly counts', () => {
    const ts = column(orders, 'order_purchase_timestamp');
    expect(ts).toMatchObject({ min: '2017-01-05 10:00:00', max: '2017-03-01 00:00:00', distinct: 3 });
    expect(ts.timestamp).toEqual({
      months: 2,
      monthly: [
        { month: '2017-01', count: 2 },
        { month: '2017-03', count: 1 },
      ],
    });
    // An all-NULL column.
    expect(column(orders, 'order_approved_at')).toMatchObject({
      nulls: 3,
      null_share: 1,
      distinct: 0,
      min: null,
    });
  });
});

describe('profile of a large table (estimates above exactUpTo rows)', () => {
  it('estimates quantiles and number distinct counts, keeps text exact, finds repeated ids among candidates', async () => {
    const p = await profileTable(engine, ds, 'order_payments', { exactUpTo: 0, bins: 4 });
    const v = column(p, 'payment_value');
    expect(v.distinct_exact).toBe(false);
    expect(v.numeric!.quantiles_exact).toBe(false);
    // t-digest and HyperLogLog on four values land on (or next to) the exact answers.
    expect(v.distinct).toBeGreaterThanOrEqual(3);
    expect(v.distinct).toBeLessThanOrEqual(5);
    expect(v.numeric!.quantiles.p50).toBeGreaterThanOrEqual(20);
    expect(v.numeric!.quantiles.p50).toBeLessThanOrEqual(30);
    // Mean, extremes and histograms stay exact.
    expect(v.numeric!.mean).toBe(25);
    expect(v.numeric!.histogram.map((b) => b.count)).toEqual(
      column(payments, 'payment_value').numeric!.histogram.map((b) => b.count),
    );
    const id = column(p, 'order_id');
    expect(id).toMatchObject({ distinct: 4, distinct_exact: true });
    expect(id.text!.top_values).toEqual([{ value: 'a', count: 2 }]);
  });
});

describe('profile service', () => {
  let ctx: AppContext;
  beforeAll(async () => {
    ctx = await testContext();
    const staged = await ctx.catalog.begin('hand-made');
    await createDataset(ctx.engine, staged, {
      customers: [
        { customer_id: 'c1', customer_unique_id: 'u1', customer_state: 'SP' },
        { customer_id: 'c2', customer_unique_id: 'u1', customer_state: 'RJ' },
      ],
    });
    await ctx.catalog.finish(staged, {
      status: 'published',
      checksum: null,
      rowCounts: { customers: 2 },
      warnings: [],
      loadMs: 1,
      makeCurrent: true,
    });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(ctx.dataDir);
  });

  it('profiles the current version with result metadata, then serves it from the cache', async () => {
    const first = await profileDataset(ctx, undefined, { tables: ['customers'] });
    expect(first.meta).toMatchObject({
      analysis: 'profile',
      dataset_version: 1,
      cached: false,
      rows: { customers: 2 },
    });
    const unique = first.data.tables[0]!.columns.find((c) => c.name === 'customer_unique_id')!;
    expect(unique).toMatchObject({ distinct: 1 });
    expect(unique.text!.top_values).toEqual([{ value: 'u1', count: 2 }]);
    const again = await profileDataset(ctx, undefined, { tables: ['customers'] });
    expect(again.meta.cached).toBe(true);
    expect(again.data).toEqual(first.data);
    const all = await profileDataset(ctx);
    expect(all.data.tables.map((t) => t.rows)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
