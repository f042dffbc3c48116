import type { AppContext } from '../app/context.ts';
import { timed } from '../core/logger.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { type Definitions, definitionsFromConfig, describeDefinitions } from './definitions.ts';

/** Metadata every analysis result carries: what was computed, on what, how, and how long it took. */
export interface ResultMeta {
  readonly analysis: string;
  readonly dataset_version: number | null;
  readonly params: Record<string, unknown>;
  readonly definitions: Record<string, string>;
  readonly timings_ms: Record<string, number>;
  readonly rows: Record<string, number>;
  readonly warnings: readonly string[];
  readonly generated_at: string;
  /** True when served from the result cache. */
  readonly cached: boolean;
}

export interface AnalysisResult<T> {
  readonly meta: ResultMeta;
  readonly data: T;
}

/** What an analysis body returns: its data plus the parts of the metadata only it knows. */
export interface AnalysisOutput<T> {
  readonly data: T;
  readonly rows?: Record<string, number>;
  readonly warnings?: readonly string[];
  readonly timings_ms?: Record<string, number>;
  /** Parameters as resolved (e.g. the as-of date actually used). */
  readonly resolvedParams?: Record<string, unknown>;
}

/**
 * Runs an analysis on a data set version through the result cache, with logging, a duration
 * metric and uniform metadata. `params` must be the validated parameters: they are the cache key.
 */
export async function runAnalysis<T>(
  ctx: AppContext,
  analysis: string,
  ds: DatasetRef,
  params: Record<string, unknown>,
  body: (defs: Definitions) => Promise<AnalysisOutput<T>>,
): Promise<AnalysisResult<T>> {
  const defs = definitionsFromConfig(ctx.loaded.config);
  const key = { datasetVersion: ds.version, analysis, params: { params, defs } };
  const hit = ctx.cache.get<AnalysisResult<T>>(key);
  if (hit) return { ...hit, meta: { ...hit.meta, cached: true } };
  const { value, ms } = await timed(ctx.logger, analysis, { dataset_version: ds.version, params }, () =>
    body(defs),
  );
  ctx.metrics.analysisDuration.observe({ analysis }, ms / 1000);
  const result: AnalysisResult<T> = {
    meta: {
      analysis,
      dataset_version: ds.version,
      params: { ...params, ...value.resolvedParams },
      definitions: describeDefinitions(defs),
      timings_ms: { total: Math.round(ms), ...value.timings_ms },
      rows: value.rows ?? {},
      warnings: value.warnings ?? [],
      generated_at: new Date().toISOString(),
      cached: false,
    },
    data: value.data,
  };
  ctx.cache.set(key, result);
  return result;
}
