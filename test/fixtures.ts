import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppContext, openContext } from '../src/app/context.ts';

/** The shared reference data beside the project checkout (../shared/data). */
export const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data');
export const OLIST_REAL = path.join(SHARED_DATA, 'olist-real');
export const CDNOW = path.join(SHARED_DATA, 'cdnow');
export const hasRealData = existsSync(path.join(OLIST_REAL, 'sample-4000-orders'));
export const skipReason = `reference data not found at ${OLIST_REAL}: tests on real Olist rows are skipped`;

export function tempDir(prefix = 'olist-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A folder with the real 4,000-order sample, the complete sellers file (the sample has none) and
 * the one-row-per-zip geolocation file under its Olist name.
 */
export function realSampleDir(): string {
  const dir = tempDir('olist-real-');
  const sample = path.join(OLIST_REAL, 'sample-4000-orders');
  for (const f of [
    'olist_customers_dataset.csv',
    'olist_order_items_dataset.csv',
    'olist_order_payments_dataset.csv',
    'olist_order_reviews_dataset.csv',
    'olist_orders_dataset.csv',
    'olist_products_dataset.csv',
    'product_category_name_translation.csv',
  ]) {
    copyFileSync(path.join(sample, f), path.join(dir, f));
  }
  copyFileSync(
    path.join(OLIST_REAL, 'olist_sellers_dataset.csv'),
    path.join(dir, 'olist_sellers_dataset.csv'),
  );
  copyFileSync(
    path.join(OLIST_REAL, 'geolocation-one-row-per-zip.csv'),
    path.join(dir, 'olist_geolocation_dataset.csv'),
  );
  return dir;
}

/** Copies a folder of CSV files (flat) to a new temp folder. */
export function copyDir(src: string): string {
  const dir = tempDir('olist-copy-');
  for (const f of [
    'olist_customers_dataset.csv',
    'olist_geolocation_dataset.csv',
    'olist_order_items_dataset.csv',
    'olist_order_payments_dataset.csv',
    'olist_order_reviews_dataset.csv',
    'olist_orders_dataset.csv',
    'olist_products_dataset.csv',
    'olist_sellers_dataset.csv',
    'product_category_name_translation.csv',
  ]) {
    if (existsSync(path.join(src, f))) copyFileSync(path.join(src, f), path.join(dir, f));
  }
  return dir;
}

/** Counts CSV records (excluding the header) with an RFC 4180 quote-aware scan, independent of DuckDB. */
export function countCsvRecords(file: string): number {
  const buf = readFileSync(file);
  let quoted = false;
  let records = 0;
  let lineHasContent = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x22) quoted = !quoted;
    if (b === 0x0a && !quoted) {
      if (lineHasContent) records++;
      lineHasContent = false;
    } else if (b !== 0x0d) lineHasContent = true;
  }
  if (lineHasContent) records++;
  return records - 1;
}

export function writeText(file: string, text: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** An app context on a fresh data directory, with the test environment's config. */
export async function testContext(dataDir = tempDir('olist-data-')): Promise<AppContext> {
  return openContext({ env: { OLIST_ENV: 'test' }, overrides: { data_dir: dataDir } });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
