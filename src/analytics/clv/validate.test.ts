import { describe, expect, it } from 'vitest';
import { expectedPurchases, frequencyRecencyMatrix, monthBoundaries, predictCustomers } from './predict.ts';
import { errorMetrics, holdoutByFrequency, predictHoldout, trackingCurve } from './validate.ts';

const v = (...xs: number[]) => Float64Array.from(xs);
const BG = v(0.243, 4.414, 0.793, 2.426);

describe('holdout comparison and error figures', () => {
  it('computes MAE, RMSE and total error by hand', () => {
    const m = errorMetrics(v(0, 1, 3), v(0.5, 1, 1));
    expect(m.mae).toBeCloseTo(2.5 / 3, 14);
    expect(m.rmse).toBeCloseTo(Math.sqrt(4.25 / 3), 14);
    expect(m.actual_total).toBe(4);
    expect(m.predicted_total).toBe(2.5);
    expect(m.total_error_pct).toBeCloseTo(-37.5, 12);
    expect(errorMetrics(v(0, 0), v(0.1, 0.2)).total_error_pct).toBeNull();
  });

  it('groups by calibration frequency with a censored top group', () => {
    const g = holdoutByFrequency(v(0, 0, 1, 9, 8), v(0, 2, 1, 4, 6), v(0.5, 0.5, 1.5, 5, 5), 7);
    expect(g.map((x) => [x.frequency, x.customers, x.actual_mean, x.predicted_mean])).toEqual([
      ['0', 2, 1, 0.5],
      ['1', 1, 1, 1.5],
      ['7+', 2, 5, 5],
    ]);
  });

  it('holdout predictions are the conditional expectations over the holdout length', () => {
    const pred = predictHoldout(
      'bgnbd',
      BG,
      { frequency: v(2, 0, 2), recency: v(30.43, 0, 30.43), T: v(38.86, 38.86, 38.86) },
      39,
    );
    expect(pred[0]).toBe(pred[2]);
    const direct = predictCustomers(
      'bgnbd',
      BG,
      { frequency: v(2), recency: v(30.43), T: v(38.86) },
      { horizon: 39, unitsPerMonth: 39, discountRate: 0 },
    );
    expect(pred[0]).toBeCloseTo(direct.expected_purchases[0]!, 14);
  });
});

describe('tracking of cumulative repeat purchases', () => {
  it('expected = Σ over cohorts of size × E[X(t − first day)]', () => {
    // Two customers start on day 0, one on day 3; weekly periods over 14 days.
    const first = Int32Array.from([0, 0, 3]);
    const repeats = { day: Int32Array.from([2, 9, 10]), count: v(1, 2, 1) };
    const t = trackingCurve('bgnbd', BG, first, repeats, 13, 7);
    expect(t.map((p) => p.t)).toEqual([1, 2]);
    expect(t.map((p) => p.actual_cumulative)).toEqual([1, 4]);
    // Days 0..6 observed at the end of week 1: 6 days since day 0, 3 days since day 3.
    expect(t[0]!.expected_cumulative).toBeCloseTo(
      2 * expectedPurchases('bgnbd', BG, 6 / 7) + expectedPurchases('bgnbd', BG, 3 / 7),
      12,
    );
    expect(t[1]!.expected_cumulative).toBeCloseTo(
      2 * expectedPurchases('bgnbd', BG, 13 / 7) + expectedPurchases('bgnbd', BG, 10 / 7),
      12,
    );
    expect(t[1]!.expected).toBeCloseTo(t[1]!.expected_cumulative - t[0]!.expected_cumulative, 12);
  });
});

describe('CLV discounting and plot matrices', () => {
  it('CLV discounts month m by (1 + d)^m, the last month possibly partial', () => {
    expect(monthBoundaries(12, 4.345)).toEqual([4.345, 8.69, 12]);
    const x = v(3);
    const tx = v(20);
    const T = v(30);
    const one = predictCustomers(
      'bgnbd',
      BG,
      { frequency: x, recency: tx, T, monetary: v(50) },
      {
        horizon: 8.69,
        unitsPerMonth: 4.345,
        discountRate: 0.1,
        spendParams: v(6.25, 3.74, 15.44),
      },
    );
    const e1 = predictCustomers(
      'bgnbd',
      BG,
      { frequency: x, recency: tx, T },
      { horizon: 4.345, unitsPerMonth: 4.345 },
    );
    const e2 = one.expected_purchases[0]!;
    const m1 = e1.expected_purchases[0]!;
    const value = one.expected_avg_value![0]!;
    expect(one.clv![0]).toBeCloseTo(value * (m1 / 1.1 + (e2 - m1) / 1.1 ** 2), 10);
    // No discounting: CLV = value × expected purchases.
    const flat = predictCustomers(
      'bgnbd',
      BG,
      { frequency: x, recency: tx, T, monetary: v(50) },
      {
        horizon: 8.69,
        unitsPerMonth: 4.345,
        discountRate: 0,
        spendParams: v(6.25, 3.74, 15.44),
      },
    );
    expect(flat.clv![0]).toBeCloseTo(flat.expected_avg_value![0]! * flat.expected_purchases[0]!, 12);
  });

  it('frequency/recency matrices: P(alive) = 1 for one-time buyers, and more recent is more alive', () => {
    const m = frequencyRecencyMatrix('bgnbd', BG, { maxFrequency: 10, T: 39, quantity: 'p_alive', size: 5 });
    expect(m.frequency).toEqual([0, 3, 5, 8, 10]);
    expect(m.values.length).toBe(m.recency.length);
    for (const row of m.values) expect(row[0]).toBe(1);
    const last = m.values.length - 1;
    expect(m.values[last]![4]!).toBeGreaterThan(m.values[1]![4]!);
  });
});
