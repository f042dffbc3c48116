import { z } from 'zod';
import { NotFoundError, OlistError } from '../core/errors.ts';
import { Engine, type Params } from '../engine/engine.ts';
import { type DatasetRef, schemaForVersion } from './ref.ts';

export const DATASET_STATUSES = ['loading', 'published', 'rejected', 'abandoned'] as const;
export type DatasetStatus = (typeof DATASET_STATUSES)[number];

const jsonRecord = z.string().transform((s) => JSON.parse(s) as unknown);

const versionRow = z.object({
  version: z.number().int(),
  schema_name: z.string(),
  status: z.enum(DATASET_STATUSES),
  source: z.string(),
  checksum: z.string().nullable(),
  row_counts: jsonRecord.pipe(z.record(z.string(), z.number())),
  warnings: jsonRecord.pipe(z.array(z.string())),
  error: z.string().nullable(),
  created_at: z.string(),
  load_ms: z.number().nullable(),
  is_current: z.boolean(),
});

export type DatasetVersion = Omit<z.infer<typeof versionRow>, 'schema_name'> & { schema: string };

/**
 * The catalog of data set versions, kept in the analytical database beside the data.
 * A version is visible to analyses only once published; publishing (status + current pointer)
 * is one transaction, so a failed or killed ingest never leaves a half version current.
 */
export class DatasetCatalog {
  constructor(private readonly engine: Engine) {}

  async init(): Promise<void> {
    await this.engine.run(`
      CREATE TABLE IF NOT EXISTS main.dataset_versions (
        version INTEGER PRIMARY KEY,
        schema_name VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        checksum VARCHAR,
        row_counts VARCHAR NOT NULL DEFAULT '{}',
        warnings VARCHAR NOT NULL DEFAULT '[]',
        error VARCHAR,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        load_ms INTEGER
      );
      CREATE TABLE IF NOT EXISTS main.dataset_current (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS main.dataset_reports (
        version INTEGER NOT NULL, kind VARCHAR NOT NULL, report VARCHAR NOT NULL,
        PRIMARY KEY (version, kind)
      );`);
  }

  /** Versions left 'loading' by a killed process: their schema is dropped and they are marked abandoned. */
  async cleanupAbandoned(): Promise<number[]> {
    const rows = await this.engine.all<{ version: number; schema_name: string }>(
      `SELECT version, schema_name FROM main.dataset_versions WHERE status = 'loading'`,
    );
    for (const r of rows) {
      await this.engine.run(`DROP SCHEMA IF EXISTS "${r.schema_name}" CASCADE`);
      await this.engine.run(
        `UPDATE main.dataset_versions SET status = 'abandoned', error = 'ingest was interrupted' WHERE version = $v`,
        { v: r.version },
      );
    }
    return rows.map((r) => r.version);
  }

  /** Reserves the next version number and records it as loading. */
  async begin(source: string): Promise<DatasetRef> {
    return this.engine.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const [row] = await Engine.allOn<{ v: number }>(
          c,
          'SELECT (coalesce(max(version), 0) + 1)::INTEGER AS v FROM main.dataset_versions',
        );
        const version = row!.v;
        const schema = schemaForVersion(version);
        await c.run(
          `INSERT INTO main.dataset_versions (version, schema_name, status, source) VALUES ($v, $s, 'loading', $src)`,
          { v: version, s: schema, src: source },
        );
        await c.run('COMMIT');
        return { version, schema };
      } catch (err) {
        await c.run('ROLLBACK');
        throw err;
      }
    });
  }

  /** Records the outcome of a load and, when published, makes it current in the same transaction. */
  async finish(
    ds: DatasetRef,
    outcome: {
      status: 'published' | 'rejected';
      checksum: string | null;
      rowCounts: Record<string, number>;
      warnings: readonly string[];
      error?: string;
      loadMs: number;
      makeCurrent: boolean;
    },
  ): Promise<void> {
    const params: Params = {
      v: ds.version,
      st: outcome.status,
      ck: outcome.checksum,
      rc: JSON.stringify(outcome.rowCounts),
      w: JSON.stringify(outcome.warnings),
      e: outcome.error ?? null,
      ms: Math.round(outcome.loadMs),
    };
    await this.engine.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        await c.run(
          `UPDATE main.dataset_versions SET status = $st, checksum = $ck, row_counts = $rc, warnings = $w,
             error = $e, load_ms = $ms WHERE version = $v`,
          params,
        );
        if (outcome.status === 'published' && outcome.makeCurrent) {
          await c.run('INSERT OR REPLACE INTO main.dataset_current VALUES (1, $v)', { v: ds.version });
        }
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK');
        throw err;
      }
    });
    if (outcome.status === 'rejected') await this.engine.run(`DROP SCHEMA IF EXISTS "${ds.schema}" CASCADE`);
  }

  async list(opts: { includeFailed?: boolean } = {}): Promise<DatasetVersion[]> {
    const rows = await this.engine.all(
      `SELECT v.version, v.schema_name, v.status, v.source, v.checksum, v.row_counts, v.warnings, v.error,
              strftime(v.created_at, '%Y-%m-%dT%H:%M:%S') AS created_at, v.load_ms,
              coalesce(v.version = c.version, false) AS is_current
         FROM main.dataset_versions v LEFT JOIN main.dataset_current c ON c.id = 1
        ${opts.includeFailed ? '' : `WHERE v.status = 'published'`}
        ORDER BY v.version`,
    );
    return rows.map((r) => {
      const { schema_name, ...rest } = versionRow.parse(r);
      return { ...rest, schema: schema_name };
    });
  }

  async get(version: number): Promise<DatasetVersion> {
    const found = (await this.list({ includeFailed: true })).find((v) => v.version === version);
    if (!found) throw new NotFoundError(`data set version ${version} does not exist`);
    return found;
  }

  /** The current version, or undefined when none is loaded. */
  async current(): Promise<DatasetVersion | undefined> {
    return (await this.list()).find((v) => v.is_current);
  }

  /** Makes a published version current. */
  async setCurrent(version: number): Promise<void> {
    const v = await this.get(version);
    if (v.status !== 'published') {
      throw new OlistError('CONFLICT', `data set version ${version} is ${v.status}, not published`);
    }
    await this.engine.run('INSERT OR REPLACE INTO main.dataset_current VALUES (1, $v)', { v: version });
  }

  async saveReport(version: number, kind: string, report: unknown): Promise<void> {
    await this.engine.run('INSERT OR REPLACE INTO main.dataset_reports VALUES ($v, $k, $r)', {
      v: version,
      k: kind,
      r: JSON.stringify(report),
    });
  }

  async report(version: number, kind: string): Promise<unknown | undefined> {
    const row = await this.engine.one<{ report: string }>(
      'SELECT report FROM main.dataset_reports WHERE version = $v AND kind = $k',
      { v: version, k: kind },
    );
    return row ? (JSON.parse(row.report) as unknown) : undefined;
  }
}
