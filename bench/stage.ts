// One benchmark stage in its own process, so its peak RSS is its own. Prints one JSON line.
import { openContext } from '../src/app/context.ts';
import { ingestDirectory } from '../src/ingest/ingest.ts';
import { generateDataset } from '../src/olist/generate/index.ts';

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
        return { ms, detail: { rows, orders: r.rowCounts.orders, rows_per_s: Math.round(rows / (ms / 1000)) } };
      } finally {
        await ctx.close();
      }
    }
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
