/**
 * Benchmark of the quality capability, called by `npm run bench` (bench/run.ts): the whole
 * Olist suite (with drift against the previous version when there is one) and a full profile
 * of a data set version, each timed end to end, uncached.
 */
import type { AppContext } from '../app/context.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { profileTables } from './profile.ts';
import { previousPublished } from './service.ts';
import { runSuite } from './suite.ts';

export interface QualityBench {
  readonly dataset_version: number;
  readonly previous_version: number | null;
  /** Rows over all tables of the version. */
  readonly rows: number;
  readonly suite_ms: number;
  readonly profile_ms: number;
  readonly rules: number;
  readonly failed_errors: number;
  readonly failed_warnings: number;
  readonly profile_columns: number;
}

export interface QualityBenchOptions {
  /** Version to compare with for drift (default: the newest published version older than `ds`; null: none). */
  readonly previous?: DatasetRef | null;
  /** As-of date for freshness (default: today). */
  readonly asOf?: string;
}

export async function benchQuality(
  ctx: AppContext,
  ds: DatasetRef,
  opts: QualityBenchOptions = {},
): Promise<QualityBench> {
  const previous =
    opts.previous === null ? undefined : (opts.previous ?? (await previousPublished(ctx, ds.version)));
  let started = performance.now();
  const report = await runSuite(ctx, ds, { previous, asOf: opts.asOf });
  const suiteMs = performance.now() - started;
  started = performance.now();
  const profile = await profileTables(ctx.engine, ds, {
    concurrency: Math.max(2, ctx.loaded.config.engine.threads),
  });
  const profileMs = performance.now() - started;
  return {
    dataset_version: ds.version,
    previous_version: previous?.version ?? null,
    rows: profile.tables.reduce((s, t) => s + t.rows, 0),
    suite_ms: Math.round(suiteMs),
    profile_ms: Math.round(profileMs),
    rules: report.summary.rules,
    failed_errors: report.summary.failed_errors,
    failed_warnings: report.summary.failed_warnings,
    profile_columns: profile.tables.reduce((s, t) => s + t.columns.length, 0),
  };
}
