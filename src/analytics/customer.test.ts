import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { NotFoundError } from '../core/errors.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { fitClv } from './clv/service.ts';
import { customerDetail } from './customer.ts';
import { rfmCustomers } from './service.ts';
import { type TestOrder, writeTestCsvDir } from './testData.ts';

// "ana" buys on 2018-01-01 (100) and 2018-01-15 (50); a canceled order on 2018-02-01 is not a purchase.
// 40 other customers give the models something to fit: every fourth buys twice.
const others: TestOrder[] = [];
for (let i = 0; i < 40; i++) {
  const day = String(1 + (i % 28)).padStart(2, '0');
  others.push({
    id: `o${i}a`,
    customer: `c${i}`,
    at: `2017-${i % 2 ? '11' : '12'}-${day}`,
    value: 40 + i,
    items: [{ price: 40 + i }],
  });
  if (i % 4 === 0) others.push({ id: `o${i}b`, customer: `c${i}`, at: `2018-02-${day}`, value: 30 + i });
}
const spec = {
  orders: [
    {
      id: 'ana1',
      customer: 'ana',
      state: 'SP',
      at: '2018-01-01 09:00:00',
      value: 100,
      delivered: '2018-01-05',
      reviews: 5,
    },
    { id: 'ana2', customer: 'ana', state: 'SP', at: '2018-01-15 12:00:00', payments: [30, 20], reviews: 3 },
    { id: 'ana3', customer: 'ana', state: 'SP', at: '2018-02-01', status: 'canceled', value: 30 },
    ...others,
  ],
};

describe('customerDetail', () => {
  let ctx: AppContext;
  let dir: string;
  beforeAll(async () => {
    ctx = await testContext();
    dir = writeTestCsvDir(spec, tempDir('olist-customer-'));
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(dir);
    removeDir(ctx.dataDir);
  });

  it('lists every order with payments and reviews, and the RFM row', async () => {
    const { data, meta } = await customerDetail(ctx, { customer_unique_id: 'ana' });
    expect(meta.dataset_version).toBe(1);
    expect(data.state).toBe('SP');
    expect(data.orders.map((o) => [o.order_id, o.is_purchase, o.payment_value])).toEqual([
      ['ana1', true, 100],
      ['ana2', true, 50],
      ['ana3', false, 30],
    ]);
    expect(data.payments.filter((p) => p.order_id === 'ana2').map((p) => p.payment_value)).toEqual([30, 20]);
    expect(data.reviews.map((r) => r.review_score)).toEqual([5, 3]);
    expect(data.first_purchase).toBe('2018-01-01 09:00:00');
    expect(data.last_purchase).toBe('2018-01-15 12:00:00');
    // as-of = the day after the latest purchase of the whole data set (computed here from the spec).
    const asOf = meta.params.as_of as string;
    const latest = [...spec.orders]
      .filter((o) => o.status !== 'canceled')
      .map((o) => o.at.slice(0, 10))
      .sort()
      .at(-1)!;
    const next = new Date(`${latest}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    expect(asOf).toBe(next.toISOString().slice(0, 10));
    const daysSinceLast = (Date.parse(`${asOf}T00:00:00Z`) - Date.parse('2018-01-15T00:00:00Z')) / 86_400_000;
    expect(data.rfm).toMatchObject({ recency_days: daysSinceLast, frequency: 2, monetary: 150 });
  });

  it('gives P(alive) and expected purchases from the fitted BG/NBD model (closed form)', async () => {
    const { data, meta } = await customerDetail(ctx, { customer_unique_id: 'ana', horizon_weeks: 26 });
    const clv = data.clv!;
    const asOf = meta.params.as_of as string;
    // x = 2 purchase days − 1; t_x = 14 days; T = as-of − first purchase day; in weeks.
    const T = (Date.parse(`${asOf}T00:00:00Z`) - Date.parse('2018-01-01T00:00:00Z')) / 86_400_000 / 7;
    expect(clv).toMatchObject({ frequency: 1, recency: 2, monetary_value: 50 });
    expect(clv.T).toBeCloseTo(T, 10);
    const fit = (await fitClv(ctx, { model: 'bgnbd', unit: 'weeks', as_of: asOf })).data.fit.params;
    const { r, alpha, a, b } = fit as { r: number; alpha: number; a: number; b: number };
    // Fader, Hardie & Lee (2005), eq. (13): P(alive | x, t_x, T) for x > 0.
    const pAlive = 1 / (1 + (a / (b + 1 - 1)) * ((alpha + T) / (alpha + 2)) ** (r + 1));
    expect(clv.p_alive).toBeCloseTo(pAlive, 10);
    expect(clv.expected_purchases).toBeGreaterThan(0);
    expect(clv.clv).not.toBeNull();
  });

  it('sorts and searches the customer list', async () => {
    // Monetary by hand: ana 150; c_i = (40 + i) plus (30 + i) when i % 4 = 0; the largest is c36: 76 + 66.
    const top = await rfmCustomers(ctx, {}, { sort: 'monetary', order: 'desc', limit: 3 });
    expect(top.data.rows.map((r) => [r.customer_unique_id, r.monetary])).toEqual([
      ['ana', 150],
      ['c36', 142],
      ['c32', 134],
    ]);
    expect(top.data.next_after).toBeNull();
    const found = await rfmCustomers(ctx, {}, { search: 'C3', limit: 50 });
    expect(found.data.rows.map((r) => r.customer_unique_id)).toEqual([
      'c3',
      'c30',
      'c31',
      'c32',
      'c33',
      'c34',
      'c35',
      'c36',
      'c37',
      'c38',
      'c39',
    ]);
    await expect(rfmCustomers(ctx, {}, { sort: 'frequency', after: 'c1' })).rejects.toThrow(/keyset paging/);
  });

  it('names an unknown customer', async () => {
    await expect(customerDetail(ctx, { customer_unique_id: 'nobody' })).rejects.toBeInstanceOf(NotFoundError);
  });
});
