import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import { register as registerAnalytics } from '../cli/commands/analytics.ts';
import { register as registerCohort } from '../cli/commands/cohort.ts';
import { register as registerRfm } from '../cli/commands/rfm.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { writeTestCsvDir } from './testData.ts';
import { MARKET_SPEC } from './testSpecs.ts';

/** Runs the analytics commands in-process on a data directory holding MARKET_SPEC, capturing stdout. */
describe('analytics CLI commands (rfm, cohort, overview, marketplace)', () => {
  let dataDir: string;
  let csvDir: string;
  let out: string;

  beforeAll(async () => {
    dataDir = tempDir('olist-cli-data-');
    csvDir = writeTestCsvDir(MARKET_SPEC, tempDir('olist-cli-csv-'));
    out = tempDir('olist-cli-out-');
    const ctx = await testContext(dataDir);
    await ingestDirectory(ctx.engine, ctx.catalog, { dir: csvDir });
    await ctx.close();
  });
  afterAll(() => {
    for (const d of [dataDir, csvDir, out]) removeDir(d);
  });

  async function run(...args: string[]): Promise<string> {
    const program = new Command('olist').exitOverride();
    registerRfm(program);
    registerCohort(program);
    registerAnalytics(program);
    let text = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    });
    try {
      await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    return text;
  }

  it('rfm prints per-customer rows as CSV with the documented columns', async () => {
    const lines = (await run('rfm', '--format', 'csv')).trim().split('\n');
    expect(lines[0]).toBe(
      'customer_unique_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment',
    );
    expect(lines).toHaveLength(5);
    // W: purchases 1 Mar (120) and 2 May (10), as of 3 May.
    expect(lines[1]).toMatch(/^W,1,2,130\.00,\d,\d,\d,\d{3},/);
  });

  it('rfm --out writes the same CSV through DuckDB COPY, and JSON/table formats work', async () => {
    const file = path.join(out, 'rfm.csv');
    const stdout = await run('rfm', '--format', 'csv');
    await run('rfm', '--format', 'csv', '--out', file);
    expect(readFileSync(file, 'utf8')).toBe(stdout);
    const json = JSON.parse(await run('rfm', '--format', 'json')) as { customer_unique_id: string }[];
    expect(json.map((r) => r.customer_unique_id)).toEqual(['W', 'X', 'Y', 'Z']);
    const table = (await run('rfm')).trimEnd().split('\n');
    expect(table[0]).toMatch(/^customer_unique_id\s+recency_days/);
    expect(table).toHaveLength(2 + 4);
  });

  it('rfm --segments prints thresholds, segments, Pareto, highlights and recommendations', async () => {
    const text = await run('rfm', '--segments');
    for (const heading of ['Score thresholds', 'Segments', 'Pareto', 'Highlights', 'Recommendations']) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/RFM as of 2018-05-03 \(data set version 1\): 4 customers, 6 purchases/);
    const csv = (await run('rfm', '--segments', '--format', 'csv')).trim().split('\n');
    expect(csv[0]).toMatch(/^segment,customers,share_customers_pct,revenue/);
    expect(csv).toHaveLength(1 + 11);
    const json = JSON.parse(await run('rfm', '--segments', '--format', 'json')) as {
      meta: { analysis: string };
    };
    expect(json.meta.analysis).toBe('rfm.summary');
  });

  it('rfm --segments-map uses a YAML map', async () => {
    const file = path.join(out, 'map.yml');
    writeFileSync(file, 'segments:\n  - name: Recent\n    r: [4, 5]\n  - name: Earlier\n');
    const csv = (await run('rfm', '--segments', '--format', 'csv', '--segments-map', file))
      .trim()
      .split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['Recent', 'Earlier']);
  });

  it('cohort prints long CSV rows and a matrix table', async () => {
    const lines = (await run('cohort', '--format', 'csv')).trim().split('\n');
    expect(lines[0]).toBe('cohort,cohort_size,period,customers,retention,revenue');
    // January cohort (X, Y) in period 0: both active, revenue o1 100 + o3 200.
    expect(lines[1]).toBe('2018-01,2,0,2,1,300');
    // Cohorts Jan (periods 0-4), Feb (0-3), Mar (0-2).
    expect(lines).toHaveLength(1 + 5 + 4 + 3);
    const table = await run('cohort', '--metric', 'cumulative_revenue');
    expect(table).toContain('cumulative_revenue_per_customer');
    expect(table).toMatch(/only partly observed/);
  });

  it('overview and marketplace print their views', async () => {
    const trend = (await run('overview', '--format', 'csv')).trim().split('\n');
    expect(trend[0]).toMatch(/^month,revenue,orders,customers/);
    expect(trend[1]).toMatch(/^2018-01,300,2,2,150,/);
    const cats = (await run('marketplace', '--view', 'categories', '--format', 'csv')).trim().split('\n');
    expect(cats.slice(1).map((l) => l.split(',')[0])).toEqual(['cama', 'esporte', '(none)']);
    expect(await run('marketplace')).toContain('Seller concentration: 3 sellers');
    await expect(run('marketplace', '--format', 'csv')).rejects.toThrow(/needs one --view/);
  });
});
