/**
 * Seeded simulation of BG/NBD customers (and Gamma-Gamma spend) for parameter-recovery
 * tests and the benchmark. The generative story is FHL 2005's: λ ~ Gamma(r, α) (rate α),
 * p ~ Beta(a, b); purchases arrive as a Poisson process with rate λ; after every repeat
 * purchase the customer drops out with probability p. Spend: ν ~ Gamma(q, γ), each
 * transaction's value ~ Gamma(p, ν) (rates). Pareto/NBD customers (Schmittlein et al. 1987)
 * instead drop out at an exponential time with rate μ ~ Gamma(s, β).
 */
import { Rng } from './random.ts';

export { Rng };

export interface BgNbdTruth {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * Simulated continuous-time BG/NBD summaries: customer i is observed for T[i] (drawn uniformly
 * from [tMin, tMax], rounded to `tStep`) after the first purchase.
 */
export function simulateBgNbdSummary(
  truth: BgNbdTruth,
  customers: number,
  options: { seed: number; tMin: number; tMax: number; tStep?: number },
): { frequency: Float64Array; recency: Float64Array; T: Float64Array } {
  const rng = new Rng(options.seed);
  const frequency = new Float64Array(customers);
  const recency = new Float64Array(customers);
  const T = new Float64Array(customers);
  const step = options.tStep ?? 0;
  for (let i = 0; i < customers; i++) {
    let t = options.tMin + (options.tMax - options.tMin) * rng.next();
    if (step > 0) t = Math.round(t / step) * step;
    const lambda = rng.gamma(truth.r, truth.alpha);
    const p = rng.beta(truth.a, truth.b);
    let now = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      now += rng.exponential(lambda);
      if (now > t) break;
      x++;
      last = now;
      if (rng.next() < p) break;
    }
    frequency[i] = x;
    recency[i] = last;
    T[i] = t;
  }
  return { frequency, recency, T };
}

export interface ParetoNbdTruth {
  readonly r: number;
  readonly alpha: number;
  readonly s: number;
  readonly beta: number;
}

/**
 * Simulated Pareto/NBD summaries: customer i is observed for T[i] (uniform on [tMin, tMax])
 * after the first purchase; λ ~ Gamma(r, α), μ ~ Gamma(s, β), the customer is alive for an
 * Exp(μ) time and buys as a Poisson process with rate λ while alive. With `tStep` (e.g. 1/7 for
 * days in weeks) T is rounded to the grid and the last purchase time rounded up to it (at most
 * T), as in day-granular data, so that histories repeat the way real summaries do.
 */
export function simulateParetoNbdSummary(
  truth: ParetoNbdTruth,
  customers: number,
  options: { seed: number; tMin: number; tMax: number; tStep?: number },
): { frequency: Float64Array; recency: Float64Array; T: Float64Array } {
  const rng = new Rng(options.seed);
  const frequency = new Float64Array(customers);
  const recency = new Float64Array(customers);
  const T = new Float64Array(customers);
  const step = options.tStep ?? 0;
  for (let i = 0; i < customers; i++) {
    let t = options.tMin + (options.tMax - options.tMin) * rng.next();
    if (step > 0) t = Math.round(t / step) * step;
    const lambda = rng.gamma(truth.r, truth.alpha);
    const mu = rng.gamma(truth.s, truth.beta);
    const end = Math.min(t, rng.exponential(mu));
    let now = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      now += rng.exponential(lambda);
      if (now > end) break;
      x++;
      last = now;
    }
    frequency[i] = x;
    recency[i] = x > 0 && step > 0 ? Math.min(t, Math.ceil(last / step) * step) : last;
    T[i] = t;
  }
  return { frequency, recency, T };
}

export interface SimulatedLogOptions {
  readonly seed: number;
  /** First purchases fall uniformly on days [0, cohortDays). */
  readonly cohortDays: number;
  /** Last observed day (inclusive), counted from day 0. */
  readonly endDay: number;
  /** Parameters per day. */
  readonly truth: BgNbdTruth;
  readonly spend: { readonly p: number; readonly q: number; readonly gamma: number };
}

/**
 * A day-granular transaction log of BG/NBD customers with Gamma-Gamma spend, delivered in
 * chunks of CSV text (`customer_id,date,value`, dates from 2017-01-01) to `write`.
 */
export function simulateTransactionLog(
  customers: number,
  options: SimulatedLogOptions,
  write: (chunk: string) => void,
): { transactions: number } {
  const rng = new Rng(options.seed);
  const base = Date.UTC(2017, 0, 1);
  const dayText: string[] = [];
  for (let d = 0; d <= options.endDay; d++)
    dayText.push(new Date(base + d * 86400000).toISOString().slice(0, 10));
  const { truth, spend } = options;
  let buf: string[] = ['customer_id,date,value\n'];
  let transactions = 0;
  const emit = (id: number, day: number, value: number) => {
    buf.push(`c${id},${dayText[day]},${value.toFixed(2)}\n`);
    transactions++;
    if (buf.length >= 8192) {
      write(buf.join(''));
      buf = [];
    }
  };
  for (let i = 0; i < customers; i++) {
    const first = Math.floor(rng.next() * options.cohortDays);
    const horizon = options.endDay - first;
    const lambda = rng.gamma(truth.r, truth.alpha);
    const p = rng.beta(truth.a, truth.b);
    const nu = rng.gamma(spend.q, spend.gamma);
    emit(i, first, rng.gamma(spend.p, nu));
    let now = 0;
    for (;;) {
      now += rng.exponential(lambda);
      if (now >= horizon + 1) break;
      emit(i, first + Math.floor(now), rng.gamma(spend.p, nu));
      if (rng.next() < p) break;
    }
  }
  if (buf.length) write(buf.join(''));
  return { transactions };
}
