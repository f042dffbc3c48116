import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from './apiKeys.ts';
import type { Db } from './db.ts';

const tokenRow = z.object({
  token_hash: z.string(),
  family: z.string(),
  user_id: z.number().int(),
  created_at: z.number(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});

export type RotateOutcome =
  | { readonly ok: true; readonly userId: number; readonly token: string; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Opaque refresh tokens, stored as SHA-256. Each use rotates the token: the old one is spent and a
 * new one of the same family is issued. Presenting a spent token again means it was stolen (or
 * replayed), so the whole family is revoked.
 */
export class RefreshTokenStore {
  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(userId: number, family: string = randomUUID()): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.ttlSeconds * 1000;
    this.db
      .prepare(
        'INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(sha256Hex(token), family, userId, now, expiresAt);
    return { token, expiresAt };
  }

  rotate(token: string): RotateOutcome {
    return this.db
      .transaction((): RotateOutcome => {
        const row = this.find(token);
        if (!row) return { ok: false, reason: 'unknown' };
        const now = this.now();
        if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
        if (row.used_at !== null) {
          this.revokeFamily(row.family);
          return { ok: false, reason: 'reused' };
        }
        if (row.expires_at <= now) return { ok: false, reason: 'expired' };
        this.db
          .prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?')
          .run(now, row.token_hash);
        const next = this.issue(row.user_id, row.family);
        return { ok: true, userId: row.user_id, ...next };
      })
      .immediate();
  }

  /** Revokes the family of a token (logout); returns the user it belonged to, if any. */
  revoke(token: string): number | undefined {
    const row = this.find(token);
    if (!row) return undefined;
    this.revokeFamily(row.family);
    return row.user_id;
  }

  /** The user a token was issued to, whatever its state. */
  ownerOf(token: string): number | undefined {
    return this.find(token)?.user_id;
  }

  revokeAllForUser(userId: number): void {
    this.db
      .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(this.now(), userId);
  }

  /** Deletes tokens expired for more than a day (housekeeping). */
  prune(): number {
    return this.db.prepare('DELETE FROM refresh_tokens WHERE expires_at < ?').run(this.now() - 86_400_000)
      .changes;
  }

  private revokeFamily(family: string): void {
    this.db
      .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL')
      .run(this.now(), family);
  }

  private find(token: string): z.infer<typeof tokenRow> | undefined {
    if (token.length > 200) return undefined;
    const row = this.db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(sha256Hex(token));
    return row ? tokenRow.parse(row) : undefined;
  }
}
