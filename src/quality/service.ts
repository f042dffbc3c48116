/**
 * The quality service: the one path the CLI, the API and ingest use to validate and profile.
 */
import type { AnalysisResult } from '../analytics/result.ts';
import { runAnalysis } from '../analytics/result.ts';
import type { AppContext } from '../app/context.ts';
import { IngestError } from '../core/errors.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import type { TableName } from '../olist/tables.ts';
import { createQualityGate } from './gate.ts';
import { type DatasetProfile, type ProfileOptions, profileTables } from './profile.ts';
import type { QualityReport } from './report.ts';
import { runSuite, type SuiteOptions } from './suite.ts';

/** The newest published version older than `version`: the default reference for drift. */
export async function previousPublished(
  ctx: Pick<AppContext, 'catalog'>,
  version: number,
): Promise<DatasetRef | undefined> {
  const older = (await ctx.catalog.list()).filter((v) => v.version < version);
  return older.at(-1);
}

export interface ValidateDatasetOptions extends SuiteOptions {
  /** Version to compare with for drift: a number, `null` for none, default the previous published version. */
  readonly previous?: number | null;
  /** Store the report with the version (kind 'quality'), replacing the one made at ingest. */
  readonly save?: boolean;
}

/** Validates a published data set version (default: the current one). */
export async function validateDataset(
  ctx: AppContext,
  version?: number,
  opts: ValidateDatasetOptions = {},
): Promise<QualityReport> {
  const ds = await ctx.dataset(version);
  const previous =
    opts.previous === null
      ? undefined
      : opts.previous === undefined
        ? await previousPublished(ctx, ds.version)
        : await ctx.dataset(opts.previous);
  const report = await runSuite(ctx, ds, { ...opts, previous, source: ds.source });
  if (opts.save) await ctx.catalog.saveReport(ds.version, 'quality', report);
  return report;
}

/** Reason a validate-only gate gives, so its own rejection is told apart from a failed load. */
const VALIDATE_ONLY = 'validation only (olist validate): not published';

/**
 * Validates a folder of CSV files without publishing anything: it is loaded as a new version
 * (recorded as rejected, its tables dropped afterwards, its report kept), checked with drift
 * against the current version, and the report returned. A folder that cannot be loaded throws
 * IngestError (exit code 2).
 */
export async function validateDirectory(
  ctx: AppContext,
  dir: string,
  opts: SuiteOptions = {},
): Promise<QualityReport> {
  let captured: QualityReport | undefined;
  const gate = createQualityGate(ctx, {
    ...opts,
    onReport: (r) => {
      captured = r;
    },
  });
  try {
    await ingestDirectory(ctx.engine, ctx.catalog, {
      dir,
      makeCurrent: false,
      logger: ctx.logger,
      metrics: ctx.metrics,
      maxErrors: ctx.loaded.config.ingest.max_errors_reported,
      gate: async (ds) => {
        const verdict = await gate(ds);
        return { ...verdict, publish: false, reason: captured ? VALIDATE_ONLY : verdict.reason };
      },
    });
  } catch (err) {
    if (captured && err instanceof IngestError && err.message.includes(VALIDATE_ONLY)) return captured;
    throw err;
  }
  throw new IngestError(`${dir}: validation did not produce a report`);
}

export interface ProfileParams {
  readonly tables?: readonly TableName[];
  readonly topValues?: number;
  readonly bins?: number;
}

/** Profiles a published version (default: current), through the result cache. */
export async function profileDataset(
  ctx: AppContext,
  version?: number,
  params: ProfileParams = {},
): Promise<AnalysisResult<DatasetProfile>> {
  const ds = await ctx.dataset(version);
  const resolved = {
    tables: params.tables ? [...params.tables] : null,
    top_values: params.topValues ?? 10,
    bins: params.bins ?? 20,
  };
  return runAnalysis(ctx, 'profile', ds, resolved, async () => {
    const opts: ProfileOptions = {
      topValues: resolved.top_values,
      bins: resolved.bins,
      concurrency: Math.max(2, ctx.loaded.config.engine.threads),
      ...(params.tables ? { tables: params.tables } : {}),
    };
    const data = await profileTables(ctx.engine, ds, opts);
    return {
      data,
      rows: Object.fromEntries(data.tables.map((t) => [t.table, t.rows])),
      timings_ms: Object.fromEntries(data.tables.map((t) => [t.table, t.ms])),
    };
  });
}
