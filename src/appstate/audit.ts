import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stableJson } from '../core/stableJson.ts';
import type { Db } from './db.ts';

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh_reused',
  'user.create',
  'user.update',
  'api_key.create',
  'api_key.revoke',
  'dataset.upload',
  'dataset.set_current',
  'analysis.run',
  'export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ACTOR_TYPES = ['user', 'api_key', 'anonymous', 'cli'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AuditInput {
  readonly action: AuditAction;
  readonly actorType: ActorType;
  /** Username or API key id; null when anonymous. */
  readonly actor: string | null;
  readonly requestId?: string | null;
  readonly ip?: string | null;
  readonly params?: Record<string, unknown>;
  readonly outcome?: Outcome;
}

const entryRow = z.object({
  id: z.number().int(),
  ts: z.string(),
  action: z.string(),
  actor_type: z.string(),
  actor: z.string().nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  params: z.string(),
  outcome: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});
type EntryRow = z.infer<typeof entryRow>;

export interface AuditEntry {
  readonly id: number;
  readonly ts: string;
  readonly action: string;
  readonly actor_type: string;
  readonly actor: string | null;
  readonly request_id: string | null;
  readonly ip: string | null;
  readonly params: Record<string, unknown>;
  readonly outcome: string;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Keys whose values never reach the log, at any depth. */
const SECRET_KEY = /pass(word)?|secret|token|api_?key|authorization/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

/** The hash of a row: sha256(prev_hash + canonical JSON of every other column). */
export function entryHash(row: Omit<EntryRow, 'hash'>): string {
  const { prev_hash, ...entry } = row;
  return createHash('sha256').update(prev_hash).update(stableJson(entry)).digest('hex');
}

export interface AuditQuery {
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit: number;
  readonly offset: number;
  readonly order: 'asc' | 'desc';
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  /** The first row whose hash or link does not match, when `ok` is false. */
  readonly firstBroken?: { readonly id: number; readonly reason: string };
}

/**
 * The append-only audit log. Each row's hash covers the previous row's hash and the row's own
 * canonical JSON, so editing, inserting or deleting a row breaks the chain from there on.
 * Triggers refuse UPDATE and DELETE through SQLite; the chain catches edits made any other way.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  append(input: AuditInput): AuditEntry {
    return this.db
      .transaction((): AuditEntry => {
        const last = this.db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
          | { id: number; hash: string }
          | undefined;
        const row: Omit<EntryRow, 'hash'> = {
          id: (last?.id ?? 0) + 1,
          ts: this.now().toISOString(),
          action: input.action,
          actor_type: input.actorType,
          actor: input.actor,
          request_id: input.requestId ?? null,
          ip: input.ip ?? null,
          params: stableJson(redact(input.params ?? {})),
          outcome: input.outcome ?? 'success',
          prev_hash: last?.hash ?? GENESIS_HASH,
        };
        const hash = entryHash(row);
        this.db
          .prepare(
            `INSERT INTO audit_log (id, ts, action, actor_type, actor, request_id, ip, params, outcome, prev_hash, hash)
             VALUES (@id, @ts, @action, @actor_type, @actor, @request_id, @ip, @params, @outcome, @prev_hash, @hash)`,
          )
          .run({ ...row, hash });
        return toEntry({ ...row, hash });
      })
      .immediate();
  }

  query(q: AuditQuery): { entries: AuditEntry[]; total: number } {
    const where: string[] = [];
    const args: Record<string, string> = {};
    if (q.action) {
      where.push('action = @action');
      args.action = q.action;
    }
    if (q.actor) {
      where.push('actor = @actor');
      args.actor = q.actor;
    }
    if (q.since) {
      where.push('ts >= @since');
      args.since = q.since;
    }
    if (q.until) {
      where.push('ts < @until');
      args.until = q.until;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (
      this.db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log ${clause} ORDER BY id ${q.order === 'asc' ? 'ASC' : 'DESC'} LIMIT @limit OFFSET @offset`,
      )
      .all({ ...args, limit: q.limit, offset: q.offset });
    return { entries: rows.map((r) => toEntry(entryRow.parse(r))), total };
  }

  /** Walks the whole chain; reports the first row that does not match. */
  verify(): VerifyResult {
    let prev = GENESIS_HASH;
    let checked = 0;
    let expectedId = 1;
    for (const raw of this.db.prepare('SELECT * FROM audit_log ORDER BY id').iterate()) {
      const parsed = entryRow.safeParse(raw);
      const id = (raw as { id?: unknown }).id;
      if (!parsed.success) {
        return {
          ok: false,
          checked,
          firstBroken: { id: typeof id === 'number' ? id : -1, reason: 'malformed row' },
        };
      }
      const row = parsed.data;
      if (row.id !== expectedId) {
        return {
          ok: false,
          checked,
          firstBroken: { id: row.id, reason: `expected row ${expectedId} (rows missing)` },
        };
      }
      if (row.prev_hash !== prev) {
        return {
          ok: false,
          checked,
          firstBroken: { id: row.id, reason: 'prev_hash does not match the previous row' },
        };
      }
      const { hash, ...rest } = row;
      if (entryHash(rest) !== hash) {
        return { ok: false, checked, firstBroken: { id: row.id, reason: 'content does not match its hash' } };
      }
      prev = hash;
      checked++;
      expectedId++;
    }
    return { ok: true, checked };
  }
}

function toEntry(row: EntryRow): AuditEntry {
  return {
    id: row.id,
    ts: row.ts,
    action: row.action,
    actor_type: row.actor_type,
    actor: row.actor,
    request_id: row.request_id,
    ip: row.ip,
    params: JSON.parse(row.params) as Record<string, unknown>,
    outcome: row.outcome,
    hash: row.hash,
  };
}
