import { describe, expect, it } from 'vitest';
import { csvField, formatTime, money2, moneyShort, parseTime, quoteNumericLooking, zip5 } from './format.ts';
import { AliasTable, normalCdf, QuantileSampler, Rng, sampleDistinct } from './random.ts';

describe('Rng', () => {
  it('repeats its sequence for a seed and stream, and differs otherwise', () => {
    const take = (r: Rng): number[] => Array.from({ length: 8 }, () => r.next());
    expect(take(new Rng(7))).toEqual(take(new Rng(7)));
    expect(take(new Rng(7))).not.toEqual(take(new Rng(8)));
    expect(take(new Rng(7, 1))).not.toEqual(take(new Rng(7, 2)));
    expect(take(new Rng(2 ** 40))).not.toEqual(take(new Rng(0)));
  });

  it('draws uniform floats in [0, 1) with the right mean and spread', () => {
    const r = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = r.float();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      sq += x * x;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    // Uniform(0,1): mean 1/2, variance 1/12; tolerance 5 standard errors.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('samples normal, lognormal, poisson and geometric with their textbook moments', () => {
    const r = new Rng(3);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let logs: number[] = [];
    let pois = 0;
    let geo = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      logs.push(r.lognormalMedian(10, 0.5));
      pois += r.poisson(3.5);
      geo += r.geometric(0.25);
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
    logs = logs.sort((a, b) => a - b);
    expect(logs[n / 2]).toBeGreaterThan(9.8);
    expect(logs[n / 2]).toBeLessThan(10.2);
    expect(Math.abs(pois / n - 3.5)).toBeLessThan(0.05);
    // Failures before the first success: mean (1 - p) / p = 3.
    expect(Math.abs(geo / n - 3)).toBeLessThan(0.08);
  });

  it('makes 32-character lowercase hex ids', () => {
    const r = new Rng(5);
    const ids = new Set<string>();
    let malformed = 0;
    for (let i = 0; i < 10_000; i++) {
      const id = r.hexId();
      if (!/^[0-9a-f]{32}$/.test(id)) malformed++;
      ids.add(id);
    }
    expect(malformed).toBe(0);
    expect(ids.size).toBe(10_000);
  });
});

describe('AliasTable', () => {
  it('picks indices in proportion to their weights and never a zero weight', () => {
    const weights = [5, 0, 1, 3, 1];
    const table = new AliasTable(weights);
    const r = new Rng(9);
    const counts = [0, 0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[table.pick(r)]!++;
    expect(counts[1]).toBe(0);
    weights.forEach((w, i) => {
      const p = w / 10;
      expect(Math.abs(counts[i]! / n - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('rejects empty or invalid weights', () => {
    expect(() => new AliasTable([])).toThrow();
    expect(() => new AliasTable([0, 0])).toThrow();
    expect(() => new AliasTable([1, -1])).toThrow();
  });
});

describe('QuantileSampler and helpers', () => {
  it('interpolates the inverse CDF through its points', () => {
    const q = new QuantileSampler([
      [0, 0],
      [0.5, 10],
      [1, 20],
    ]);
    expect(q.at(0)).toBe(0);
    expect(q.at(0.25)).toBe(5);
    expect(q.at(0.5)).toBe(10);
    expect(q.at(0.75)).toBe(15);
    expect(q.at(1)).toBe(20);
  });

  it('computes the normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 5);
  });

  it('samples distinct indices', () => {
    const picks = sampleDistinct(new Rng(1), 50, 20);
    expect(new Set(picks).size).toBe(20);
    expect(picks.every((x) => x >= 0 && x < 50)).toBe(true);
    expect(sampleDistinct(new Rng(1), 5, 10)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('format', () => {
  it('formats and parses timestamps as YYYY-MM-DD HH:MM:SS', () => {
    const t = parseTime('2017-11-24 09:05:07');
    expect(formatTime(t)).toBe('2017-11-24 09:05:07');
    expect(formatTime(parseTime('2016-01-01 00:00:00'))).toBe('2016-01-01 00:00:00');
    expect(formatTime(parseTime('2031-02-03 23:59:59'))).toBe('2031-02-03 23:59:59');
  });

  it('formats money like the payments (2 decimals) and items (shortest) files', () => {
    expect(money2(54100)).toBe('541.00');
    expect(money2(0)).toBe('0.00');
    expect(money2(9933)).toBe('99.33');
    expect(money2(5)).toBe('0.05');
    expect(moneyShort(3500)).toBe('35.0');
    expect(moneyShort(5490)).toBe('54.9');
    expect(moneyShort(1243)).toBe('12.43');
    expect(moneyShort(0)).toBe('0.0');
    expect(moneyShort(1205)).toBe('12.05');
  });

  it('pads zip prefixes and quotes CSV fields per RFC 4180', () => {
    expect(zip5(1037)).toBe('01037');
    expect(zip5(99910)).toBe('99910');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(quoteNumericLooking('01310100')).toBe('"01310100"');
    expect(quoteNumericLooking('7e3c0f5a9b2d4e6f8a1c3b5d7e9f0a2b')).toBe(
      '"7e3c0f5a9b2d4e6f8a1c3b5d7e9f0a2b"',
    );
    expect(quoteNumericLooking('sao paulo')).toBe('sao paulo');
  });
});
