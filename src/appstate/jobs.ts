import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.ts';

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What a failed job says about why, shaped like the API's problem details. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}

const jobRow = z.object({
  id: z.string(),
  kind: z.string(),
  params: z.string(),
  owner: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly params: Record<string, unknown>;
  readonly owner: string;
  readonly status: JobStatus;
  readonly progress: number;
  readonly result: unknown;
  readonly error: JobError | null;
  readonly request_id: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

const jobErrorSchema = z.object({ code: z.string(), message: z.string() });

function toJob(row: z.infer<typeof jobRow>): Job {
  return {
    ...row,
    params: JSON.parse(row.params) as Record<string, unknown>,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error === null ? null : jobErrorSchema.parse(JSON.parse(row.error)),
  };
}

export const RESTART_REASON = 'server restarted while the job was running';

/**
 * Background jobs, persisted so that none is lost silently: a job left queued or running by a
 * stopped process is marked failed when the store opens again.
 */
export class JobStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Marks jobs a previous process left unfinished as failed; returns how many. */
  failInterrupted(reason: string = RESTART_REASON): number {
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE status IN ('queued', 'running')`,
      )
      .run(JSON.stringify({ code: 'INTERNAL', message: reason }), this.now().toISOString()).changes;
  }

  create(input: {
    kind: string;
    params: Record<string, unknown>;
    owner: string;
    requestId?: string | null;
  }): Job {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, params, owner, status, progress, request_id, created_at)
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)`,
      )
      .run(
        id,
        input.kind,
        JSON.stringify(input.params),
        input.owner,
        input.requestId ?? null,
        this.now().toISOString(),
      );
    return this.get(id)!;
  }

  get(id: string): Job | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id);
    return row ? toJob(jobRow.parse(row)) : undefined;
  }

  list(opts: { owner?: string | undefined; limit: number; offset: number }): { jobs: Job[]; total: number } {
    const clause = opts.owner === undefined ? '' : 'WHERE owner = @owner';
    const args = opts.owner === undefined ? {} : { owner: opts.owner };
    const total = (this.db.prepare(`SELECT count(*) AS n FROM jobs ${clause}`).get(args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${clause} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: opts.limit, offset: opts.offset });
    return { jobs: rows.map((r) => toJob(jobRow.parse(r))), total };
  }

  start(id: string): void {
    this.db
      .prepare(`UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`)
      .run(this.now().toISOString(), id);
  }

  progress(id: string, fraction: number): void {
    const p = Math.min(1, Math.max(0, fraction));
    this.db.prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'`).run(p, id);
  }

  succeed(id: string, result: unknown): void {
    this.db
      .prepare(`UPDATE jobs SET status = 'done', progress = 1, result = ?, finished_at = ? WHERE id = ?`)
      .run(JSON.stringify(result), this.now().toISOString(), id);
  }

  fail(id: string, error: JobError): void {
    this.db
      .prepare(`UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`)
      .run(JSON.stringify(error), this.now().toISOString(), id);
  }
}
