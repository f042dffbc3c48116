import { createHash, randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { NotFoundError } from '../core/errors.ts';
import type { Db } from './db.ts';
import { type Role, roleSchema } from './users.ts';

/** Every key starts with this, so leaked keys are easy to find by secret scanners. */
export const API_KEY_PREFIX = 'olk_';

export const apiKeyNameSchema = z.string().trim().min(1).max(100);

const keyRow = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  created_by: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export type ApiKey = z.infer<typeof keyRow>;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * API keys for service accounts. A key is 32 random bytes, shown once at creation; only its
 * SHA-256 is stored (a fast hash suffices for a high-entropy secret).
 */
export class ApiKeyStore {
  /** Prepared once: it runs on every request that carries a key. */
  private byHash: Statement | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(input: { name: string; role: Role; createdBy: string }): { key: string; record: ApiKey } {
    const id = `key_${randomBytes(6).toString('hex')}`;
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
    this.db
      .prepare(
        'INSERT INTO api_keys (id, name, key_hash, prefix, role, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        apiKeyNameSchema.parse(input.name),
        sha256Hex(key),
        prefix,
        input.role,
        input.createdBy,
        this.now().toISOString(),
      );
    return { key, record: this.get(id)! };
  }

  get(id: string): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id);
    return row ? keyRow.parse(row) : undefined;
  }

  list(): ApiKey[] {
    return this.db
      .prepare('SELECT * FROM api_keys ORDER BY created_at, id')
      .all()
      .map((r) => keyRow.parse(r));
  }

  /** The active key with this secret, or undefined. Records when it was last used (at most once a minute). */
  authenticate(key: string): ApiKey | undefined {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return undefined;
    this.byHash ??= this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL');
    const row = this.byHash.get(sha256Hex(key));
    if (!row) return undefined;
    const record = keyRow.parse(row);
    const now = this.now();
    if (!record.last_used_at || now.getTime() - Date.parse(record.last_used_at) > 60_000) {
      this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now.toISOString(), record.id);
    }
    return record;
  }

  revoke(id: string): ApiKey {
    const found = this.get(id);
    if (!found) throw new NotFoundError(`API key ${id} does not exist`);
    if (!found.revoked_at) {
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(this.now().toISOString(), id);
    }
    return this.get(id)!;
  }
}
