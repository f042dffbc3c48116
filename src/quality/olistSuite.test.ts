/**
 * The built-in suite on real Olist rows and on generated data: every documented quirk is found,
 * and each count (and the example keys) equals what SQL written here, independently of the rule
 * compiler, gives. On the complete real payments and products files the counts are also those
 * published in OLIST_FACTS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import type { JsonValue } from '../engine/engine.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { generateDataset } from '../olist/generate/index.ts';
import type { TableName } from '../olist/tables.ts';
import { olistSuite } from './olistSuite.ts';
import { buildReport, type QualityReport } from './report.ts';
import { type RuleResult, runRules } from './run.ts';

if (!hasRealData) console.warn(skipReason);

interface Loaded {
  ctx: AppContext;
  ds: DatasetRef;
  report: QualityReport;
  dir: string;
}

async function loadAndRun(dir: string, asOf = '2018-09-15'): Promise<Loaded> {
  const ctx = await testContext();
  const r = await ingestDirectory(ctx.engine, ctx.catalog, { dir });
  const ds = { version: r.version, schema: r.schema };
  const run = await runRules(ctx.engine, olistSuite(), { ds, asOf });
  return { ctx, ds, report: buildReport(run, { suite: 'olist', datasetVersion: ds.version }), dir };
}

async function close(l: Loaded | undefined): Promise<void> {
  if (!l) return;
  await l.ctx.close();
  removeDir(l.dir);
  removeDir(l.ctx.dataDir);
}

/** Helpers for hand-written SQL: `{orders}` stands for the table of the loaded version. */
function sqlHelpers(l: () => Loaded) {
  const bind = (sql: string) =>
    sql.replace(/\{([a-z_]+)\}/g, (_, t: string) => tableRef(l().ds, t as TableName));
  return {
    count: async (sql: string): Promise<number> => {
      const [row] = await l().ctx.engine.all<{ n: number | null }>(`SELECT (${bind(sql)})::DOUBLE AS n`);
      return row?.n ?? 0;
    },
    /** The first five keys (sorted, distinct) of a query whose first column is the key. */
    firstKeys: async (sql: string): Promise<string[]> => {
      const rows = await l().ctx.engine.all<{ k: JsonValue }>(
        `SELECT DISTINCT k FROM (${bind(sql)}) AS q(k) ORDER BY k LIMIT 5`,
      );
      return rows.map((r) => String(r.k));
    },
    result: (id: string): RuleResult => {
      const r = l().report.results.find((x) => x.id === id);
      if (!r) throw new Error(`no rule ${id}`);
      return r;
    },
  };
}

/** Checks a rule's failing count, rows checked and examples against hand-written SQL. */
async function expectFinding(
  h: ReturnType<typeof sqlHelpers>,
  id: string,
  failingKeys: string,
  total: string,
  expected?: { failing?: number; status?: RuleResult['status'] },
): Promise<RuleResult> {
  const r = h.result(id);
  const failing = await h.count(`SELECT count(*) FROM (${failingKeys})`);
  expect(r.failing_count, `${id} failing`).toBe(failing);
  expect(r.total_count, `${id} total`).toBe(await h.count(total));
  expect(r.failing_share, `${id} share`).toBeCloseTo(r.total_count ? failing / r.total_count : 0, 12);
  expect(r.examples, `${id} examples`).toEqual(await h.firstKeys(failingKeys));
  if (expected?.failing !== undefined) expect(failing, `${id} expected count`).toBe(expected.failing);
  if (expected?.status) expect(r.status, `${id} status`).toBe(expected.status);
  return r;
}

describe.skipIf(!hasRealData)('Olist suite on the real 4,000-order sample', () => {
  let loaded: Loaded | undefined;
  const h = sqlHelpers(() => loaded!);

  beforeAll(async () => {
    loaded = await loadAndRun(realSampleDir());
  });
  afterAll(() => close(loaded));

  it('publishes: no error-severity rule fails on real data, the quirks are warnings', () => {
    const { report } = loaded!;
    expect(report.passed).toBe(true);
    expect(report.status).toBe('warnings');
    expect(report.summary.failed_errors).toBe(0);
    expect(report.summary.errored).toBe(0);
    expect(report.results.filter((r) => r.status === 'fail').every((r) => r.severity === 'warning')).toBe(
      true,
    );
  });

  it('reviews: several reviews per order; duplicate review ids', async () => {
    // Extra reviews of orders reviewed more than once (the sample's review ids happen to be unique).
    await expectFinding(
      h,
      'order_reviews.one_review_per_order',
      'SELECT order_id FROM (SELECT order_id, row_number() OVER (PARTITION BY order_id) AS rn FROM {order_reviews}) WHERE rn > 1',
      'SELECT count(*) FROM {order_reviews}',
      { status: 'fail' },
    );
    const dup = h.result('order_reviews.review_id_unique');
    expect(dup.failing_count).toBe(
      await h.count('SELECT count(*) - count(DISTINCT review_id) FROM {order_reviews}'),
    );
  });

  it('orders without items or payments', async () => {
    await expectFinding(
      h,
      'orders.has_items',
      'SELECT o.order_id FROM {orders} o LEFT JOIN {order_items} i ON i.order_id = o.order_id WHERE i.order_id IS NULL',
      'SELECT count(*) FROM {orders}',
      { status: 'fail' },
    );
    await expectFinding(
      h,
      'orders.has_payment',
      'SELECT o.order_id FROM {orders} o WHERE o.order_id NOT IN (SELECT order_id FROM {order_payments})',
      'SELECT count(*) FROM {orders}',
      { status: 'pass' },
    );
  });

  it('missing delivery dates on delivered orders', async () => {
    for (const [id, column] of [
      ['orders.delivered_has_delivery_date', 'order_delivered_customer_date'],
      ['orders.delivered_has_carrier_date', 'order_delivered_carrier_date'],
      ['orders.delivered_has_approval', 'order_approved_at'],
    ] as const) {
      await expectFinding(
        h,
        id,
        `SELECT order_id FROM {orders} WHERE order_status = 'delivered' AND ${column} IS NULL`,
        `SELECT count(*) FROM {orders} WHERE order_status = 'delivered'`,
      );
    }
  });

  it('payments that do not match price + freight', async () => {
    await expectFinding(
      h,
      'order_payments.matches_items',
      // In whole cents, so that no floating-point noise decides.
      `WITH p AS (SELECT order_id, sum(round(payment_value * 100)) AS v FROM {order_payments} GROUP BY 1),
            i AS (SELECT order_id, sum(round(price * 100)) + sum(round(freight_value * 100)) AS v FROM {order_items} GROUP BY 1)
       SELECT p.order_id FROM p JOIN i ON i.order_id = p.order_id WHERE abs(p.v - i.v) > 1`,
      `SELECT count(DISTINCT p.order_id) FROM {order_payments} p JOIN {order_items} i ON i.order_id = p.order_id`,
      { status: 'fail' },
    );
  });

  it('zero-value and not_defined payments, zero installments (none in the sample)', async () => {
    await expectFinding(
      h,
      'order_payments.value_positive',
      `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_value <= 0`,
      'SELECT count(*) FROM {order_payments}',
    );
    await expectFinding(
      h,
      'order_payments.type_defined',
      `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_type = 'not_defined'`,
      'SELECT count(*) FROM {order_payments}',
    );
  });

  it('products without category, categories without translation, products without dimensions', async () => {
    await expectFinding(
      h,
      'products.has_category',
      'SELECT product_id FROM {products} WHERE product_category_name IS NULL',
      'SELECT count(*) FROM {products}',
      { status: 'fail' },
    );
    const r = await expectFinding(
      h,
      'products.category_translated',
      `SELECT p.product_category_name FROM {products} p
         LEFT JOIN {category_translation} t USING (product_category_name)
        WHERE p.product_category_name IS NOT NULL AND t.product_category_name_english IS NULL`,
      'SELECT count(product_category_name) FROM {products}',
      { status: 'fail' },
    );
    // OLIST_FACTS.md §2.8: the two categories missing from the translation file.
    expect(r.examples).toEqual(['pc_gamer', 'portateis_cozinha_e_preparadores_de_alimentos']);
    await expectFinding(
      h,
      'products.has_dimensions',
      `SELECT product_id FROM {products}
        WHERE product_weight_g IS NULL OR product_length_cm IS NULL OR product_height_cm IS NULL OR product_width_cm IS NULL`,
      'SELECT count(*) FROM {products}',
      { status: 'fail' },
    );
  });

  it('geolocation duplicates and missing zips', async () => {
    // The derived geolocation file has one row per zip: no exact duplicates.
    const dup = h.result('geolocation.exact_duplicates');
    expect(dup.failing_count).toBe(
      await h.count(
        `SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM {geolocation})) FROM {geolocation}`,
      ),
    );
    expect(dup.failing_count).toBe(0);
    await expectFinding(
      h,
      'customers.zip_in_geolocation',
      `SELECT c.customer_zip_code_prefix FROM {customers} c
        WHERE c.customer_zip_code_prefix NOT IN (SELECT geolocation_zip_code_prefix FROM {geolocation})`,
      'SELECT count(*) FROM {customers}',
      { status: 'fail' },
    );
    await expectFinding(
      h,
      'sellers.zip_in_geolocation',
      `SELECT s.seller_zip_code_prefix FROM {sellers} s
         LEFT JOIN (SELECT DISTINCT geolocation_zip_code_prefix AS z FROM {geolocation}) g ON g.z = s.seller_zip_code_prefix
        WHERE g.z IS NULL`,
      'SELECT count(*) FROM {sellers}',
      { status: 'fail' },
    );
  });

  it('geolocation points outside Brazil and zip prefixes in two states', async () => {
    await expectFinding(
      h,
      'geolocation.inside_brazil',
      `SELECT geolocation_zip_code_prefix FROM {geolocation}
        WHERE geolocation_lat < -34 OR geolocation_lat > 6 OR geolocation_lng < -74 OR geolocation_lng > -28`,
      'SELECT count(*) FROM {geolocation}',
      { status: 'fail' },
    );
    await expectFinding(
      h,
      'geolocation.zip_single_state',
      `SELECT geolocation_zip_code_prefix FROM {geolocation} GROUP BY 1 HAVING min(geolocation_state) <> max(geolocation_state)`,
      'SELECT count(DISTINCT geolocation_zip_code_prefix) FROM {geolocation}',
    );
  });

  it('timestamps out of order', async () => {
    await expectFinding(
      h,
      'orders.carrier_after_approval',
      'SELECT order_id FROM {orders} WHERE order_delivered_carrier_date < order_approved_at',
      'SELECT count(*) FROM {orders}',
      { status: 'fail' },
    );
    await expectFinding(
      h,
      'orders.delivered_after_carrier',
      'SELECT order_id FROM {orders} WHERE order_delivered_customer_date < order_delivered_carrier_date',
      'SELECT count(*) FROM {orders}',
      { status: 'fail' },
    );
    await expectFinding(
      h,
      'order_items.shipping_limit_plausible',
      `SELECT order_id || ' | ' || order_item_id FROM {order_items}
        WHERE epoch(shipping_limit_date) - (SELECT epoch(max(order_purchase_timestamp)) FROM {orders}) > 60 * 86400`,
      'SELECT count(*) FROM {order_items}',
      { status: 'fail' },
    );
  });

  it('a seller city that is a number', async () => {
    const r = await expectFinding(
      h,
      'sellers.city_not_a_number',
      `SELECT seller_id FROM {sellers} WHERE trim(seller_city, '0123456789 ./-') = '' AND seller_city <> ''`,
      'SELECT count(*) FROM {sellers}',
      { status: 'fail' },
    );
    // OLIST_FACTS.md §2.9 item 13.
    expect(r.examples).toEqual(['ceb7b4fb9401cd378de7886317ad1b47']);
  });

  it('free freight items', async () => {
    await expectFinding(
      h,
      'order_items.freight_charged',
      `SELECT order_id || ' | ' || order_item_id FROM {order_items} WHERE freight_value = 0`,
      'SELECT count(*) FROM {order_items}',
      { status: 'fail' },
    );
  });

  it('structural rules pass on real data', () => {
    for (const id of [
      'orders.customer_fk',
      'order_items.order_fk',
      'order_items.product_fk',
      'order_items.seller_fk',
      'order_payments.order_fk',
      'order_reviews.order_fk',
      'order_reviews.score_1_to_5',
      'order_items.price_not_negative',
      'orders.delivered_after_purchase',
    ]) {
      expect(h.result(id), id).toMatchObject({ status: 'pass', failing_count: 0 });
    }
    // Foreign keys report their join success rate.
    expect(h.result('orders.customer_fk').observed).toBe(1);
  });
});

describe.skipIf(!hasRealData)('Olist suite with the complete real payments and products files', () => {
  let loaded: Loaded | undefined;
  const h = sqlHelpers(() => loaded!);

  beforeAll(async () => {
    const dir = realSampleDir();
    for (const f of ['olist_products_dataset.csv', 'olist_order_payments_dataset.csv']) {
      writeFileSync(path.join(dir, f), readFileSync(path.join(OLIST_REAL, f)));
    }
    loaded = await loadAndRun(dir);
  });
  afterAll(() => close(loaded));

  it('finds the published payment quirks: 9 zero values, 3 not_defined, 2 with zero installments', async () => {
    await expectFinding(
      h,
      'order_payments.value_positive',
      `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_value = 0`,
      'SELECT count(*) FROM {order_payments}',
      { failing: 9 },
    );
    await expectFinding(
      h,
      'order_payments.type_defined',
      `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_type = 'not_defined'`,
      'SELECT count(*) FROM {order_payments}',
      { failing: 3 },
    );
    await expectFinding(
      h,
      'order_payments.installments_positive',
      `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_installments = 0`,
      'SELECT count(*) FROM {order_payments}',
      { failing: 2 },
    );
  });

  it('finds the published product quirks: 610 without category, 2 without dimensions, 4 weighing 0', async () => {
    await expectFinding(
      h,
      'products.has_category',
      'SELECT product_id FROM {products} WHERE product_category_name IS NULL',
      'SELECT count(*) FROM {products}',
      { failing: 610 },
    );
    await expectFinding(
      h,
      'products.has_dimensions',
      'SELECT product_id FROM {products} WHERE product_weight_g IS NULL OR product_width_cm IS NULL',
      'SELECT count(*) FROM {products}',
      { failing: 2 },
    );
    await expectFinding(
      h,
      'products.weight_positive',
      'SELECT product_id FROM {products} WHERE product_weight_g = 0',
      'SELECT count(product_weight_g) FROM {products}',
      { failing: 4 },
    );
  });

  it('rejects as an error: payments of orders that are not in the (sampled) orders file', async () => {
    const r = await expectFinding(
      h,
      'order_payments.order_fk',
      // Counted in rows: every payment row whose order is missing.
      `SELECT p.order_id FROM {order_payments} p LEFT JOIN {orders} o ON o.order_id = p.order_id WHERE o.order_id IS NULL`,
      'SELECT count(*) FROM {order_payments}',
    );
    // The sample's 4,000 orders hold 4,161 of the 103,886 payment rows.
    expect(r.failing_count).toBe(103886 - 4161);
    expect(r).toMatchObject({ severity: 'error', status: 'fail' });
    expect(loaded!.report.passed).toBe(false);
    const failedErrors = loaded!.report.results.filter((x) => x.severity === 'error' && x.status === 'fail');
    expect(failedErrors.map((x) => x.id)).toEqual(['order_payments.order_fk']);
  });
});

describe('Olist suite on generated data', () => {
  let loaded: Loaded | undefined;
  const h = sqlHelpers(() => loaded!);

  beforeAll(async () => {
    const dir = tempDir('olist-gen-');
    // From 1,000 persons on, the generator plants every rare quirk at least once.
    await generateDataset({ customers: 3000, seed: 7, outDir: dir });
    loaded = await loadAndRun(dir, '2018-11-01');
  });
  afterAll(() => close(loaded));

  it('publishes with warnings only', () => {
    expect(loaded!.report.passed).toBe(true);
    expect(loaded!.report.summary.errored).toBe(0);
  });

  it('finds each planted quirk, with the count hand-written SQL gives', async () => {
    const cases: [string, string, string][] = [
      [
        'order_reviews.review_id_unique',
        'SELECT review_id FROM (SELECT review_id, row_number() OVER (PARTITION BY review_id) AS rn FROM {order_reviews}) WHERE rn > 1',
        'SELECT count(*) FROM {order_reviews}',
      ],
      [
        'orders.has_items',
        'SELECT order_id FROM {orders} EXCEPT ALL SELECT DISTINCT order_id FROM {order_items}',
        'SELECT count(*) FROM {orders}',
      ],
      [
        'orders.has_payment',
        'SELECT order_id FROM {orders} EXCEPT ALL SELECT DISTINCT order_id FROM {order_payments}',
        'SELECT count(*) FROM {orders}',
      ],
      [
        'orders.delivered_has_delivery_date',
        `SELECT order_id FROM {orders} WHERE order_status = 'delivered' AND order_delivered_customer_date IS NULL`,
        `SELECT count(*) FROM {orders} WHERE order_status = 'delivered'`,
      ],
      [
        'order_payments.value_positive',
        `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_value = 0`,
        'SELECT count(*) FROM {order_payments}',
      ],
      [
        'order_payments.type_defined',
        `SELECT order_id || ' | ' || payment_sequential FROM {order_payments} WHERE payment_type = 'not_defined'`,
        'SELECT count(*) FROM {order_payments}',
      ],
      [
        'products.has_category',
        'SELECT product_id FROM {products} WHERE product_category_name IS NULL',
        'SELECT count(*) FROM {products}',
      ],
      [
        'customers.zip_in_geolocation',
        'SELECT customer_zip_code_prefix FROM {customers} WHERE customer_zip_code_prefix NOT IN (SELECT geolocation_zip_code_prefix FROM {geolocation})',
        'SELECT count(*) FROM {customers}',
      ],
      [
        'orders.delivered_after_carrier',
        'SELECT order_id FROM {orders} WHERE order_delivered_customer_date < order_delivered_carrier_date',
        'SELECT count(*) FROM {orders}',
      ],
      [
        'sellers.city_not_a_number',
        `SELECT seller_id FROM {sellers} WHERE regexp_matches(seller_city, '^[0-9]+$')`,
        'SELECT count(*) FROM {sellers}',
      ],
    ];
    for (const [id, failing, total] of cases) {
      const r = await expectFinding(h, id, failing, total);
      expect(r.failing_count, `${id} is planted by the generator`).toBeGreaterThan(0);
      expect(r.status, id).toBe('fail');
    }
  });

  it('counts geolocation exact duplicates as extra copies, and untranslated categories', async () => {
    const dup = h.result('geolocation.exact_duplicates');
    const rows = await h.count('SELECT count(*) FROM {geolocation}');
    const distinct = await h.count('SELECT count(*) FROM (SELECT DISTINCT * FROM {geolocation})');
    expect(dup.failing_count).toBe(rows - distinct);
    // About 26 % of the real file's rows are exact duplicates (OLIST_FACTS.md §2.9 item 3).
    expect(dup.failing_share).toBeGreaterThan(0.2);
    const tr = h.result('products.category_translated');
    expect(tr.examples).toEqual(['pc_gamer', 'portateis_cozinha_e_preparadores_de_alimentos']);
    expect(tr.failing_count).toBe(
      await h.count(
        `SELECT count(*) FROM {products} WHERE product_category_name IN ('pc_gamer', 'portateis_cozinha_e_preparadores_de_alimentos')`,
      ),
    );
  });
});
