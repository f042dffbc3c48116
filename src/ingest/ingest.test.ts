import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyDir,
  countCsvRecords,
  hasRealData,
  OLIST_REAL,
  realSampleDir,
  removeDir,
  skipReason,
  testContext,
} from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { IngestError, OlistError } from '../core/errors.ts';
import { tableRef } from '../datasets/ref.ts';
import { TABLES } from '../olist/tables.ts';
import { ingestDirectory } from './ingest.ts';

if (!hasRealData) console.warn(skipReason);

describe.skipIf(!hasRealData)('ingest of the real Olist sample', () => {
  let ctx: AppContext;
  let dir: string;
  let version: number;

  beforeAll(async () => {
    ctx = await testContext();
    dir = realSampleDir();
    version = (await ingestDirectory(ctx.engine, ctx.catalog, { dir })).version;
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(dir);
    removeDir(ctx.dataDir);
  });

  it('loads every table with exactly the rows of its file', async () => {
    const ds = await ctx.currentDataset();
    expect(ds.version).toBe(version);
    // Stated in ../shared/data/README.md.
    expect(ds.row_counts.orders).toBe(4000);
    expect(ds.row_counts.customers).toBe(4000);
    expect(ds.row_counts.sellers).toBe(3095);
    expect(ds.row_counts.category_translation).toBe(71);
    expect(ds.row_counts.geolocation).toBe(19015);
    // Counted here by an independent quote-aware scan (reviews hold embedded line breaks).
    for (const t of ['order_items', 'order_payments', 'order_reviews', 'products'] as const) {
      expect(ds.row_counts[t], t).toBe(countCsvRecords(path.join(dir, TABLES[t].file)));
    }
    const [row] = await ctx.engine.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${tableRef(ds, 'order_reviews')}`,
    );
    expect(row!.n).toBe(ds.row_counts.order_reviews);
  });

  it('keeps zip prefixes as 5-character strings with leading zeros', async () => {
    const ds = await ctx.currentDataset();
    const [c] = await ctx.engine.all<{ zip: string }>(
      `SELECT customer_zip_code_prefix AS zip FROM ${tableRef(ds, 'customers')}
        WHERE customer_id = '77ba3722e956df4dcb1d7fe1e1eddc93'`,
    );
    expect(c!.zip).toBe('03067');
    // The derived geolocation file strips leading zeros ("1037"); ingest pads them back.
    const [g] = await ctx.engine.all<{ n: number; bad: number }>(
      `SELECT count(*) FILTER (WHERE geolocation_zip_code_prefix = '01037')::INTEGER AS n,
              count(*) FILTER (WHERE length(geolocation_zip_code_prefix) <> 5)::INTEGER AS bad
         FROM ${tableRef(ds, 'geolocation')}`,
    );
    expect(g).toEqual({ n: 1, bad: 0 });
  });

  it('reads the translation file despite its BOM and CRLF line ends', async () => {
    const ds = await ctx.currentDataset();
    const rows = await ctx.engine.all<{ pt: string; en: string }>(
      `SELECT product_category_name AS pt, product_category_name_english AS en
         FROM ${tableRef(ds, 'category_translation')} WHERE product_category_name = 'beleza_saude'`,
    );
    expect(rows).toEqual([{ pt: 'beleza_saude', en: 'health_beauty' }]);
    const [cr] = await ctx.engine.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${tableRef(ds, 'category_translation')}
        WHERE product_category_name_english LIKE '%' || chr(13) || '%'`,
    );
    expect(cr!.n).toBe(0);
  });

  it('keeps review text with embedded line breaks and commas, and empty strings as NULL', async () => {
    const ds = await ctx.currentDataset();
    const [r] = await ctx.engine.all<{ msg: string }>(
      `SELECT review_comment_message AS msg FROM ${tableRef(ds, 'order_reviews')}
        WHERE review_id = '2a1bad8468de7f2b0fd9c734ea503830'`,
    );
    expect(r!.msg).toContain('previsao de entrega era para \r\n31/05');
    expect(r!.msg).toContain(', para quem quer');
    const [n] = await ctx.engine.all<{ empty: number; nulls: number }>(
      `SELECT count(*) FILTER (WHERE review_comment_title = '')::INTEGER AS empty,
              count(*) FILTER (WHERE review_comment_title IS NULL)::INTEGER AS nulls
         FROM ${tableRef(ds, 'order_reviews')}`,
    );
    expect(n!.empty).toBe(0);
    expect(n!.nulls).toBeGreaterThan(3000);
  });

  it('types timestamps without zone and numbers as numbers', async () => {
    const ds = await ctx.currentDataset();
    const [o] = await ctx.engine.all<{ ts: string; t: string; price: number }>(
      `SELECT strftime(o.order_purchase_timestamp, '%Y-%m-%d %H:%M:%S') AS ts,
              typeof(o.order_purchase_timestamp) AS t, i.price
         FROM ${tableRef(ds, 'orders')} o JOIN ${tableRef(ds, 'order_items')} i USING (order_id)
        WHERE o.order_id = '8426a61c687c38a2fb35080413ec9eb4'`,
    );
    expect(o!.t).toBe('TIMESTAMP');
    expect(o!.price).toBe(179.49);
    const raw = readFileSync(path.join(dir, 'olist_orders_dataset.csv'), 'utf8');
    const line = raw.split('\n').find((l) => l.startsWith('8426a61c687c38a2fb35080413ec9eb4'))!;
    expect(line.split(',')[3]).toBe(o!.ts);
  });

  it('records source, checksum and load time for the version', async () => {
    const [v] = await ctx.catalog.list();
    expect(v!.source).toBe(path.resolve(dir));
    expect(v!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(v!.load_ms).toBeGreaterThan(0);
    expect(v!.is_current).toBe(true);
  });
});

describe.skipIf(!hasRealData)('ingest of the complete real files', () => {
  it('loads the complete products, payments, sellers and translation files with their published row counts', async () => {
    const ctx = await testContext();
    const dir = realSampleDir();
    for (const f of ['olist_products_dataset.csv', 'olist_order_payments_dataset.csv']) {
      writeFileSync(path.join(dir, f), readFileSync(path.join(OLIST_REAL, f)));
    }
    writeFileSync(
      path.join(dir, 'product_category_name_translation.csv'),
      readFileSync(path.join(OLIST_REAL, 'product_category_name_translation.csv')),
    );
    try {
      const r = await ingestDirectory(ctx.engine, ctx.catalog, { dir });
      expect(r.rowCounts.products).toBe(32951);
      expect(r.rowCounts.order_payments).toBe(103886);
      expect(r.rowCounts.sellers).toBe(3095);
      expect(r.rowCounts.category_translation).toBe(71);
      const ds = await ctx.currentDataset();
      // OLIST_FACTS.md: 610 products without category; the seller whose city is a zip code is kept.
      const [p] = await ctx.engine.all<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ${tableRef(ds, 'products')} WHERE product_category_name IS NULL`,
      );
      expect(p!.n).toBe(610);
      const [s] = await ctx.engine.all<{ city: string }>(
        `SELECT seller_city AS city FROM ${tableRef(ds, 'sellers')} WHERE seller_id = 'ceb7b4fb9401cd378de7886317ad1b47'`,
      );
      expect(s!.city).toBe('04482255');
      const [pay] = await ctx.engine.all<{ total: number }>(
        `SELECT round(sum(payment_value), 2)::DOUBLE AS total FROM ${tableRef(ds, 'order_payments')}`,
      );
      expect(pay!.total).toBe(16008872.12);
    } finally {
      await ctx.close();
      removeDir(dir);
      removeDir(ctx.dataDir);
    }
  });
});

/** Each bad input: ingest fails with an error naming the place, and version 1 stays current. */
describe.skipIf(!hasRealData)('bad input', () => {
  let ctx: AppContext;
  let good: string;

  beforeAll(async () => {
    ctx = await testContext();
    good = realSampleDir();
    await ingestDirectory(ctx.engine, ctx.catalog, { dir: good });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(good);
    removeDir(ctx.dataDir);
  });

  async function expectRejected(mutate: (dir: string) => void, expected: RegExp[]): Promise<IngestError> {
    const dir = copyDir(good);
    mutate(dir);
    let caught: unknown;
    try {
      await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    } catch (err) {
      caught = err;
    } finally {
      removeDir(dir);
    }
    expect(caught).toBeInstanceOf(IngestError);
    const err = caught as IngestError;
    const text = [err.message, ...err.details.map((d) => `${d.location}: ${d.message}`)].join('\n');
    for (const re of expected) expect(text).toMatch(re);
    // The last good version keeps serving, and a rejected load leaves no schema behind.
    const current = await ctx.currentDataset();
    expect(current.version).toBe(1);
    const [orders] = await ctx.engine.all<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${tableRef(current, 'orders')}`,
    );
    expect(orders!.n).toBe(4000);
    const schemas = await ctx.engine.all<{ s: string }>(
      `SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'ds_%'`,
    );
    expect(schemas.map((s) => s.s)).toEqual(['ds_1']);
    return err;
  }

  const edit = (dir: string, file: string, fn: (text: string) => string) => {
    const f = path.join(dir, file);
    writeFileSync(f, fn(readFileSync(f, 'utf8')));
  };

  it('a missing required file', async () => {
    await expectRejected(
      (d) => rmSync(path.join(d, 'olist_orders_dataset.csv')),
      [/olist_orders_dataset\.csv: required file is missing/],
    );
  });

  it('a missing column', async () => {
    await expectRejected(
      (d) =>
        edit(d, 'olist_order_items_dataset.csv', (t) =>
          t.replace(
            'order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value',
            'order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight',
          ),
        ),
      [/olist_order_items_dataset\.csv:1: missing column "freight_value"/],
    );
  });

  it('a value of the wrong type, named by line and column', async () => {
    // Line 3 of the items file is the second data row.
    await expectRejected(
      (d) =>
        edit(d, 'olist_order_items_dataset.csv', (t) => {
          const lines = t.split('\n');
          const cells = lines[2]!.split(',');
          cells[5] = 'abc';
          lines[2] = cells.join(',');
          return lines.join('\n');
        }),
      [/olist_order_items_dataset\.csv:3 column price: .*"abc".*expected a number/],
    );
  });

  it('a bad timestamp', async () => {
    await expectRejected(
      (d) => edit(d, 'olist_orders_dataset.csv', (t) => t.replace('2018-07-29 13:54:51', '29/07/2018 13:54')),
      [
        /olist_orders_dataset\.csv:2 column order_purchase_timestamp: .*expected a timestamp like 2017-10-02 10:56:33/,
      ],
    );
  });

  it('a truncated file (cut in the middle of a row)', async () => {
    await expectRejected(
      (d) => {
        const f = path.join(d, 'olist_order_payments_dataset.csv');
        const size = readFileSync(f).length;
        truncateSync(f, size - 30);
      },
      [/olist_order_payments_dataset\.csv:4162/],
    );
  });

  it('an empty file', async () => {
    await expectRejected(
      (d) => writeFileSync(path.join(d, 'olist_sellers_dataset.csv'), ''),
      [/olist_sellers_dataset\.csv: file is empty; expected a header line: seller_id,seller_zip_code_prefix/],
    );
  });

  it('a file with only its header', async () => {
    await expectRejected(
      (d) =>
        writeFileSync(
          path.join(d, 'olist_customers_dataset.csv'),
          'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state\n',
        ),
      [/olist_customers_dataset\.csv: file has a header but no data rows/],
    );
  });

  it('invalid UTF-8', async () => {
    await expectRejected(
      (d) => {
        const f = path.join(d, 'olist_sellers_dataset.csv');
        const buf = readFileSync(f);
        const text = buf.toString('latin1');
        const at = text.indexOf('campinas');
        const out = Buffer.concat([buf.subarray(0, at), Buffer.from([0xe3, 0x28]), buf.subarray(at + 2)]);
        writeFileSync(f, out);
      },
      [/olist_sellers_dataset\.csv:2 column seller_city: invalid UTF-8/],
    );
  });

  it('duplicate primary keys', async () => {
    const err = await expectRejected(
      (d) => {
        const f = path.join(d, 'olist_orders_dataset.csv');
        const lines = readFileSync(f, 'utf8').split('\n');
        appendFileSync(f, `${lines[1]}\n`);
      },
      [
        /olist_orders_dataset\.csv:4002 column order_id: duplicate primary key \(bb953a084ab406da9e19dfdc06df0245\), first seen on line 2/,
      ],
    );
    expect(err.code).toBe('INGEST_FAILED');
  });

  it('an empty value in a required column', async () => {
    await expectRejected(
      (d) =>
        edit(d, 'olist_orders_dataset.csv', (t) =>
          t.replace(
            'bb953a084ab406da9e19dfdc06df0245,152b39d7f829538d9a25281cc20b0af6,delivered',
            'bb953a084ab406da9e19dfdc06df0245,,delivered',
          ),
        ),
      [/olist_orders_dataset\.csv:2 column customer_id: 1 empty value\(s\) in a required column/],
    );
  });

  it('a zip prefix that is not digits', async () => {
    await expectRejected(
      (d) => edit(d, 'olist_customers_dataset.csv', (t) => t.replace(',15170,tanabi,', ',1517X,tanabi,')),
      [/olist_customers_dataset\.csv:2 column customer_zip_code_prefix: "1517X" is not a zip prefix/],
    );
  });

  it('reports every problem of a folder at once', async () => {
    const err = await expectRejected(
      (d) => {
        edit(d, 'olist_orders_dataset.csv', (t) => t.replace('2018-07-29 13:54:51', 'yesterday'));
        edit(d, 'olist_order_items_dataset.csv', (t) => t.replace(',179.49,', ',cheap,'));
      },
      [
        /olist_orders_dataset\.csv:2 column order_purchase_timestamp/,
        /olist_order_items_dataset\.csv:2 column price/,
      ],
    );
    expect(err.details.length).toBe(2);
  });

  it('warns on an unknown extra column and loads the rest', async () => {
    const dir = copyDir(good);
    edit(dir, 'olist_sellers_dataset.csv', (t) =>
      t
        .split('\n')
        .map((l, i) => (l === '' ? l : `${l},${i === 0 ? 'extra_note' : 'x'}`))
        .join('\n'),
    );
    try {
      const r = await ingestDirectory(ctx.engine, ctx.catalog, { dir, makeCurrent: false });
      expect(r.warnings).toContain('olist_sellers_dataset.csv: unknown column "extra_note" ignored');
      expect(r.rowCounts.sellers).toBe(3095);
      expect((await ctx.currentDataset()).version).toBe(1);
    } finally {
      removeDir(dir);
    }
  });

  it('loads without the optional reviews and geolocation files, with warnings', async () => {
    const dir = copyDir(good);
    rmSync(path.join(dir, 'olist_order_reviews_dataset.csv'));
    rmSync(path.join(dir, 'olist_geolocation_dataset.csv'));
    try {
      const r = await ingestDirectory(ctx.engine, ctx.catalog, { dir, makeCurrent: false });
      expect(r.rowCounts.order_reviews).toBe(0);
      expect(r.rowCounts.geolocation).toBe(0);
      expect(r.warnings).toEqual(
        expect.arrayContaining([
          'olist_order_reviews_dataset.csv: absent; the order_reviews table is empty',
          'olist_geolocation_dataset.csv: absent; the geolocation table is empty',
        ]),
      );
    } finally {
      removeDir(dir);
    }
  });

  it('a gate that refuses publishes nothing', async () => {
    const dir = copyDir(good);
    try {
      await expect(
        ingestDirectory(ctx.engine, ctx.catalog, {
          dir,
          gate: async () => ({ publish: false, warnings: [], reason: 'test rule failed' }),
        }),
      ).rejects.toThrow(/rejected by validation: test rule failed/);
      expect((await ctx.currentDataset()).version).toBe(1);
      const all = await ctx.catalog.list({ includeFailed: true });
      expect(all.filter((v) => v.status === 'published').map((v) => v.version)).not.toContain(
        all.at(-1)!.version,
      );
    } finally {
      removeDir(dir);
    }
  });

  it('a folder that does not exist', async () => {
    await expect(
      ingestDirectory(ctx.engine, ctx.catalog, { dir: '/nonexistent/olist' }),
    ).rejects.toBeInstanceOf(OlistError);
  });
});
