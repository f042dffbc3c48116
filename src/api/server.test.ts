import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasRealData, realSampleDir, removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { openAppState } from '../appstate/index.ts';
import { TEST_SCRYPT_COST } from '../appstate/passwords.ts';
import { JWT_SECRET_FILE, resolveJwtSecret } from './secret.ts';
import { type RunningServer, startServer } from './server.ts';
import { TEST_SECRET } from './testHarness.ts';

const describeData = hasRealData ? describe : describe.skip;

describe('JWT secret', () => {
  it('generates a development secret once, readable by its owner only, and refuses production without one', async () => {
    const dir = tempDir();
    try {
      const ctxLike = { env: 'development' as const, sources: [] };
      const ctx = await testContext(dir);
      const loaded = { ...ctx.loaded, ...ctxLike };
      const a = resolveJwtSecret(loaded, dir);
      const b = resolveJwtSecret(loaded, dir);
      expect(Buffer.from(a.secret).equals(Buffer.from(b.secret))).toBe(true);
      expect(a.secret.length).toBeGreaterThanOrEqual(32);
      const { statSync } = await import('node:fs');
      expect(statSync(path.join(dir, JWT_SECRET_FILE)).mode & 0o777).toBe(0o600);
      expect(() => resolveJwtSecret({ ...loaded, env: 'production' }, dir)).toThrow(/OLIST_JWT_SECRET/);
      const withSecret = {
        ...loaded,
        env: 'production' as const,
        config: { ...loaded.config, security: { ...loaded.config.security, jwt_secret: 'z'.repeat(40) } },
      };
      expect(resolveJwtSecret(withSecret, dir).source).toBe('OLIST_JWT_SECRET');
      await ctx.close();
    } finally {
      removeDir(dir);
    }
  });
});

describeData('server', () => {
  let server: RunningServer | undefined;
  let ctx: AppContext | undefined;
  let dirs: string[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    ctx = undefined;
    for (const d of dirs) removeDir(d);
    dirs = [];
  });

  it('listens on 127.0.0.1, finishes in-flight requests on shutdown, then closes the databases', async () => {
    const dataDir = tempDir('olist-srv-');
    const sample = realSampleDir();
    dirs = [dataDir, sample];
    ctx = await testContext(dataDir);
    const state = openAppState({ dataDir, refreshTokenTtlSeconds: 3600, scryptCost: TEST_SCRYPT_COST });
    await state.users.create({ username: 'root', password: 'root-password-1', role: 'admin' });
    state.close();
    server = await startServer(ctx, {
      host: '127.0.0.1',
      port: 0,
      jwtSecret: TEST_SECRET,
      handleSignals: false,
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const live = await fetch(`${server.url}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBeTruthy();

    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'root-password-1' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };

    const form = new FormData();
    for (const f of readdirSync(sample))
      form.append('files', new Blob([readFileSync(path.join(sample, f))]), f);
    const received = new Promise((resolve) => server!.app.server.once('request', resolve));
    const upload = fetch(`${server.url}/api/v1/datasets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}` },
      body: form,
    });
    await received;
    const started = performance.now();
    const closing = server.close();
    const res = await upload;
    expect(res.status).toBe(201);
    expect(await closing).toBe(true);
    expect(performance.now() - started).toBeLessThan(ctx.loaded.config.server.shutdown_timeout_ms);
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    await expect(ctx.engine.all('SELECT 1')).rejects.toThrow(/closed/);
  });
});
