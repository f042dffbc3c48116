import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { Metrics } from './metrics.ts';
import { stableJson } from './stableJson.ts';

export interface CacheKey {
  /** Data set version the result was computed on: a new version never sees an old result. */
  readonly datasetVersion: number;
  readonly analysis: string;
  readonly params: unknown;
}

export interface CacheOptions {
  readonly memoryEntries: number;
  readonly ttlSeconds: number;
  /** SQLite file for the on-disk layer; omit for memory only. */
  readonly file?: string;
  readonly metrics?: Metrics;
  /** Clock in ms, for tests. */
  readonly now?: () => number;
}

interface DiskRow {
  value: string;
  expires_at: number;
}

/**
 * Analysis results keyed by (data set version, analysis, params): a bounded in-memory LRU in
 * front of an SQLite store that survives restarts. Values must be JSON-serialisable.
 */
export class ResultCache {
  private readonly memory: LRUCache<string, { value: unknown; expiresAt: number }>;
  private readonly db: Database.Database | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: CacheOptions) {
    this.now = opts.now ?? Date.now;
    this.memory = new LRUCache({ max: opts.memoryEntries });
    if (opts.file) {
      mkdirSync(path.dirname(opts.file), { recursive: true });
      this.db = new Database(opts.file);
      this.db.pragma('journal_mode = WAL');
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS results (
           key TEXT PRIMARY KEY, dataset_version INTEGER NOT NULL, analysis TEXT NOT NULL,
           value TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
      );
    }
  }

  static keyOf(key: CacheKey): string {
    return `v${key.datasetVersion}|${key.analysis}|${stableJson(key.params)}`;
  }

  get<T>(key: CacheKey): T | undefined {
    const k = ResultCache.keyOf(key);
    const now = this.now();
    const hit = this.memory.get(k);
    if (hit && hit.expiresAt > now) {
      this.count('memory', 'hit');
      return hit.value as T;
    }
    if (hit) this.memory.delete(k);
    this.count('memory', 'miss');
    if (!this.db) return undefined;
    const row = this.db.prepare('SELECT value, expires_at FROM results WHERE key = ?').get(k) as
      | DiskRow
      | undefined;
    if (!row || row.expires_at <= now) {
      this.count('disk', 'miss');
      return undefined;
    }
    this.count('disk', 'hit');
    const value = JSON.parse(row.value) as T;
    this.memory.set(k, { value, expiresAt: row.expires_at });
    return value;
  }

  set(key: CacheKey, value: unknown): void {
    const k = ResultCache.keyOf(key);
    const now = this.now();
    const expiresAt = now + this.opts.ttlSeconds * 1000;
    this.memory.set(k, { value, expiresAt });
    this.db
      ?.prepare(
        `INSERT OR REPLACE INTO results (key, dataset_version, analysis, value, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(k, key.datasetVersion, key.analysis, JSON.stringify(value), now, expiresAt);
  }

  /** The cached value, or computes, stores and returns it. */
  async getOrCompute<T>(key: CacheKey, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const hit = this.get<T>(key);
    if (hit !== undefined) return { value: hit, cached: true };
    const value = await compute();
    this.set(key, value);
    return { value, cached: false };
  }

  /** Drops every entry not computed on `version` (after a new version becomes current). */
  retainOnly(version: number): void {
    for (const k of [...this.memory.keys()]) if (!k.startsWith(`v${version}|`)) this.memory.delete(k);
    this.db?.prepare('DELETE FROM results WHERE dataset_version <> ?').run(version);
  }

  clear(): void {
    this.memory.clear();
    this.db?.exec('DELETE FROM results');
  }

  close(): void {
    this.db?.close();
  }

  private count(layer: 'memory' | 'disk', result: 'hit' | 'miss'): void {
    this.opts.metrics?.cacheRequests.inc({ layer, result });
  }
}
