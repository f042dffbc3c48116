import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData, realSampleDir, removeDir, tempDir, testContext } from '../../../test/fixtures.ts';
import type { AppContext } from '../../app/context.ts';
import { Engine } from '../../engine/engine.ts';
import { ingestDirectory } from '../../ingest/ingest.ts';
import { writeTestCsvDir } from '../testData.ts';
import { MARKET_SPEC } from '../testSpecs.ts';
import { paramVector } from './fit.ts';
import { conditionalExpectedPurchases, expectedPurchases, probabilityAlive } from './predict.ts';
import { clvPlotData, fitClv, predictClv, summarizeClv, validateClv } from './service.ts';
import {
  CDNOW_SAMPLE,
  CDNOW_SUMMARY,
  CDNOW_WITH_TX,
  cdnowSkipReason,
  hasCdnow,
  sig3,
} from './testFixtures.ts';

const CDNOW_LOG = {
  kind: 'transactions',
  file: CDNOW_SAMPLE,
  customer_col: '2',
  date_col: '3',
  value_col: '5',
  date_format: '%Y%m%d',
} as const;

describe.skipIf(!hasCdnow)(`CLV services on CDNOW files ${hasCdnow ? '' : cdnowSkipReason}`, () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.memory();
  });
  afterAll(() => engine.close());

  it('fitClv: literature parameter names, loglik, convergence and uniform metadata', async () => {
    const r = await fitClv({ engine }, { source: { kind: 'summary', file: CDNOW_SUMMARY }, model: 'bgnbd' });
    expect(r.meta).toMatchObject({
      analysis: 'clv.fit.bgnbd',
      dataset_version: null,
      rows: { customers: 2357 },
    });
    expect(r.meta.definitions.frequency).toMatch(/repeat purchase/);
    expect(r.meta.timings_ms.fit).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.data.fit.params)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(Object.keys(r.data.fit.standard_errors)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(r.data.fit.convergence.converged).toBe(true);
    expect(Math.abs(r.data.fit.loglik! - -9582.4)).toBeLessThanOrEqual(0.1);

    const gg = await fitClv(
      { engine },
      { source: { kind: 'summary', file: CDNOW_WITH_TX }, model: 'gammagamma' },
    );
    expect(Object.keys(gg.data.fit.params)).toEqual(['p', 'q', 'gamma']);
    expect(gg.data.fit.n_customers).toBe(946);
    expect(gg.data.independence?.pearson_frequency_monetary).toBeCloseTo(0.113884, 6); // lifetimes docs
    expect(gg.data.independence?.assumption_plausible).toBe(true);
  });

  it('predictClv: per-customer columns carry the id; saved parameters give the same predictions', async () => {
    const source = { kind: 'summary', file: CDNOW_WITH_TX } as const;
    const fitted = await predictClv({ engine }, { source, horizon: 52, unit: 'weeks' });
    const d = fitted.data;
    expect(d.columns).toEqual([
      'ID',
      'frequency',
      'recency',
      'T',
      'monetary_value',
      'expected_purchases',
      'p_alive',
      'expected_avg_value',
      'clv',
    ]);
    expect(d.customers).toHaveLength(2357);
    expect(d.customers[0]).toMatchObject({ ID: '1', frequency: 2 });
    expect(d.units_per_month).toBe(4.345);
    expect(d.totals.clv).toBeGreaterThan(0);
    const again = await predictClv(
      { engine },
      {
        source,
        horizon: 52,
        saved_params: { purchase: d.purchase_params, spend: d.spend_params! },
        sort: 'clv',
        limit: 3,
      },
    );
    expect(again.data.purchase_fit).toBeNull();
    expect(again.data.customers).toHaveLength(3);
    const top = again.data.customers[0]!;
    const same = d.customers.find((c) => c.ID === top.ID)!;
    expect(top.clv).toBe(same.clv);
    expect(top.clv).toBe(Math.max(...d.customers.map((c) => c.clv as number)));
    // Without monetary values there is no value or CLV column.
    const plain = await predictClv(
      { engine },
      { source: { kind: 'summary', file: CDNOW_SUMMARY }, horizon: 10 },
    );
    expect(plain.data.columns).not.toContain('clv');
    expect(plain.data.spend_params).toBeNull();
  });

  it("validateClv reproduces BTYD's walkthrough on CDNOW_sample (Pareto/NBD, 39-week holdout)", async () => {
    const r = await validateClv(
      { engine },
      {
        source: CDNOW_LOG,
        calibration_end: '1997-09-30',
        observation_end: '1998-06-30',
        models: ['paretonbd'],
      },
    );
    const d = r.data;
    expect([d.customers, d.holdout_duration, d.holdout_purchases]).toEqual([2357, 39, 1882]);
    const m = d.models[0]!;
    // BTYD: round(params, 3) = 0.553 10.580 0.606 11.656 on the same (unrounded) summary.
    const p = m.fit.params;
    expect([sig3(p.r!), sig3(p.alpha!), sig3(p.s!), sig3(p.beta!)]).toEqual([
      '0.553',
      '10.6',
      '0.606',
      '11.7',
    ]);
    // pnbd.PlotFreqVsConditionalExpectedFrequency(params, T.star = 39, cal.cbs, x.star, censor = 7):
    const act = [0.237, 0.697, 1.393, 1.56, 2.532, 2.947, 3.862, 6.359];
    const exp = [0.138, 0.6, 1.196, 1.714, 2.399, 2.907, 3.819, 6.403];
    const bins = [1411, 439, 214, 100, 62, 38, 29, 64];
    expect(m.groups.map((g) => g.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(m.groups.map((g) => g.customers)).toEqual(bins);
    expect(m.groups.map((g) => Math.round(g.actual_mean * 1000) / 1000)).toEqual(act);
    // Expected means within 0.0015: BTYD's optimiser stops at a slightly different point on the flat β ridge.
    for (const [i, g] of m.groups.entries())
      expect(Math.abs(g.predicted_mean - exp[i]!)).toBeLessThan(0.0015);
    expect(m.metrics.actual_total).toBe(1882);
    expect(m.metrics.total_error_pct).toBeCloseTo(((m.metrics.predicted_total - 1882) / 1882) * 100, 10);

    // Customer 1516 (x = 26, t.x = 30.85714, T.cal = 31) and the "increasing frequency paradox".
    const vec = paramVector('paretonbd', m.fit);
    expect(conditionalExpectedPurchases('paretonbd', vec, 52, 26, 30.85714, 31) / 25.45647 - 1).toBeLessThan(
      1e-4,
    );
    expect(probabilityAlive('paretonbd', vec, 26, 30.85714, 31)).toBeCloseTo(0.997874, 5);
    const paradox: [number, number][] = [
      [10, 0.7062289],
      [15, 0.1442396],
      [20, 0.02250658],
      [25, 0.00309267],
    ];
    for (const [x, e] of paradox) {
      expect(Math.abs(conditionalExpectedPurchases('paretonbd', vec, 52, x, 20, 39) / e - 1)).toBeLessThan(
        1.5e-3,
      );
    }

    // Tracking: the cohort's cumulative repeat purchases end at Σ calibration x + holdout purchases.
    const summary = await summarizeClv(
      { engine },
      { source: CDNOW_LOG, calibration_end: '1997-09-30', observation_end: '1998-06-30' },
    );
    const calibrationRepeats = summary.data.customers.reduce((s, c) => s + (c.frequency as number), 0);
    const last = m.tracking!.at(-1)!;
    expect(last.actual_cumulative).toBe(calibrationRepeats + 1882);
    expect(m.tracking!.length).toBe(78);
    // Expected at the end = Σ_i E[X(T_i + 39)]: each customer's age at the observation end.
    let direct = 0;
    for (const c of summary.data.customers) {
      direct += expectedPurchases('paretonbd', vec, (c.T as number) + 39);
    }
    expect(last.expected_cumulative).toBeCloseTo(direct, 6);
  });

  it('clvPlotData returns matrices, the expected purchases curve and holdout comparison', async () => {
    const r = await clvPlotData(
      { engine },
      { source: CDNOW_LOG, calibration_end: '1997-09-30', observation_end: '1998-06-30', matrix_size: 10 },
    );
    const d = r.data;
    expect(d.frequency_recency.p_alive.values).toHaveLength(d.frequency_recency.p_alive.recency.length);
    expect(d.frequency_recency.expected_purchases.t).toBe(1);
    expect(d.expected_purchases_curve[0]).toEqual({ t: 0, expected_purchases: 0 });
    expect(d.calibration_vs_holdout?.[0]?.customers).toBe(1411);
    expect(d.tracking?.length).toBe(78);
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });
});

describe('CLV on the loaded data set (architecture definitions)', () => {
  let ctx: AppContext;
  let csvDir: string;
  beforeAll(async () => {
    ctx = await testContext();
    csvDir = writeTestCsvDir(MARKET_SPEC, tempDir('olist-clv-market-'));
    await ingestDirectory(ctx.engine, ctx.catalog, { dir: csvDir });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(csvDir);
    removeDir(ctx.dataDir);
  });

  it('summarises customer_unique_id purchases (canceled excluded, payments summed) up to the as-of date', async () => {
    const r = await summarizeClv(ctx, { unit: 'days' });
    expect(r.meta).toMatchObject({
      analysis: 'clv.summary',
      dataset_version: 1,
      params: { as_of: '2018-05-03' },
    });
    expect(r.meta.definitions.purchase).toMatch(/canceled or unavailable/);
    const byId = Object.fromEntries(r.data.customers.map((c) => [c.customer_id, c]));
    // X: 01-10 (100), 02-05 (50). Y: 01-20 (o5 canceled). Z: 02-10 (shipped counts). W: 03-01 (60+60), 05-02 (10).
    expect(byId.X).toMatchObject({ frequency: 1, recency: 26, T: 113, monetary_value: 50 });
    expect(byId.Y).toMatchObject({ frequency: 0, recency: 0, T: 103, monetary_value: 0 });
    expect(byId.Z).toMatchObject({ frequency: 0, recency: 0, T: 82, monetary_value: 0 });
    expect(byId.W).toMatchObject({ frequency: 1, recency: 62, T: 63, monetary_value: 10 });
    const cal = await summarizeClv(ctx, { unit: 'days', calibration_end: '2018-03-31' });
    const w = cal.data.customers.find((c) => c.customer_id === 'W')!;
    expect(w).toMatchObject({ frequency: 0, T: 30, frequency_holdout: 1, value_holdout: 10 });
  });

  it('fits on four customers without NaN, saying whether it converged', async () => {
    const r = await fitClv(ctx, { model: 'bgnbd', unit: 'days' });
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
    expect(typeof r.data.fit.convergence.reason).toBe('string');
    const again = await fitClv(ctx, { model: 'bgnbd', unit: 'days' });
    expect(again.meta.cached).toBe(true);
  });
});

describe.skipIf(!hasRealData)('CLV on the real Olist 4,000-order sample', () => {
  let ctx: AppContext;
  let dir: string;
  beforeAll(async () => {
    ctx = await testContext();
    dir = realSampleDir();
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(dir);
    removeDir(ctx.dataDir);
  });

  it('fits BG/NBD and Gamma-Gamma and predicts, all finite', async () => {
    const fit = await fitClv(ctx, { model: 'bgnbd' });
    expect(fit.meta.rows.customers).toBeGreaterThan(3000);
    for (const value of Object.values(fit.data.fit.params)) expect(Number.isFinite(value)).toBe(true);
    const pred = await predictClv(ctx, { horizon: 52, sort: 'clv', limit: 10 });
    expect(pred.data.customers).toHaveLength(10);
    expect(JSON.stringify(pred)).not.toMatch(/NaN|Infinity/);
  });
});
