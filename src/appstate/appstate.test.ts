import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../test/fixtures.ts';
import { APP_STATE_FILE } from './db.ts';
import { type AppState, openAppState } from './index.ts';
import { hashPassword, TEST_SCRYPT_COST, verifyPassword } from './passwords.ts';
import { roleAtLeast } from './users.ts';

const opened: AppState[] = [];
const dirs: string[] = [];
function open(dataDir?: string): AppState {
  const s = openAppState({ dataDir, refreshTokenTtlSeconds: 3600, scryptCost: TEST_SCRYPT_COST });
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('passwords', () => {
  it('hashes with scrypt and verifies in constant time', async () => {
    const h = await hashPassword('correct horse battery', TEST_SCRYPT_COST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('wrong horse battery', h)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});

describe('users', () => {
  it('creates, verifies, updates and disables users', async () => {
    const s = open();
    const u = await s.users.create({ username: 'alice', password: 'a-long-password', role: 'analyst' });
    expect(u).toMatchObject({ username: 'alice', role: 'analyst', disabled: false });
    expect(u).not.toHaveProperty('password_hash');
    expect(await s.users.verify('alice', 'a-long-password')).toMatchObject({ username: 'alice' });
    expect(await s.users.verify('ALICE', 'a-long-password')).toMatchObject({ username: 'alice' });
    expect(await s.users.verify('alice', 'wrong-password')).toBeUndefined();
    expect(await s.users.verify('bob', 'a-long-password')).toBeUndefined();
    await expect(
      s.users.create({ username: 'alice', password: 'another-password', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(
      s.users.create({ username: 'x', password: 'a-long-password', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    await expect(
      s.users.create({ username: 'carol', password: 'short', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    await s.users.update('alice', { disabled: true });
    expect(await s.users.verify('alice', 'a-long-password')).toBeUndefined();
    expect(s.users.list().map((x) => x.username)).toEqual(['alice']);
  });

  it('orders roles admin ⊇ analyst ⊇ viewer', () => {
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('analyst', 'analyst')).toBe(true);
    expect(roleAtLeast('viewer', 'analyst')).toBe(false);
    expect(roleAtLeast('analyst', 'admin')).toBe(false);
  });
});

describe('API keys', () => {
  it('stores only a hash, authenticates and revokes', () => {
    const s = open();
    const { key, record } = s.apiKeys.create({ name: 'etl', role: 'analyst', createdBy: 'root' });
    expect(key.startsWith('olk_')).toBe(true);
    const stored = s.db.prepare('SELECT key_hash FROM api_keys').get() as { key_hash: string };
    expect(stored.key_hash).not.toContain(key);
    expect(s.apiKeys.authenticate(key)?.id).toBe(record.id);
    expect(s.apiKeys.authenticate(`${key}x`)).toBeUndefined();
    s.apiKeys.revoke(record.id);
    expect(s.apiKeys.authenticate(key)).toBeUndefined();
  });
});

describe('refresh tokens', () => {
  it('rotates on use and revokes the family when a spent token is replayed', async () => {
    const s = open();
    const u = await s.users.create({ username: 'alice', password: 'a-long-password', role: 'viewer' });
    const first = s.refreshTokens.issue(u.id);
    const second = s.refreshTokens.rotate(first.token);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(s.refreshTokens.rotate(first.token)).toEqual({ ok: false, reason: 'reused' });
    expect(s.refreshTokens.rotate(second.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(s.refreshTokens.rotate('nope')).toEqual({ ok: false, reason: 'unknown' });
  });
});

describe('audit log', () => {
  it('chains entries, redacts secrets and refuses updates and deletes', () => {
    const s = open();
    s.audit.append({
      action: 'auth.login',
      actorType: 'user',
      actor: 'alice',
      params: { password: 'p', x: 1 },
    });
    s.audit.append({
      action: 'analysis.run',
      actorType: 'user',
      actor: 'alice',
      params: { analysis: 'rfm' },
    });
    const { entries, total } = s.audit.query({ limit: 10, offset: 0, order: 'asc' });
    expect(total).toBe(2);
    expect(entries[0]!.params).toEqual({ password: '[redacted]', x: 1 });
    expect(s.audit.verify()).toEqual({ ok: true, checked: 2 });
    expect(() => s.db.prepare(`UPDATE audit_log SET actor = 'mallory'`).run()).toThrow(/append-only/);
    expect(() => s.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  it('finds the first tampered row', () => {
    const dir = tempDir();
    dirs.push(dir);
    const s = open(dir);
    for (let i = 0; i < 5; i++)
      s.audit.append({ action: 'analysis.run', actorType: 'user', actor: 'a', params: { i } });
    s.close();
    // Tamper as an attacker with file access would: drop the trigger, edit a row.
    const raw = new Database(path.join(dir, APP_STATE_FILE));
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE id = 3`).run();
    raw.close();
    const again = open(dir);
    expect(again.audit.verify()).toEqual({
      ok: false,
      checked: 2,
      firstBroken: { id: 3, reason: 'content does not match its hash' },
    });
  });
});

describe('jobs', () => {
  it('marks jobs left running by a stopped process as failed', () => {
    const dir = tempDir();
    dirs.push(dir);
    const s = open(dir);
    const a = s.jobs.create({ kind: 'rfm', params: {}, owner: 'alice' });
    const b = s.jobs.create({ kind: 'rfm', params: {}, owner: 'alice' });
    s.jobs.start(a.id);
    s.jobs.start(b.id);
    s.jobs.succeed(b.id, { ok: 1 });
    s.close();
    const again = open(dir);
    expect(again.jobs.failInterrupted()).toBe(1);
    expect(again.jobs.get(a.id)).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(again.jobs.get(b.id)).toMatchObject({ status: 'done', result: { ok: 1 } });
  });
});
