/**
 * CSV exports: RFC 4180 (comma, CRLF, fields quoted when they hold a comma, quote or line break),
 * UTF-8 with an optional BOM, the registry's column names and order, streamed chunk by chunk so
 * memory stays flat whatever the row count. Text cells that a spreadsheet would read as a formula
 * are neutralised.
 */
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Cell, ColumnSpec, Row, TableSpec } from './types.ts';

const DANGEROUS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Prefixes `'` to text that begins with =, +, -, @, tab or carriage return (formula injection). */
export function neutralise(text: string): string {
  return text.length > 0 && DANGEROUS.has(text[0] as string) ? `'${text}` : text;
}

/** A cell as CSV text: numbers as JS prints them (full precision), dates ISO, text neutralised. */
export function csvCell(value: Cell, col: ColumnSpec): string {
  if (value === null || value === undefined) return '';
  if (col.type === 'text') return neutralise(String(value));
  if (col.type === 'date') return String(value).slice(0, 10);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return neutralise(String(value));
}

export interface CsvOptions {
  /** Start with a UTF-8 byte-order mark (Excel then reads the file as UTF-8). */
  readonly bom?: boolean;
}

/** Writes `await`-ably, respecting the destination's backpressure. */
export function writeChunk(out: Writable, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed) {
      reject(new Error('destination closed'));
      return;
    }
    if (out.write(data)) {
      resolve();
      return;
    }
    const onDrain = () => {
      out.off('error', onError);
      out.off('close', onClose);
      resolve();
    };
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      reject(err);
    };
    const onClose = () => {
      out.off('drain', onDrain);
      out.off('error', onError);
      reject(new Error('destination closed'));
    };
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
  });
}

function encode(records: string[][]): string {
  return stringify(records, { record_delimiter: '\r\n', quoted_match: [/[\r\n]/, /^\s|\s$/] });
}

/** Streams `rows` as CSV to `out` (not ended). Returns the number of data rows. */
export async function writeCsvRows(
  out: Writable,
  columns: readonly ColumnSpec[],
  rows: AsyncIterable<readonly Row[]>,
  opts: CsvOptions = {},
): Promise<number> {
  await writeChunk(out, `${opts.bom ? '\uFEFF' : ''}${encode([columns.map((c) => c.name)])}`);
  let n = 0;
  for await (const chunk of rows) {
    if (chunk.length === 0) continue;
    n += chunk.length;
    await writeChunk(out, encode(chunk.map((r) => columns.map((c) => csvCell(r[c.name], c)))));
  }
  return n;
}

/** A table as CSV to `out` (not ended). */
export function writeCsv(out: Writable, table: TableSpec, opts: CsvOptions = {}): Promise<number> {
  return writeCsvRows(out, table.columns, table.rows(), opts);
}
