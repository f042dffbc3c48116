/** The API's CLI commands (users, audit), run in process on a temporary data directory. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeDir, tempDir } from '../../test/fixtures.ts';
import { APP_STATE_FILE } from '../appstate/db.ts';
import { openAppState } from '../appstate/index.ts';
import { register as registerAudit } from '../cli/commands/audit.ts';
import { register as registerUsers } from '../cli/commands/users.ts';

async function run(...args: string[]): Promise<string> {
  const program = new Command('olist').exitOverride();
  registerUsers(program);
  registerAudit(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('olist users and olist audit', () => {
  let dir = '';
  afterEach(() => removeDir(dir));

  it('creates, lists and disables users, and verifies the audit trail of it', async () => {
    dir = tempDir('olist-cli-');
    const d = ['--data-dir', dir];
    expect(
      await run(
        'users',
        'create',
        '--username',
        'ana',
        '--password',
        'ana-password-1',
        '--role',
        'analyst',
        ...d,
      ),
    ).toBe('Created analyst "ana"\n');
    await expect(
      run('users', 'create', '--username', 'ana', '--password', 'ana-password-1', '--role', 'viewer', ...d),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      run('users', 'create', '--username', 'bo', '--password', 'short', '--role', 'viewer', ...d),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(await run('users', 'disable', 'ana', ...d)).toBe('Disabled "ana"\n');
    const list = JSON.parse(await run('users', 'list', '--format', 'json', ...d)) as {
      username: string;
      disabled: boolean;
    }[];
    expect(list).toEqual([expect.objectContaining({ username: 'ana', disabled: true })]);
    expect(JSON.stringify(list)).not.toContain('scrypt');

    const state = openAppState({ dataDir: dir, refreshTokenTtlSeconds: 60 });
    expect(await state.users.verify('ana', 'ana-password-1')).toBeUndefined();
    state.close();

    expect(await run('audit', 'verify', ...d)).toBe('Audit log OK: 2 entries, hash chain intact\n');
    const raw = new Database(path.join(dir, APP_STATE_FILE));
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET params = '{"username":"eve"}' WHERE id = 1`).run();
    raw.close();
    await expect(run('audit', 'verify', ...d)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      exitCode: 1,
      details: [{ location: 'entry 1', message: 'content does not match its hash' }],
    });
  });
});
