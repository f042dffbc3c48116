import { describe, expect, it } from 'vitest';
import { logTailIntegral, logTailIntegralQuadrature } from './paretonbd.ts';
import {
  digamma,
  hyp2f1OneBC,
  hypG,
  invOnePlusExp,
  lgamma,
  log1mExp,
  log1pExp,
  logAddExp,
  oneMinusExpOverC,
} from './special.ts';

/** Plain 2F1 series, for moderate z only (the reference the transformed sums must agree with). */
function naive2F1(a: number, b: number, c: number, z: number): number {
  let sum = 1;
  let term = 1;
  for (let j = 0; j < 20000; j++) {
    term *= (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return sum;
}

describe('log-gamma and digamma', () => {
  it('match closed forms', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14); // Γ(1/2) = √π
    expect(lgamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 14);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12); // 9!
    let lf = 0;
    for (let k = 2; k < 100; k++) lf += Math.log(k);
    expect(lgamma(100)).toBeCloseTo(lf, 10); // ln 99!
    // Γ(x+1) = x Γ(x) across the small-argument branch.
    for (const x of [1e-4, 0.01, 0.3, 0.49, 0.51, 3.7, 250.25]) {
      expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 12);
    }
  });

  it('digamma: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(x+1) = ψ(x) + 1/x', () => {
    const euler = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-euler, 13);
    expect(digamma(0.5)).toBeCloseTo(-euler - 2 * Math.LN2, 13);
    for (const x of [0.05, 0.7, 5.5, 42, 1e4]) expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 12);
  });
});

describe('log-space helpers', () => {
  it('never overflow and keep their limits', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1e6, 0)).toBe(0);
    expect(logAddExp(Number.NEGATIVE_INFINITY, -3)).toBe(-3);
    expect(log1mExp(1e-20)).toBeCloseTo(Math.log(1e-20), 10);
    expect(log1mExp(50)).toBeCloseTo(-Math.exp(-50), 30);
    expect(invOnePlusExp(800)).toBe(0);
    expect(invOnePlusExp(-800)).toBe(1);
    expect(log1pExp(800)).toBe(800);
    expect(oneMinusExpOverC(0, 2.5)).toBe(2.5); // limit c → 0
    expect(oneMinusExpOverC(1e-12, 2.5)).toBeCloseTo(2.5, 10);
    expect(oneMinusExpOverC(0.5, 2)).toBeCloseTo((1 - Math.exp(-1)) / 0.5, 14);
  });
});

describe('hypergeometric sums after the Euler transformation', () => {
  it('G(A, B, C, z) = [1 − (1−z)^B 2F1(A, B; C; z)] / B agrees with the plain series', () => {
    for (const [A, B, C, z] of [
      [1.3, 0.7, 5, 0.4],
      [2.1, -0.3, 3.5, 0.6],
      [0.4, 1.8, 30, 0.9],
      [-2.5, 0.2, 1.4, 0.3],
    ] as const) {
      const expected = (1 - (1 - z) ** B * naive2F1(A, B, C, z)) / B;
      expect(hypG(A, B, C, z).value).toBeCloseTo(expected, 12);
    }
  });

  it('G for a terminating series (A = −1): [1 − (1−z)^B (1 − Bz/C)] / B', () => {
    const B = 0.8;
    const C = 2.5;
    const z = 0.35;
    expect(hypG(-1, B, C, z).value).toBeCloseTo((1 - (1 - z) ** B * (1 - (B * z) / C)) / B, 14);
  });

  it('G is continuous through B = 0 (the BG/NBD a = 1 case)', () => {
    const at = (B: number) => hypG(1.7, B, 4.2, 0.55).value;
    expect(at(0)).toBeCloseTo((at(1e-7) + at(-1e-7)) / 2, 8);
    expect(Number.isFinite(at(0))).toBe(true);
  });

  it('2F1(1, b; c; z) sums positive terms', () => {
    expect(hyp2f1OneBC(2.5, 4, 0.7).value).toBeCloseTo(naive2F1(1, 2.5, 4, 0.7), 13);
    expect(hyp2f1OneBC(2.5, 4, 0).value).toBe(1);
  });
});

describe('Pareto/NBD tail integral J(y) = ∫_y^∞ (α+u)^−p (β+u)^−q du', () => {
  it('α = β: J(y) = (α+y)^(1−p−q) / (p+q−1)', () => {
    const [r, s, x, a, y] = [0.55, 0.6, 3, 10, 20];
    const p = r + x;
    const q = s + 1;
    const exact = (1 - p - q) * Math.log(a + y) - Math.log(p + q - 1);
    expect(logTailIntegral(r, a, s, a, x, y)).toBeCloseTo(exact, 12);
    expect(logTailIntegralQuadrature(p, q, a, a, y)).toBeCloseTo(exact, 11);
  });

  it('p = q = 1: J(y) = ln((β+y)/(α+y)) / (β−α), by series and (z near 1) by quadrature', () => {
    // s + 1 = 1 is not a model value, so the quadrature is called directly with p = q = 1.
    for (const [alpha, beta, y] of [
      [2, 3, 1],
      [1, 1000, 0], // z = 0.999: far outside the series' comfort zone
      [1000, 1, 0],
    ] as const) {
      const exact = Math.log(Math.log((beta + y) / (alpha + y)) / (beta - alpha));
      expect(logTailIntegralQuadrature(1, 1, alpha, beta, y)).toBeCloseTo(exact, 11);
    }
  });

  it('series and quadrature agree, and heavy buyers stay finite', () => {
    for (const [r, alpha, s, beta, x, y] of [
      [0.55, 10.58, 0.606, 11.67, 0, 0],
      [0.55, 30, 0.606, 11.67, 26, 30.86],
      [0.55, 5, 0.606, 40, 2, 0],
      [0.55, 5, 0.606, 40, 500, 10],
    ] as const) {
      const series = logTailIntegral(r, alpha, s, beta, x, y);
      expect(Number.isFinite(series)).toBe(true);
      expect(series).toBeCloseTo(logTailIntegralQuadrature(r + x, s + 1, alpha, beta, y), 10);
    }
    expect(Number.isFinite(logTailIntegral(0.5, 1e6, 0.6, 1e-3, 5000, 0))).toBe(true);
  });
});
