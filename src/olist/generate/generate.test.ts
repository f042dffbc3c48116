/**
 * End-to-end checks of the synthetic generator against the published shape of the real Olist data
 * set (OLIST_FACTS.md). Published values are restated here on purpose (not imported from the
 * generator's tables) and compared with tolerances of four binomial standard errors at the generated
 * size, plus a stated allowance where the generator models a figure rather than copying it.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAMES, TABLES, type TableName } from '../tables.ts';
import { type GenerateResult, generateDataset } from './index.ts';

const N = 20_000;
const SEED = 20_240_601;

/** Published facts (OLIST_FACTS.md section 2). */
const FACTS = {
  orders: 99_441,
  persons: 96_096,
  repeatPersons: 2_997,
  status: { delivered: 96_478, shipped: 1_107, canceled: 625, unavailable: 609 },
  stateRows: { SP: 41_746, RJ: 12_852, MG: 11_635 },
  november2017: 7_544,
  orders2016: 329,
  paymentRows: 103_886,
  paymentTypes: { credit_card: 76_795, boleto: 19_784, voucher: 5_775, debit_card: 1_529 },
  orderPaymentMean: 160.99,
  orderPaymentMedian: 105.29,
  paymentsMatchingItems: 97_822 / 99_440,
  multiRowPaymentOrders: 2_961 / 99_440,
  items: 112_650,
  ordersWithoutItems: 775,
  price: 13_494_400.74,
  freight: 2_241_126.29,
  deliveredWithDate: 96_476,
  late: 7_827,
  deliveryDaysMean: 12.5,
  deliveryDaysMedian: 10.2,
  reviewRows: 99_224,
  reviewScoreCounts: [11_424, 3_151, 8_179, 19_142, 57_328],
  reviewMeanOnTime: 4.29,
  reviewMeanLate: 2.57,
  reviewMeanNotDelivered: 1.76,
  ordersWithReview: 98_673,
  titleNull: 87_656,
  messageNull: 58_247,
  repeatWithin24h: 0.3,
  products: 32_951,
  productsWithoutCategory: 610,
  sellers: 3_095,
  sellersInSP: 1_849,
  geolocationRows: 1_000_163,
  geolocationDuplicates: 261_831,
} as const;

/** Correios CEP ranges per state (5-digit prefixes, public), restated for the zip checks. */
const CEP_RANGES: Record<string, readonly (readonly [from: number, to: number])[]> = {
  SP: [[1000, 19999]],
  RJ: [[20000, 28999]],
  ES: [[29000, 29999]],
  MG: [[30000, 39999]],
  BA: [[40000, 48999]],
  SE: [[49000, 49999]],
  PE: [[50000, 56999]],
  AL: [[57000, 57999]],
  PB: [[58000, 58999]],
  RN: [[59000, 59999]],
  CE: [[60000, 63999]],
  PI: [[64000, 64999]],
  MA: [[65000, 65999]],
  PA: [[66000, 68899]],
  AP: [[68900, 68999]],
  AM: [
    [69000, 69299],
    [69400, 69899],
  ],
  RR: [[69300, 69399]],
  AC: [[69900, 69999]],
  DF: [
    [70000, 72799],
    [73000, 73699],
  ],
  GO: [
    [72800, 72999],
    [73700, 76799],
  ],
  RO: [[76800, 76999]],
  TO: [[77000, 77999]],
  MT: [[78000, 78899]],
  MS: [[79000, 79999]],
  PR: [[80000, 87999]],
  SC: [[88000, 89999]],
  RS: [[90000, 99999]],
};

/** Four binomial standard errors of a share p measured on n units. */
const fourSigma = (p: number, n: number): number => 4 * Math.sqrt((p * (1 - p)) / n);

function expectShare(actual: number, published: number, n: number, allowance = 0): void {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(fourSigma(published, n) + allowance);
}

let dir = '';
let result: GenerateResult;
let instance: DuckDBInstance;
let con: DuckDBConnection;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjects() as Record<string, unknown>[];
}

/** First column of the first row, as a number. */
async function num(sql: string): Promise<number> {
  const r = await rows(sql);
  const v = Object.values(r[0] ?? {})[0];
  return Number(v);
}

const VIEW: Record<TableName, string> = {
  customers: 'c',
  geolocation: 'g',
  order_items: 'i',
  order_payments: 'p',
  order_reviews: 'r',
  orders: 'o',
  products: 'pr',
  sellers: 's',
  category_translation: 't',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'olist-generate-'));
  result = await generateDataset({ customers: N, seed: SEED, outDir: path.join(dir, 'main') });
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
  for (const t of TABLE_NAMES) {
    const file = result.files[t].path.replaceAll("'", "''");
    await con.run(
      `create table ${VIEW[t]} as select * from read_csv('${file}', header=true, all_varchar=true, delim=',', quote='"', escape='"')`,
    );
  }
  // Typed helpers used by several tests.
  await con.run(`create table od as select *,
      order_purchase_timestamp::timestamp as purchase,
      order_approved_at::timestamp as approved,
      order_delivered_carrier_date::timestamp as carrier,
      order_delivered_customer_date::timestamp as delivered,
      order_estimated_delivery_date::timestamp as estimated
    from o`);
});

afterAll(async () => {
  con?.closeSync();
  instance?.closeSync();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('files and format', () => {
  it('writes the nine Olist files with the exact names and header order', async () => {
    const names = (await readdir(path.join(dir, 'main'))).sort();
    expect(names).toEqual(TABLE_NAMES.map((t) => TABLES[t].file).sort());
    const quoted = new Set<TableName>(['sellers', 'products', 'order_payments']);
    for (const t of TABLE_NAMES) {
      const text = await readFile(result.files[t].path, 'utf8');
      const first = text
        .slice(0, text.indexOf('\n'))
        .replace(/^\ufeff/, '')
        .replace(/\r$/, '');
      const cols = TABLES[t].columns.map((c) => c.name);
      expect(first, t).toBe(quoted.has(t) ? cols.map((c) => `"${c}"`).join(',') : cols.join(','));
      expect(text.endsWith('\n'), t).toBe(true);
    }
  });

  it('writes the translation file with a UTF-8 BOM, CRLF line ends, and 71 rows', async () => {
    const bytes = await readFile(result.files.category_translation.path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.match(/\r\n/g)?.length).toBe(72);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
    expect(await num('select count(*) from t')).toBe(71);
    expect(
      await num(
        `select count(*) from t where product_category_name in ('pc_gamer','portateis_cozinha_e_preparadores_de_alimentos')`,
      ),
    ).toBe(0);
    for (const t of TABLE_NAMES.filter((x) => x !== 'category_translation')) {
      const head = await readFile(result.files[t].path);
      expect(head[0], t).not.toBe(0xef);
    }
  });

  it('reports row counts that match the files', async () => {
    for (const t of TABLE_NAMES)
      expect(await num(`select count(*) from ${VIEW[t]}`), t).toBe(result.files[t].rows);
    expect(result.customers).toBe(N);
    expect(await num('select count(distinct customer_unique_id) from c')).toBe(N);
    expect(result.orders).toBe(result.files.orders.rows);
    expect(result.files.customers.rows).toBe(result.orders);
  });

  it('uses Olist value formats: hex ids, 5-digit zips, timestamps, money', async () => {
    expect(
      await num(
        `select count(*) from o where not regexp_full_match(order_id, '[0-9a-f]{32}') or not regexp_full_match(customer_id, '[0-9a-f]{32}')`,
      ),
    ).toBe(0);
    expect(
      await num(`select count(*) from c where not regexp_full_match(customer_zip_code_prefix, '[0-9]{5}')`),
    ).toBe(0);
    expect(
      await num(`select count(*) from s where not regexp_full_match(seller_zip_code_prefix, '[0-9]{5}')`),
    ).toBe(0);
    expect(
      await num(
        `select count(*) from g where not regexp_full_match(geolocation_zip_code_prefix, '[0-9]{5}')`,
      ),
    ).toBe(0);
    const ts = '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}';
    expect(
      await num(
        `select count(*) from o where not regexp_full_match(order_purchase_timestamp, '${ts}') or not regexp_full_match(order_estimated_delivery_date, '${ts}')`,
      ),
    ).toBe(0);
    expect(
      await num(`select count(*) from o where order_estimated_delivery_date not like '% 00:00:00'`),
    ).toBe(0);
    expect(await num(`select count(*) from r where review_creation_date not like '% 00:00:00'`)).toBe(0);
    expect(
      await num(`select count(*) from p where not regexp_full_match(payment_value, '[0-9]+\\.[0-9]{2}')`),
    ).toBe(0);
    expect(
      await num(
        `select count(*) from i where not regexp_full_match(price, '[0-9]+\\.[0-9]{1,2}') or not regexp_full_match(freight_value, '[0-9]+\\.[0-9]{1,2}')`,
      ),
    ).toBe(0);
    // The originals quote values that start with a digit in sellers, products and payments.
    const sellersText = await readFile(result.files.sellers.path, 'utf8');
    for (const line of sellersText.split('\n').slice(1, 200)) {
      if (!line) continue;
      expect(line).toMatch(/^("[0-9][0-9a-f]{31}"|[a-f][0-9a-f]{31}),"[0-9]{5}",/);
    }
  });

  it('keeps review texts with commas, quotes and line breaks readable as CSV', async () => {
    expect(await num(`select count(*) from r where review_comment_message like '%,%'`)).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from r where review_comment_message like '%' || chr(13) || chr(10) || '%'`),
    ).toBeGreaterThan(0);
    expect(await num(`select count(*) from r where review_comment_message like '%"%'`)).toBeGreaterThan(0);
    expect(await num(`select count(*) from r where not regexp_full_match(review_score, '[1-5]')`)).toBe(0);
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same seed and different ones for another seed', async () => {
    const a = await generateDataset({ customers: 2_000, seed: 99, outDir: path.join(dir, 'a') });
    const b = await generateDataset({ customers: 2_000, seed: 99, outDir: path.join(dir, 'b') });
    const c = await generateDataset({ customers: 2_000, seed: 100, outDir: path.join(dir, 'c') });
    for (const t of TABLE_NAMES) {
      const x = await readFile(a.files[t].path);
      const y = await readFile(b.files[t].path);
      expect(x.equals(y), t).toBe(true);
    }
    for (const t of [
      'orders',
      'customers',
      'order_items',
      'order_reviews',
      'products',
      'geolocation',
    ] as const) {
      const x = await readFile(a.files[t].path);
      const z = await readFile(c.files[t].path);
      expect(x.equals(z), t).toBe(false);
    }
  });

  it('works for tiny sizes and rejects invalid ones', async () => {
    const one = await generateDataset({ customers: 1, seed: 1, outDir: path.join(dir, 'one') });
    expect(one.customers).toBe(1);
    expect(one.orders).toBeGreaterThanOrEqual(1);
    expect(one.files.products.rows).toBeGreaterThan(0);
    expect(one.files.sellers.rows).toBeGreaterThan(0);
    await expect(generateDataset({ customers: 0, outDir: path.join(dir, 'zero') })).rejects.toThrow(
      RangeError,
    );
    await expect(generateDataset({ customers: 1.5, outDir: path.join(dir, 'half') })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('referential consistency', () => {
  it('has one customer row per order and no orphans', async () => {
    expect(await num('select count(*) - count(distinct customer_id) from c')).toBe(0);
    expect(await num('select count(*) from o anti join c using (customer_id)')).toBe(0);
    expect(await num('select count(*) from c anti join o using (customer_id)')).toBe(0);
    expect(await num('select count(*) from i anti join o using (order_id)')).toBe(0);
    expect(await num('select count(*) from i anti join pr using (product_id)')).toBe(0);
    expect(await num('select count(*) from i anti join s using (seller_id)')).toBe(0);
    expect(await num('select count(*) from p anti join o using (order_id)')).toBe(0);
    expect(await num('select count(*) from r anti join o using (order_id)')).toBe(0);
  });

  it('keeps keys unique and line numbers sequential', async () => {
    expect(await num('select count(*) - count(distinct order_id) from o')).toBe(0);
    expect(await num('select count(*) - count(distinct product_id) from pr')).toBe(0);
    expect(await num('select count(*) - count(distinct seller_id) from s')).toBe(0);
    expect(
      await num(
        `select count(*) from (select order_id from i group by order_id having max(order_item_id::int) <> count(*) or count(distinct order_item_id) <> count(*))`,
      ),
    ).toBe(0);
    expect(
      await num(
        `select count(*) from (select order_id from p group by order_id having max(payment_sequential::int) <> count(*) or count(distinct payment_sequential) <> count(*))`,
      ),
    ).toBe(0);
  });

  it('gives customers and sellers a zip prefix, city and state that agree with geolocation', async () => {
    const geo = `(select geolocation_zip_code_prefix as zip, any_value(geolocation_state) as state from g group by 1)`;
    expect(
      await num(
        `select count(*) from c join ${geo} z on z.zip = c.customer_zip_code_prefix where z.state <> c.customer_state`,
      ),
    ).toBe(0);
    expect(
      await num(
        `select count(*) from s join ${geo} z on z.zip = s.seller_zip_code_prefix where z.state <> s.seller_state`,
      ),
    ).toBe(0);
    // Every zip prefix of a customer belongs to one city and state.
    expect(
      await num(
        `select count(*) from (select customer_zip_code_prefix from c group by 1 having count(distinct customer_city || customer_state) > 1)`,
      ),
    ).toBe(0);
  });

  it("keeps every customer, seller and geolocation zip prefix inside its state's CEP range", async () => {
    const pairs = await rows(`
      select customer_zip_code_prefix as zip, customer_state as state from c
      union select seller_zip_code_prefix, seller_state from s
      union select geolocation_zip_code_prefix, geolocation_state from g`);
    expect(pairs.length).toBeGreaterThan(1000);
    const outside = pairs.filter(({ zip, state }) => {
      const z = Number(zip);
      return !(CEP_RANGES[String(state)] ?? []).some(([from, to]) => z >= from && z <= to);
    });
    expect(outside).toEqual([]);
    // A zip prefix names one state everywhere.
    expect(
      await num(`select count(*) from (select zip from (
        select customer_zip_code_prefix zip, customer_state st from c
        union select seller_zip_code_prefix, seller_state from s
        union select geolocation_zip_code_prefix, geolocation_state from g) group by zip having count(distinct st) > 1)`),
    ).toBe(0);
  });

  it("places a repeat customer's later orders after the first, about 30 % within 24 hours", async () => {
    const r = await rows(`
      with x as (
        select c.customer_unique_id as u, od.purchase,
               lag(od.purchase) over (partition by c.customer_unique_id order by od.purchase) as prev
        from od join c using (customer_id))
      select count(*)::double as gaps,
             sum(case when purchase < prev then 1 else 0 end)::double as backwards,
             avg(case when purchase - prev < interval 24 hour then 1 else 0 end)::double as within
      from x where prev is not null`);
    const { gaps, backwards, within } = r[0] as { gaps: number; backwards: number; within: number };
    expect(backwards).toBe(0);
    expectShare(within, FACTS.repeatWithin24h, gaps, 0.03);
  });
});

describe('shape versus the published facts', () => {
  it('has ~3 % repeat customers with the published orders-per-customer tail', async () => {
    const repeat = await num(
      'select avg(case when n > 1 then 1 else 0 end)::double from (select customer_unique_id, count(*) n from c group by 1)',
    );
    expectShare(repeat, FACTS.repeatPersons / FACTS.persons, N);
    const ordersPerPerson = result.orders / N;
    expect(Math.abs(ordersPerPerson - FACTS.orders / FACTS.persons)).toBeLessThan(0.01);
    // 3+ orders: 262 of 96,096 persons.
    const threePlus = await num(
      'select count(*) from (select customer_unique_id from c group by 1 having count(*) >= 3)',
    );
    expectShare(threePlus / N, 262 / FACTS.persons, N);
  });

  it('spreads customers over states like the real data (SP ~42 %)', async () => {
    const n = result.orders;
    for (const [state, count] of Object.entries(FACTS.stateRows)) {
      const share = await num(
        `select avg(case when customer_state = '${state}' then 1 else 0 end)::double from c`,
      );
      expectShare(share, count / FACTS.orders, n);
    }
    expect(await num('select count(distinct customer_state) from c')).toBeGreaterThanOrEqual(25);
  });

  it('puts about 16 % of customers in sao paulo city', async () => {
    const n = result.orders;
    const share = await num(
      `select avg(case when customer_city = 'sao paulo' and customer_state = 'SP' then 1 else 0 end)::double from c`,
    );
    // The published figure is rounded to a whole percent.
    expectShare(share, 0.16, n, 0.005);
    // The city's prefixes are those of the capital's CEP ranges (01000-05999, 08000-08499).
    expect(
      await num(`select count(*) from c where customer_city = 'sao paulo' and not (
        customer_zip_code_prefix between '01000' and '05999' or customer_zip_code_prefix between '08000' and '08499')`),
    ).toBe(0);
  });

  it('has the published order status shares', async () => {
    const n = result.orders;
    for (const [status, count] of Object.entries(FACTS.status)) {
      const share = await num(
        `select avg(case when order_status = '${status}' then 1 else 0 end)::double from o`,
      );
      expectShare(share, count / FACTS.orders, n);
    }
  });

  it('follows the published timeline: 2016-09-04 .. 2018-10-17, Black Friday peak, canceled tail', async () => {
    expect(
      await num(
        `select count(*) from od where purchase < '2016-09-04 21:15:19' or purchase > '2018-10-17 17:30:18'`,
      ),
    ).toBe(0);
    const n = result.orders;
    const nov = await num(
      `select avg(case when strftime(purchase, '%Y-%m') = '2017-11' then 1 else 0 end)::double from od`,
    );
    expectShare(nov, FACTS.november2017 / FACTS.orders, n);
    const y2016 = await num(`select avg(case when year(purchase) = 2016 then 1 else 0 end)::double from od`);
    expectShare(y2016, FACTS.orders2016 / FACTS.orders, n);
    const topDay = await rows(
      `select purchase::date::varchar as d, count(*) n from od group by 1 order by n desc limit 1`,
    );
    expect(topDay[0]?.d).toBe('2017-11-24');
    // After August 2018: 20 of 99,441 orders, all canceled but one.
    const tail =
      await rows(`select count(*)::double n, sum(case when order_status <> 'canceled' then 1 else 0 end)::double other
      from od where purchase >= '2018-09-01'`);
    const t = tail[0] as { n: number; other: number };
    expect(t.n).toBeLessThanOrEqual(n * (20 / FACTS.orders) + 4 * Math.sqrt(n * (20 / FACTS.orders)) + 1);
    expect(t.other).toBeLessThanOrEqual(t.n / 20 + 4 * Math.sqrt((t.n * 19) / 400) + 1);
  });

  it('has the published payment mix, order values and reconciliation with items', async () => {
    const payRows = result.files.order_payments.rows;
    for (const [type, count] of Object.entries(FACTS.paymentTypes)) {
      const share = await num(
        `select avg(case when payment_type = '${type}' then 1 else 0 end)::double from p`,
      );
      expectShare(share, count / FACTS.paymentRows, payRows);
    }
    const multi = await num(
      `select avg(case when n > 1 then 1 else 0 end)::double from (select order_id, count(*) n from p group by 1)`,
    );
    expectShare(multi, FACTS.multiRowPaymentOrders, result.orders);
    const orderValue = await rows(
      `select avg(v)::double mean, median(v)::double med from (select order_id, sum(payment_value::double) v from p group by 1)`,
    );
    const { mean, med } = orderValue[0] as { mean: number; med: number };
    // Allowance: 10 % for a modelled (lognormal) price distribution.
    expect(Math.abs(mean / FACTS.orderPaymentMean - 1)).toBeLessThan(0.1);
    expect(Math.abs(med / FACTS.orderPaymentMedian - 1)).toBeLessThan(0.1);
    const match = await num(`
      with pay as (select order_id, sum(payment_value::double) v from p group by 1),
           it as (select order_id, sum(price::double + freight_value::double) v from i group by 1)
      select avg(case when abs(pay.v - coalesce(it.v, 0)) < 0.011 then 1 else 0 end)::double from pay left join it using (order_id)`);
    expectShare(match, FACTS.paymentsMatchingItems, result.orders);
    const freightShare = await num(
      `select (sum(freight_value::double) / sum(price::double + freight_value::double))::double from i`,
    );
    expect(Math.abs(freightShare - FACTS.freight / (FACTS.price + FACTS.freight))).toBeLessThan(0.015);
  });

  it('has ~1.13 items per order and orders without items mostly canceled or unavailable', async () => {
    expect(Math.abs(result.files.order_items.rows / result.orders - FACTS.items / FACTS.orders)).toBeLessThan(
      0.04,
    );
    const without = await rows(`select count(*)::double n,
        avg(case when order_status in ('canceled','unavailable') then 1 else 0 end)::double as canceled_or_unavailable
      from o anti join i using (order_id)`);
    const w = without[0] as { n: number; canceled_or_unavailable: number };
    expectShare(w.n / result.orders, FACTS.ordersWithoutItems / FACTS.orders, result.orders);
    expect(w.canceled_or_unavailable).toBeGreaterThan(0.9);
  });

  it('delivers in ~12.5 days on average, ~8 % late', async () => {
    const d = await rows(`select count(*)::double n,
        avg(epoch(delivered - purchase) / 86400)::double mean,
        median(epoch(delivered - purchase) / 86400)::double med,
        avg(case when delivered > estimated then 1 else 0 end)::double late
      from od where delivered is not null`);
    const { n, mean, med, late } = d[0] as { n: number; mean: number; med: number; late: number };
    expectShare(n / result.orders, FACTS.deliveredWithDate / FACTS.orders, result.orders);
    // Allowance of one day for the modelled delivery times.
    expect(Math.abs(mean - FACTS.deliveryDaysMean)).toBeLessThan(1);
    expect(Math.abs(med - FACTS.deliveryDaysMedian)).toBeLessThan(1);
    expectShare(late, FACTS.late / FACTS.deliveredWithDate, n, 0.015);
  });

  it('nulls the dates that a status has not reached', async () => {
    const bad = await num(`select count(*) from od where
        (order_status in ('shipped','invoiced','processing','unavailable','approved','created') and delivered is not null)
        or (order_status in ('invoiced','processing','unavailable','approved','created') and carrier is not null)
        or (order_status = 'created' and approved is not null)
        or (order_status = 'shipped' and carrier is null)`);
    expect(bad).toBe(0);
  });

  it('has the published review coverage, score mix and scores by delivery outcome', async () => {
    const nReviews = result.files.order_reviews.rows;
    const coverage = await num(
      'select (select count(distinct order_id) from r)::double / (select count(*) from o)',
    );
    expectShare(coverage, FACTS.ordersWithReview / FACTS.orders, result.orders);
    const totalScores = FACTS.reviewScoreCounts.reduce((a, b) => a + b, 0);
    const publishedMean = FACTS.reviewScoreCounts.reduce((s, c, i) => s + c * (i + 1), 0) / totalScores;
    const mean = await num('select avg(review_score::int)::double from r');
    // Score sd is about 1.35: four standard errors of the mean.
    expect(Math.abs(mean - publishedMean)).toBeLessThan((4 * 1.35) / Math.sqrt(nReviews));
    for (let s = 1; s <= 5; s++) {
      const share = await num(`select avg(case when review_score = '${s}' then 1 else 0 end)::double from r`);
      expectShare(share, FACTS.reviewScoreCounts[s - 1]! / totalScores, nReviews, 0.01);
    }
    const byOutcome = await rows(`select case when od.delivered is null then 'not_delivered'
          when od.delivered > od.estimated then 'late' else 'on_time' end as outcome,
        avg(review_score::int)::double mean, count(*)::double n
      from r join od using (order_id) group by 1`);
    const published: Record<string, number> = {
      on_time: FACTS.reviewMeanOnTime,
      late: FACTS.reviewMeanLate,
      not_delivered: FACTS.reviewMeanNotDelivered,
    };
    for (const row of byOutcome as { outcome: string; mean: number; n: number }[]) {
      // Four standard errors (score sd <= 2) plus 0.1 for reviews shared across orders.
      expect(Math.abs(row.mean - published[row.outcome]!), row.outcome).toBeLessThan(
        8 / Math.sqrt(row.n) + 0.1,
      );
    }
    const titleNull = await num(
      'select avg(case when review_comment_title is null then 1 else 0 end)::double from r',
    );
    const messageNull = await num(
      'select avg(case when review_comment_message is null then 1 else 0 end)::double from r',
    );
    expectShare(titleNull, FACTS.titleNull / FACTS.reviewRows, nReviews);
    expectShare(messageNull, FACTS.messageNull / FACTS.reviewRows, nReviews);
  });

  it('creates reviews at midnight after delivery and answers them later', async () => {
    expect(
      await num(`select count(*) from r join od using (order_id)
      where od.delivered is not null and r.review_creation_date::timestamp <= od.delivered`),
    ).toBe(0);
    expect(
      await num(
        `select count(*) from r where review_answer_timestamp::timestamp <= review_creation_date::timestamp`,
      ),
    ).toBe(0);
  });

  it('sizes and shapes the catalogue like the real one', async () => {
    const products = result.files.products.rows;
    const sellers = result.files.sellers.rows;
    expect(Math.abs(products / N - FACTS.products / FACTS.persons)).toBeLessThan(0.01);
    expect(Math.abs(sellers / N - FACTS.sellers / FACTS.persons)).toBeLessThan(0.002);
    const sp = await num(`select avg(case when seller_state = 'SP' then 1 else 0 end)::double from s`);
    expectShare(sp, FACTS.sellersInSP / FACTS.sellers, sellers);
    const noCategory = await num(
      'select avg(case when product_category_name is null then 1 else 0 end)::double from pr',
    );
    expectShare(noCategory, FACTS.productsWithoutCategory / FACTS.products, products);
    // Every product is sold (the real products file lists products that were ordered).
    expect(await num('select count(*) from pr anti join i using (product_id)')).toBe(0);
    expect(await num('select count(*) from s anti join i using (seller_id)')).toBeLessThan(
      sellers * 0.01 + 1,
    );
  });

  it('describes zip prefixes in geolocation with ~26 % exact duplicates, ~10 rows per person', async () => {
    const geoRows = result.files.geolocation.rows;
    expect(geoRows / N).toBeGreaterThan(0.8 * (FACTS.geolocationRows / FACTS.persons));
    expect(geoRows).toBeLessThanOrEqual(FACTS.geolocationRows * 1.05);
    const dups = await num(
      'select (count(*) - (select count(*) from (select distinct * from g)))::double / count(*) from g',
    );
    expect(Math.abs(dups - FACTS.geolocationDuplicates / FACTS.geolocationRows)).toBeLessThan(0.02);
    // Most, but not all, customer zip prefixes are covered (157 of ~15k missing in the real data).
    const missing = await num(`select avg(case when z.zip is null then 1 else 0 end)::double
      from (select distinct customer_zip_code_prefix from c) cz
      left join (select distinct geolocation_zip_code_prefix zip from g) z on z.zip = cz.customer_zip_code_prefix`);
    expect(missing).toBeGreaterThan(0);
    expect(missing).toBeLessThan(0.03);
  });
});

describe('data-quality quirks of the real data set are present', () => {
  it('reuses review ids across orders of one customer, and gives some orders 2-3 reviews', async () => {
    const dupRows = await num('select count(*) - count(distinct review_id) from r');
    expect(dupRows).toBeGreaterThan(0);
    // 814 duplicate rows per 99,224 in the real data: allow a wide modelled band.
    expect(dupRows / result.files.order_reviews.rows).toBeLessThan((3 * 814) / FACTS.reviewRows);
    const crossCustomer = await num(`select count(*) from (
        select r.review_id from r join o using (order_id) join c using (customer_id)
        group by 1 having count(distinct c.customer_unique_id) > 1)`);
    expect(crossCustomer).toBe(0);
    const multi = await num(
      'select count(*) from (select order_id from r group by 1 having count(*) between 2 and 3)',
    );
    expect(multi).toBeGreaterThan(0);
    expect(await num('select count(*) from (select order_id from r group by 1 having count(*) > 3)')).toBe(0);
  });

  it('has the rare payment quirks: an order without payment, not_defined, zero values, 0 installments', async () => {
    const noPayment = await rows(`select order_status from o anti join p using (order_id)`);
    expect(noPayment.length).toBeGreaterThanOrEqual(1);
    expect(noPayment.some((r) => r.order_status === 'delivered')).toBe(true);
    expect(await num(`select count(*) from p where payment_type = 'not_defined'`)).toBeGreaterThanOrEqual(1);
    expect(
      await num(`select count(*) from p where payment_type = 'not_defined' and payment_value::double <> 0`),
    ).toBe(0);
    expect(
      await num(`select count(*) from p where payment_type = 'voucher' and payment_value::double = 0`),
    ).toBeGreaterThanOrEqual(1);
    expect(await num(`select count(*) from p where payment_installments = '0'`)).toBeGreaterThanOrEqual(1);
    expect(
      await num(`select count(*) from p where payment_type <> 'credit_card' and payment_installments <> '1'`),
    ).toBe(0);
  });

  it('has the product quirks: no category (and no name/description/photos), no dimensions, weight 0, untranslated categories', async () => {
    expect(await num(`select count(*) from pr where product_category_name is null`)).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from pr where product_category_name is null and
        (product_name_lenght is not null or product_description_lenght is not null or product_photos_qty is not null)`),
    ).toBe(0);
    expect(
      await num(`select count(*) from pr where product_weight_g is null and product_length_cm is null
        and product_height_cm is null and product_width_cm is null`),
    ).toBeGreaterThanOrEqual(1);
    expect(await num(`select count(*) from pr where product_weight_g = '0'`)).toBeGreaterThanOrEqual(1);
    const untranslated = await rows(`select distinct product_category_name from pr
      where product_category_name is not null and product_category_name not in (select product_category_name from t)`);
    expect(untranslated.map((r) => r.product_category_name).sort()).toEqual([
      'pc_gamer',
      'portateis_cozinha_e_preparadores_de_alimentos',
    ]);
    expect(
      await num(
        `select count(*) from (select product_id from i group by 1 having count(distinct seller_id) > 1)`,
      ),
    ).toBeGreaterThan(0);
  });

  it('has one seller whose city is a zip code', async () => {
    const r = await rows(`select seller_city from s where regexp_full_match(seller_city, '[0-9]+')`);
    expect(r.length).toBe(1);
    expect(String(r[0]?.seller_city)).toMatch(/^[0-9]{8}$/);
  });

  it('has the timestamp quirks: carrier before approval, delivered before carrier, nulls on delivered orders', async () => {
    expect(await num('select count(*) from od where carrier < approved')).toBeGreaterThan(0);
    expect(await num('select count(*) from od where delivered < carrier')).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from od where order_status = 'delivered' and approved is null`),
    ).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from od where order_status = 'delivered' and carrier is null`),
    ).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from od where order_status = 'delivered' and delivered is null`),
    ).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from od where order_status = 'canceled' and delivered is not null`),
    ).toBeGreaterThan(0);
    expect(
      await num(`select count(*) from i where shipping_limit_date::timestamp > '2019-06-01'`),
    ).toBeGreaterThan(0);
    expect(await num(`select count(*) from i where freight_value::double = 0`)).toBeGreaterThan(0);
  });

  it('has exact duplicate rows in geolocation and used zip prefixes missing from it', async () => {
    expect(
      await num('select count(*) - (select count(*) from (select distinct * from g)) from g'),
    ).toBeGreaterThan(0);
    const usedZips = `(select customer_zip_code_prefix zip from c union select seller_zip_code_prefix from s)`;
    expect(
      await num(`select count(*) from ${usedZips} u anti join g on g.geolocation_zip_code_prefix = u.zip`),
    ).toBeGreaterThan(0);
  });
});

describe('quirks at the smallest size that must show them all', () => {
  it('plants every rare quirk at least once for 1,000 customers', async () => {
    const small = await generateDataset({ customers: 1_000, seed: 5, outDir: path.join(dir, 'small') });
    const db = await DuckDBInstance.create(':memory:');
    const k = await db.connect();
    try {
      const count = async (table: TableName, where: string): Promise<number> => {
        const file = small.files[table].path.replaceAll("'", "''");
        const reader = await k.runAndReadAll(
          `select count(*)::double n from read_csv('${file}', header=true, all_varchar=true, quote='"', escape='"') where ${where}`,
        );
        return Number(Object.values(reader.getRowObjects()[0] ?? {})[0]);
      };
      expect(await count('order_payments', `payment_type = 'not_defined'`)).toBeGreaterThanOrEqual(1);
      expect(
        await count('order_payments', `payment_value::double = 0 and payment_type = 'voucher'`),
      ).toBeGreaterThanOrEqual(1);
      expect(await count('order_payments', `payment_installments = '0'`)).toBeGreaterThanOrEqual(1);
      expect(
        await count('orders', `order_status = 'delivered' and order_approved_at is null`),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await count('orders', `order_status = 'delivered' and order_delivered_carrier_date is null`),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await count('orders', `order_status = 'delivered' and order_delivered_customer_date is null`),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await count('orders', `order_status = 'canceled' and order_delivered_customer_date is not null`),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await count(
          'orders',
          `order_delivered_customer_date::timestamp < order_delivered_carrier_date::timestamp`,
        ),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await count('order_items', `shipping_limit_date::timestamp > '2019-06-01'`),
      ).toBeGreaterThanOrEqual(1);
      expect(await count('products', `product_weight_g is null`)).toBeGreaterThanOrEqual(1);
      expect(await count('products', `product_weight_g = '0'`)).toBeGreaterThanOrEqual(1);
      expect(await count('products', `product_category_name = 'pc_gamer'`)).toBeGreaterThanOrEqual(1);
      expect(await count('products', `product_category_name is null`)).toBeGreaterThanOrEqual(1);
      expect(await count('sellers', `regexp_full_match(seller_city, '[0-9]{8}')`)).toBe(1);
    } finally {
      k.closeSync();
      db.closeSync();
    }
  });
});
