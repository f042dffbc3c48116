import { describe, expect, it } from 'vitest';
import { cumulativeRows, heatmapCells } from '../../web/src/cohortMath.ts';
import { comparisonRanges, findings, previousRange } from '../../web/src/findings.ts';
import {
  change,
  decimal,
  integer,
  money,
  percent,
  profileValue,
  signedPercent,
  signedPoints,
  slug,
  toCsv,
} from '../../web/src/format.ts';
import { defaultCalibrationEnd, histogram, matrixCells } from '../../web/src/ltvMath.ts';
import { searchRows, sortRows } from '../../web/src/table.ts';

describe('formatting', () => {
  it('formats numbers, money, rates and missing values', () => {
    expect(money(1234.5)).toBe('R$1,235');
    expect(money(1234.5, true)).toBe('R$1,234.50');
    expect(money(null)).toBe('—');
    expect(integer(1234567)).toBe('1,234,567');
    expect(decimal(4.1)).toBe('4.10');
    expect(percent(0.0312)).toBe('3.1%');
    expect(percent(Number.NaN)).toBe('—');
  });

  it('formats profile minima and maxima: numbers grouped, text and dates as they are', () => {
    expect(profileValue(1234567)).toBe('1,234,567');
    expect(profileValue(12.3456)).toBe('12.35');
    expect(profileValue('2016-09-04 21:15:19')).toBe('2016-09-04 21:15:19');
    expect(profileValue(null)).toBe('—');
    expect(profileValue(undefined)).toBe('—');
  });

  it('changes: relative, in points, signed', () => {
    expect(change(120, 100)).toBeCloseTo(0.2);
    expect(change(1, 0)).toBeNull();
    expect(signedPercent(0.2)).toBe('+20.0%');
    expect(signedPercent(-0.04)).toBe('−4.0%');
    expect(signedPercent(0.00001)).toBe('0.0%');
    expect(signedPercent(null)).toBe('—');
    expect(signedPoints(0.93, 0.947)).toBe('−1.7 pp');
    expect(signedPoints(0.5, 0.5)).toBe('0.0 pp');
  });

  it('writes RFC 4180 CSV and file names', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [1, null],
          [Number.POSITIVE_INFINITY, ' pad'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n1,\r\n," pad"\r\n');
    expect(slug('Revenue by state (R$)')).toBe('revenue-by-state-r');
    expect(slug('!!!')).toBe('export');
  });
});

describe('overview comparisons and findings', () => {
  it('compares a filtered range with the one before it', () => {
    expect(previousRange('2018-01-01', '2018-04-01')).toEqual({ from: '2017-10-03', to: '2018-01-01' });
    const r = comparisonRanges({ from: '2018-01-01', to: '2018-04-01' }, '2018-08-31', '2016-10-04');
    expect(r?.current).toEqual({ from: '2018-01-01', to: '2018-04-01' });
    expect(r?.label).toBe('vs previous period');
  });

  it('without dates compares the latest 12 months with the 12 before', () => {
    const r = comparisonRanges({}, '2018-08-31', '2016-10-04');
    expect(r).toEqual({
      current: { from: '2017-09-01', to: '2018-09-01' },
      previous: { from: '2016-09-01', to: '2017-09-01' },
      label: 'last 12 mo vs prior 12',
    });
    expect(comparisonRanges({}, null, null)).toBeNull();
  });

  it('writes plain-English findings', () => {
    const k = {
      revenue: 1000,
      orders: 10,
      customers: 9,
      avg_order_value: 100,
      repeat_customers: 1,
      repeat_customer_rate: 1 / 9,
      reviewed_orders: 9,
      avg_review_score: 4.2,
      delivered_orders: 10,
      on_time_orders: 9,
      on_time_rate: 0.9,
    };
    const o = {
      first_purchase: '2018-01-01',
      last_purchase: '2018-02-10',
      kpis: k,
      trend: [
        { ...k, month: '2018-01', revenue: 400 },
        { ...k, month: '2018-02', revenue: 600 },
      ],
    };
    const f = findings(o, { ...k, revenue: 800 }, k, 'vs previous period');
    expect(f[0]).toBe('Revenue grew 25.0% (vs previous period), to R$1,000.');
    expect(f.join(' ')).toContain('11.1% of customers ordered more than once');
    expect(f.join(' ')).toContain('90.0% of delivered orders arrived on time');
    expect(f.at(-1)).toContain('2018-02');
    expect(findings({ ...o, kpis: { ...k, orders: 0 } }, null, null, '')).toEqual([
      'No orders match these filters.',
    ]);
  });
});

describe('cohort, CLV and table helpers', () => {
  it('cumulates rows and leaves censored cells empty', () => {
    const m = [
      [10, 5, null],
      [3, null, null],
    ];
    expect(cumulativeRows(m)).toEqual([
      [10, 15, null],
      [3, null, null],
    ]);
    expect(heatmapCells(m)).toEqual([
      [0, 0, 10],
      [1, 0, 5],
      [0, 1, 3],
    ]);
  });

  it('bins CLV and averages predictions by frequency and recency', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      clv: i,
      frequency: i % 3,
      recency: i % 10,
      T: 10,
      p_alive: 0.5,
    }));
    const h = histogram(rows, 'clv', 10);
    expect(h).toHaveLength(10);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(100);
  });

  it('CLV: a default calibration end 60% through the purchase dates; model matrix cells', () => {
    expect(defaultCalibrationEnd('2017-01-01', '2017-01-11')).toBe('2017-01-07');
    expect(defaultCalibrationEnd('2016-09-04 21:15:19', '2018-10-17 17:30:18')).toBe('2017-12-12');
    expect(defaultCalibrationEnd('2017-01-01', '2017-01-01')).toBeNull();
    expect(defaultCalibrationEnd(null, '2017-01-01')).toBeNull();
    // values[i][j]: recency i, frequency j; cells are [frequency index, recency index, value], non-finite left out.
    expect(
      matrixCells({
        frequency: [0, 1],
        recency: [0, 5],
        values: [
          [0.1, 0.2],
          [null, 0.4],
        ],
      }),
    ).toEqual([
      [0, 0, 0.1],
      [1, 0, 0.2],
      [1, 1, 0.4],
    ]);
  });

  it('sorts with nulls last and searches every column', () => {
    const cols = [
      { key: 'n', label: 'N', value: (r: { n: number | null; s: string }) => r.n },
      { key: 's', label: 'S', value: (r: { n: number | null; s: string }) => r.s },
    ];
    const rows = [
      { n: 2, s: 'b' },
      { n: null, s: 'a' },
      { n: 10, s: 'c' },
    ];
    expect(sortRows(rows, cols, { key: 'n', dir: 'desc' }).map((r) => r.n)).toEqual([10, 2, null]);
    expect(sortRows(rows, cols, { key: 'n', dir: 'asc' }).map((r) => r.n)).toEqual([2, 10, null]);
    expect(sortRows(rows, cols, { key: 's', dir: 'asc' }).map((r) => r.s)).toEqual(['a', 'b', 'c']);
    expect(searchRows(rows, cols, ' C ').map((r) => r.s)).toEqual(['c']);
    expect(searchRows(rows, cols, '10')).toHaveLength(1);
  });
});
