/**
 * Customer summaries and their compressed sufficient statistics.
 *
 * The purchase models' likelihoods depend on a customer only through (x, t_x, T), so a
 * fit runs over the unique triples with their counts. Inside the likelihoods the work is
 * split further: terms that depend on x alone (log-gammas, digammas) are computed once
 * per distinct x, and log(α + T), log(α + t_x) once per distinct T and t_x, so a
 * likelihood evaluation costs about one exp and one log1p per unique row.
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from './random.ts';

/** Compressed summary: unique (frequency, recency, T) rows and how many customers share each. */
export interface CompressedSummary {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
}

export type TimeUnit = 'days' | 'weeks';

/** Invalid input to the CLV models; an InputError, so the CLI exits 2 and the API answers 400. */
export class ClvInputError extends InputError {}

/** Checks the definitions every model assumes; throws ClvInputError naming the first offending row. */
export function validateSummaryArrays(
  frequency: Float64Array,
  recency: Float64Array,
  T: Float64Array,
  weight?: Float64Array,
): void {
  const n = frequency.length;
  if (recency.length !== n || T.length !== n || (weight && weight.length !== n)) {
    throw new ClvInputError('frequency, recency, T (and weight) must have the same length');
  }
  if (n === 0) throw new ClvInputError('the summary has no customers');
  for (let i = 0; i < n; i++) {
    const x = frequency[i] as number;
    const tx = recency[i] as number;
    const t = T[i] as number;
    if (!Number.isFinite(x) || !Number.isFinite(tx) || !Number.isFinite(t)) {
      throw new ClvInputError(`row ${i + 1}: frequency, recency and T must be finite numbers`);
    }
    if (x < 0 || tx < 0 || t < 0) throw new ClvInputError(`row ${i + 1}: negative frequency, recency or T`);
    if (tx > t * (1 + 1e-9) + 1e-9) {
      throw new ClvInputError(`row ${i + 1}: recency (${tx}) exceeds T (${t})`);
    }
    if (x === 0 && tx !== 0) throw new ClvInputError(`row ${i + 1}: recency must be 0 when frequency is 0`);
    if (weight) {
      const w = weight[i] as number;
      if (!(w >= 0) || !Number.isFinite(w)) throw new ClvInputError(`row ${i + 1}: weight must be >= 0`);
    }
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number, v: number): number {
  f64[0] = v === 0 ? 0 : v; // -0 and 0 hash alike
  h = Math.imul(h ^ (u32[0] as number), 0x9e3779b1);
  h = (h << 13) | (h >>> 19);
  h = Math.imul(h ^ (u32[1] as number), 0x85ebca77);
  return (h << 11) | (h >>> 21);
}

/**
 * Compresses per-customer (x, t_x, T) to unique rows with summed weights, keeping the map
 * from each customer to its row (open addressing on the raw float bits; O(n)).
 */
export function compressTriples(
  frequency: Float64Array,
  recency: Float64Array,
  T: Float64Array,
  weights?: Float64Array,
): { compressed: CompressedSummary; index: Int32Array } {
  const n = frequency.length;
  let cap = 16;
  while (cap < n * 2) cap <<= 1;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const index = new Int32Array(n);
  const ux = new Float64Array(n);
  const ur = new Float64Array(n);
  const uT = new Float64Array(n);
  const uw = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = frequency[i] as number;
    const r = recency[i] as number;
    const t = T[i] as number;
    let h = mix(mix(mix(0x12345, x), r), t) & mask;
    for (;;) {
      const slot = table[h] as number;
      if (slot < 0) {
        table[h] = m;
        ux[m] = x;
        ur[m] = r;
        uT[m] = t;
        uw[m] = weights ? (weights[i] as number) : 1;
        index[i] = m;
        m++;
        break;
      }
      if (ux[slot] === x && ur[slot] === r && uT[slot] === t) {
        uw[slot] = (uw[slot] as number) + (weights ? (weights[i] as number) : 1);
        index[i] = slot;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return {
    compressed: {
      frequency: ux.slice(0, m),
      recency: ur.slice(0, m),
      T: uT.slice(0, m),
      weight: uw.slice(0, m),
    },
    index,
  };
}

/** Distinct values of `values` and each element's index into them. */
export function distinct(values: Float64Array): { values: Float64Array; index: Int32Array } {
  const map = new Map<number, number>();
  const index = new Int32Array(values.length);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    let k = map.get(v);
    if (k === undefined) {
      k = out.length;
      map.set(v, k);
      out.push(v);
    }
    index[i] = k;
  }
  return { values: Float64Array.from(out), index };
}

/** Compressed purchase data with the value tables the likelihoods use. */
export interface PreparedPurchases {
  readonly n: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly w: Float64Array;
  readonly totalWeight: number;
  readonly xs: Float64Array;
  readonly xIdx: Int32Array;
  readonly xWeight: Float64Array;
  readonly Ts: Float64Array;
  readonly TIdx: Int32Array;
  readonly txs: Float64Array;
  readonly txIdx: Int32Array;
}

export function preparePurchases(c: CompressedSummary): PreparedPurchases {
  validateSummaryArrays(c.frequency, c.recency, c.T, c.weight);
  const n = c.frequency.length;
  const dx = distinct(c.frequency);
  const dT = distinct(c.T);
  const dtx = distinct(c.recency);
  const xWeight = new Float64Array(dx.values.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = c.weight[i] as number;
    total += w;
    const k = dx.index[i] as number;
    xWeight[k] = (xWeight[k] as number) + w;
  }
  if (!(total > 0)) throw new ClvInputError('the summary has zero total weight');
  return {
    n,
    x: c.frequency,
    tx: c.recency,
    T: c.T,
    w: c.weight,
    totalWeight: total,
    xs: dx.values,
    xIdx: dx.index,
    xWeight,
    Ts: dT.values,
    TIdx: dT.index,
    txs: dtx.values,
    txIdx: dtx.index,
  };
}

/** Unique (x, v) pairs of two per-row index arrays, and each row's pair index. */
export function pairIndex(
  a: Int32Array,
  b: Int32Array,
  nb: number,
): { a: Int32Array; b: Int32Array; index: Int32Array } {
  const map = new Map<number, number>();
  const index = new Int32Array(a.length);
  const pa: number[] = [];
  const pb: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const key = (a[i] as number) * nb + (b[i] as number);
    let k = map.get(key);
    if (k === undefined) {
      k = pa.length;
      map.set(key, k);
      pa.push(a[i] as number);
      pb.push(b[i] as number);
    }
    index[i] = k;
  }
  return { a: Int32Array.from(pa), b: Int32Array.from(pb), index };
}

/** Spend data for Gamma-Gamma: repeat buyers only (x > 0, mean repeat value > 0). */
export interface PreparedSpend {
  readonly n: number;
  readonly x: Float64Array;
  readonly m: Float64Array;
  readonly w: Float64Array;
  readonly logM: Float64Array;
  readonly totalWeight: number;
  readonly xs: Float64Array;
  readonly xIdx: Int32Array;
  readonly xWeight: Float64Array;
  /** Σ w·x·log m and Σ w·log m: constant parts of the log-likelihood and its p-gradient. */
  readonly sumWXLogM: number;
  readonly sumWLogM: number;
}

export function prepareSpend(
  frequency: Float64Array,
  monetary: Float64Array,
  weight?: Float64Array,
): PreparedSpend {
  const keep: number[] = [];
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i] as number;
    const m = monetary[i] as number;
    if (
      x > 0 &&
      m > 0 &&
      Number.isFinite(m) &&
      Number.isFinite(x) &&
      (!weight || (weight[i] as number) > 0)
    ) {
      keep.push(i);
    }
  }
  if (keep.length === 0) {
    throw new ClvInputError('Gamma-Gamma needs repeat buyers (frequency > 0) with a positive monetary value');
  }
  const n = keep.length;
  const x = new Float64Array(n);
  const m = new Float64Array(n);
  const w = new Float64Array(n);
  const logM = new Float64Array(n);
  let total = 0;
  let sumWXLogM = 0;
  let sumWLogM = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[k] as number;
    x[k] = frequency[i] as number;
    m[k] = monetary[i] as number;
    w[k] = weight ? (weight[i] as number) : 1;
    logM[k] = Math.log(m[k] as number);
    total += w[k] as number;
    sumWXLogM += (w[k] as number) * (x[k] as number) * (logM[k] as number);
    sumWLogM += (w[k] as number) * (logM[k] as number);
  }
  const dx = distinct(x);
  const xWeight = new Float64Array(dx.values.length);
  for (let k = 0; k < n; k++) {
    const j = dx.index[k] as number;
    xWeight[j] = (xWeight[j] as number) + (w[k] as number);
  }
  return {
    n,
    x,
    m,
    w,
    logM,
    totalWeight: total,
    xs: dx.values,
    xIdx: dx.index,
    xWeight,
    sumWXLogM,
    sumWLogM,
  };
}

/**
 * Horvitz–Thompson subsample of weighted rows: row i is kept with probability
 * π_i = min(1, f·w_i) and reweighted to w_i/π_i, so weighted sums (the log-likelihood) stay
 * unbiased. Used to find a warm start cheaply before polishing on all rows.
 */
export function subsampleRows(
  weight: Float64Array,
  targetRows: number,
  seed: number,
): { keep: Int32Array; weight: Float64Array } {
  const n = weight.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weight[i] as number;
  // Solve Σ min(1, f w_i) ≈ target by a few fixed-point steps (exact when no row is capped).
  let f = targetRows / total;
  for (let it = 0; it < 5; it++) {
    let capped = 0;
    let rest = 0;
    for (let i = 0; i < n; i++) {
      const w = weight[i] as number;
      if (f * w >= 1) capped++;
      else rest += w;
    }
    if (rest <= 0) break;
    f = Math.max(f, (targetRows - capped) / rest);
  }
  const rng = new Rng(seed);
  const keep: number[] = [];
  const w2: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weight[i] as number;
    if (!(w > 0)) continue;
    const pi = Math.min(1, f * w);
    if (pi >= 1 || rng.next() < pi) {
      keep.push(i);
      w2.push(w / pi);
    }
  }
  return { keep: Int32Array.from(keep), weight: Float64Array.from(w2) };
}

export function subsamplePurchases(d: PreparedPurchases, targetRows: number, seed = 1): PreparedPurchases {
  const s = subsampleRows(d.w, targetRows, seed);
  return preparePurchases({
    frequency: Float64Array.from(s.keep, (i) => d.x[i] as number),
    recency: Float64Array.from(s.keep, (i) => d.tx[i] as number),
    T: Float64Array.from(s.keep, (i) => d.T[i] as number),
    weight: s.weight,
  });
}

export function subsampleSpend(d: PreparedSpend, targetRows: number, seed = 1): PreparedSpend {
  const s = subsampleRows(d.w, targetRows, seed);
  return prepareSpend(
    Float64Array.from(s.keep, (i) => d.x[i] as number),
    Float64Array.from(s.keep, (i) => d.m[i] as number),
    s.weight,
  );
}
