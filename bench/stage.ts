// One benchmark stage in its own process, so its peak RSS is its own. Prints one JSON line.

import { benchAnalytics } from '../src/analytics/bench.ts';
import { fitClv, predictClv, summarizeClv } from '../src/analytics/clv/index.ts';
import { cohorts, rfmSummary } from '../src/analytics/service.ts';
import { benchApi } from '../src/api/bench.ts';
import { type AppContext, openContext } from '../src/app/context.ts';
import { ingestDirectory } from '../src/ingest/ingest.ts';
import { generateDataset } from '../src/olist/generate/index.ts';
import { benchQuality } from '../src/quality/bench.ts';
import { benchCsvExport } from '../src/reports/bench.ts';

export interface StageResult {
  stage: string;
  customers: number;
  ms: number;
  peak_rss_mb: number;
  detail: Record<string, number | string>;
}

const [stage, customersArg, outDir, dataDir] = process.argv.slice(2);
const customers = Number(customersArg);
if (!stage || !Number.isInteger(customers) || !outDir || !dataDir) {
  throw new Error('usage: stage.ts <stage> <customers> <csvDir> <dataDir>');
}

/** Runs `fn` on the ingested data set of this size, with the result cache kept in memory only. */
async function withData<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext({
    env: { OLIST_ENV: 'test', OLIST_CACHE__DISK: 'false' },
    overrides: { data_dir: dataDir },
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

async function run(): Promise<Omit<StageResult, 'stage' | 'customers' | 'peak_rss_mb'>> {
  const started = performance.now();
  switch (stage) {
    case 'generate': {
      const r = await generateDataset({ customers, seed: 7, outDir: outDir! });
      const rows = Object.values(r.files).reduce((s, f) => s + f.rows, 0);
      const ms = performance.now() - started;
      return { ms, detail: { rows, orders: r.orders, rows_per_s: Math.round(rows / (ms / 1000)) } };
    }
    case 'ingest': {
      const ctx = await openContext({ env: { OLIST_ENV: 'test' }, overrides: { data_dir: dataDir } });
      try {
        const r = await ingestDirectory(ctx.engine, ctx.catalog, { dir: outDir! });
        const rows = Object.values(r.rowCounts).reduce((s, n) => s + n, 0);
        const ms = performance.now() - started;
        return {
          ms,
          detail: { rows, orders: r.rowCounts.orders, rows_per_s: Math.round(rows / (ms / 1000)) },
        };
      } finally {
        await ctx.close();
      }
    }
    case 'quality':
      return withData(async (ctx) => {
        const ds = await ctx.currentDataset();
        const r = await benchQuality(ctx, ds, { previous: null });
        return {
          ms: performance.now() - started,
          detail: {
            rows: r.rows,
            rules: r.rules,
            suite_ms: Math.round(r.suite_ms),
            profile_ms: Math.round(r.profile_ms),
          },
        };
      });
    case 'export':
      return withData(async (ctx) => {
        const r = await benchCsvExport(ctx, await ctx.currentDataset());
        return {
          ms: performance.now() - started,
          detail: { rfm_csv_rows: r.rows, bytes: r.bytes, export_ms: Math.round(r.ms) },
        };
      });
    case 'rfm_cohorts':
      // Only RFM with segments and monthly cohorts, so the peak RSS is theirs (issue 4's < 1 GB).
      return withData(async (ctx) => {
        let t0 = performance.now();
        await rfmSummary(ctx, {});
        const rfm = Math.round(performance.now() - t0);
        t0 = performance.now();
        await cohorts(ctx, {});
        return {
          ms: performance.now() - started,
          detail: { rfm_segments_ms: rfm, cohorts_month_ms: Math.round(performance.now() - t0) },
        };
      });
    case 'analytics':
      return withData(async (ctx) => {
        const r = await benchAnalytics(ctx, await ctx.currentDataset());
        return { ms: performance.now() - started, detail: r.timings_ms };
      });
    case 'api':
      return withData(async (ctx) => {
        const r = await benchApi(ctx, { durationSeconds: 10, connections: 16, rate: 500, uncachedRuns: 5 });
        const detail: Record<string, number | string> = {};
        for (const sc of r.scenarios) {
          detail[`${sc.name}_p50_ms`] = sc.p50_ms;
          detail[`${sc.name}_p95_ms`] = sc.p95_ms;
          detail[`${sc.name}_p99_ms`] = sc.p99_ms;
          detail[`${sc.name}_rps`] = Math.round(sc.throughput_rps);
          detail[`${sc.name}_unexpected`] = sc.unexpected;
        }
        return { ms: performance.now() - started, detail };
      });
    case 'clv':
      return withData(async (ctx) => {
        const detail: Record<string, number> = {};
        const time = async (key: string, fn: () => Promise<unknown>) => {
          const t0 = performance.now();
          await fn();
          detail[key] = Math.round(performance.now() - t0);
        };
        await time('summary_ms', () => summarizeClv(ctx, { unit: 'weeks' }));
        // The 5 s target: BG/NBD + Gamma-Gamma fit and predictions for every customer.
        await time('bgnbd_gg_fit_and_predict_ms', () =>
          predictClv(ctx, { model: 'bgnbd', unit: 'weeks', horizon: 52, limit: 10 }),
        );
        for (const model of ['bgnbd', 'mbgnbd', 'paretonbd', 'gammagamma'] as const) {
          await time(`fit_${model}_ms`, () => fitClv(ctx, { model, unit: 'weeks' }));
        }
        return { ms: performance.now() - started, detail };
      });
    default:
      throw new Error(`unknown stage ${stage}`);
  }
}

const r = await run();
const result: StageResult = {
  stage,
  customers,
  ms: Math.round(r.ms),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  detail: r.detail,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
