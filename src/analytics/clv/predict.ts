/**
 * Predictions from fitted CLV models: per-customer expected purchases over a horizon,
 * P(alive), Gamma-Gamma expected average value and discounted CLV; the population expected
 * purchases curve; frequency/recency matrices for plotting.
 *
 * Per-customer work is done once per unique (x, t_x, T) and mapped back to customers.
 */
import { bgnbdConditionalExpected, bgnbdExpected, bgnbdExpectedIfAlive, bgnbdPAlive } from './bgnbd.ts';
import { ClvInputError, compressTriples, distinct, pairIndex, type TimeUnit } from './data.ts';
import type { PurchaseModelName } from './fit.ts';
import { gammaGammaConditionalExpected } from './gammagamma.ts';
import { mbgnbdConditionalExpected, mbgnbdExpected, mbgnbdExpectedIfAlive, mbgnbdPAlive } from './mbgnbd.ts';
import {
  paretonbdConditionalExpected,
  paretonbdExpected,
  paretonbdExpectedIfAlive,
  paretonbdPAlive,
} from './paretonbd.ts';

/** Time units per month used to discount CLV monthly (lifetimes: 30 days, 4.345 weeks). */
export const UNITS_PER_MONTH: Readonly<Record<TimeUnit, number>> = { days: 30, weeks: 4.345 };

/** P(alive | x, t_x, T). */
export function probabilityAlive(
  model: PurchaseModelName,
  p: Float64Array,
  x: number,
  tx: number,
  T: number,
): number {
  switch (model) {
    case 'bgnbd':
      return bgnbdPAlive(p, x, tx, T);
    case 'mbgnbd':
      return mbgnbdPAlive(p, x, tx, T);
    case 'paretonbd':
      return paretonbdPAlive(p, x, tx, T);
  }
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] for a customer with history (x, t_x, T). */
export function conditionalExpectedPurchases(
  model: PurchaseModelName,
  p: Float64Array,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  switch (model) {
    case 'bgnbd':
      return bgnbdConditionalExpected(p, t, x, tx, T);
    case 'mbgnbd':
      return mbgnbdConditionalExpected(p, t, x, tx, T);
    case 'paretonbd':
      return paretonbdConditionalExpected(p, t, x, tx, T);
  }
}

/** E[Y(t) | alive, x, T]: expected purchases in (T, T + t] of a customer still alive at T. */
export function expectedPurchasesIfAlive(
  model: PurchaseModelName,
  p: Float64Array,
  t: number,
  x: number,
  T: number,
): number {
  switch (model) {
    case 'bgnbd':
      return bgnbdExpectedIfAlive(p, t, x, T);
    case 'mbgnbd':
      return mbgnbdExpectedIfAlive(p, t, x, T);
    case 'paretonbd':
      return paretonbdExpectedIfAlive(p, t, x, T);
  }
}

/** E[X(t)]: expected repeat purchases in the first t time units of a new customer's life. */
export function expectedPurchases(model: PurchaseModelName, p: Float64Array, t: number): number {
  switch (model) {
    case 'bgnbd':
      return bgnbdExpected(p, t);
    case 'mbgnbd':
      return mbgnbdExpected(p, t);
    case 'paretonbd':
      return paretonbdExpected(p, t);
  }
}

export interface PredictOptions {
  /** Prediction horizon in the summary's time unit. */
  readonly horizon: number;
  /** Time units per month for monthly discounting (UNITS_PER_MONTH[unit]). */
  readonly unitsPerMonth: number;
  /** Monthly discount rate d: month m is discounted by (1 + d)^m. Default 0.01 (lifetimes' default). */
  readonly discountRate?: number;
  /** Gamma-Gamma parameters [p, q, gamma]; with `monetary`, enables expected_avg_value and clv. */
  readonly spendParams?: Float64Array | null;
}

export interface CustomerInput {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary?: Float64Array | null;
}

export interface CustomerPredictions {
  /** E[Y(horizon) | x, t_x, T]. */
  readonly expected_purchases: Float64Array;
  readonly p_alive: Float64Array;
  /** Σ_m (E[Y(t_m)] − E[Y(t_{m−1})]) / (1+d)^(t_m / unitsPerMonth): discounted expected purchases. */
  readonly discounted_purchases: Float64Array;
  /** Gamma-Gamma E[M | x, m̄], when spend parameters and monetary values were given. */
  readonly expected_avg_value: Float64Array | null;
  /** expected_avg_value × discounted_purchases. */
  readonly clv: Float64Array | null;
  readonly unique_rows: number;
}

/** Month boundaries t_1 < … < t_M = horizon (the last month may be partial). */
export function monthBoundaries(horizon: number, unitsPerMonth: number): number[] {
  if (!(horizon > 0) || !Number.isFinite(horizon))
    throw new ClvInputError('horizon must be a positive number');
  if (!(unitsPerMonth > 0)) throw new ClvInputError('unitsPerMonth must be positive');
  const months = Math.max(1, Math.ceil(horizon / unitsPerMonth - 1e-9));
  const out: number[] = [];
  for (let m = 1; m <= months; m++) out.push(Math.min(m * unitsPerMonth, horizon));
  return out;
}

/**
 * Per unique history (x, t_x, T): P(alive), E[Y(horizon)] and the discounted expected purchases
 * Σ_m (E[Y(t_m)] − E[Y(t_{m−1})]) / (1+d)^(t_m/unitsPerMonth) (lifetimes' customer_lifetime_value
 * discounting). Since E[Y(t) | x, t_x, T] = E[Y(t) | alive, x, T] · P(alive), the horizon series
 * are computed once per (x, T) pair and P(alive) once per history.
 */
export function evaluateHistories(
  model: PurchaseModelName,
  p: Float64Array,
  h: { readonly frequency: Float64Array; readonly recency: Float64Array; readonly T: Float64Array },
  boundaries: readonly number[],
  unitsPerMonth: number,
  discountRate: number,
): { expected: Float64Array; discounted: Float64Array; alive: Float64Array } {
  const m = h.frequency.length;
  const dx = distinct(h.frequency);
  const dT = distinct(h.T);
  const pairs = pairIndex(dx.index, dT.index, dT.values.length);
  const np = pairs.a.length;
  const pe = new Float64Array(np);
  const pd = new Float64Array(np);
  const discount = boundaries.map((t) => (1 + discountRate) ** (-t / unitsPerMonth));
  for (let k = 0; k < np; k++) {
    const x = dx.values[pairs.a[k] as number] as number;
    const T = dT.values[pairs.b[k] as number] as number;
    let prev = 0;
    let disc = 0;
    for (let j = 0; j < boundaries.length; j++) {
      const e = expectedPurchasesIfAlive(model, p, boundaries[j] as number, x, T);
      disc += (e - prev) * (discount[j] as number);
      prev = e;
    }
    pe[k] = prev;
    pd[k] = disc;
  }
  const expected = new Float64Array(m);
  const discounted = new Float64Array(m);
  const alive = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = probabilityAlive(model, p, h.frequency[i] as number, h.recency[i] as number, h.T[i] as number);
    const k = pairs.index[i] as number;
    alive[i] = a;
    expected[i] = a * (pe[k] as number);
    discounted[i] = a * (pd[k] as number);
  }
  return { expected, discounted, alive };
}

/** Per-customer predictions; work is done once per unique (x, t_x, T) and (x, T). */
export function predictCustomers(
  model: PurchaseModelName,
  p: Float64Array,
  input: CustomerInput,
  options: PredictOptions,
): CustomerPredictions {
  const n = input.frequency.length;
  const d = options.discountRate ?? 0.01;
  if (!(d > -1) || !Number.isFinite(d)) throw new ClvInputError('discount rate must be > -1');
  const bounds = monthBoundaries(options.horizon, options.unitsPerMonth);
  const { compressed, index } = compressTriples(input.frequency, input.recency, input.T);
  const m = compressed.frequency.length;
  const u = evaluateHistories(model, p, compressed, bounds, options.unitsPerMonth, d);
  const expected = new Float64Array(n);
  const alive = new Float64Array(n);
  const discounted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = index[i] as number;
    expected[i] = u.expected[k] as number;
    alive[i] = u.alive[k] as number;
    discounted[i] = u.discounted[k] as number;
  }
  let value: Float64Array | null = null;
  let clv: Float64Array | null = null;
  const sp = options.spendParams;
  const monetary = input.monetary;
  if (sp && monetary) {
    value = new Float64Array(n);
    clv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = gammaGammaConditionalExpected(sp, input.frequency[i] as number, monetary[i] as number);
      if (v === null) {
        value = null;
        clv = null;
        break;
      }
      value[i] = v;
      clv[i] = v * (discounted[i] as number);
    }
  }
  return {
    expected_purchases: expected,
    p_alive: alive,
    discounted_purchases: discounted,
    expected_avg_value: value,
    clv,
    unique_rows: m,
  };
}

export interface CurvePoint {
  readonly t: number;
  readonly expected_purchases: number;
}

/** Population curve E[X(t)] on an even grid from 0 to tMax. */
export function expectedPurchasesCurve(
  model: PurchaseModelName,
  p: Float64Array,
  tMax: number,
  points = 50,
): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (let i = 0; i <= points; i++) {
    const t = (tMax * i) / points;
    out.push({ t, expected_purchases: expectedPurchases(model, p, t) });
  }
  return out;
}

export interface FrequencyRecencyMatrix {
  readonly quantity: 'expected_purchases' | 'p_alive';
  /** Customer age T used for every cell (the largest T in the data, as lifetimes does). */
  readonly T: number;
  /** Horizon of expected purchases (for quantity 'expected_purchases'). */
  readonly t: number | null;
  readonly frequency: number[];
  readonly recency: number[];
  /** values[i][j] for recency[i], frequency[j]. */
  readonly values: number[][];
}

function grid(max: number, size: number, integer: boolean): number[] {
  if (max <= 0) return [0];
  const n = Math.min(size, integer ? Math.floor(max) + 1 : size);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = (max * i) / (n - 1);
    out.push(integer ? Math.round(v) : v);
  }
  return [...new Set(out)];
}

/** Frequency/recency matrix of E[Y(t)] or P(alive) at age T (lifetimes' plot_*_matrix data). */
export function frequencyRecencyMatrix(
  model: PurchaseModelName,
  p: Float64Array,
  options: {
    maxFrequency: number;
    T: number;
    t?: number;
    quantity: 'expected_purchases' | 'p_alive';
    size?: number;
  },
): FrequencyRecencyMatrix {
  const size = options.size ?? 40;
  const freqs = grid(options.maxFrequency, size, true);
  const recs = grid(options.T, size, false);
  const t = options.t ?? 1;
  const values = recs.map((tx) =>
    freqs.map((x) => {
      const rec = x === 0 ? 0 : tx; // a customer with no repeat purchase has recency 0
      return options.quantity === 'p_alive'
        ? probabilityAlive(model, p, x, rec, options.T)
        : conditionalExpectedPurchases(model, p, t, x, rec, options.T);
    }),
  );
  return {
    quantity: options.quantity,
    T: options.T,
    t: options.quantity === 'expected_purchases' ? t : null,
    frequency: freqs,
    recency: recs,
    values,
  };
}
