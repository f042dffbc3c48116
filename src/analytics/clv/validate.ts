/**
 * Calibration/holdout validation of the purchase models: predicted vs actual holdout
 * purchases per calibration-frequency group (BTYD's PlotFreqVsConditionalExpectedFrequency),
 * per-customer error figures, and the tracking of actual vs expected cumulative repeat
 * purchases over calendar time (BTYD's PlotTrackingCum).
 */
import { compressTriples } from './data.ts';
import type { PurchaseModelName } from './fit.ts';
import { evaluateHistories, expectedPurchases } from './predict.ts';

export interface HoldoutGroup {
  /** Calibration frequency ("0", "1", …, or e.g. "7+" for the censored group). */
  readonly frequency: string;
  readonly customers: number;
  readonly actual_mean: number;
  readonly predicted_mean: number;
  readonly actual_total: number;
  readonly predicted_total: number;
}

export interface ErrorMetrics {
  readonly customers: number;
  /** Mean absolute error of per-customer holdout purchases. */
  readonly mae: number;
  /** Root mean squared error of per-customer holdout purchases. */
  readonly rmse: number;
  readonly actual_total: number;
  readonly predicted_total: number;
  /** (predicted total − actual total) / actual total × 100; null when there were no holdout purchases. */
  readonly total_error_pct: number | null;
}

export function errorMetrics(actual: Float64Array, predicted: Float64Array): ErrorMetrics {
  const n = actual.length;
  let ae = 0;
  let se = 0;
  let ta = 0;
  let tp = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    ae += Math.abs(p - a);
    se += (p - a) * (p - a);
    ta += a;
    tp += p;
  }
  return {
    customers: n,
    mae: n ? ae / n : 0,
    rmse: n ? Math.sqrt(se / n) : 0,
    actual_total: ta,
    predicted_total: tp,
    total_error_pct: ta > 0 ? ((tp - ta) / ta) * 100 : null,
  };
}

/** Conditional expected holdout purchases for every customer (once per unique history). */
export function predictHoldout(
  model: PurchaseModelName,
  p: Float64Array,
  cal: { readonly frequency: Float64Array; readonly recency: Float64Array; readonly T: Float64Array },
  duration: number,
): Float64Array {
  const { compressed, index } = compressTriples(cal.frequency, cal.recency, cal.T);
  const u = evaluateHistories(model, p, compressed, [duration], 1, 0);
  return Float64Array.from(index, (k) => u.expected[k] as number);
}

/** Actual vs predicted mean holdout purchases by calibration frequency, censored at `censor`. */
export function holdoutByFrequency(
  frequency: Float64Array,
  actual: Float64Array,
  predicted: Float64Array,
  censor = 7,
): HoldoutGroup[] {
  const groups = censor + 1;
  const count = new Float64Array(groups);
  const act = new Float64Array(groups);
  const pred = new Float64Array(groups);
  for (let i = 0; i < frequency.length; i++) {
    const g = Math.min(censor, Math.floor(frequency[i] as number));
    count[g] = (count[g] as number) + 1;
    act[g] = (act[g] as number) + (actual[i] as number);
    pred[g] = (pred[g] as number) + (predicted[i] as number);
  }
  const out: HoldoutGroup[] = [];
  for (let g = 0; g < groups; g++) {
    const c = count[g] as number;
    if (c === 0) continue;
    out.push({
      frequency: g === censor ? `${censor}+` : String(g),
      customers: c,
      actual_mean: (act[g] as number) / c,
      predicted_mean: (pred[g] as number) / c,
      actual_total: act[g] as number,
      predicted_total: pred[g] as number,
    });
  }
  return out;
}

export interface TrackingPoint {
  /** End of the period, in the time unit since the first purchase in the data (origin). */
  readonly t: number;
  readonly actual_cumulative: number;
  readonly expected_cumulative: number;
  readonly actual: number;
  readonly expected: number;
}

/**
 * Cumulative repeat purchases of the cohort, actual vs expected, at the end of every period of
 * `unitDays` days: expected = Σ_customers E[X(days observed so far)], grouped by first-purchase day.
 */
export function trackingCurve(
  model: PurchaseModelName,
  p: Float64Array,
  firstDay: Int32Array,
  repeats: { readonly day: Int32Array; readonly count: Float64Array },
  lastDay: number,
  unitDays: number,
): TrackingPoint[] {
  const days = lastDay + 1; // days 0..lastDay
  const cohort = new Float64Array(days);
  for (const d of firstDay) if (d >= 0 && d < days) cohort[d] = (cohort[d] as number) + 1;
  const cohortDays: number[] = [];
  for (let d = 0; d < days; d++) if ((cohort[d] as number) > 0) cohortDays.push(d);
  const ex = new Float64Array(days + 1);
  for (let k = 0; k <= days; k++) ex[k] = expectedPurchases(model, p, k / unitDays);
  const actualDaily = new Float64Array(days);
  for (let i = 0; i < repeats.day.length; i++) {
    const d = repeats.day[i] as number;
    if (d >= 0 && d < days) actualDaily[d] = (actualDaily[d] as number) + (repeats.count[i] as number);
  }
  const out: TrackingPoint[] = [];
  let actualCum = 0;
  let prevExpected = 0;
  let prevActual = 0;
  let nextDay = 0;
  const periods = Math.ceil(days / unitDays);
  for (let j = 1; j <= periods; j++) {
    const tEnd = Math.min(j * unitDays, days); // boundary: purchases on days < tEnd
    while (nextDay < tEnd) actualCum += actualDaily[nextDay++] as number;
    // Purchases on days d..tEnd−1 are counted, so a customer whose first day is d has been observed
    // for tEnd − 1 − d days (the same convention as T = end − first purchase, end inclusive).
    let expectedCum = 0;
    for (const d of cohortDays) {
      if (d >= tEnd) break;
      expectedCum += (cohort[d] as number) * (ex[tEnd - 1 - d] as number);
    }
    out.push({
      t: tEnd / unitDays,
      actual_cumulative: actualCum,
      expected_cumulative: expectedCum,
      actual: actualCum - prevActual,
      expected: expectedCum - prevExpected,
    });
    prevActual = actualCum;
    prevExpected = expectedCum;
  }
  return out;
}
