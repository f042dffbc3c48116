import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData, realSampleDir, removeDir } from '../../../test/fixtures.ts';
import { createHarness, type Harness } from '../testHarness.ts';

const describeData = hasRealData ? describe : describe.skip;

function body<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}

/** A multipart/form-data body: files by name, plus plain fields. */
function multipart(files: Record<string, Buffer>, fields: Record<string, string> = {}) {
  const boundary = `----olist${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const [name, data] of Object.entries(files)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describeData('users, API keys and audit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ ingest: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates users, refuses duplicates and never returns password hashes', async () => {
    const created = await h.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h.as('admin'),
      payload: { username: 'new.analyst', password: 'a-good-password', role: 'analyst' },
    });
    expect(created.statusCode).toBe(201);
    expect(body(created)).toMatchObject({ username: 'new.analyst', role: 'analyst', disabled: false });
    expect(created.body).not.toMatch(/scrypt|password/);
    const dup = await h.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h.as('admin'),
      payload: { username: 'new.analyst', password: 'a-good-password', role: 'viewer' },
    });
    expect(dup.statusCode).toBe(409);
    const list = body<{ users: { username: string }[] }>(
      await h.inject({ url: '/api/v1/users', headers: h.as('admin') }),
    );
    expect(list.users.map((u) => u.username)).toContain('new.analyst');
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);
  });

  it('changes role and password; keeps the last admin', async () => {
    const patched = await h.inject({
      method: 'PATCH',
      url: '/api/v1/users/new.analyst',
      headers: h.as('admin'),
      payload: { role: 'viewer', password: 'another-password' },
    });
    expect(body(patched)).toMatchObject({ role: 'viewer' });
    const login = await h.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'new.analyst', password: 'another-password' },
    });
    expect(login.statusCode).toBe(200);
    const empty = await h.inject({
      method: 'PATCH',
      url: '/api/v1/users/new.analyst',
      headers: h.as('admin'),
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const missing = await h.inject({
      method: 'PATCH',
      url: '/api/v1/users/nobody',
      headers: h.as('admin'),
      payload: { disabled: true },
    });
    expect(missing.statusCode).toBe(404);
    const last = await h.inject({
      method: 'PATCH',
      url: '/api/v1/users/admin-user',
      headers: h.as('admin'),
      payload: { role: 'viewer' },
    });
    expect(last.statusCode).toBe(409);
    expect(body(last).code).toBe('CONFLICT');
  });

  it('shows an API key once, lists it without the secret, and revokes it', async () => {
    const created = await h.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: h.as('admin'),
      payload: { name: 'nightly export', role: 'analyst' },
    });
    expect(created.statusCode).toBe(201);
    const { key, api_key } = body<{
      key: string;
      api_key: { id: string; prefix: string; created_by: string };
    }>(created);
    expect(key.startsWith(api_key.prefix)).toBe(true);
    expect(api_key.created_by).toBe('admin-user');
    const list = await h.inject({ url: '/api/v1/api-keys', headers: h.as('admin') });
    expect(list.body).not.toContain(key);
    expect((await h.inject({ url: '/api/v1/jobs', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    const revoked = await h.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${api_key.id}`,
      headers: h.as('admin'),
    });
    expect(body(revoked).revoked_at).not.toBeNull();
    expect((await h.inject({ url: '/api/v1/jobs', headers: { 'x-api-key': key } })).statusCode).toBe(401);
    expect(
      (await h.inject({ method: 'DELETE', url: '/api/v1/api-keys/key_nope', headers: h.as('admin') }))
        .statusCode,
    ).toBe(404);
  });

  it('keeps a verifiable audit trail of logins, failures and admin actions', async () => {
    await h.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin-user', password: 'nope-nope' },
    });
    const res = await h.inject({ url: '/api/v1/audit?limit=100&order=asc', headers: h.as('admin') });
    const { entries, total } = body<{
      entries: { action: string; actor: string | null; params: object }[];
      total: number;
    }>(res);
    expect(total).toBe(entries.length);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.login',
        'auth.login_failed',
        'user.create',
        'user.update',
        'api_key.create',
        'api_key.revoke',
      ]),
    );
    const update = entries.find((e) => e.action === 'user.update');
    expect(update).toMatchObject({
      actor: 'admin-user',
      params: { username: 'new.analyst', credentials_changed: true },
    });
    expect(JSON.stringify(entries)).not.toContain('another-password');
    const filtered = body<{ entries: { action: string }[] }>(
      await h.inject({ url: '/api/v1/audit?action=auth.login_failed', headers: h.as('admin') }),
    );
    expect(filtered.entries.every((e) => e.action === 'auth.login_failed')).toBe(true);
    const bad = await h.inject({
      url: '/api/v1/audit?action=drop.tables&since=yesterday',
      headers: h.as('admin'),
    });
    expect((body(bad).errors as { location: string }[]).map((e) => e.location).sort()).toEqual([
      'querystring.action',
      'querystring.since',
    ]);
    expect(body(await h.inject({ url: '/api/v1/audit/verify', headers: h.as('admin') }))).toEqual({
      ok: true,
      checked: total,
      first_broken: null,
    });
  });
});

describeData('data sets', () => {
  let h: Harness;
  let sample: string;
  let files: Record<string, Buffer>;
  beforeAll(async () => {
    h = await createHarness();
    sample = realSampleDir();
    files = Object.fromEntries(readdirSync(sample).map((f) => [f, readFileSync(path.join(sample, f))]));
  });
  afterAll(async () => {
    await h?.close();
    removeDir(sample);
  });

  it('lists versions and shows one', async () => {
    const list = body<{ datasets: { version: number; is_current: boolean }[] }>(
      await h.inject({ url: '/api/v1/datasets', headers: h.as('viewer') }),
    );
    expect(list.datasets).toEqual([expect.objectContaining({ version: 1, is_current: true })]);
    const one = body<{ row_counts: { orders: number } }>(
      await h.inject({ url: '/api/v1/datasets/1', headers: h.as('viewer') }),
    );
    expect(one.row_counts.orders).toBe(4000);
    expect((await h.inject({ url: '/api/v1/datasets/42', headers: h.as('viewer') })).statusCode).toBe(404);
    expect((await h.inject({ url: '/api/v1/datasets/abc', headers: h.as('viewer') })).statusCode).toBe(400);
  });

  it('uploads a folder’s files as multipart, ingests them and makes the version current', async () => {
    const { payload, headers } = multipart(files, { make_current: 'false' });
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...headers, ...h.as('admin') },
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = body<{ version: number; is_current: boolean; row_counts: { orders: number } }>(res);
    expect(r).toMatchObject({ version: 2, is_current: false, row_counts: { orders: 4000 } });
    const current = await h.inject({
      method: 'PUT',
      url: '/api/v1/datasets/current',
      headers: h.as('admin'),
      payload: { version: 2 },
    });
    expect(body(current)).toMatchObject({
      version: 2,
      is_current: true,
      source: expect.stringMatching(/^uploads\//),
    });
    const detail = body<{ quality_report: { kind: string } | null }>(
      await h.inject({ url: '/api/v1/datasets/2', headers: h.as('viewer') }),
    );
    expect(detail.quality_report?.kind).toBe('quality');
    const actions = h.state.audit.query({ limit: 100, offset: 0, order: 'asc' }).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['dataset.upload', 'dataset.set_current']));
  });

  it('ingests an upload as a job with ?async=true', async () => {
    const { payload, headers } = multipart(files);
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/datasets?async=true',
      headers: { ...headers, ...h.as('admin') },
      payload,
    });
    expect(res.statusCode).toBe(202);
    const id = body<{ job_id: string }>(res).job_id;
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = body(await h.inject({ url: `/api/v1/jobs/${id}`, headers: h.as('admin') }));
    }
    expect(job).toMatchObject({
      status: 'done',
      kind: 'dataset.upload',
      result: { version: 3, is_current: true },
    });
  });

  it('refuses files that are not Olist files, duplicates, empty and non-multipart uploads', async () => {
    const send = (p: { payload: Buffer; headers: Record<string, string> }) =>
      h.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...p.headers, ...h.as('admin') },
        payload: p.payload,
      });
    const evil = await send(multipart({ '../../etc/passwd': Buffer.from('x') }));
    expect(evil.statusCode).toBe(400);
    expect(body(evil).detail).toMatch(/not an Olist file name/);
    const none = await send(multipart({}, { make_current: 'true' }));
    expect(none.statusCode).toBe(400);
    const badField = await send(multipart({}, { make_current: 'maybe' }));
    expect(body(badField).errors).toEqual([{ location: 'body.make_current', message: 'true or false' }]);
    const json = await h.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: h.as('admin'),
      payload: { a: 1 },
    });
    expect(json.statusCode).toBe(415);
    const broken = await send(
      multipart({ ...files, 'olist_orders_dataset.csv': Buffer.from('order_id,customer_id\nx,y\n') }),
    );
    expect(broken.statusCode).toBe(422);
    expect(body(broken).code).toBe('INGEST_FAILED');
    expect(broken.body).not.toMatch(/\/tmp\/|uploads\//);
    const listed = body<{ datasets: { version: number; status: string; is_current: boolean }[] }>(
      await h.inject({ url: '/api/v1/datasets', headers: h.as('viewer') }),
    );
    expect(listed.datasets.map((d) => d.version)).toEqual([1, 2, 3]);
    expect(listed.datasets.find((d) => d.is_current)?.version).toBe(3);
  });

  it('refuses to make an unknown or rejected version current', async () => {
    const missing = await h.inject({
      method: 'PUT',
      url: '/api/v1/datasets/current',
      headers: h.as('admin'),
      payload: { version: 99 },
    });
    expect(missing.statusCode).toBe(404);
    const bad = await h.inject({
      method: 'PUT',
      url: '/api/v1/datasets/current',
      headers: h.as('admin'),
      payload: { version: 'two' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
