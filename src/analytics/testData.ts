import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DatasetRef } from '../datasets/ref.ts';
import { tableRef } from '../datasets/ref.ts';
import { type Engine, ident, literal } from '../engine/engine.ts';
import { SQL_TYPE } from '../ingest/sqlTypes.ts';
import { TABLE_NAMES, TABLES, type TableName } from '../olist/tables.ts';

/**
 * Small hand-made data sets for the analytics tests, described compactly (orders with their
 * customer, payments, items, delivery and reviews) and expanded into the nine Olist tables, either
 * directly in an engine under a schema (`createTestDataset`) or as a CSV folder for `ingestDirectory`
 * (`writeTestCsvDir`). Only for tests.
 */

export interface TestItem {
  readonly price: number;
  readonly freight?: number;
  readonly product?: string;
  /** Product category (Portuguese name); null for a product without one. Default 'cat_a'. */
  readonly category?: string | null;
  readonly seller?: string;
}

export interface TestReview {
  readonly score: number;
  /** Creation date YYYY-MM-DD[ HH:MM:SS]; default the day of delivery or purchase. */
  readonly created?: string;
  readonly answered?: string;
  readonly id?: string;
}

export interface TestOrder {
  readonly id: string;
  /** customer_unique_id */
  readonly customer: string;
  readonly state?: string;
  readonly status?: string;
  /** Purchase timestamp YYYY-MM-DD[ HH:MM:SS] (time 10:00:00 when absent). */
  readonly at: string;
  /** One payment of this value (shorthand for `payments: [value]`). */
  readonly value?: number;
  readonly payments?: readonly number[];
  readonly items?: readonly TestItem[];
  /** Delivered-to-customer timestamp; null or absent: not delivered. */
  readonly delivered?: string | null;
  /** Estimated delivery date; default 10 days after purchase. */
  readonly estimated?: string;
  /** A score or full reviews. */
  readonly reviews?: number | readonly TestReview[];
}

export interface TestSeller {
  readonly id: string;
  readonly state: string;
}

export interface TestDataset {
  readonly orders: readonly TestOrder[];
  readonly sellers?: readonly TestSeller[];
  /** Category translations; default `<name>_en` for every category used. */
  readonly translations?: Readonly<Record<string, string>>;
}

type Cell = string | number | null;
type Rows = Record<TableName, Cell[][]>;

function ts(s: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s} 10:00:00` : s;
}

function addDays(s: string, days: number): string {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.toISOString().slice(0, 10)} 00:00:00`;
}

/** The rows of every table, in TABLES column order. */
export function expandTestDataset(spec: TestDataset): Rows {
  const rows = Object.fromEntries(TABLE_NAMES.map((t) => [t, [] as Cell[][]])) as Rows;
  const products = new Map<string, string | null>();
  const sellers = new Map<string, string>((spec.sellers ?? []).map((s) => [s.id, s.state]));
  for (const o of spec.orders) {
    const customerId = `c_${o.id}`;
    const state = o.state ?? 'SP';
    rows.customers.push([customerId, o.customer, '01001', 'sao paulo', state]);
    const at = ts(o.at);
    rows.orders.push([
      o.id,
      customerId,
      o.status ?? 'delivered',
      at,
      at,
      o.delivered ? at : null,
      o.delivered ? ts(o.delivered) : null,
      o.estimated ? ts(o.estimated) : addDays(at, 10),
    ]);
    const payments = o.payments ?? (o.value === undefined ? [] : [o.value]);
    payments.forEach((v, i) => {
      rows.order_payments.push([o.id, i + 1, 'credit_card', 1, v]);
    });
    (o.items ?? []).forEach((it, i) => {
      const product = it.product ?? `p_${it.category ?? 'none'}`;
      const seller = it.seller ?? 's_1';
      products.set(product, it.category === undefined ? 'cat_a' : it.category);
      if (!sellers.has(seller)) sellers.set(seller, 'SP');
      rows.order_items.push([o.id, i + 1, product, seller, at, it.price, it.freight ?? 0]);
    });
    const reviews: readonly TestReview[] =
      o.reviews === undefined ? [] : typeof o.reviews === 'number' ? [{ score: o.reviews }] : o.reviews;
    reviews.forEach((r, i) => {
      const created = r.created
        ? ts(r.created)
        : (o.delivered ? ts(o.delivered) : at).replace(/ .*$/, ' 00:00:00');
      rows.order_reviews.push([
        r.id ?? `r_${o.id}_${i + 1}`,
        o.id,
        r.score,
        null,
        null,
        created,
        r.answered ? ts(r.answered) : created,
      ]);
    });
  }
  const categories = new Set<string>();
  for (const [id, category] of products) {
    rows.products.push([id, category, 10, 100, 1, 500, 10, 10, 10]);
    if (category) categories.add(category);
  }
  for (const [id, state] of sellers) rows.sellers.push([id, '01001', 'sao paulo', state]);
  for (const c of categories) rows.category_translation.push([c, spec.translations?.[c] ?? `${c}_en`]);
  return rows;
}

function sqlValue(v: Cell): string {
  if (v === null) return 'NULL';
  return typeof v === 'number' ? String(v) : literal(v);
}

/** Creates the nine tables of `spec` in `engine` under `schema` (default ds_1) and returns the ref. */
export async function createTestDataset(
  engine: Engine,
  spec: TestDataset,
  schema = 'ds_1',
): Promise<DatasetRef> {
  const ds: DatasetRef = { version: Number(schema.replace(/\D/g, '')) || 1, schema };
  const rows = expandTestDataset(spec);
  await engine.run(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE; CREATE SCHEMA ${ident(schema)}`);
  for (const name of TABLE_NAMES) {
    const def = TABLES[name];
    const ddl = def.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`).join(', ');
    await engine.run(`CREATE TABLE ${tableRef(ds, name)} (${ddl})`);
    const data = rows[name];
    if (!data.length) continue;
    const casts = def.columns.map((c, i) => `col${i}::${SQL_TYPE[c.type]}`).join(', ');
    const values = data.map((r) => `(${r.map(sqlValue).join(', ')})`).join(',\n');
    await engine.run(
      `INSERT INTO ${tableRef(ds, name)} SELECT ${casts} FROM (VALUES ${values}) t(${def.columns.map((_, i) => `col${i}`).join(', ')})`,
    );
  }
  return ds;
}

/** Writes `spec` as a folder of Olist CSV files (all nine, with the headers of TABLES). */
export function writeTestCsvDir(spec: TestDataset, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const rows = expandTestDataset(spec);
  for (const name of TABLE_NAMES) {
    const def = TABLES[name];
    writeFileSync(
      path.join(dir, def.file),
      stringify(rows[name], { header: true, columns: def.columns.map((c) => c.name) }),
    );
  }
  return dir;
}
