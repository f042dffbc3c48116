import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ResultCache } from '../core/cache.ts';
import { type LoadConfigOptions, type LoadedConfig, loadConfig } from '../core/config.ts';
import { NoDatasetError, OlistError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { Metrics } from '../core/metrics.ts';
import { DatasetCatalog, type DatasetVersion } from '../datasets/catalog.ts';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';

/** Everything a service function needs, built once per process (CLI command or server). */
export interface AppContext {
  readonly loaded: LoadedConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly engine: Engine;
  readonly catalog: DatasetCatalog;
  readonly cache: ResultCache;
  /** The current data set version; throws NoDatasetError when none is loaded. */
  currentDataset(): Promise<DatasetVersion & DatasetRef>;
  /** A given published version, or the current one. */
  dataset(version?: number): Promise<DatasetVersion & DatasetRef>;
  close(): Promise<void>;
}

export interface OpenContextOptions extends LoadConfigOptions {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

export const DATABASE_FILE = 'olist.duckdb';
export const CACHE_FILE = 'cache.sqlite';

export async function openContext(opts: OpenContextOptions = {}): Promise<AppContext> {
  const loaded = loadConfig(opts);
  const { config } = loaded;
  const dataDir = path.resolve(config.data_dir);
  mkdirSync(dataDir, { recursive: true });
  const logger = opts.logger ?? createLogger(loaded);
  const metrics = opts.metrics ?? new Metrics();
  let engine: Engine;
  try {
    engine = await Engine.open({
      path: path.join(dataDir, DATABASE_FILE),
      threads: config.engine.threads,
      memoryLimit: config.engine.memory_limit,
      tempDirectory: path.join(dataDir, 'tmp'),
    });
  } catch (err) {
    const msg = (err as Error).message;
    if (/lock/i.test(msg)) {
      throw new OlistError(
        'CONFLICT',
        `the database in ${dataDir} is in use by another process (is \`olist serve\` running?): ${msg}`,
      );
    }
    throw err;
  }
  const catalog = new DatasetCatalog(engine);
  await catalog.init();
  const cache = new ResultCache({
    memoryEntries: config.cache.memory_entries,
    ttlSeconds: config.cache.ttl_seconds,
    metrics,
    ...(config.cache.disk ? { file: path.join(dataDir, CACHE_FILE) } : {}),
  });
  const dataset = async (version?: number) => {
    const v = version === undefined ? await catalog.current() : await catalog.get(version);
    if (!v) throw new NoDatasetError(dataDir);
    if (v.status !== 'published') {
      throw new OlistError('CONFLICT', `data set version ${v.version} is ${v.status}, not published`);
    }
    return v;
  };
  return {
    loaded,
    dataDir,
    logger,
    metrics,
    engine,
    catalog,
    cache,
    currentDataset: () => dataset(),
    dataset,
    async close() {
      cache.close();
      engine.close();
    },
  };
}
