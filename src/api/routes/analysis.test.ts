import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData } from '../../../test/fixtures.ts';
import type { Role } from '../../appstate/users.ts';
import { EXPORT_ANALYSES, EXPORTS } from '../../reports/registry.ts';
import { createHarness, type Harness, ROLES_ALL } from '../testHarness.ts';

const describeData = hasRealData ? describe : describe.skip;

function body<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}

async function waitForJob(h: Harness, id: string, role: Role): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const res = await h.inject({ url: `/api/v1/jobs/${id}`, headers: h.as(role) });
    const job = body(res);
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

describeData('analysis endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const rank: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };
  const cases: { method: 'GET' | 'POST'; url: string; min: Role; payload?: object; path?: string }[] = [
    { method: 'POST', url: '/api/v1/analysis/rfm', min: 'analyst', payload: {} },
    { method: 'POST', url: '/api/v1/analysis/cohort', min: 'analyst', payload: {} },
    { method: 'POST', url: '/api/v1/analysis/quality', min: 'analyst', payload: {} },
    { method: 'POST', url: '/api/v1/analysis/ltv', min: 'analyst', payload: { horizon: 52, limit: 5 } },
    { method: 'GET', url: '/api/v1/analysis/overview', min: 'viewer' },
    { method: 'GET', url: '/api/v1/analysis/segments', min: 'viewer' },
    { method: 'GET', url: '/api/v1/analysis/customers?limit=5', min: 'viewer' },
    { method: 'GET', url: '/api/v1/analysis/marketplace', min: 'viewer' },
    {
      method: 'GET',
      url: '/api/v1/analysis/customers/f0e05d7d6a629ce2768fc7d923ee70b2',
      path: '/api/v1/analysis/customers/{customer_unique_id}',
      min: 'viewer',
    },
    { method: 'GET', url: '/api/v1/exports/rfm-customers.csv', min: 'analyst' },
    ...EXPORT_ANALYSES.flatMap((a) =>
      EXPORTS[a].formats.map((f) => ({
        method: 'GET' as const,
        url: `/api/v1/exports/${a}.${f}`,
        min: 'analyst' as Role,
      })),
    ),
  ];

  it('every documented analysis operation is in the role table', async () => {
    const doc = body<{ paths: Record<string, Record<string, unknown>> }>(
      await h.app.inject({ url: '/openapi.json' }),
    );
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1/analysis') || p.startsWith('/api/v1/exports'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const tested = new Set(cases.map((c) => `${c.method} ${c.path ?? c.url.split('?')[0]}`));
    expect(documented.filter((op) => !tested.has(op))).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.method} ${c.url}: 401 anonymous, 403 below ${c.min}, 200 for ${c.min} and above`, async () => {
      const req = (headers: Record<string, string>) =>
        h.inject({ method: c.method, url: c.url, headers, ...(c.payload ? { payload: c.payload } : {}) });
      expect((await req({})).statusCode).toBe(401);
      for (const role of ROLES_ALL) {
        const res = await req(h.as(role));
        expect(res.statusCode, `${role}: ${res.body.slice(0, 300)}`).toBe(
          rank[role] >= rank[c.min] ? 200 : 403,
        );
      }
    });
  }

  it('RFM: validates the body and names each field at fault', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/rfm',
      headers: h.as('analyst'),
      payload: { as_of: '2018-02-30', states: ['S'], nonsense: true },
    });
    expect(res.statusCode).toBe(400);
    const locations = (body(res).errors as { location: string }[]).map((e) => e.location);
    expect(locations).toEqual(expect.arrayContaining(['body.as_of', 'body.states.0', 'body']));
  });

  it('RFM: accepts a custom segment map and reports the as-of date it used', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/rfm',
      headers: h.as('analyst'),
      payload: { as_of: '2018-06-01', segment_map: { segments: [{ name: 'Everyone' }] } },
    });
    expect(res.statusCode).toBe(200);
    const r = body<{
      meta: { params: { as_of: string } };
      data: { segment_map: { kind: string; segments: string[] } };
    }>(res);
    expect(r.meta.params.as_of).toBe('2018-06-01');
    expect(r.data.segment_map).toEqual({ kind: 'custom', segments: ['Everyone'] });
  });

  it('serves a repeated GET view from the cache', async () => {
    const url = '/api/v1/analysis/overview?states=SP&from=2017-01-01';
    const first = body<{ meta: { cached: boolean } }>(await h.inject({ url, headers: h.as('viewer') }));
    const second = body<{ meta: { cached: boolean }; data: { kpis: { orders: number } } }>(
      await h.inject({ url, headers: h.as('viewer') }),
    );
    expect(first.meta.cached).toBe(false);
    expect(second.meta.cached).toBe(true);
    expect(second.data.kpis.orders).toBeGreaterThan(0);
  });

  it('validates query strings of the views', async () => {
    for (const url of [
      '/api/v1/analysis/overview?from=2018-02-01&to=2018-01-01',
      '/api/v1/analysis/overview?unknown=1',
      '/api/v1/analysis/marketplace?top_sellers=0',
      '/api/v1/analysis/customers?limit=0',
      '/api/v1/analysis/segments?as_of=yesterday',
    ]) {
      const res = await h.inject({ url, headers: h.as('viewer') });
      expect(res.statusCode, url).toBe(400);
      expect(body(res).code).toBe('INPUT_INVALID');
      expect((body(res).errors as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('pages customers with a keyset cursor and filters by segment', async () => {
    const first = body<{
      data: { rows: { customer_unique_id: string; segment: string }[]; next_after: string };
    }>(await h.inject({ url: '/api/v1/analysis/customers?limit=3', headers: h.as('viewer') }));
    expect(first.data.rows).toHaveLength(3);
    const next = body<{ data: { rows: { customer_unique_id: string }[] } }>(
      await h.inject({
        url: `/api/v1/analysis/customers?limit=3&after=${first.data.next_after}`,
        headers: h.as('viewer'),
      }),
    );
    expect(next.data.rows[0]!.customer_unique_id > first.data.rows[2]!.customer_unique_id).toBe(true);
    const seg = first.data.rows[0]!.segment;
    const only = body<{ data: { rows: { segment: string }[] } }>(
      await h.inject({
        url: `/api/v1/analysis/customers?limit=20&segment=${encodeURIComponent(seg)}`,
        headers: h.as('viewer'),
      }),
    );
    expect(only.data.rows.every((r) => r.segment === seg)).toBe(true);
  });

  it('runs an analysis as a job with ?async=true, only its owner (or an admin) can see it', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/cohort?async=true',
      headers: h.as('analyst'),
      payload: { period: 'week' },
    });
    expect(res.statusCode).toBe(202);
    const { job_id, href } = body<{ job_id: string; href: string }>(res);
    expect(href).toBe(`/api/v1/jobs/${job_id}`);
    const job = await waitForJob(h, job_id, 'analyst');
    expect(job).toMatchObject({ status: 'done', progress: 1, kind: 'cohort', owner: 'user:analyst-user' });
    expect((job.result as { data: { period: string } }).data.period).toBe('week');
    expect((await h.inject({ url: `/api/v1/jobs/${job_id}`, headers: h.as('admin') })).statusCode).toBe(200);
    const other = await h.inject({ url: `/api/v1/jobs/${job_id}`, headers: { 'x-api-key': h.keys.analyst } });
    expect(other.statusCode).toBe(404);
    const mine = body<{ jobs: { id: string }[] }>(
      await h.inject({ url: '/api/v1/jobs', headers: h.as('analyst') }),
    );
    expect(mine.jobs.map((j) => j.id)).toContain(job_id);
  });

  it('records a failed job with its error code', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/rfm?async=true',
      headers: h.as('analyst'),
      payload: { dataset_version: 99 },
    });
    const job = await waitForJob(h, body<{ job_id: string }>(res).job_id, 'analyst');
    expect(job).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' }, result: null });
  });

  it('quality: runs the suite; saving the report needs an admin', async () => {
    const forbidden = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/quality',
      headers: h.as('analyst'),
      payload: { save: true },
    });
    expect(forbidden.statusCode).toBe(403);
    const ok = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/quality',
      headers: h.as('admin'),
      payload: { save: true, previous: null, as_of: '2018-10-01' },
    });
    expect(ok.statusCode).toBe(200);
    expect(body(ok)).toMatchObject({ kind: 'quality', dataset_version: 1, previous_version: null });
    const ds = body<{ quality_report: { kind: string } | null }>(
      await h.inject({ url: '/api/v1/datasets/1', headers: h.as('viewer') }),
    );
    expect(ds.quality_report?.kind).toBe('quality');
  });

  it('exports every customer as CSV and audits the export', async () => {
    const res = await h.inject({
      url: '/api/v1/exports/rfm-customers.csv?states=SP',
      headers: h.as('analyst'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe(
      'customer_unique_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment',
    );
    expect(lines.length).toBeGreaterThan(100);
    const audit = h.state.audit.query({ action: 'export', limit: 5, offset: 0, order: 'desc' });
    expect(audit.entries[0]).toMatchObject({ actor: 'analyst-user', outcome: 'success' });
    expect(audit.entries[0]!.params).toMatchObject({ export: 'rfm-customers.csv', params: { states: 'SP' } });
  });

  it('audits analyses with user, correlation id and parameters', async () => {
    await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/rfm',
      headers: { ...h.as('analyst'), 'x-request-id': 'audit-me-1' },
      payload: { states: ['RJ'] },
    });
    const { entries } = h.state.audit.query({ action: 'analysis.run', limit: 50, offset: 0, order: 'desc' });
    const e = entries.find((x) => x.request_id === 'audit-me-1');
    expect(e).toMatchObject({ actor_type: 'user', actor: 'analyst-user', outcome: 'success' });
    expect(e!.params).toEqual({ analysis: 'rfm', params: { states: ['RJ'] } });
  });

  it('LTV: predicts per customer on the data set, sorted and limited; refuses file sources', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/ltv',
      headers: h.as('analyst'),
      payload: { horizon: 26, sort: 'clv', limit: 3 },
    });
    expect(res.statusCode).toBe(200);
    const r = body<{ data: { model: string; customers: { clv: number }[]; totals: { customers: number } } }>(
      res,
    );
    expect(r.data.model).toBe('bgnbd');
    expect(r.data.customers).toHaveLength(3);
    expect(r.data.customers[0]!.clv).toBeGreaterThanOrEqual(r.data.customers[2]!.clv);
    expect(r.data.totals.customers).toBeGreaterThan(3000);
    for (const payload of [
      { horizon: 52, source: { kind: 'summary', file: '/etc/passwd' } },
      { horizon: 52, limit: 100_000 },
      { horizon: -1 },
      {},
    ]) {
      const bad = await h.inject({
        method: 'POST',
        url: '/api/v1/analysis/ltv',
        headers: h.as('analyst'),
        payload,
      });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
