import os from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { type AppState, openAppState } from '../../appstate/index.ts';
import { ROLES, type Role } from '../../appstate/users.ts';
import { type LoadedConfig, loadConfig } from '../../core/config.ts';
import { InputError } from '../../core/errors.ts';
import { printJson, printRows } from '../output.ts';
import { type CommonOptions, overridesOf, withDataDir, withFormat } from '../shared.ts';

/**
 * Opens only the app-state database (not the analytical one), so these commands work while
 * `olist serve` runs on the same data directory.
 */
export async function withAppState<T>(
  flags: CommonOptions,
  fn: (state: AppState, loaded: LoadedConfig) => Promise<T> | T,
): Promise<T> {
  const loaded = loadConfig({ overrides: overridesOf(flags) });
  const state = openAppState({
    dataDir: path.resolve(loaded.config.data_dir),
    refreshTokenTtlSeconds: loaded.config.security.refresh_token_ttl_seconds,
  });
  try {
    return await fn(state, loaded);
  } finally {
    state.close();
  }
}

/** Who runs the CLI, for the audit log. */
export function cliActor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Reads a line from a TTY without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new InputError('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** The password from --password, a hidden prompt (typed twice) or the first line of stdin. */
export async function passwordFrom(flag: string | undefined): Promise<string> {
  if (flag !== undefined) return flag;
  if (process.stdin.isTTY) {
    const first = await promptHidden('Password: ');
    const again = await promptHidden('Repeat password: ');
    if (first !== again) throw new InputError('the passwords do not match');
    return first;
  }
  const line = await readStdinLine();
  if (!line) throw new InputError('no password: give --password, type it at the prompt, or pipe it on stdin');
  return line;
}

interface CreateFlags extends CommonOptions {
  username: string;
  password?: string;
  role: Role;
}

export function register(program: Command): void {
  const users = program.command('users').description('manage the users of the API and dashboard');

  withDataDir(
    users
      .command('create')
      .description('create a user (password from --password, a prompt, or stdin)')
      .requiredOption('--username <name>', 'login name')
      .option('--password <password>', 'password (at least 10 characters); prefer the prompt or stdin')
      .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory()),
  ).action(async (flags: CreateFlags) => {
    const password = await passwordFrom(flags.password);
    await withAppState(flags, async (state) => {
      const user = await state.users.create({ username: flags.username, password, role: flags.role });
      state.audit.append({
        action: 'user.create',
        actorType: 'cli',
        actor: cliActor(),
        params: { username: user.username, role: user.role },
      });
      process.stdout.write(`Created ${user.role} "${user.username}"\n`);
    });
  });

  withFormat(withDataDir(users.command('list').description('list users')), ['table', 'json', 'csv']).action(
    async (flags: CommonOptions & { format: 'table' | 'json' | 'csv' }) => {
      await withAppState(flags, (state) => {
        const list = state.users.list();
        if (flags.format === 'json') printJson(list);
        else printRows(list, flags.format, ['username', 'role', 'disabled', 'created_at', 'last_login_at']);
      });
    },
  );

  const setDisabled = (disabled: boolean) => async (username: string, flags: CommonOptions) => {
    await withAppState(flags, async (state) => {
      const current = state.users.get(username);
      if (current?.role === 'admin' && !current.disabled && disabled && state.users.activeAdmins() <= 1) {
        process.stderr.write(`warning: "${username}" was the last enabled admin\n`);
      }
      const user = await state.users.update(username, { disabled });
      if (disabled) state.refreshTokens.revokeAllForUser(user.id);
      state.audit.append({
        action: 'user.update',
        actorType: 'cli',
        actor: cliActor(),
        params: { username, disabled },
      });
      process.stdout.write(`${disabled ? 'Disabled' : 'Enabled'} "${user.username}"\n`);
    });
  };
  withDataDir(
    users.command('disable').description('disable a user and end their sessions').argument('<username>'),
  ).action(setDisabled(true));
  withDataDir(users.command('enable').description('enable a disabled user').argument('<username>')).action(
    setDisabled(false),
  );

  withDataDir(
    users
      .command('set-password')
      .description('set a user’s password (ends their sessions)')
      .argument('<username>')
      .option('--password <password>', 'new password; prefer the prompt or stdin'),
  ).action(async (username: string, flags: CommonOptions & { password?: string }) => {
    const password = await passwordFrom(flags.password);
    await withAppState(flags, async (state) => {
      const user = await state.users.update(username, { password });
      state.refreshTokens.revokeAllForUser(user.id);
      state.audit.append({
        action: 'user.update',
        actorType: 'cli',
        actor: cliActor(),
        params: { username, credentials_changed: true },
      });
      process.stdout.write(`Password of "${user.username}" changed\n`);
    });
  });
}
