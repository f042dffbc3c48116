import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../app/context.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { cohortParamsSchema, computeCohorts } from './cohort.ts';
import { definitionsFromConfig } from './definitions.ts';
import { computeMarketplace, marketplaceParamsSchema } from './marketplace.ts';
import { computeOverview, overviewParamsSchema } from './overview.ts';
import { computeRfmSummary, copyRfmCustomers, rfmCustomersSql, rfmParamsSchema } from './rfm.ts';

export interface AnalyticsBenchResult {
  readonly customers: number;
  readonly purchases: number;
  /** Wall time of each analysis, computed without the result cache. */
  readonly timings_ms: {
    /** As-of date, per-customer RFM, scores, segments, grid, Pareto and recommendations. */
    readonly rfm_segments: number;
    /** Every per-customer row written to a CSV file by DuckDB COPY. */
    readonly rfm_export: number;
    readonly cohorts_month: number;
    readonly cohorts_week: number;
    readonly overview: number;
    readonly marketplace: number;
  };
  /** Sub-stage timings reported by the analyses. */
  readonly detail: Record<string, number>;
}

async function time<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t) };
}

/**
 * Times the customer analytics on a loaded data set version, bypassing the result cache (each
 * analysis is computed from the tables). For `bench/run.ts`; run it in its own process to read
 * its peak memory.
 */
export async function benchAnalytics(ctx: AppContext, ds: DatasetRef): Promise<AnalyticsBenchResult> {
  const defs = definitionsFromConfig(ctx.loaded.config);
  const engine = ctx.engine;
  const rfmParams = rfmParamsSchema.parse({});
  const rfm = await time(() => computeRfmSummary(engine, ds, defs, rfmParams));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'olist-bench-'));
  let exportMs: number;
  try {
    const sql = rfmCustomersSql(ds, defs, rfm.value.data.as_of, rfmParams, rfm.value.data.thresholds);
    exportMs = (await time(() => copyRfmCustomers(engine, sql, path.join(dir, 'rfm.csv'), 'csv'))).ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const asOf = rfm.value.data.as_of;
  const month = await time(() =>
    computeCohorts(engine, ds, defs, cohortParamsSchema.parse({ period: 'month' }), asOf),
  );
  const week = await time(() =>
    computeCohorts(engine, ds, defs, cohortParamsSchema.parse({ period: 'week' }), asOf),
  );
  const ov = await time(() => computeOverview(engine, ds, defs, overviewParamsSchema.parse({})));
  const mk = await time(() => computeMarketplace(engine, ds, defs, marketplaceParamsSchema.parse({})));
  const prefixed = (prefix: string, t: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [`${prefix}.${k}`, v]));
  return {
    customers: rfm.value.data.customers,
    purchases: rfm.value.data.orders,
    timings_ms: {
      rfm_segments: rfm.ms,
      rfm_export: exportMs,
      cohorts_month: month.ms,
      cohorts_week: week.ms,
      overview: ov.ms,
      marketplace: mk.ms,
    },
    detail: {
      ...prefixed('rfm', rfm.value.timings_ms),
      ...prefixed('cohorts_month', month.value.timings_ms),
      ...prefixed('marketplace', mk.value.timings_ms),
    },
  };
}
