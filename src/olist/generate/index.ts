/**
 * Synthetic Olist data set generator: writes the nine Olist CSV files, shaped like the real data set
 * (OLIST_FACTS.md), for any number of persons (customer_unique_id). Deterministic for a seed: the same
 * seed and size give byte-identical files. Streams every table to disk; memory holds the catalogue
 * (products, sellers, zip table) and one customer's orders at a time.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TABLE_NAMES, TABLES, type TableName } from '../tables.ts';
import { buildCatalog, translationFileText } from './catalog.ts';
import { CATEGORY_TRANSLATIONS } from './categories.ts';
import { BASE_GEOLOCATION_ROWS, GEO_ROWS_PER_CUSTOMER } from './distributions.ts';
import { plainHeader, quotedHeader } from './format.ts';
import { writeGeolocation, ZipTable } from './geo.ts';
import { OrderGenerator } from './orders.ts';
import { MIN_CUSTOMERS_FOR_ALL_QUIRKS, planQuirks } from './quirks.ts';
import { Rng } from './random.ts';
import { PurchaseTimeline } from './timeline.ts';
import { CsvWriter, drainAll } from './writer.ts';

export interface GenerateProgress {
  /** The table being written. */
  table: string;
  /** Rows written so far to that table. */
  rows: number;
  customersDone: number;
  customersTotal: number;
}

export interface GenerateOptions {
  /** Number of distinct persons (customer_unique_id); orders are about 1.035 per person. */
  customers: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Output folder (created if missing); existing files of the same names are overwritten. */
  outDir: string;
  onProgress?: (p: GenerateProgress) => void;
}

export interface GenerateResult {
  files: Record<TableName, { path: string; rows: number }>;
  /** Persons generated (customer_unique_id). */
  customers: number;
  orders: number;
  seconds: number;
}

export const DEFAULT_SEED = 1;

/** Files whose originals quote the header (and values that start with a digit). */
const QUOTED_HEADER: ReadonlySet<TableName> = new Set<TableName>(['sellers', 'products', 'order_payments']);

function header(table: TableName): string {
  const names = TABLES[table].columns.map((c) => c.name);
  return QUOTED_HEADER.has(table) ? quotedHeader(names) : plainHeader(names);
}

/** Random sub-streams of one seed, one per stage, so stages do not shift each other's numbers. */
const STREAM = { quirks: 1, catalog: 2, orders: 3, geolocation: 4 } as const;

export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const started = process.hrtime.bigint();
  const n = opts.customers;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`customers must be a positive integer, got ${n}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  await mkdir(opts.outDir, { recursive: true });
  const fileOf = (t: TableName): string => path.join(opts.outDir, TABLES[t].file);
  const progress = opts.onProgress;

  await writeFile(
    fileOf('category_translation'),
    translationFileText(TABLES.category_translation.columns.map((c) => c.name)),
  );

  const writers = {
    customers: new CsvWriter(fileOf('customers'), header('customers')),
    orders: new CsvWriter(fileOf('orders'), header('orders')),
    items: new CsvWriter(fileOf('order_items'), header('order_items')),
    payments: new CsvWriter(fileOf('order_payments'), header('order_payments')),
    reviews: new CsvWriter(fileOf('order_reviews'), header('order_reviews')),
  };
  const sellersOut = new CsvWriter(fileOf('sellers'), header('sellers'));
  const productsOut = new CsvWriter(fileOf('products'), header('products'));
  const geoOut = new CsvWriter(fileOf('geolocation'), header('geolocation'));
  const all = [...Object.values(writers), sellersOut, productsOut, geoOut];

  try {
    const zips = new ZipTable();
    const timeline = new PurchaseTimeline();
    const quirks = planQuirks(n, new Rng(seed, STREAM.quirks));
    const catalog = await buildCatalog(n, zips, new Rng(seed, STREAM.catalog), sellersOut, productsOut);
    progress?.({ table: 'products', rows: productsOut.rows, customersDone: 0, customersTotal: n });
    const gen = new OrderGenerator(new Rng(seed, STREAM.orders), zips, catalog, timeline, quirks, writers, n);
    const orderWriters = Object.values(writers);
    const step = Math.max(1000, Math.ceil(n / 200));
    for (let c = 0; c < n; c++) {
      gen.customer(c);
      if ((c & 63) === 63) await drainAll(orderWriters);
      if (progress && (c + 1) % step === 0) {
        progress({ table: 'orders', rows: gen.orders, customersDone: c + 1, customersTotal: n });
      }
    }
    await drainAll(orderWriters);
    progress?.({ table: 'orders', rows: gen.orders, customersDone: n, customersTotal: n });

    await writeGeolocation(
      zips,
      {
        rows: Math.min(BASE_GEOLOCATION_ROWS, Math.round(n * GEO_ROWS_PER_CUSTOMER)),
        forceMissing: n >= MIN_CUSTOMERS_FOR_ALL_QUIRKS,
      },
      new Rng(seed, STREAM.geolocation),
      geoOut,
    );
    progress?.({ table: 'geolocation', rows: geoOut.rows, customersDone: n, customersTotal: n });

    await Promise.all(all.map((w) => w.close()));

    const rows: Record<TableName, number> = {
      customers: writers.customers.rows,
      geolocation: geoOut.rows,
      order_items: writers.items.rows,
      order_payments: writers.payments.rows,
      order_reviews: writers.reviews.rows,
      orders: writers.orders.rows,
      products: productsOut.rows,
      sellers: sellersOut.rows,
      category_translation: CATEGORY_TRANSLATIONS.length,
    };
    const files = {} as Record<TableName, { path: string; rows: number }>;
    for (const t of TABLE_NAMES) files[t] = { path: fileOf(t), rows: rows[t] };
    return {
      files,
      customers: n,
      orders: gen.orders,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } catch (err) {
    for (const w of all) w.destroy();
    throw err;
  }
}
