/**
 * Every rule kind on tiny hand-made tables: a passing case, a failing case with its counts and
 * example keys, and the `mostly` tolerance on both sides of its boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import type { TableName } from '../olist/tables.ts';
import type { RuleResult } from './run.ts';
import { runRules } from './run.ts';
import { type Cell, createTable, datasetRef, rowsOf } from './testTables.ts';
import { Validator } from './validator.ts';

const ds1 = datasetRef(1);
const ds2 = datasetRef(2);
let engine: Engine;

beforeAll(async () => {
  engine = await Engine.memory();
});
afterAll(() => engine.close());

const table = (t: TableName, rows: readonly Record<string, Cell>[], ds = ds1) =>
  createTable(engine, ds, t, rows);

async function run(v: Validator, opts: { asOf?: string; previous?: boolean } = {}): Promise<RuleResult[]> {
  return v.run(engine, opts.previous ? ds2 : ds1, {
    asOf: opts.asOf ?? '2018-09-01',
    ...(opts.previous ? { previous: ds1 } : {}),
  });
}

const one = async (v: Validator, opts?: { asOf?: string; previous?: boolean }) => {
  const [r] = await run(v, opts);
  return r!;
};

describe('not_null', () => {
  beforeAll(async () => {
    // 10 reviews, titles missing on rows 2, 5 and 7.
    await table(
      'order_reviews',
      rowsOf(10, (i) => ({
        review_id: `r${i}`,
        order_id: `o${i}`,
        review_score: (i % 5) + 1,
        review_comment_title: [2, 5, 7].includes(i) ? null : 'ok',
      })),
    );
  });

  it('passes when every row has a value', async () => {
    const r = await one(new Validator('order_reviews').notNull('review_id'));
    expect(r).toMatchObject({
      status: 'pass',
      passed: true,
      failing_count: 0,
      total_count: 10,
      examples: [],
    });
  });

  it('fails with the count, share and keys of the empty rows', async () => {
    const r = await one(new Validator('order_reviews').notNull('review_comment_title'));
    expect(r).toMatchObject({
      status: 'fail',
      passed: false,
      failing_count: 3,
      total_count: 10,
      failing_share: 0.3,
    });
    expect(r.examples).toEqual(['r2 | o2', 'r5 | o5', 'r7 | o7']);
    expect(r.id).toBe('order_reviews.not_null.review_comment_title');
    expect(r.dimension).toBe('completeness');
  });

  it('tolerates failures up to 1 − mostly', async () => {
    const v = new Validator('order_reviews')
      .notNull('review_comment_title', { id: 'at70', mostly: 0.7 })
      .notNull('review_comment_title', { id: 'at71', mostly: 0.71 });
    const [a, b] = await run(v);
    expect(a).toMatchObject({ status: 'pass', failing_count: 3, mostly: 0.7 });
    expect(a!.examples).toHaveLength(3);
    expect(b).toMatchObject({ status: 'fail', failing_count: 3, mostly: 0.71 });
  });

  it('applies to the rows of `where` only', async () => {
    // Scores are i % 5 + 1: score 3 on rows 2 and 7, both without title.
    const r = await one(
      new Validator('order_reviews').notNull('review_comment_title', { where: 'review_score = 3' }),
    );
    expect(r).toMatchObject({ failing_count: 2, total_count: 2, failing_share: 1 });
  });
});

describe('unique', () => {
  beforeAll(async () => {
    await table('order_reviews', [
      { review_id: 'a', order_id: 'o1' },
      { review_id: 'a', order_id: 'o2' },
      { review_id: 'a', order_id: 'o3' },
      { review_id: 'b', order_id: 'o4' },
      { review_id: 'c', order_id: 'o4' },
      { review_id: null, order_id: 'o5' },
      { review_id: null, order_id: 'o6' },
    ]);
    await table('order_items', [
      { order_id: 'o1', order_item_id: 1 },
      { order_id: 'o1', order_item_id: 2 },
      { order_id: 'o1', order_item_id: 2 },
      { order_id: 'o2', order_item_id: 1 },
    ]);
  });

  it('counts extra copies of a single key, leaving NULL keys out', async () => {
    // 5 non-null ids, 3 distinct: 2 extra copies of "a".
    const r = await one(new Validator('order_reviews').unique('review_id'));
    expect(r).toMatchObject({
      status: 'fail',
      failing_count: 2,
      total_count: 5,
      failing_share: 0.4,
      examples: ['a'],
    });
    expect(r.dimension).toBe('uniqueness');
  });

  it('checks compound keys', async () => {
    const [pk, ok] = await run(
      new Validator('order_items')
        .unique(['order_id', 'order_item_id'])
        .unique(['order_id', 'order_item_id'], {
          id: 'reviews',
          where: 'order_item_id = 1',
        }),
    );
    expect(pk).toMatchObject({ status: 'fail', failing_count: 1, total_count: 4, examples: ['o1 | 2'] });
    expect(ok).toMatchObject({ status: 'pass', failing_count: 0, total_count: 2 });
  });

  it('passes a unique column and respects mostly', async () => {
    const [a, b, c] = await run(
      new Validator('order_reviews')
        .unique('order_id', { id: 'strict' })
        .unique('order_id', { id: 'loose', mostly: 6 / 7 })
        .unique(['review_id', 'order_id'], { id: 'pair' }),
    );
    // order_id: 7 rows, 6 distinct → 1 extra copy (o4).
    expect(a).toMatchObject({ status: 'fail', failing_count: 1, examples: ['o4'] });
    expect(b).toMatchObject({ status: 'pass', failing_count: 1 });
    expect(c).toMatchObject({ status: 'pass', failing_count: 0, total_count: 5 });
  });
});

describe('range', () => {
  beforeAll(async () => {
    await table('order_payments', [
      { order_id: 'p1', payment_sequential: 1, payment_value: -5 },
      { order_id: 'p2', payment_sequential: 1, payment_value: 0 },
      { order_id: 'p3', payment_sequential: 1, payment_value: 10 },
      { order_id: 'p4', payment_sequential: 1, payment_value: 100000 },
      { order_id: 'p5', payment_sequential: 1, payment_value: 200000 },
      { order_id: 'p6', payment_sequential: 1, payment_value: null },
    ]);
  });

  it('fails values outside inclusive bounds; NULLs are not checked', async () => {
    const r = await one(new Validator('order_payments').range('payment_value', 0, 100000));
    expect(r).toMatchObject({
      status: 'fail',
      failing_count: 2,
      total_count: 5,
      examples: ['p1 | 1', 'p5 | 1'],
    });
    expect(r.description).toBe('payment_value ≥ 0 and ≤ 100000');
  });

  it('strict bounds exclude the bound itself; one-sided bounds', async () => {
    const [strict, lower, pass] = await run(
      new Validator('order_payments')
        .range('payment_value', 0, null, { strict: true })
        .range('payment_value', null, 150000, { id: 'upper' })
        .range('payment_value', -10, 10e6, { id: 'wide' }),
    );
    expect(strict).toMatchObject({ failing_count: 2, examples: ['p1 | 1', 'p2 | 1'] });
    expect(lower).toMatchObject({ failing_count: 1, examples: ['p5 | 1'] });
    expect(pass).toMatchObject({ status: 'pass', failing_count: 0, total_count: 5 });
  });

  it('respects mostly', async () => {
    const [a, b] = await run(
      new Validator('order_payments')
        .range('payment_value', 0, 100000, { id: 'a', mostly: 0.6 })
        .range('payment_value', 0, 100000, { id: 'b', mostly: 0.61 }),
    );
    expect(a!.status).toBe('pass');
    expect(b!.status).toBe('fail');
  });

  it('compares timestamps with date bounds', async () => {
    await table('orders', [
      { order_id: 'x', order_purchase_timestamp: '2016-09-04 21:15:19' },
      { order_id: 'y', order_purchase_timestamp: '2030-01-01 00:00:00' },
    ]);
    const r = await one(
      new Validator('orders').range('order_purchase_timestamp', '2016-01-01', '2019-01-01'),
    );
    expect(r).toMatchObject({ failing_count: 1, total_count: 2, examples: ['y'] });
  });
});

describe('in_set', () => {
  beforeAll(async () => {
    await table(
      'order_payments',
      [
        'credit_card',
        'credit_card',
        'boleto',
        'voucher',
        'not_defined',
        'pix',
        'credit_card',
        'debit_card',
        null,
        'boleto',
      ].map((t, i) => ({ order_id: `p${i}`, payment_sequential: 1, payment_type: t })),
    );
  });

  it('passes members, fails the others (NULL not checked)', async () => {
    const [known, defined] = await run(
      new Validator('order_payments')
        .inSet('payment_type', ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined'])
        .inSet('payment_type', ['credit_card', 'boleto', 'voucher', 'debit_card'], { id: 'defined' }),
    );
    expect(known).toMatchObject({ status: 'fail', failing_count: 1, total_count: 9, examples: ['p5 | 1'] });
    expect(defined).toMatchObject({ failing_count: 2, examples: ['p4 | 1', 'p5 | 1'] });
  });

  it('passes with every value listed, and respects mostly', async () => {
    const [all, tol, strict] = await run(
      new Validator('order_payments')
        .inSet('payment_type', ['credit_card', 'boleto', 'voucher', 'debit_card', 'not_defined', 'pix'])
        .inSet('payment_type', ['credit_card', 'boleto', 'voucher', 'debit_card'], {
          id: 'tol',
          mostly: 7 / 9,
        })
        .inSet('payment_type', ['credit_card', 'boleto', 'voucher', 'debit_card'], {
          id: 'strict',
          mostly: 0.78,
        }),
    );
    expect(all!.status).toBe('pass');
    expect(tol!.status).toBe('pass');
    expect(strict!.status).toBe('fail');
  });

  it('works with numbers', async () => {
    await table(
      'order_reviews',
      [1, 2, 5, 7, 0].map((s, i) => ({ review_id: `r${i}`, order_id: `o${i}`, review_score: s })),
    );
    const r = await one(new Validator('order_reviews').inSet('review_score', [1, 2, 3, 4, 5]));
    expect(r).toMatchObject({ failing_count: 2, total_count: 5, examples: ['r3 | o3', 'r4 | o4'] });
  });
});

describe('regex', () => {
  beforeAll(async () => {
    await table('sellers', [
      { seller_id: 's1', seller_city: 'sao paulo', seller_zip_code_prefix: '01001' },
      { seller_id: 's2', seller_city: '04482255', seller_zip_code_prefix: '0448' },
      { seller_id: 's3', seller_city: 'rio de janeiro', seller_zip_code_prefix: '20000' },
      { seller_id: 's4', seller_city: 'belo horizonte', seller_zip_code_prefix: '3000X' },
    ]);
  });

  it('requires a full match', async () => {
    const r = await one(new Validator('sellers').regex('seller_zip_code_prefix', '[0-9]{5}'));
    expect(r).toMatchObject({ status: 'fail', failing_count: 2, total_count: 4, examples: ['s2', 's4'] });
  });

  it('negate: a city that is a number fails', async () => {
    const [city, pass] = await run(
      new Validator('sellers')
        .regex('seller_city', '[0-9]+', { negate: true })
        .regex('seller_city', '[a-z ]+', { id: 'letters', mostly: 0.75 }),
    );
    expect(city).toMatchObject({ status: 'fail', failing_count: 1, examples: ['s2'] });
    expect(pass).toMatchObject({ status: 'pass', failing_count: 1 });
    const strict = await one(new Validator('sellers').regex('seller_city', '[a-z ]+', { mostly: 0.76 }));
    expect(strict.status).toBe('fail');
  });
});

describe('type (parse)', () => {
  beforeAll(async () => {
    await table('customers', [
      { customer_id: 'c1', customer_city: '123' },
      { customer_id: 'c2', customer_city: 'abc' },
      { customer_id: 'c3', customer_city: '2017-10-02' },
      { customer_id: 'c4', customer_city: ' 77 ' },
      { customer_id: 'c5', customer_city: null },
    ]);
  });

  it('checks that text parses as a type', async () => {
    const [int, date, dbl] = await run(
      new Validator('customers')
        .parses('customer_city', 'integer')
        .parses('customer_city', 'date')
        .parses('customer_city', 'double', { mostly: 0.5 }),
    );
    expect(int).toMatchObject({ status: 'fail', failing_count: 2, total_count: 4, examples: ['c2', 'c3'] });
    expect(date).toMatchObject({ failing_count: 3, examples: ['c1', 'c2', 'c4'] });
    expect(dbl).toMatchObject({ status: 'pass', failing_count: 2 });
  });

  it('passes a column of numbers', async () => {
    await table('customers', [
      { customer_id: 'c1', customer_zip_code_prefix: '01001' },
      { customer_id: 'c2', customer_zip_code_prefix: '99999' },
    ]);
    const r = await one(new Validator('customers').parses('customer_zip_code_prefix', 'integer'));
    expect(r).toMatchObject({ status: 'pass', failing_count: 0, total_count: 2 });
  });
});

describe('foreign_key', () => {
  beforeAll(async () => {
    await table('orders', [{ order_id: 'o1' }, { order_id: 'o2' }, { order_id: 'o3' }]);
    await table('order_payments', [
      { order_id: 'o1', payment_sequential: 1 },
      { order_id: 'o1', payment_sequential: 2 },
      { order_id: 'o2', payment_sequential: 1 },
      { order_id: 'o9', payment_sequential: 1 },
      { order_id: null, payment_sequential: 1 },
    ]);
  });

  it('fails orphans and reports the join success rate', async () => {
    const r = await one(new Validator('order_payments').references('order_id', 'orders'));
    // 4 rows with a key, 1 orphan (o9): 75 % join.
    expect(r).toMatchObject({
      status: 'fail',
      failing_count: 1,
      total_count: 4,
      failing_share: 0.25,
      observed: 0.75,
    });
    expect(r.examples).toEqual(['o9']);
    expect(r.message).toContain('join success rate 75.00 %');
    expect(r.dimension).toBe('consistency');
  });

  it('passes when every key is found, and in the other direction finds orders without payment', async () => {
    const [ok, reverse, tol] = await run(
      new Validator('orders')
        .references('order_id', 'orders', 'order_id', { id: 'self' })
        .references('order_id', 'order_payments', 'order_id', { id: 'has_payment' })
        .references('order_id', 'order_payments', 'order_id', { id: 'tol', mostly: 0.66 }),
    );
    expect(ok).toMatchObject({ status: 'pass', failing_count: 0, total_count: 3, observed: 1 });
    expect(reverse).toMatchObject({ status: 'fail', failing_count: 1, examples: ['o3'] });
    expect(tol!.status).toBe('pass');
  });

  it('compound keys', async () => {
    await table('order_items', [
      { order_id: 'o1', order_item_id: 1 },
      { order_id: 'o2', order_item_id: 1 },
    ]);
    const r = await one(
      new Validator('order_payments').references(['order_id', 'payment_sequential'], 'order_items', [
        'order_id',
        'order_item_id',
      ]),
    );
    // (o1,1) and (o2,1) match; (o1,2) and (o9,1) do not.
    expect(r).toMatchObject({ failing_count: 2, total_count: 4, examples: ['o1 | 2', 'o9 | 1'] });
  });

  it('is skipped when the referenced table is empty', async () => {
    await table('geolocation', []);
    await table('customers', [{ customer_id: 'c1', customer_zip_code_prefix: '01001' }]);
    const r = await one(
      new Validator('customers').references(
        'customer_zip_code_prefix',
        'geolocation',
        'geolocation_zip_code_prefix',
      ),
    );
    expect(r).toMatchObject({ status: 'skipped', passed: true });
    expect(r.message).toContain('geolocation is empty');
  });
});

describe('predicate (cross-column business rule)', () => {
  beforeAll(async () => {
    await table('orders', [
      {
        order_id: 'a',
        order_purchase_timestamp: '2018-01-10 10:00:00',
        order_delivered_customer_date: '2018-01-20 10:00:00',
      },
      {
        order_id: 'b',
        order_purchase_timestamp: '2018-01-10 10:00:00',
        order_delivered_customer_date: '2018-01-09 10:00:00',
      },
      { order_id: 'c', order_purchase_timestamp: '2018-01-10 10:00:00', order_delivered_customer_date: null },
      {
        order_id: 'd',
        order_purchase_timestamp: '2018-01-10 10:00:00',
        order_delivered_customer_date: '2018-01-10 10:00:00',
      },
    ]);
  });

  it('fails rows where the condition is false; unknown (NULL) passes', async () => {
    const r = await one(
      new Validator('orders').satisfies('order_delivered_customer_date >= order_purchase_timestamp'),
    );
    expect(r).toMatchObject({ status: 'fail', failing_count: 1, total_count: 4, examples: ['b'] });
    const tol = await one(
      new Validator('orders').satisfies('order_delivered_customer_date >= order_purchase_timestamp', {
        mostly: 0.75,
      }),
    );
    expect(tol.status).toBe('pass');
  });

  it('evaluates over a derived relation (`from`) with its own key', async () => {
    await table('order_payments', [
      { order_id: 'a', payment_sequential: 1, payment_value: 60 },
      { order_id: 'a', payment_sequential: 2, payment_value: 40 },
      { order_id: 'b', payment_sequential: 1, payment_value: 50 },
    ]);
    await table('order_items', [
      { order_id: 'a', order_item_id: 1, price: 90, freight_value: 10 },
      { order_id: 'b', order_item_id: 1, price: 40, freight_value: 5 },
    ]);
    const r = await one(
      new Validator('order_payments').satisfies('abs(paid - charged) <= 0.01', {
        key: ['order_id'],
        from: `SELECT order_id, p.paid, i.charged
                 FROM (SELECT order_id, sum(payment_value) AS paid FROM {order_payments} GROUP BY order_id) p
                 JOIN (SELECT order_id, sum(price + freight_value) AS charged FROM {order_items} GROUP BY order_id) i
                 USING (order_id)`,
      }),
    );
    // a: 100 paid for 100 charged; b: 50 paid for 45.
    expect(r).toMatchObject({ status: 'fail', failing_count: 1, total_count: 2, examples: ['b'] });
  });

  it('a rule whose SQL fails is an error, and the other rules of the same scan still run', async () => {
    const [bad, good] = await run(
      new Validator('orders')
        .satisfies('no_such_column > 0', { id: 'bad' })
        .satisfies('order_delivered_customer_date >= order_purchase_timestamp', { id: 'good' }),
    );
    expect(bad).toMatchObject({ status: 'error', passed: false });
    expect(bad!.message).toMatch(/could not be evaluated/);
    expect(good).toMatchObject({ status: 'fail', failing_count: 1, examples: ['b'] });
  });
});

describe('row_count', () => {
  beforeAll(async () => {
    await table(
      'sellers',
      rowsOf(7, (i) => ({ seller_id: `s${i}` })),
    );
  });

  it('passes within bounds and fails outside, with the observed count', async () => {
    const [within, low, high] = await run(
      new Validator('sellers')
        .rowCount(1, 10)
        .rowCount(8, null, { id: 'low' })
        .rowCount(null, 6, { id: 'high' }),
    );
    expect(within).toMatchObject({ status: 'pass', observed: 7, failing_count: 0, total_count: 1 });
    expect(low).toMatchObject({ status: 'fail', observed: 7, failing_count: 1, pass_rate: 0 });
    expect(high).toMatchObject({ status: 'fail', observed: 7, expected: '≤ 6' });
  });

  it('ignores mostly: a table-level rule passes or fails as a whole', async () => {
    const r = await one(new Validator('sellers').rowCount(8, null, { mostly: 0 }));
    expect(r.status).toBe('fail');
  });
});

describe('freshness', () => {
  beforeAll(async () => {
    await table('orders', [
      { order_id: 'a', order_purchase_timestamp: '2018-08-01 00:00:00' },
      { order_id: 'b', order_purchase_timestamp: '2018-08-22 12:00:00' },
    ]);
  });

  it('passes when the latest timestamp is recent enough relative to the as-of date', async () => {
    // 2018-09-01 − 2018-08-22 12:00 = 9.5 days.
    const r = await one(new Validator('orders').freshness('order_purchase_timestamp', 10), {
      asOf: '2018-09-01',
    });
    expect(r).toMatchObject({ status: 'pass', observed: '2018-08-22 12:00:00', pass_rate: 1 });
    expect(r.message).toContain('9.5 days');
  });

  it('fails when older, with a graded pass rate', async () => {
    const r = await one(new Validator('orders').freshness('order_purchase_timestamp', 5), {
      asOf: '2018-09-01',
    });
    // 9.5 days against a 5-day limit: 1 − (9.5 − 5) / 5 = 0.1.
    expect(r.status).toBe('fail');
    expect(r.pass_rate).toBeCloseTo(0.1, 10);
    const fixed = await one(
      new Validator('orders').freshness('order_purchase_timestamp', 10, { asOf: '2018-09-03' }),
    );
    expect(fixed.status).toBe('fail');
    // The limit is the tolerance: mostly does not apply to a table-level rule.
    const loose = await one(new Validator('orders').freshness('order_purchase_timestamp', 5, { mostly: 0 }), {
      asOf: '2018-09-01',
    });
    expect(loose.status).toBe('fail');
  });

  it('is skipped without any timestamp', async () => {
    await table('orders', []);
    const r = await one(new Validator('orders').freshness('order_purchase_timestamp', 5));
    expect(r.status).toBe('skipped');
  });
});

describe('drift against the previous version', () => {
  beforeAll(async () => {
    // Previous (ds_1): 10 orders, 1 without approval; current (ds_2): 14 orders, 6 without approval.
    await table(
      'orders',
      rowsOf(10, (i) => ({ order_id: `o${i}`, order_approved_at: i === 0 ? null : '2018-01-01 00:00:00' })),
      ds1,
    );
    await table(
      'orders',
      rowsOf(14, (i) => ({ order_id: `o${i}`, order_approved_at: i < 6 ? null : '2018-01-01 00:00:00' })),
      ds2,
    );
    // Scores: previous 50 × 1 and 50 × 2; current 20 × 1 and 80 × 2.
    await table(
      'order_reviews',
      rowsOf(100, (i) => ({ review_id: `r${i}`, order_id: `o${i}`, review_score: i < 50 ? 1 : 2 })),
      ds1,
    );
    await table(
      'order_reviews',
      rowsOf(100, (i) => ({ review_id: `r${i}`, order_id: `o${i}`, review_score: i < 20 ? 1 : 2 })),
      ds2,
    );
    // Payments: previous 1, 2, 3, 4; current 3, 4, 5, 6.
    await table(
      'order_payments',
      [1, 2, 3, 4].map((x) => ({ order_id: `p${x}`, payment_sequential: 1, payment_value: x })),
      ds1,
    );
    await table(
      'order_payments',
      [3, 4, 5, 6].map((x) => ({ order_id: `p${x}`, payment_sequential: 1, payment_value: x })),
      ds2,
    );
  });

  it('row count change: 10 → 14 is +40 %', async () => {
    const [ok, bad] = await run(
      new Validator('orders').rowCountDrift(0.5).rowCountDrift(0.3, { id: 'tight' }),
      {
        previous: true,
      },
    );
    expect(ok).toMatchObject({ status: 'pass', observed: 0.4 });
    expect(bad).toMatchObject({ status: 'fail', observed: 0.4 });
    expect(bad!.message).toContain('14 rows vs 10 in version 1');
  });

  it('null-rate change: 10 % → 42.86 %', async () => {
    const [ok, bad] = await run(
      new Validator('orders')
        .nullRateDrift('order_approved_at', 0.4)
        .nullRateDrift('order_approved_at', 0.3, { id: 'tight' }),
      { previous: true },
    );
    const delta = 6 / 14 - 1 / 10;
    expect(ok).toMatchObject({ status: 'pass' });
    expect(ok!.observed).toBeCloseTo(delta, 4);
    expect(bad!.status).toBe('fail');
  });

  it('KS statistic: previous 1–4 vs current 3–6 gives D = 0.5', async () => {
    const [ok, bad] = await run(
      new Validator('order_payments')
        .distributionDrift('payment_value', 'ks', 0.5)
        .distributionDrift('payment_value', 'ks', 0.49, { id: 'tight' }),
      { previous: true },
    );
    expect(ok).toMatchObject({ status: 'pass', observed: 0.5 });
    expect(bad).toMatchObject({ status: 'fail', observed: 0.5 });
  });

  it('PSI over the previous version’s quantile bins', async () => {
    // Bins ≤1 and >1 (all deciles of 50 × 1, 50 × 2 are 1 or 2): shares 0.5/0.5 before, 0.2/0.8 now.
    const expected = (0.2 - 0.5) * Math.log(0.2 / 0.5) + (0.8 - 0.5) * Math.log(0.8 / 0.5);
    const [bad, ok] = await run(
      new Validator('order_reviews')
        .distributionDrift('review_score', 'psi', 0.25)
        .distributionDrift('review_score', 'psi', 0.5, { id: 'loose' }),
      { previous: true },
    );
    expect(bad!.status).toBe('fail');
    expect(bad!.observed).toBeCloseTo(expected, 4);
    expect(ok!.status).toBe('pass');
  });

  it('is skipped without a previous version', async () => {
    const r = await one(new Validator('orders').rowCountDrift(0.1));
    expect(r).toMatchObject({ status: 'skipped', passed: true });
  });
});

describe('examples and reporting limits', () => {
  it('lists at most five distinct example keys, sorted', async () => {
    await table(
      'products',
      rowsOf(40, (i) => ({ product_id: `p${String(i).padStart(2, '0')}`, product_category_name: null })),
    );
    const r = await one(new Validator('products').notNull('product_category_name'));
    expect(r.failing_count).toBe(40);
    expect(r.examples).toEqual(['p00', 'p01', 'p02', 'p03', 'p04']);
  });

  it('evaluates many rules of one table in a single scan', async () => {
    await table(
      'products',
      rowsOf(10, (i) => ({ product_id: `p${i}`, product_weight_g: i })),
    );
    const v = new Validator('products')
      .notNull('product_id')
      .range('product_weight_g', 1, null)
      .unique('product_id')
      .rowCount(1)
      .satisfies('product_weight_g < 9');
    const out = await runRules(engine, v.rules(), { ds: ds1, asOf: '2018-09-01' });
    // One aggregate query for four rules, their example keys and the table statistics; one GROUP BY for unique.
    expect(out.queries).toBe(2);
    expect(out.results.map((r) => [r.failing_count, r.examples])).toEqual([
      [0, []],
      [1, ['p0']],
      [0, []],
      [0, []],
      [1, ['p9']],
    ]);
    expect(out.tables.products).toEqual({ rows: 10, cells: 90, null_cells: 70 });
  });

  it('rejects unknown columns and duplicate ids when a rule is built', () => {
    expect(() => new Validator('orders').notNull('nope')).toThrow(/orders has no column "nope"/);
    expect(() => new Validator('orders').references('customer_id', 'customers', 'id')).toThrow(
      /customers has no column "id"/,
    );
    const v = new Validator('orders').notNull('order_id').notNull('order_id');
    expect(v.rules().map((r) => r.id)).toEqual(['orders.not_null.order_id', 'orders.not_null.order_id#2']);
  });
});
