import path from 'node:path';
import { createProgress } from '../core/progress.ts';
import type { DatasetVersion } from '../datasets/catalog.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { generateDataset } from '../olist/generate/index.ts';
import { createQualityGate } from '../quality/gate.ts';
import type { AppContext } from './context.ts';

/**
 * The current data set, or, when none is loaded, a generated demo data set
 * (config demo.customers, demo.seed) ingested as the first version.
 */
export async function ensureDemoDataset(
  ctx: AppContext,
): Promise<{ dataset: DatasetVersion; generated: boolean }> {
  const current = await ctx.catalog.current();
  if (current) return { dataset: current, generated: false };
  const { customers, seed } = ctx.loaded.config.demo;
  const outDir = path.join(ctx.dataDir, 'demo-source');
  ctx.logger.info(
    { customers, seed, outDir },
    `no data set loaded: generating a demo data set of ${customers} customers`,
  );
  const progress = createProgress({ unit: 'customers' });
  progress.start(customers, 'generate demo data');
  await generateDataset({ customers, seed, outDir, onProgress: (p) => progress.update(p.customersDone) });
  progress.stop();
  await ingestDirectory(ctx.engine, ctx.catalog, {
    dir: outDir,
    gate: createQualityGate(ctx),
    logger: ctx.logger,
    metrics: ctx.metrics,
    progress: createProgress({ unit: 'tables' }),
    maxErrors: ctx.loaded.config.ingest.max_errors_reported,
  });
  return { dataset: await ctx.currentDataset(), generated: true };
}

/** A short human summary of a data set version. */
export function describeDataset(v: DatasetVersion): string {
  const counts = Object.entries(v.row_counts)
    .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return `data set version ${v.version} (loaded ${v.created_at} from ${v.source}): ${counts}`;
}
