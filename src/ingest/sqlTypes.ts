import type { ColumnType } from '../olist/tables.ts';

/** DuckDB type of each logical column type: total, so a new type is a compile error until mapped. */
export const SQL_TYPE: Readonly<Record<ColumnType, string>> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  zip: 'VARCHAR',
  state: 'VARCHAR',
  integer: 'INTEGER',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
};

/** What a value of each type looks like, for error messages. */
export const EXPECTED: Readonly<Record<ColumnType, string>> = {
  id: 'an identifier',
  text: 'text',
  zip: 'a zip prefix of up to 5 digits',
  state: 'a two-letter state code',
  integer: 'a whole number (e.g. 3)',
  double: 'a number (e.g. 129.90)',
  timestamp: 'a timestamp like 2017-10-02 10:56:33',
};

export const TIMESTAMP_FORMAT = '%Y-%m-%d %H:%M:%S';
