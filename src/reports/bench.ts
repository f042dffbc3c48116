/**
 * Bench: every per-customer RFM row of a data set version streamed to a CSV file through the
 * export path (DuckDB streaming result → chunked rows → RFC 4180 writer), with peak RSS sampled
 * during the run. Memory stays flat: no chunk is held beyond the one being written.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../app/context.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { exportAnalysis } from './service.ts';

export interface CsvExportBench {
  readonly ms: number;
  readonly rows: number;
  readonly bytes: number;
  /** Peak resident set size during the export, in MB. */
  readonly peak_rss_mb: number;
  /** Resident set size before the export, in MB. */
  readonly start_rss_mb: number;
}

/** Streams the rows to `file` (default: a temporary file, removed afterwards). */
export async function benchCsvExport(
  ctx: AppContext,
  ds: DatasetRef,
  file?: string,
): Promise<CsvExportBench> {
  const tmp = file ? null : await mkdtemp(path.join(os.tmpdir(), 'olist-export-bench-'));
  const target = file ?? path.join(tmp as string, 'rfm.csv');
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  try {
    const out = createWriteStream(target);
    const r = await exportAnalysis(ctx, 'rfm', 'csv', { dataset_version: ds.version }, out);
    const ms = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      ms: Math.round(ms),
      rows: r.rows ?? 0,
      bytes: (await stat(target)).size,
      peak_rss_mb: Math.round(peak / 1e6),
      start_rss_mb: Math.round(startRss / 1e6),
    };
  } finally {
    clearInterval(timer);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
