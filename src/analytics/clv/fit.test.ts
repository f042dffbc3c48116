import { describe, expect, it } from 'vitest';
import { compressTriples, preparePurchases, subsampleRows } from './data.ts';
import { fitGammaGamma, fitPurchaseModel } from './fit.ts';
import { bfgs, invertSpd, nelderMead } from './optimize.ts';
import { Rng } from './random.ts';
import { simulateBgNbdSummary } from './simulate.ts';
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
