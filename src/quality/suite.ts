/**
 * The rules a validation runs and running them into a report (shared by the gate and the service).
 */
import type { AppContext } from '../app/context.ts';
import { ConfigError } from '../core/errors.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { type OlistSuiteOptions, olistSuite } from './olistSuite.ts';
import { buildReport, type QualityReport } from './report.ts';
import type { Rule } from './rules.ts';
import { runRules } from './run.ts';
import { parseRules } from './yamlRules.ts';

export interface SuiteOptions {
  /** Reference date YYYY-MM-DD for freshness (default today). */
  readonly asOf?: string | undefined;
  /** Rules added to the built-in suite and the config's rules (e.g. from a rules file). */
  readonly extraRules?: readonly Rule[];
  /** Options of the built-in suite. */
  readonly olist?: OlistSuiteOptions;
  /** Skip the built-in Olist suite (only config and extra rules run). */
  readonly builtIn?: boolean;
}

/** The rules a validation runs: the built-in Olist suite, the config's `quality.rules`, and any extra rules. */
export function suiteRules(ctx: Pick<AppContext, 'loaded'>, opts: SuiteOptions = {}): Rule[] {
  const rules = [
    ...(opts.builtIn === false ? [] : olistSuite(opts.olist)),
    ...parseRules(ctx.loaded.config.quality.rules),
    ...(opts.extraRules ?? []),
  ];
  const seen = new Set<string>();
  const dups: Rule[] = [];
  for (const r of rules) {
    if (seen.has(r.id)) dups.push(r);
    seen.add(r.id);
  }
  if (dups.length) {
    throw new ConfigError(
      'quality rule ids must be unique',
      dups.map((r) => ({
        location: r.id,
        message: `rule id "${r.id}" is used twice (built-in ids start with the table name)`,
      })),
    );
  }
  return rules;
}

/** Runs the suite on a version (loaded or published), with drift against `previous`. */
export async function runSuite(
  ctx: Pick<AppContext, 'engine' | 'loaded' | 'logger'>,
  ds: DatasetRef,
  opts: SuiteOptions & { previous?: DatasetRef | undefined; source?: string | null } = {},
): Promise<QualityReport> {
  const rules = suiteRules(ctx, opts);
  const run = await runRules(ctx.engine, rules, {
    ds,
    previous: opts.previous,
    asOf: opts.asOf,
    concurrency: Math.max(2, ctx.loaded.config.engine.threads),
  });
  const report = buildReport(run, {
    suite: opts.builtIn === false ? 'custom' : 'olist',
    datasetVersion: ds.version,
    previousVersion: opts.previous?.version ?? null,
    source: opts.source ?? null,
  });
  ctx.logger.info(
    { dataset_version: ds.version, status: report.status, ms: report.timings_ms.total, queries: run.queries },
    `quality: version ${ds.version} ${report.status} (${report.summary.failed_errors} errors, ${report.summary.failed_warnings} warnings failed)`,
  );
  return report;
}
