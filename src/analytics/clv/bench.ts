/**
 * CLV benchmark: simulates a day-granular BG/NBD + Gamma-Gamma transaction log of N
 * customers, then times the summary (DuckDB, from the CSV), compression, the fit of each
 * model and the per-customer predictions. With Pareto/NBD among the models it also times a
 * Pareto/NBD fit on an Olist-shaped summary of N customers (97% one-time buyers, α ≫ β: the
 * regime where the likelihood's 2F1 has z near 1). `bench/run.ts` can call `benchClv` as a stage.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../engine/engine.ts';
import { compressTriples, preparePurchases, prepareSpend } from './data.ts';
import { type ClvModelName, fitGammaGamma, fitPurchaseModel, paramVector } from './fit.ts';
import { predictCustomers, UNITS_PER_MONTH } from './predict.ts';
import { simulateParetoNbdSummary, simulateTransactionLog } from './simulate.ts';
import { summaryFromTransactions } from './summary.ts';

export interface ClvBenchOptions {
  /** Folder for the simulated transaction log (default: the OS temp folder); the file is removed afterwards. */
  readonly dir?: string;
  readonly seed?: number;
  /** Models to fit (default all four). BG/NBD and Gamma-Gamma are always fitted for the predictions. */
  readonly models?: readonly ClvModelName[];
  readonly threads?: number;
  /** DuckDB memory limit for the summary (default 600MB). */
  readonly memoryLimit?: string;
}

export interface ClvBenchResult {
  /** BG/NBD + Gamma-Gamma fit and predictions, the target figure (ms). */
  readonly ms: number;
  readonly detail: Record<string, number | string>;
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

export async function benchClv(customers: number, options: ClvBenchOptions = {}): Promise<ClvBenchResult> {
  const dir = options.dir ?? os.tmpdir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `clv-bench-${customers}-${process.pid}.csv`);
  const detail: Record<string, number | string> = { customers };
  const time = async <T>(key: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const v = await fn();
    detail[key] = Math.round(performance.now() - t0);
    return v;
  };
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().rss);
  };
  // Weekly truth close to CDNOW's, expressed per day; first purchases spread over a year, observed for two.
  const truth = { r: 0.25, alpha: 4.4 * 7, a: 0.8, b: 2.4 };
  const sim = await time('simulate_ms', () => {
    const fd = openSync(file, 'w');
    try {
      return simulateTransactionLog(
        customers,
        {
          seed: options.seed ?? 20240601,
          cohortDays: 365,
          endDay: 729,
          truth,
          spend: { p: 6, q: 4, gamma: 15 },
        },
        (chunk) => writeSync(fd, chunk),
      );
    } finally {
      closeSync(fd);
    }
  });
  detail.transactions = sim.transactions;
  const engine = await Engine.open({
    path: ':memory:',
    threads: options.threads ?? Math.max(1, Math.min(8, os.cpus().length)),
    // Enough for a million customers; bounds DuckDB's buffer pool so peak RSS stays well under 1 GB.
    memoryLimit: options.memoryLimit ?? '600MB',
  });
  try {
    const summary = await time('summary_ms', () =>
      summaryFromTransactions(
        engine,
        { file, customerCol: 'customer_id', dateCol: 'date', valueCol: 'value' },
        { unit: 'weeks' },
      ),
    );
    sample();
    rmSync(file, { force: true });
    const { compressed } = await time('compress_ms', () =>
      compressTriples(summary.frequency, summary.recency, summary.T),
    );
    detail.unique_rows = compressed.frequency.length;
    const prepared = preparePurchases(compressed);
    const spend = await time('prepare_spend_ms', () =>
      prepareSpend(summary.frequency, summary.monetary as Float64Array),
    );
    detail.repeat_buyers = spend.n;
    const models = options.models ?? ['bgnbd', 'mbgnbd', 'paretonbd', 'gammagamma'];
    const bg = await time('fit_bgnbd_ms', () => fitPurchaseModel('bgnbd', prepared));
    detail.bgnbd_converged = String(bg.convergence.converged);
    sample();
    const gg = await time('fit_gammagamma_ms', () => fitGammaGamma(spend));
    detail.gammagamma_converged = String(gg.convergence.converged);
    const pred = await time('predict_bgnbd_clv_ms', () =>
      predictCustomers(
        'bgnbd',
        paramVector('bgnbd', bg),
        { frequency: summary.frequency, recency: summary.recency, T: summary.T, monetary: summary.monetary },
        {
          horizon: 52,
          unitsPerMonth: UNITS_PER_MONTH.weeks,
          discountRate: 0.01,
          spendParams: paramVector('gammagamma', gg),
        },
      ),
    );
    sample();
    detail.prediction_unique_rows = pred.unique_rows;
    const target =
      (detail.compress_ms as number) +
      (detail.prepare_spend_ms as number) +
      (detail.fit_bgnbd_ms as number) +
      (detail.fit_gammagamma_ms as number) +
      (detail.predict_bgnbd_clv_ms as number);
    detail.bgnbd_gg_fit_predict_ms = target;
    for (const m of models) {
      if (m === 'bgnbd' || m === 'gammagamma') continue;
      const f = await time(`fit_${m}_ms`, () => fitPurchaseModel(m, prepared));
      detail[`${m}_converged`] = String(f.convergence.converged);
      sample();
    }
    if (models.includes('paretonbd')) {
      // Olist-shaped: truth = the Pareto/NBD fit on a 100k-customer Olist data set (weeks), first
      // purchases spread over 110 weeks, day grid.
      const olist = simulateParetoNbdSummary({ r: 16, alpha: 2500, s: 0.384, beta: 0.0563 }, customers, {
        seed: (options.seed ?? 20240601) + 1,
        tMin: 0,
        tMax: 110,
        tStep: 1 / 7,
      });
      const olistPrepared = preparePurchases(
        compressTriples(olist.frequency, olist.recency, olist.T).compressed,
      );
      detail.paretonbd_olist_unique_rows = olistPrepared.n;
      const f = await time('fit_paretonbd_olist_ms', () => fitPurchaseModel('paretonbd', olistPrepared));
      detail.paretonbd_olist_converged = String(f.convergence.converged);
      sample();
    }
    sample();
    detail.peak_rss_mb = mb(Math.max(peakHeap, process.resourceUsage().maxRSS * 1024));
    detail.bgnbd_params = Object.entries(bg.params)
      .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
      .join(' ');
    return { ms: target, detail };
  } finally {
    engine.close();
    rmSync(file, { force: true });
  }
}
