import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { startServer } from '../../api/server.ts';
import { openContext } from '../../app/context.ts';
import { describeDataset, ensureDemoDataset } from '../../app/demo.ts';
import { openAppState } from '../../appstate/index.ts';
import { OlistError } from '../../core/errors.ts';
import { withDataDir } from '../shared.ts';
import {
  defaultStaticDir,
  listenError,
  type ServeFlags,
  serveOverrides,
  untilShutdown,
  withListen,
} from './serve.ts';

export const DEMO_ADMIN = 'admin';

/**
 * In development, an admin to log in with when there is no user yet: its generated password is
 * returned (to print once) and never stored in clear.
 */
export async function ensureDemoAdmin(
  dataDir: string,
  refreshTokenTtlSeconds: number,
): Promise<{ created: true; password: string } | { created: false; users: number }> {
  const state = openAppState({ dataDir, refreshTokenTtlSeconds });
  try {
    const users = state.users.count();
    if (users > 0) return { created: false, users };
    const password = randomBytes(12).toString('base64url');
    await state.users.create({ username: DEMO_ADMIN, password, role: 'admin' });
    state.audit.append({
      action: 'user.create',
      actorType: 'cli',
      actor: 'olist start',
      params: { username: DEMO_ADMIN, role: 'admin', demo: true },
    });
    return { created: true, password };
  } finally {
    state.close();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('start')
    .description(
      'serve the API with the demo data set: generates and loads one when none is loaded, ' +
        'creates a demo admin in development, prints how to log in',
    );
  withDataDir(withListen(cmd)).action(async (flags: ServeFlags) => {
    const ctx = await openContext({ overrides: serveOverrides(flags) });
    const { clean } = await untilShutdown(async (onShutdown) => {
      try {
        const { dataset, generated } = await ensureDemoDataset(ctx);
        const out = (s: string) => process.stdout.write(`${s}\n`);
        out(`${generated ? 'Generated and loaded' : 'Loaded'} ${describeDataset(dataset)}`);
        const { config, env } = ctx.loaded;
        let login: { username: string; password: string } | undefined;
        if (env === 'development') {
          const admin = await ensureDemoAdmin(ctx.dataDir, config.security.refresh_token_ttl_seconds);
          if (admin.created) login = { username: DEMO_ADMIN, password: admin.password };
        }
        const staticDir = defaultStaticDir();
        const server = await startServer(ctx, {
          ...(staticDir ? { staticDir } : {}),
          onSignalShutdown: (_s, ok) => onShutdown(ok),
        });
        out('');
        out(`Olist Analytics API on ${server.url}`);
        if (staticDir) out(`  Dashboard: ${server.url}/`);
        out(`  API docs:  ${server.url}/docs   (OpenAPI: ${server.url}/openapi.json)`);
        if (login) {
          out('');
          out('A demo admin was created. Its password is shown only this once:');
          out(`  username: ${login.username}`);
          out(`  password: ${login.password}`);
        } else {
          out('');
          out('Log in with an existing user (olist users list); create one with');
          out('  olist users create --username <name> --role admin|analyst|viewer');
          out('or reset a password with: olist users set-password <name>');
        }
        const user = login?.username ?? '<name>';
        const password = login?.password ?? '<password>';
        out('');
        out('Log in and call the API:');
        out(
          `  TOKEN=$(curl -s -X POST ${server.url}/api/v1/auth/login -H 'content-type: application/json' \\\n` +
            `      -d '{"username":"${user}","password":"${password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
        );
        out(`  curl -s ${server.url}/api/v1/analysis/overview -H "Authorization: Bearer $TOKEN"`);
        out('Stop with Ctrl+C.');
        return server;
      } catch (err) {
        await ctx.close();
        throw listenError(err);
      }
    });
    if (!clean)
      throw new OlistError('TIMEOUT', 'shutdown did not finish in time: connections were closed forcibly');
  });
}
