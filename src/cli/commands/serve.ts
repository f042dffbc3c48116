import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, InvalidArgumentError } from 'commander';
import { type RunningServer, startServer } from '../../api/server.ts';
import { openContext } from '../../app/context.ts';
import { OlistError } from '../../core/errors.ts';
import { type CommonOptions, overridesOf, withDataDir } from '../shared.ts';

export interface ServeFlags extends CommonOptions {
  port?: number;
  host?: string;
  staticDir?: string;
}

/** The built dashboard (web/dist of this package), when it has been built (`npm run build:web`). */
export function defaultStaticDir(): string | undefined {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
  return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/** Commander parser for a TCP port (0 = any free port). */
export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port expects 0–65535, got "${value}"`);
  return n;
}

/** Adds --port and --host. */
export function withListen(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'port to listen on (default: config server.port, 8080)', portNumber)
    .option('--host <host>', 'interface to listen on (default: config server.host, localhost)');
}

/** Config overrides of the serve flags. */
export function serveOverrides(flags: ServeFlags): Record<string, unknown> {
  return {
    ...overridesOf(flags),
    ...(flags.port !== undefined ? { 'server.port': flags.port } : {}),
    ...(flags.host !== undefined ? { 'server.host': flags.host } : {}),
  };
}

/** A clearer error for the usual reasons `listen` fails. */
export function listenError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new OlistError('CONFLICT', `${(err as Error).message}: use --port to pick another port`);
  if (code === 'EACCES')
    return new OlistError('CONFLICT', `${(err as Error).message}: ports below 1024 need privileges`);
  return err;
}

/** Resolves once a started server has been shut down by SIGTERM/SIGINT; the exit code says whether in time. */
export function untilShutdown(start: (onShutdown: (clean: boolean) => void) => Promise<RunningServer>) {
  return new Promise<{ server: RunningServer; clean: boolean }>((resolve, reject) => {
    let server: RunningServer | undefined;
    start((clean) => resolve({ server: server!, clean })).then((s) => {
      server = s;
    }, reject);
  });
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('start the REST API server (OpenAPI docs at /docs); stops gracefully on SIGTERM/SIGINT')
    .option(
      '--static-dir <dir>',
      'serve a built web app from this folder at / (default: web/dist when built)',
    );
  withDataDir(withListen(cmd)).action(async (flags: ServeFlags) => {
    const ctx = await openContext({ overrides: serveOverrides(flags) });
    const { clean } = await untilShutdown(async (onShutdown) => {
      try {
        const staticDir = flags.staticDir ?? defaultStaticDir();
        const server = await startServer(ctx, {
          ...(staticDir ? { staticDir } : {}),
          onSignalShutdown: (_signal, ok) => onShutdown(ok),
        });
        process.stdout.write(`Olist Analytics API on ${server.url} (docs: ${server.url}/docs)\n`);
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
