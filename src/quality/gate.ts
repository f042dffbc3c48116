/**
 * The ingest gate: runs the quality suite on a loaded (not yet published) version, with drift
 * against the current version, stores the report with the version, also when it is rejected,
 * and refuses publication when an error-severity rule fails. Warnings publish, and are attached.
 */
import type { AppContext } from '../app/context.ts';
import type { ErrorDetail } from '../core/errors.ts';
import type { VersionGate } from '../ingest/ingest.ts';
import { findingText, type QualityReport } from './report.ts';
import type { RuleResult } from './run.ts';
import { runSuite, type SuiteOptions } from './suite.ts';

export interface QualityGateOptions extends SuiteOptions {
  /** Called with the report before the verdict is returned (e.g. to print it). */
  readonly onReport?: (report: QualityReport) => void;
}

const failed = (r: RuleResult) => r.status === 'fail' || r.status === 'error';

/** One line per failed rule: `<id>: <finding>`. */
function line(r: RuleResult): string {
  const ex = r.examples.length ? ` (e.g. ${r.examples.slice(0, 3).join(', ')})` : '';
  return `${r.id}: ${findingText(r)}${ex}`;
}

export function createQualityGate(
  ctx: Pick<AppContext, 'engine' | 'catalog' | 'loaded' | 'logger'>,
  opts: QualityGateOptions = {},
): VersionGate {
  return async (ds) => {
    let report: QualityReport;
    try {
      const current = await ctx.catalog.current();
      const staged = await ctx.catalog.get(ds.version);
      report = await runSuite(ctx, ds, { ...opts, previous: current, source: staged.source });
    } catch (err) {
      return {
        publish: false,
        warnings: [],
        reason: `the quality suite could not run: ${(err as Error).message}`,
        details: [],
      };
    }
    await ctx.catalog.saveReport(ds.version, 'quality', report);
    opts.onReport?.(report);
    const warnings = report.results
      .filter((r) => failed(r) && r.severity === 'warning')
      .map((r) => `quality warning ${line(r)}`);
    if (report.passed) return { publish: true, warnings };
    const errors = report.results.filter((r) => failed(r) && r.severity === 'error');
    const details: ErrorDetail[] = errors.map((r) => ({
      location: `${r.table} · ${r.id}`,
      message: line(r),
    }));
    return {
      publish: false,
      warnings,
      reason: `${errors.length} error-severity quality rule(s) failed (${errors.map((r) => r.id).join(', ')}); report kept with version ${ds.version}`,
      details,
    };
  };
}
