import { describe, expect, it } from 'vitest';
import { compressTriples, preparePurchases, subsampleRows } from './data.ts';
import { fitGammaGamma, fitPurchaseModel } from './fit.ts';
import { bfgs, invertSpd, nelderMead } from './optimize.ts';
import { paretonbdPAlive } from './paretonbd.ts';
import { Rng } from './random.ts';
import { simulateBgNbdSummary, simulateParetoNbdSummary } from './simulate.ts';
import { lgamma } from './special.ts';
import { cdnowSkipReason, hasCdnow, readCdnowSummary } from './testFixtures.ts';

const TRUTH = { r: 0.25, alpha: 4.0, a: 0.8, b: 2.5 };

describe('optimiser', () => {
  it('BFGS and Nelder–Mead find the Rosenbrock minimum', () => {
    const f = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const fg = (x: Float64Array, g: Float64Array) => {
      g[0] = -400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!);
      g[1] = 200 * (x[1]! - x[0]! ** 2);
      return f(x);
    };
    const b = bfgs(fg, Float64Array.from([-1.2, 1]), { gtol: 1e-10 });
    expect(b.converged).toBe(true);
    expect(b.x[0]).toBeCloseTo(1, 6);
    expect(b.x[1]).toBeCloseTo(1, 6);
    const nm = nelderMead(f, Float64Array.from([-1.2, 1]));
    expect(nm.x[0]).toBeCloseTo(1, 4);
  });

  it('reports, rather than hides, an objective that is not finite', () => {
    const r = bfgs(() => Number.NaN, Float64Array.from([0, 0]));
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/not finite/);
  });

  it('inverts symmetric positive-definite matrices and refuses others', () => {
    const inv = invertSpd(Float64Array.from([4, 2, 2, 3]), 2)!;
    // [[4,2],[2,3]]^-1 = [[3,-2],[-2,4]] / 8
    expect(Array.from(inv).map((x) => x * 8)).toEqual([3, -2, -2, 4].map((x) => expect.closeTo(x, 12)));
    expect(invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });
});

describe('maximum likelihood on simulated BG/NBD data', () => {
  it('recovers known parameters from 50,000 simulated customers within 3 standard errors', () => {
    const sim = simulateBgNbdSummary(TRUTH, 50_000, { seed: 42, tMin: 26, tMax: 78, tStep: 1 / 7 });
    const { compressed } = compressTriples(sim.frequency, sim.recency, sim.T);
    // Force the large-data path (subsample multi-start, then polish on all rows).
    const fit = fitPurchaseModel('bgnbd', compressed, { subsampleAbove: 10_000 });
    expect(fit.convergence.converged).toBe(true);
    expect(fit.convergence.subsample_rows).not.toBeNull();
    for (const [k, truth] of Object.entries(TRUTH)) {
      const est = fit.params[k]!;
      const se = fit.standard_errors[k]!;
      expect(se).toBeGreaterThan(0);
      expect(Math.abs(est - truth)).toBeLessThan(3 * se);
      const [lo, hi] = fit.ci95[k]!;
      expect(lo).toBeLessThan(est);
      expect(hi).toBeGreaterThan(est);
    }
  });

  it('gives the same estimate with and without the subsample warm start', () => {
    const sim = simulateBgNbdSummary(TRUTH, 20_000, { seed: 7, tMin: 26, tMax: 78 });
    const { compressed } = compressTriples(sim.frequency, sim.recency, sim.T);
    const direct = fitPurchaseModel('bgnbd', compressed, { subsampleAbove: 0 });
    const warm = fitPurchaseModel('bgnbd', compressed, { subsampleAbove: 1000, subsampleRows: 2000 });
    expect(warm.convergence.subsample_rows).toBeGreaterThan(0);
    for (const k of Object.keys(TRUTH)) expect(warm.params[k]! / direct.params[k]! - 1).toBeCloseTo(0, 5);
    expect(warm.loglik).toBeCloseTo(direct.loglik!, 6);
  });

  it('Horvitz–Thompson subsampling keeps the total weight unbiased', () => {
    const rng = new Rng(3);
    const w = Float64Array.from({ length: 100_000 }, () =>
      rng.next() < 0.1 ? 1 + Math.floor(rng.next() * 50) : 1,
    );
    let total = 0;
    for (const x of w) total += x;
    const s = subsampleRows(w, 10_000, 11);
    let sub = 0;
    for (const x of s.weight) sub += x;
    expect(s.keep.length).toBeGreaterThan(8_000);
    expect(s.keep.length).toBeLessThan(12_000);
    expect(Math.abs(sub / total - 1)).toBeLessThan(0.03);
  });
});

describe('fit robustness', () => {
  it('a penalizer shrinks the parameters and lowers the log-likelihood', () => {
    const sim = simulateBgNbdSummary(TRUTH, 3_000, { seed: 5, tMin: 26, tMax: 78 });
    const { compressed } = compressTriples(sim.frequency, sim.recency, sim.T);
    const free = fitPurchaseModel('bgnbd', compressed);
    const pen = fitPurchaseModel('bgnbd', compressed, { penalizer: 0.1 });
    const sq = (p: Readonly<Record<string, number>>) => Object.values(p).reduce((s, x) => s + x * x, 0);
    expect(sq(pen.params)).toBeLessThan(sq(free.params));
    expect(pen.loglik!).toBeLessThan(free.loglik!);
    expect(pen.penalizer).toBe(0.1);
  });

  it('data that do not identify the model: says so, never NaN', () => {
    // Nobody ever repeats: the BG/NBD likelihood increases towards r → 0 / α → ∞.
    const n = 200;
    const fit = fitPurchaseModel('bgnbd', {
      frequency: new Float64Array(n),
      recency: new Float64Array(n),
      T: Float64Array.from({ length: n }, (_, i) => 10 + (i % 30)),
      weight: new Float64Array(n).fill(1),
    });
    const text = JSON.stringify(fit);
    expect(text).not.toMatch(/NaN|Infinity/);
    for (const value of Object.values(fit.params)) expect(Number.isFinite(value)).toBe(true);
    expect(fit.loglik === null || Number.isFinite(fit.loglik)).toBe(true);
    expect(fit.convergence.converged === false || fit.warnings.length > 0).toBe(true);
    if (!fit.convergence.converged) expect(fit.convergence.reason.length).toBeGreaterThan(0);
  });

  it('heavy buyers (frequency 500) do not break the fit', () => {
    const sim = simulateBgNbdSummary(TRUTH, 2_000, { seed: 9, tMin: 26, tMax: 78 });
    const f = Float64Array.from(sim.frequency);
    const r = Float64Array.from(sim.recency);
    f[0] = 500;
    r[0] = sim.T[0]! * 0.99;
    f[1] = 800;
    r[1] = sim.T[1]! * 0.2;
    for (const model of ['bgnbd', 'mbgnbd', 'paretonbd'] as const) {
      const fit = fitPurchaseModel(model, preparePurchases(compressTriples(f, r, sim.T).compressed));
      expect(fit.convergence.converged).toBe(true);
      expect(Number.isFinite(fit.loglik!)).toBe(true);
    }
  });

  it('Gamma-Gamma needs repeat buyers with positive values', () => {
    expect(() =>
      fitGammaGamma({ frequency: Float64Array.from([0, 0]), monetary: Float64Array.from([0, 0]) }),
    ).toThrow(/repeat buyers/);
  });
});

describe.skipIf(!hasCdnow)('multiple starts on CDNOW', () => {
  it(`every start reaches the same optimum ${hasCdnow ? '' : cdnowSkipReason}`, () => {
    const s = readCdnowSummary();
    const fit = fitPurchaseModel('paretonbd', compressTriples(s.frequency, s.recency, s.T).compressed);
    const fs = fit.convergence.starts.filter((x) => x.converged).map((x) => x.f);
    expect(fs.length).toBeGreaterThanOrEqual(2);
    for (const f of fs) expect(f).toBeCloseTo(fs[0]!, 8);
  });
});

describe('Pareto/NBD on Olist-shaped data (97% one-time buyers)', () => {
  /**
   * Brute-force reference for one history: ln L from FHL's A0 integral over [t_x, T], taken by
   * composite Simpson with 4,000 panels in v = ln(min(α,β) + u) — no hypergeometric function, no
   * tail integrals, no differences of them.
   */
  function bruteLogLik(p: Record<string, number>, x: number, tx: number, T: number): number {
    const { r, alpha, s, beta } = p as { r: number; alpha: number; s: number; beta: number };
    const k = Math.min(alpha, beta);
    const f = (v: number) => {
      const u = Math.exp(v) - k;
      return Math.exp(v - (r + x) * Math.log(alpha + u) - (s + 1) * Math.log(beta + u));
    };
    let integral = 0;
    if (T > tx) {
      const v0 = Math.log(k + tx);
      const v1 = Math.log(k + T);
      const n = 4000;
      const h = (v1 - v0) / n;
      let acc = f(v0) + f(v1);
      for (let i = 1; i < n; i++) acc += (i % 2 === 1 ? 4 : 2) * f(v0 + i * h);
      integral = (acc * h) / 3;
    }
    const first = Math.exp(-(r + x) * Math.log(alpha + T) - s * Math.log(beta + T));
    return (
      lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta) + Math.log(first + s * integral)
    );
  }

  it('converges, with a log-likelihood equal to a brute-force evaluation at the estimate', () => {
    // Truth = the fit on a 100k-customer Olist data set; T uniform over 0–110 weeks on a day grid.
    const n = 20_000;
    const sim = simulateParetoNbdSummary({ r: 16, alpha: 2500, s: 0.384, beta: 0.0563 }, n, {
      seed: 1,
      tMin: 0,
      tMax: 110,
      tStep: 1 / 7,
    });
    const repeaters = sim.frequency.filter((x) => x > 0).length / n;
    expect(repeaters).toBeGreaterThan(0.02);
    expect(repeaters).toBeLessThan(0.05);
    const c = compressTriples(sim.frequency, sim.recency, sim.T).compressed;
    const fit = fitPurchaseModel('paretonbd', c);
    expect(fit.convergence.converged).toBe(true);
    expect(Number.isFinite(fit.loglik!)).toBe(true);
    for (const se of Object.values(fit.standard_errors)) expect(se).toBeGreaterThan(0);
    const p = fit.params as { r: number; alpha: number; s: number; beta: number };
    // α ≫ β: z = (α−β)/(α+y) at y = t_x = 0 (every one-time buyer) is within 1e-3 of 1, where
    // the plain 2F1 series of the likelihood needs tens of thousands of terms or more.
    expect(p.alpha).toBeGreaterThan(p.beta);
    expect(p.beta / p.alpha).toBeLessThan(1e-3);
    let ref = 0;
    for (let i = 0; i < c.frequency.length; i++) {
      ref += c.weight[i]! * bruteLogLik(p, c.frequency[i]!, c.recency[i]!, c.T[i]!);
    }
    expect(Math.abs(fit.loglik! - ref)).toBeLessThan(1e-6 * Math.abs(ref));
    // P(alive) by the same brute force: 1 / (1 + s ∫ / first term), for a few histories
    const pv = Float64Array.from([p.r, p.alpha, p.s, p.beta]);
    for (const [x, tx, T] of [
      [0, 0, 30],
      [1, 2 / 7, 80],
      [2, 50, 51],
      [0, 0, 1 / 7],
    ] as const) {
      const lBoth =
        bruteLogLik(p, x, tx, T) -
        (lgamma(p.r + x) - lgamma(p.r) + p.r * Math.log(p.alpha) + p.s * Math.log(p.beta));
      const lFirst = -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
      expect(paretonbdPAlive(pv, x, tx, T)).toBeCloseTo(Math.exp(lFirst - lBoth), 9);
    }
  });
});
