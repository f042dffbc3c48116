import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { InputError, OlistError } from '../core/errors.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import type { RfmCustomerRow } from './rfm.ts';
import {
  cohorts,
  marketplace,
  overview,
  rfmCustomers,
  rfmExport,
  rfmExportCsv,
  rfmParamsSchema,
  rfmStreamCustomers,
  rfmSummary,
} from './service.ts';
import { writeTestCsvDir } from './testData.ts';
import { MARKET_SPEC } from './testSpecs.ts';

describe('analytics service layer (ingested CSV folder, app context, result cache)', () => {
  let ctx: AppContext;
  let csvDir: string;
  let out: string;

  beforeAll(async () => {
    ctx = await testContext();
    csvDir = writeTestCsvDir(MARKET_SPEC, tempDir('olist-market-'));
    out = tempDir('olist-export-');
    await ingestDirectory(ctx.engine, ctx.catalog, { dir: csvDir });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(csvDir);
    removeDir(out);
    removeDir(ctx.dataDir);
  });

  it('returns the RFM summary with uniform metadata, then serves it from the cache', async () => {
    const first = await rfmSummary(ctx);
    expect(first.meta).toMatchObject({
      analysis: 'rfm.summary',
      dataset_version: 1,
      params: { as_of: '2018-05-03' }, // the day after W's purchase of 2 May
      rows: { customers: 4, purchases: 6 },
      cached: false,
    });
    expect(first.meta.definitions.purchase).toMatch(/canceled or unavailable/);
    expect(first.meta.timings_ms.total).toBeGreaterThanOrEqual(0);
    expect(first.data.customers).toBe(4);
    const again = await rfmSummary(ctx, {});
    expect(again.meta.cached).toBe(true);
    expect(again.data).toEqual(first.data);
    // A different parameter is a different cache entry.
    expect((await rfmSummary(ctx, { as_of: '2018-04-01' })).meta.cached).toBe(false);
  });

  it('pages per-customer rows by keyset until the end', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await rfmCustomers(ctx, {}, { limit: 3, ...(after ? { after } : {}) });
      expect(page.data.total_customers).toBe(4);
      seen.push(...page.data.rows.map((r) => r.customer_unique_id));
      if (!page.data.next_after) break;
      after = page.data.next_after;
    }
    expect(seen).toEqual(['W', 'X', 'Y', 'Z']);
    const w = (await rfmCustomers(ctx, {}, { limit: 1 })).data.rows[0]!;
    // W: o6 (60 + 60) on 1 Mar and o7 (10) on 2 May; as of 3 May.
    expect(w).toMatchObject({ customer_unique_id: 'W', recency_days: 1, frequency: 2, monetary: 130 });
  });

  it('streams and exports the same rows (CSV with the documented header, JSON array)', async () => {
    const streamed: RfmCustomerRow[] = [];
    const meta = await rfmStreamCustomers(ctx, {}, (rows) => {
      streamed.push(...rows);
    });
    expect(meta.rows.customers).toBe(4);
    expect(streamed.map((r) => r.customer_unique_id)).toEqual(['W', 'X', 'Y', 'Z']);

    const csvFile = path.join(out, 'rfm.csv');
    const csvMeta = await rfmExportCsv(ctx, {}, csvFile);
    expect(csvMeta).toMatchObject({ analysis: 'rfm.export', dataset_version: 1, rows: { customers: 4 } });
    const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customer_unique_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment',
    );
    const w = streamed[0]!;
    expect(lines[1]).toBe(
      [
        w.customer_unique_id,
        w.recency_days,
        w.frequency,
        w.monetary.toFixed(2),
        w.r_score,
        w.f_score,
        w.m_score,
        w.rfm_score,
        w.segment,
      ].join(','),
    );
    const jsonFile = path.join(out, 'rfm.json');
    await rfmExport(ctx, {}, jsonFile, 'json');
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toEqual(streamed);
  });

  it('accepts a custom segment map as a parameter, and already-parsed parameters', async () => {
    const map = { segments: [{ name: 'Recent', r: [4, 5] as [number, number] }, { name: 'Others' }] };
    const result = await rfmSummary(ctx, { segment_map: map });
    expect(result.data.segment_map).toEqual({ kind: 'custom', segments: ['Recent', 'Others'] });
    expect(result.data.segments.reduce((s, x) => s + x.customers, 0)).toBe(4);
    expect(result.data.recommendations[0]?.action).toBeTruthy();
    // The API layer validates first and passes the parsed value on: it must be accepted as is.
    const parsed = rfmParamsSchema.parse({ segment_map: map, states: 'sp' });
    expect((await rfmSummary(ctx, parsed)).data.customers).toBe(1);
  });

  it('rejects invalid parameters with an input error naming the field', async () => {
    await expect(rfmSummary(ctx, { as_of: '2018-13-01' })).rejects.toThrow(InputError);
    try {
      await cohorts(ctx, { period: 'year' } as unknown as Parameters<typeof cohorts>[1]);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details[0]?.location).toBe('period');
    }
    await expect(overview(ctx, { nope: 1 } as unknown as Parameters<typeof overview>[1])).rejects.toThrow(
      /invalid overview parameters/,
    );
    await expect(rfmCustomers(ctx, {}, { limit: 0 })).rejects.toThrow(InputError);
  });

  it('refuses a data set version that does not exist', async () => {
    await expect(marketplace(ctx, { dataset_version: 99 })).rejects.toThrow(OlistError);
  });

  it('runs cohorts, overview and marketplace through the cache with metadata', async () => {
    const c = await cohorts(ctx, { period: 'month' });
    expect(c.meta).toMatchObject({ analysis: 'cohorts', params: { period: 'month', as_of: '2018-05-03' } });
    // First purchases: X Jan, Y Jan, Z Feb, W Mar.
    expect(c.data.cohorts.map((x) => [x.cohort, x.size])).toEqual([
      ['2018-01', 2],
      ['2018-02', 1],
      ['2018-03', 1],
    ]);
    const o = await overview(ctx, { from: '2018-01-01' });
    expect(o.meta.params).toEqual({ from: '2018-01-01' });
    expect(o.data.kpis.revenue).toBe(510);
    const m = await marketplace(ctx);
    expect(m.meta.rows).toEqual({ purchases: 6, states: 3, categories: 3, sellers: 3 });
    expect((await marketplace(ctx)).meta.cached).toBe(true);
  });
});
