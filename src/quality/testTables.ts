/**
 * Test helpers: tiny hand-made Olist tables in an in-memory engine. Every table gets all its
 * data-model columns (those not given are NULL), so the table statistics of a run see the real shape.
 */
import type { DatasetRef } from '../datasets/ref.ts';
import { tableRef } from '../datasets/ref.ts';
import { type Engine, ident, literal } from '../engine/engine.ts';
import { SQL_TYPE } from '../ingest/sqlTypes.ts';
import { TABLE_NAMES, TABLES, type TableName } from '../olist/tables.ts';

export type Cell = string | number | boolean | null;

export function datasetRef(version: number): DatasetRef {
  return { version, schema: `ds_${version}` };
}

/** (Re)creates one table of a version's schema with the given rows. */
export async function createTable(
  engine: Engine,
  ds: DatasetRef,
  table: TableName,
  rows: readonly Readonly<Record<string, Cell>>[],
): Promise<void> {
  const def = TABLES[table];
  const known = new Set(def.columns.map((c) => c.name));
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`${table} has no column ${k}`);
  }
  const ddl = def.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`).join(', ');
  await engine.run(`CREATE SCHEMA IF NOT EXISTS ${ident(ds.schema)}`);
  await engine.run(`CREATE OR REPLACE TABLE ${tableRef(ds, table)} (${ddl})`);
  if (!rows.length) return;
  const value = (v: Cell | undefined) =>
    v === null || v === undefined ? 'NULL' : typeof v === 'string' ? literal(v) : String(v);
  const values = rows.map((r) => `(${def.columns.map((c) => value(r[c.name])).join(', ')})`).join(',\n');
  await engine.run(`INSERT INTO ${tableRef(ds, table)} VALUES ${values}`);
}

/** Creates every table of the data model, empty, except those given. */
export async function createDataset(
  engine: Engine,
  ds: DatasetRef,
  tables: Partial<Record<TableName, readonly Readonly<Record<string, Cell>>[]>>,
): Promise<void> {
  for (const t of TABLE_NAMES) await createTable(engine, ds, t, tables[t] ?? []);
}

/** n rows made by a function of the row index. */
export function rowsOf(n: number, make: (i: number) => Record<string, Cell>): Record<string, Cell>[] {
  return Array.from({ length: n }, (_, i) => make(i));
}
