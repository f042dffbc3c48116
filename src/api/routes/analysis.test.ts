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
    {
      method: 'POST',
      url: '/api/v1/analysis/ltv/validate',
      min: 'analyst',
      payload: { calibration_end: '2018-01-31', models: ['bgnbd'] },
    },
    { method: 'POST', url: '/api/v1/analysis/ltv/plots', min: 'analyst', payload: { matrix_size: 10 } },
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

  it('sorts customers over the whole result and searches by id prefix, paged by offset', async () => {
    type Page = {
      data: { rows: { customer_unique_id: string; monetary: number }[]; next_after: string | null };
    };
    const get = async (q: string) =>
      body<Page>(await h.inject({ url: `/api/v1/analysis/customers?${q}`, headers: h.as('viewer') }));
    const all = await get('limit=10000');
    const top = await get('limit=5&sort=monetary&order=desc');
    const maxSpend = Math.max(...all.data.rows.map((r) => r.monetary));
    expect(top.data.rows[0]!.monetary).toBe(maxSpend);
    expect(top.data.next_after).toBeNull();
    const spends = top.data.rows.map((r) => r.monetary);
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
    const next = await get('limit=5&offset=5&sort=monetary&order=desc');
    expect(next.data.rows[0]!.monetary).toBeLessThanOrEqual(spends[4]!);
    const prefix = all.data.rows[0]!.customer_unique_id.slice(0, 3);
    const found = await get(`limit=100&search=${prefix.toUpperCase()}`);
    expect(found.data.rows.length).toBeGreaterThan(0);
    expect(found.data.rows.every((r) => r.customer_unique_id.startsWith(prefix))).toBe(true);
    for (const q of ['sort=nonsense', 'order=up', 'search=a%20b']) {
      const res = await h.inject({ url: `/api/v1/analysis/customers?${q}`, headers: h.as('viewer') });
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('segments view: carries the (R, F) grid for viewers, equal to the RFM summary', async () => {
    const view = body<{ data: { grid: { r_score: number; f_score: number; customers: number }[] } }>(
      await h.inject({ url: '/api/v1/analysis/segments?states=SP', headers: h.as('viewer') }),
    );
    const full = body<{ data: { grid: unknown[] } }>(
      await h.inject({
        method: 'POST',
        url: '/api/v1/analysis/rfm',
        headers: h.as('analyst'),
        payload: { states: ['SP'] },
      }),
    );
    expect(view.data.grid.length).toBeGreaterThan(0);
    expect(view.data.grid).toEqual(full.data.grid);
    for (const c of view.data.grid) {
      expect(c.r_score).toBeGreaterThanOrEqual(1);
      expect(c.f_score).toBeLessThanOrEqual(5);
    }
  });

  it('datasets: profiles the columns of the tables asked for (repeated or comma list)', async () => {
    type Profile = {
      meta: { analysis: string; dataset_version: number };
      data: {
        dataset_version: number;
        tables: {
          table: string;
          rows: number;
          columns: { name: string; null_share: number; distinct: number; text?: { top_values: unknown[] } }[];
        }[];
      };
    };
    const get = (q: string) => h.inject({ url: `/api/v1/datasets/1/profile${q}`, headers: h.as('viewer') });
    const two = body<Profile>(await get('?table=orders,customers&top_values=3'));
    expect(two.meta.analysis).toBe('profile');
    expect(two.data.dataset_version).toBe(1);
    expect(two.data.tables.map((t) => t.table).sort()).toEqual(['customers', 'orders']);
    const orders = two.data.tables.find((t) => t.table === 'orders')!;
    expect(orders.rows).toBeGreaterThan(1000);
    const id = orders.columns.find((c) => c.name === 'order_id')!;
    expect(id.null_share).toBe(0);
    expect(id.distinct).toBe(orders.rows);
    const status = orders.columns.find((c) => c.name === 'order_status')!;
    expect(status.text!.top_values.length).toBeLessThanOrEqual(3);
    const repeated = body<Profile>(await get('?table=orders&table=customers&top_values=3'));
    expect(repeated.data.tables.map((t) => t.table).sort()).toEqual(['customers', 'orders']);
    const all = body<Profile>(await get(''));
    expect(all.data.tables).toHaveLength(9);
    for (const [q, status] of [
      ['?table=nonsense', 400],
      ['?table=', 400],
      ['?bins=0', 400],
      ['?other=1', 400],
    ] as const) {
      const res = await get(q);
      expect(res.statusCode, q).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await h.inject({ url: '/api/v1/datasets/99/profile', headers: h.as('viewer') })).statusCode).toBe(
      404,
    );
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

  it('LTV validate: calibration vs holdout per frequency with error metrics; audited; refuses file sources', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/ltv/validate',
      headers: { ...h.as('analyst'), 'x-request-id': 'ltv-validate-1' },
      payload: { calibration_end: '2018-01-31', models: ['bgnbd', 'paretonbd'], censor: 1 },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const r = body<{
      data: {
        calibration_end: string;
        holdout_duration: number;
        holdout_purchases: number;
        models: {
          model: string;
          groups: { frequency: string; customers: number; actual_mean: number; predicted_mean: number }[];
          metrics: { mae: number; rmse: number; total_error_pct: number | null; customers: number };
        }[];
      };
    }>(res);
    expect(r.data.calibration_end).toBe('2018-01-31');
    expect(r.data.holdout_duration).toBeGreaterThan(0);
    expect(r.data.models.map((m) => m.model)).toEqual(['bgnbd', 'paretonbd']);
    for (const m of r.data.models) {
      expect(m.groups.map((g) => g.frequency)).toEqual(['0', '1+']);
      expect(m.groups.reduce((a, g) => a + g.customers, 0)).toBe(m.metrics.customers);
      expect(m.metrics.rmse).toBeGreaterThanOrEqual(m.metrics.mae);
    }
    const { entries } = h.state.audit.query({ action: 'analysis.run', limit: 50, offset: 0, order: 'desc' });
    expect(entries.find((x) => x.request_id === 'ltv-validate-1')!.params).toMatchObject({
      analysis: 'ltv.validate',
    });
    for (const payload of [
      { calibration_end: '2018-01-31', source: { kind: 'summary', file: '/etc/passwd' } },
      {
        calibration_end: '2018-01-31',
        source: { kind: 'transactions', file: '/etc/passwd', customer_col: 'a', date_col: 'b' },
      },
      {},
      { calibration_end: '2018-02-30' },
      { calibration_end: '2018-01-31', models: ['nonsense'] },
    ]) {
      const bad = await h.inject({
        method: 'POST',
        url: '/api/v1/analysis/ltv/validate',
        headers: h.as('analyst'),
        payload,
      });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('LTV plots: exact model matrices and population curve; runs as a job; refuses file sources', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/ltv/plots',
      headers: h.as('analyst'),
      payload: { model: 'bgnbd', matrix_size: 8, matrix_horizon: 52 },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    type Matrix = {
      quantity: string;
      t: number | null;
      frequency: number[];
      recency: number[];
      values: number[][];
    };
    const r = body<{
      data: {
        model: string;
        frequency_recency: { expected_purchases: Matrix; p_alive: Matrix };
        expected_purchases_curve: { t: number; expected_purchases: number }[];
        calibration_vs_holdout: unknown;
      };
    }>(res);
    const { expected_purchases: ep, p_alive: pa } = r.data.frequency_recency;
    expect(ep.quantity).toBe('expected_purchases');
    expect(ep.t).toBe(52);
    expect(pa.t).toBeNull();
    expect(ep.values).toHaveLength(ep.recency.length);
    expect(ep.values[0]).toHaveLength(ep.frequency.length);
    for (const row of pa.values) for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
    expect(r.data.expected_purchases_curve.length).toBeGreaterThan(10);
    expect(r.data.calibration_vs_holdout).toBeNull();

    const job = await h.inject({
      method: 'POST',
      url: '/api/v1/analysis/ltv/plots?async=true',
      headers: h.as('analyst'),
      payload: { model: 'bgnbd', matrix_size: 6, calibration_end: '2018-01-31' },
    });
    expect(job.statusCode).toBe(202);
    const done = await waitForJob(h, body<{ job_id: string }>(job).job_id, 'analyst');
    expect(done).toMatchObject({ status: 'done', kind: 'ltv.plots' });
    expect(
      (done.result as { data: { calibration_vs_holdout: unknown[] } }).data.calibration_vs_holdout.length,
    ).toBeGreaterThan(0);

    for (const payload of [
      { source: { kind: 'summary', file: '/etc/passwd' } },
      { matrix_size: 1000 },
      { model: 'nonsense' },
    ]) {
      const bad = await h.inject({
        method: 'POST',
        url: '/api/v1/analysis/ltv/plots',
        headers: h.as('analyst'),
        payload,
      });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
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
