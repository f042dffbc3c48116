import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData, removeDir, skipReason, tempDir, writeText } from '../../test/fixtures.ts';
import { openContext } from '../app/context.ts';
import { openAppState } from '../appstate/index.ts';
import { TEST_SCRYPT_COST } from '../appstate/passwords.ts';
import type { Role } from '../appstate/users.ts';
import { buildApp } from './app.ts';
import { TokenService } from './auth.ts';
import { createHarness, type Harness, PASSWORDS, ROLES_ALL, TEST_SECRET } from './testHarness.ts';

const describeData = hasRealData ? describe : describe.skip;
if (!hasRealData) console.warn(skipReason);

function body<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const p = body(res);
  expect(p).toMatchObject({ status, code, type: `urn:olist:problem:${code.toLowerCase()}` });
  expect(p.request_id).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(p)).not.toMatch(/at .*\.ts:\d+|SELECT |stack/);
  return p;
}

describeData('API infrastructure', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('OpenAPI and docs', () => {
    it('serves a valid OpenAPI 3.1 document and the docs page without auth', async () => {
      const res = await h.app.inject({ url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = body<{ openapi: string; paths: Record<string, unknown> }>(res);
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/auth/login',
          '/api/v1/datasets',
          '/health/ready',
          '/metrics',
          '/api/v1/audit',
        ]),
      );
      const docs = await h.app.inject({ url: '/docs' });
      expect(docs.statusCode).toBe(200);
      expect(docs.body).toContain('swagger');
    });

    it('documents security and problem responses on protected routes', async () => {
      const doc = body<{
        paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
      }>(await h.app.inject({ url: '/openapi.json' }));
      const users = doc.paths['/api/v1/users']!.get!;
      expect(users.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
      expect(Object.keys(users.responses)).toEqual(
        expect.arrayContaining(['200', '401', '403', '429', '4XX', '5XX']),
      );
      expect(doc.paths['/health/live']!.get!.security).toEqual([]);
    });
  });

  describe('health', () => {
    it('answers liveness and readiness without auth', async () => {
      expect(body(await h.inject({ url: '/health/live' }))).toEqual({ status: 'ok' });
      const ready = await h.inject({ url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(body(ready)).toMatchObject({ status: 'ready', checks: { dataset: { ok: true } } });
    });

    it('gives details to admins only', async () => {
      expect(body(await h.inject({ url: '/health' }))).toEqual({ status: 'ok' });
      expect(body(await h.inject({ url: '/health', headers: h.as('viewer') }))).toEqual({ status: 'ok' });
      const admin = body<{ details: { dataset: { version: number } } }>(
        await h.inject({ url: '/health', headers: h.as('admin') }),
      );
      expect(admin.details.dataset.version).toBe(1);
    });
  });

  describe('problem details', () => {
    it('reports unknown routes as 404 problems with the correlation id', async () => {
      const res = await h.app.inject({ url: '/api/v1/nope', headers: { 'x-request-id': 'abc-123' } });
      const p = expectProblem(res, 404, 'NOT_FOUND');
      expect(p.request_id).toBe('abc-123');
      expect(p.instance).toBe('/api/v1/nope');
    });

    it('replaces an unsafe X-Request-Id with a generated one', async () => {
      const res = await h.inject({
        url: '/health/live',
        headers: { 'x-request-id': 'bad id with spaces\n' },
      });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('lists each field at fault for validation errors', async () => {
      const res = await h.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: h.as('admin'),
        payload: { username: 'x', password: 'short', role: 'boss', extra: 1 },
      });
      const p = expectProblem(res, 400, 'INPUT_INVALID');
      const locations = (p.errors as { location: string }[]).map((e) => e.location);
      expect(locations).toEqual(
        expect.arrayContaining(['body.username', 'body.password', 'body.role', 'body']),
      );
    });

    it('rejects malformed JSON, wrong media types and oversized bodies as problems', async () => {
      const bad = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"username": ',
      });
      expectProblem(bad, 400, 'INPUT_INVALID');
      const media = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'text/xml' },
        payload: '<x/>',
      });
      expectProblem(media, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const big = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) },
      });
      expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('sets security headers', async () => {
      const res = await h.inject({ url: '/health/live' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
      const denied = await h.inject({ url: '/api/v1/users' });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('authentication', () => {
    it('logs in, refreshes with rotation and detects reuse', async () => {
      const login = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'viewer-user', password: PASSWORDS.viewer },
      });
      expect(login.statusCode).toBe(200);
      const t = body<{
        access_token: string;
        refresh_token: string;
        expires_in: number;
        user: { role: string };
      }>(login);
      expect(t.expires_in).toBe(900);
      expect(t.user.role).toBe('viewer');
      const me = await h.inject({
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${t.access_token}` },
      });
      expect(body(me)).toEqual({ kind: 'user', id: 'viewer-user', role: 'viewer' });

      const r1 = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: { refresh_token: t.refresh_token },
      });
      expect(r1.statusCode).toBe(200);
      const t2 = body<{ refresh_token: string }>(r1);
      expect(t2.refresh_token).not.toBe(t.refresh_token);
      // Replaying the spent token revokes the session: the new one stops working too.
      expectProblem(
        await h.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: t.refresh_token },
        }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(
        await h.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: t2.refresh_token },
        }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('revokes a refresh token on logout', async () => {
      const t = body<{ access_token: string; refresh_token: string }>(
        await h.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'analyst-user', password: PASSWORDS.analyst },
        }),
      );
      const out = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { authorization: `Bearer ${t.access_token}` },
        payload: { refresh_token: t.refresh_token },
      });
      expect(out.statusCode).toBe(204);
      expectProblem(
        await h.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          payload: { refresh_token: t.refresh_token },
        }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(
        await h.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: h.as('analyst'), payload: {} }),
        400,
        'INPUT_INVALID',
      );
    });

    it('refuses wrong passwords without saying which part was wrong', async () => {
      const wrong = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin-user', password: 'not-the-password' },
      });
      const p = expectProblem(wrong, 401, 'UNAUTHENTICATED');
      const unknown = await h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'nobody', password: 'not-the-password' },
      });
      expect(body(unknown).detail).toBe(p.detail);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('refuses tokens with another algorithm, key, issuer, or past their expiry', async () => {
      const claims = { typ: 'access', role: 'admin', username: 'admin-user' };
      const now = Math.floor(Date.now() / 1000);
      const sign = (alg: string, key: Uint8Array, issuer = 'olist-analytics') =>
        new SignJWT(claims)
          .setProtectedHeader({ alg })
          .setIssuer(issuer)
          .setAudience('olist-api')
          .setSubject('1')
          .setIssuedAt(now)
          .setExpirationTime(now + 600)
          .sign(key);
      const other = new TextEncoder().encode('another-secret-that-is-long-enough-0123456789');
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: '1', iss: 'olist-analytics', aud: 'olist-api', iat: now, exp: now + 600 })}.`;
      const expired = await new TokenService(
        TEST_SECRET,
        'olist-analytics',
        60,
        () => new Date(Date.now() - 3_600_000),
      ).sign({
        id: 1,
        username: 'admin-user',
        role: 'admin',
      });
      const good = await sign('HS256', TEST_SECRET);
      expect(
        (await h.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${good}` } })).statusCode,
      ).toBe(200);
      for (const token of [
        await sign('HS512', TEST_SECRET),
        await sign('HS256', other),
        await sign('HS256', TEST_SECRET, 'someone-else'),
        unsigned,
        `${good.slice(0, -2)}xx`,
        expired,
      ]) {
        const res = await h.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } });
        expectProblem(res, 401, 'UNAUTHENTICATED');
      }
      const exp = await h.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${expired}` } });
      expect(body(exp).detail).toMatch(/expired/);
    });

    it('accepts API keys as Bearer or X-API-Key, and not once revoked', async () => {
      expect(
        body(await h.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': h.keys.analyst } })),
      ).toMatchObject({
        kind: 'api_key',
        role: 'analyst',
      });
      expect(
        (await h.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${h.keys.viewer}` } }))
          .statusCode,
      ).toBe(200);
      const { key, record } = h.state.apiKeys.create({ name: 'temp', role: 'viewer', createdBy: 'test' });
      expect((await h.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': key } })).statusCode).toBe(
        200,
      );
      h.state.apiKeys.revoke(record.id);
      expectProblem(
        await h.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': key } }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(
        await h.inject({ url: '/api/v1/auth/me', headers: { 'x-api-key': 'olk_not-a-key' } }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(
        await h.inject({ url: '/api/v1/auth/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('stops accepting a disabled user’s token at once', async () => {
      await h.state.users.create({ username: 'temp-user', password: 'temp-password-1', role: 'viewer' });
      const t = body<{ access_token: string }>(
        await h.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'temp-user', password: 'temp-password-1' },
        }),
      );
      const auth = { authorization: `Bearer ${t.access_token}` };
      expect((await h.inject({ url: '/api/v1/auth/me', headers: auth })).statusCode).toBe(200);
      await h.inject({
        method: 'PATCH',
        url: '/api/v1/users/temp-user',
        headers: h.as('admin'),
        payload: { disabled: true },
      });
      expectProblem(await h.inject({ url: '/api/v1/auth/me', headers: auth }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('roles', () => {
    type Case = {
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: string;
      min: Role;
      payload?: object;
    };
    const cases: Case[] = [
      { method: 'GET', url: '/api/v1/auth/me', min: 'viewer' },
      { method: 'GET', url: '/api/v1/datasets', min: 'viewer' },
      { method: 'GET', url: '/api/v1/datasets/1', min: 'viewer' },
      { method: 'GET', url: '/api/v1/datasets/1/profile', min: 'viewer' },
      { method: 'GET', url: '/api/v1/jobs', min: 'analyst' },
      { method: 'GET', url: '/api/v1/jobs/00000000-0000-4000-8000-000000000000', min: 'analyst' },
      { method: 'GET', url: '/api/v1/users', min: 'admin' },
      { method: 'POST', url: '/api/v1/users', min: 'admin', payload: { username: 'x' } },
      { method: 'PATCH', url: '/api/v1/users/viewer-user', min: 'admin', payload: {} },
      { method: 'GET', url: '/api/v1/api-keys', min: 'admin' },
      { method: 'POST', url: '/api/v1/api-keys', min: 'admin', payload: {} },
      { method: 'DELETE', url: '/api/v1/api-keys/key_none', min: 'admin' },
      { method: 'GET', url: '/api/v1/audit', min: 'admin' },
      { method: 'GET', url: '/api/v1/audit/verify', min: 'admin' },
      { method: 'PUT', url: '/api/v1/datasets/current', min: 'admin', payload: { version: 1 } },
      { method: 'POST', url: '/api/v1/datasets', min: 'admin', payload: {} },
    ];
    const rank: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

    it('every documented /api/v1 operation is in the role table', async () => {
      const doc = body<{ paths: Record<string, Record<string, unknown>> }>(
        await h.app.inject({ url: '/openapi.json' }),
      );
      const documented = Object.entries(doc.paths)
        .filter(
          ([p]) =>
            // Analysis and exports have their own table (routes/analysis.test.ts); login and refresh are public.
            p.startsWith('/api/v1/') && !/^\/api\/v1\/(auth|analysis|exports)\//.test(p),
        )
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
      const tested = cases.map((c) => `${c.method} ${c.url}`);
      for (const op of documented) {
        const re = new RegExp(`^${op.replaceAll(/\{[^}]+\}/g, '[^/]+')}$`);
        expect(
          tested.some((t) => re.test(t)),
          `${op} is not in the role table`,
        ).toBe(true);
      }
    });

    for (const c of cases) {
      it(`${c.method} ${c.url}: anonymous 401, below ${c.min} 403, ${c.min} and above allowed (tokens and API keys)`, async () => {
        const req = (headers: Record<string, string>) =>
          h.inject({ method: c.method, url: c.url, headers, ...(c.payload ? { payload: c.payload } : {}) });
        expectProblem(await req({}), 401, 'UNAUTHENTICATED');
        expectProblem(await req({ authorization: 'Bearer not.a.token' }), 401, 'UNAUTHENTICATED');
        for (const role of ROLES_ALL) {
          for (const headers of [h.as(role), { 'x-api-key': h.keys[role] }]) {
            const res = await req(headers);
            if (rank[role] >= rank[c.min])
              expect([401, 403], `${role}: ${res.body}`).not.toContain(res.statusCode);
            else expectProblem(res, 403, 'FORBIDDEN');
          }
        }
      });
    }
  });

  describe('metrics', () => {
    it('serves Prometheus text to allowed addresses only', async () => {
      await h.inject({ url: '/health/live' });
      const ok = await h.inject({ url: '/metrics' });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('olist_http_requests_total');
      expect(ok.body).toContain('olist_http_request_duration_seconds_bucket');
      expect(ok.body).toMatch(/olist_dataset_rows\{table="orders"\} \d+/);
      const far = await h.inject({ url: '/metrics', remoteAddress: '10.1.2.3' });
      expectProblem(far, 403, 'FORBIDDEN');
    });
  });
});

describeData('rate limiting', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ rateLimit: { requestsPerMinute: 60, burst: 3 }, loginAttemptsPerMinute: 2 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives each caller a token bucket and answers 429 with Retry-After and RateLimit headers', async () => {
    const get = (headers: Record<string, string>) => h.inject({ url: '/api/v1/auth/me', headers });
    // The harness's logins did not touch these buckets: API keys and anonymous IPs are separate callers.
    const statuses: number[] = [];
    let last = await get({ 'x-api-key': h.keys.viewer });
    statuses.push(last.statusCode);
    for (let i = 0; i < 3; i++) {
      last = await get({ 'x-api-key': h.keys.viewer });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const p = expectProblem(last, 429, 'RATE_LIMITED');
    expect(p.detail).toMatch(/retry/);
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last.headers['ratelimit-limit']).toBe('3');
    expect(last.headers['ratelimit-remaining']).toBe('0');
    expect(Number(last.headers['ratelimit-reset'])).toBeGreaterThan(0);
    // Another caller is not affected.
    expect((await get({ 'x-api-key': h.keys.analyst })).statusCode).toBe(200);
    // Anonymous callers are limited per IP.
    const anon = [];
    for (let i = 0; i < 4; i++)
      anon.push((await h.inject({ url: '/api/v1/datasets', remoteAddress: '10.9.9.9' })).statusCode);
    expect(anon).toEqual([401, 401, 401, 429]);
    // Health is never limited.
    for (let i = 0; i < 5; i++)
      expect((await h.inject({ url: '/health/live', remoteAddress: '10.9.9.9' })).statusCode).toBe(200);
    const metrics = await h.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/olist_rate_limit_rejections_total\{scope="api"\} [1-9]/);
  });

  it('limits login attempts separately', async () => {
    const attempt = () =>
      h.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.7.7.7',
        payload: { username: 'viewer-user', password: 'wrong-password' },
      });
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401);
    const third = await attempt();
    expectProblem(third, 429, 'RATE_LIMITED');
    expect(third.headers['retry-after']).toBeDefined();
    const audit = h.state.audit.query({ action: 'auth.login_failed', limit: 10, offset: 0, order: 'asc' });
    expect(audit.entries.map((e) => e.params.reason ?? 'wrong')).toEqual(['wrong', 'wrong', 'rate_limited']);
  });
});

describe('jobs across a restart', () => {
  it('reports a job left running by a stopped server as failed, never lost', async () => {
    const state = openAppState({ refreshTokenTtlSeconds: 3600, scryptCost: TEST_SCRYPT_COST });
    const job = state.jobs.create({ kind: 'rfm', params: {}, owner: 'user:admin-user' });
    state.jobs.start(job.id);
    const h = await createHarness({ ingest: false, state });
    try {
      const res = await h.inject({ url: `/api/v1/jobs/${job.id}`, headers: h.as('admin') });
      expect(body(res)).toMatchObject({
        status: 'failed',
        error: { code: 'INTERNAL', message: 'server restarted while the job was running' },
      });
    } finally {
      await h.close();
      state.close();
    }
  });
});

describe('web app hook', () => {
  it('serves a static folder at / without touching the API, docs or health', async () => {
    const web = tempDir('olist-web-');
    writeText(path.join(web, 'index.html'), '<html>dashboard</html>');
    const h = await createHarness({ ingest: false, staticDir: web });
    try {
      const index = await h.app.inject({ url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('dashboard');
      expect((await h.app.inject({ url: '/api/v1/users' })).statusCode).toBe(401);
      expect((await h.app.inject({ url: '/health/live' })).statusCode).toBe(200);
      const missing = await h.app.inject({ url: '/nothing.js' });
      expect(missing.statusCode).toBe(404);
      expect(String(missing.headers['content-type'])).toMatch(/^application\/problem\+json/);
    } finally {
      await h.close();
      removeDir(web);
    }
  });
});

describe('CORS', () => {
  it('answers preflights for configured origins only, and exposes the rate-limit headers', async () => {
    const dataDir = tempDir('olist-cors-');
    const ctx = await openContext({
      env: { OLIST_ENV: 'test' },
      overrides: { data_dir: dataDir, 'server.cors_origins': ['https://dash.example'] },
    });
    const app = await buildApp(ctx, {
      jwtSecret: TEST_SECRET,
      state: openAppState({ refreshTokenTtlSeconds: 60 }),
    });
    try {
      const pre = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/datasets',
        headers: {
          origin: 'https://dash.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('https://dash.example');
      const get = await app.inject({ url: '/api/v1/datasets', headers: { origin: 'https://dash.example' } });
      expect(get.statusCode).toBe(401);
      expect(String(get.headers['access-control-expose-headers'])).toContain('RateLimit-Remaining');
      const other = await app.inject({ url: '/health/live', headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
      await ctx.close();
      removeDir(dataDir);
    }
  });
});
