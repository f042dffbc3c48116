import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CDNOW } from '../../../test/fixtures.ts';

/**
 * CDNOW reference files for the CLV tests (only for tests): `../shared/data/cdnow/` beside the
 * checkout. Read here with plain JS, independently of the DuckDB code under test.
 */

export const CDNOW_SUMMARY = path.join(CDNOW, 'cdnow_customers_summary.csv');
export const CDNOW_WITH_TX = path.join(CDNOW, 'cdnow_customers_summary_with_transactions.csv');
export const CDNOW_SAMPLE = path.join(CDNOW, 'CDNOW_sample.txt');
export const hasCdnow = existsSync(CDNOW_SUMMARY) && existsSync(CDNOW_WITH_TX) && existsSync(CDNOW_SAMPLE);
export const cdnowSkipReason = `CDNOW reference data not found at ${CDNOW}: CLV known-answer tests are skipped`;

export interface CdnowRows {
  readonly id: number[];
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array | null;
}

function readCsv(file: string): number[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number));
}

/** `ID,frequency,recency,T` (weeks). */
export function readCdnowSummary(): CdnowRows {
  const rows = readCsv(CDNOW_SUMMARY);
  return {
    id: rows.map((r) => r[0] as number),
    frequency: Float64Array.from(rows, (r) => r[1] as number),
    recency: Float64Array.from(rows, (r) => r[2] as number),
    T: Float64Array.from(rows, (r) => r[3] as number),
    monetary: null,
  };
}

/** `ID,x,t_x,T,zbar` (weeks; zbar = mean spend of repeat purchases, 0 when x = 0). */
export function readCdnowWithTransactions(): CdnowRows {
  const rows = readCsv(CDNOW_WITH_TX);
  return {
    id: rows.map((r) => r[0] as number),
    frequency: Float64Array.from(rows, (r) => r[1] as number),
    recency: Float64Array.from(rows, (r) => r[2] as number),
    T: Float64Array.from(rows, (r) => r[3] as number),
    monetary: Float64Array.from(rows, (r) => r[4] as number),
  };
}

/** The value rounded to 3 significant digits, as a string ("4.41" for 4.414). */
export function sig3(v: number): string {
  return v.toPrecision(3);
}

/** Decimal rounding that treats x.xx5 as written (the files were rounded from exact decimals). */
export function roundDecimal(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(Number((v * f).toPrecision(15))) / f;
}
