import { describe, expect, it } from 'vitest';
import { logIntegralBetween, logTailIntegral, logTailIntegralQuadrature } from './paretonbd.ts';
import {
  digamma,
  hyp2f1OneBC,
  hyp2f1OneBCGrad,
  hypG,
  invOnePlusExp,
  lgamma,
  log1mExp,
  log1pExp,
  logAddExp,
  logBetaIncLogit,
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

  it('2F1(1, b; c; z) logarithmic derivatives agree with central differences', () => {
    const out = new Float64Array(3);
    for (const [b, c, z] of [
      [2.5, 4, 0.5],
      [16.4, 17.8, 0.3],
      [1.6, 5002, 0.5],
      [0.7, 1.2, 0.0001],
    ] as const) {
      const F = hyp2f1OneBCGrad(b, c, z, out);
      expect(F).toBeCloseTo(hyp2f1OneBC(b, c, z).value, 13);
      const lnF = (bb: number, cc: number, zz: number) => Math.log(hyp2f1OneBC(bb, cc, zz).value);
      const h = 1e-6;
      expect(out[0]).toBeCloseTo((lnF(b + h, c, z) - lnF(b - h, c, z)) / (2 * h), 8);
      expect(out[1]).toBeCloseTo((lnF(b, c + h, z) - lnF(b, c - h, z)) / (2 * h), 8);
      const hz = 1e-6 * z;
      expect(out[2]).toBeCloseTo((lnF(b, c, z + hz) - lnF(b, c, z - hz)) / (2 * hz), 6);
    }
  });
});

describe('incomplete beta integral in logit coordinates', () => {
  const logistic = (t: number) => 1 / (1 + Math.exp(-t));
  /** ln ∫_{σ0}^{σ1} σ^(a−1) dσ (b = 1), in logs so that very negative a stays finite. */
  const logPowerIntegral = (a: number, t0: number, t1: number) => {
    const l0 = -log1pExp(-t0); // ln σ0
    const l1 = t1 === Number.POSITIVE_INFINITY ? 0 : -log1pExp(-t1);
    if (a === 0) return Math.log(l1 - l0);
    return a < 0
      ? a * l0 + log1mExp(-a * (l1 - l0)) - Math.log(-a)
      : a * l1 + log1mExp(a * (l1 - l0)) - Math.log(a);
  };

  it('matches closed forms: polynomials and σ^(a−1), including a ≤ 0 (Pareto/NBD with e0 > 1)', () => {
    // a = 2, b = 3: ∫ σ (1−σ)^2 dσ = σ²/2 − 2σ³/3 + σ⁴/4
    const poly = (x: number) => x ** 2 / 2 - (2 * x ** 3) / 3 + x ** 4 / 4;
    for (const [t0, t1] of [
      [-3, 2],
      [-0.5, 0.25],
      [-12, Number.POSITIVE_INFINITY],
    ] as const) {
      const x1 = t1 === Number.POSITIVE_INFINITY ? 1 : logistic(t1);
      expect(logBetaIncLogit(2, 3, t0, t1)).toBeCloseTo(Math.log(poly(x1) - poly(logistic(t0))), 13);
    }
    // b = 1: ∫ σ^(a−1) dσ, including a = 0 (a logarithm), a < 0 (Pareto/NBD's e0 > 1) and a ≪ 0
    for (const [a, t0, t1] of [
      [0, -80, 0],
      [-0.384, -10.7, 0],
      [-0.384, -40, -39.99],
      [-0.5, -3, Number.POSITIVE_INFINITY],
      [-0.999, -20, -3],
      [0.45, -60, 5],
    ] as const) {
      const exact = logPowerIntegral(a, t0, t1);
      expect(Math.abs(logBetaIncLogit(a, 1, t0, t1) - exact)).toBeLessThan(
        2e-15 * Math.max(1, Math.abs(exact)),
      );
    }
    expect(logBetaIncLogit(0.5, 2, 1, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(logBetaIncLogit(-2, 1, -1, 0)).toBeNaN(); // a + b ≤ 0 is outside its domain
  });

  it('is symmetric under σ → 1 − σ (t → −t, a ↔ b) across regimes', () => {
    for (const [a, b, t0, t1] of [
      [-0.384, 16.33, -10.7, 0],
      [0.447, 1.159, -30, 4],
      [-15, 16.4, -12, -3],
      [2, 0.3, -5, 40],
      [-0.606, 5000.6, -1, 0.5],
      [-4999.5, 5001.1, -20, -3], // a heavy buyer with β ≫ α
    ] as const) {
      const direct = logBetaIncLogit(a, b, t0, t1);
      expect(Math.abs(direct - logBetaIncLogit(b, a, -t1, -t0))).toBeLessThan(
        3e-15 * Math.max(1, Math.abs(direct)),
      );
    }
  });

  it('moments are the derivatives with respect to a and b', () => {
    const m = new Float64Array(2);
    for (const [a, b, t0, t1] of [
      [-0.384, 16.33, -10.7, 0],
      [0.447, 1.159, -30, -1],
      [-15, 16.4, -12, -3],
      [0.3, 2, -4, Number.POSITIVE_INFINITY],
    ] as const) {
      logBetaIncLogit(a, b, t0, t1, m);
      const h = 1e-6;
      const dA = (logBetaIncLogit(a + h, b, t0, t1) - logBetaIncLogit(a - h, b, t0, t1)) / (2 * h);
      const dB = (logBetaIncLogit(a, b + h, t0, t1) - logBetaIncLogit(a, b - h, t0, t1)) / (2 * h);
      expect(-m[1]!).toBeCloseTo(dA, 7);
      expect(-m[0]!).toBeCloseTo(dB, 7);
    }
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

  it('matches the plain FHL 2F1 series where z is close to 1 (tens of thousands of terms)', () => {
    /** ln J from eq. 22–24 summed directly: 2F1(a, c; a+1; z) / (a (m+y)^a), a = r+s+x. */
    const plain = (r: number, alpha: number, s: number, beta: number, x: number, y: number) => {
      const a = r + s + x;
      const m = Math.max(alpha, beta);
      const z = Math.abs(alpha - beta) / (m + y);
      const c = alpha >= beta ? s + 1 : r + x;
      let sum = 1;
      let term = 1;
      for (let j = 0; j < 2_000_000; j++) {
        term *= (((a + j) * (c + j)) / ((a + 1 + j) * (j + 1))) * z;
        sum += term;
        if (term < 1e-18 * sum) break;
      }
      return Math.log(sum) - Math.log(a) - a * Math.log(m + y);
    };
    for (const [r, alpha, s, beta, x, y] of [
      [0.55, 1000, 0.606, 1, 0, 0], // z = 0.999
      [0.55, 1000, 0.606, 1, 3, 2.5],
      [16, 2500, 0.38, 0.056, 0, 1 / 7], // Olist-like, z = 0.99992
      [0.55, 1, 0.606, 400, 2, 0],
    ] as const) {
      const ref = plain(r, alpha, s, beta, x, y);
      expect(Math.abs(logTailIntegral(r, alpha, s, beta, x, y) - ref)).toBeLessThan(
        1e-12 * Math.max(1, Math.abs(ref)),
      );
      // ∫ over [y, y + 3] directly equals the difference of the tails
      const diff = ref + log1mExp(ref - plain(r, alpha, s, beta, x, y + 3));
      expect(logIntegralBetween(r, alpha, s, beta, x, y, y + 3)).toBeCloseTo(diff, 9);
    }
  });
});
