import { ident } from '../engine/engine.ts';
import type { TableName } from '../olist/tables.ts';

/** A loaded, immutable data set version: its tables live in their own schema. */
export interface DatasetRef {
  readonly version: number;
  readonly schema: string;
}

export function schemaForVersion(version: number): string {
  return `ds_${version}`;
}

/** Fully qualified, quoted name of a table of a data set version, for SQL. */
export function tableRef(ds: DatasetRef, table: TableName): string {
  return `${ident(ds.schema)}.${ident(table)}`;
}
