/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4); Fader &
 * Hardie 2013, "The Gamma-Gamma Model of Monetary Value"). Parameters [p, q, gamma].
 * Fitted on repeat buyers only: x = number of repeat purchases, m = their mean value (zbar).
 *
 *   ln f(m | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + x m)
 *   E[M | x, m] = p(γ + x m) / (px + q − 1)    (population mean pγ/(q−1), needs q > 1)
 */
import type { PreparedSpend } from './data.ts';
import { digamma, lgamma } from './special.ts';

export const GAMMAGAMMA_PARAMS = ['p', 'q', 'gamma'] as const;

export function gammaGammaLogLik(params: Float64Array, d: PreparedSpend, grad: Float64Array | null): number {
  const p = params[0] as number;
  const q = params[1] as number;
  const g = params[2] as number;
  if (!(p > 0 && q > 0 && g > 0)) return Number.NEGATIVE_INFINITY;
  const nx = d.xs.length;
  const logG = Math.log(g);
  const lgQ = lgamma(q);
  const psiQ = grad ? digamma(q) : 0;
  let total = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k] as number;
    const wx = d.xWeight[k] as number;
    const px = p * x;
    const logX = Math.log(x);
    total += wx * (lgamma(px + q) - lgamma(px) - lgQ + q * logG + px * logX);
    if (grad) {
      const psiPXQ = digamma(px + q);
      gp += wx * x * (psiPXQ - digamma(px) + logX);
      gq += wx * (psiPXQ - psiQ + logG);
      gg += (wx * q) / g;
    }
  }
  // (px − 1) ln m summed: p Σ w x ln m − Σ w ln m
  total += p * d.sumWXLogM - d.sumWLogM;
  if (grad) gp += d.sumWXLogM;
  let sum = 0; // Neumaier-compensated (see bgnbd.ts)
  let comp = 0;
  for (let i = 0; i < d.n; i++) {
    const w = d.w[i] as number;
    const x = d.x[i] as number;
    const gxm = g + x * (d.m[i] as number);
    const l = Math.log(gxm);
    const pxq = p * x + q;
    const term = -w * pxq * l;
    const s1 = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - s1 + term : term - s1 + sum;
    sum = s1;
    if (grad) {
      gp -= w * x * l;
      gq -= w * l;
      gg -= (w * pxq) / gxm;
    }
  }
  total += sum + comp;
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gg;
  }
  return Number.isFinite(total) ? total : Number.NEGATIVE_INFINITY;
}

/**
 * E[M | x, m̄]: the conditional expected average transaction value. For x = 0 (no repeat
 * purchases) this is the population mean pγ/(q−1). Returns null when q <= 1 (the mean does
 * not exist) so callers never see NaN or Infinity.
 */
export function gammaGammaConditionalExpected(params: Float64Array, x: number, m: number): number | null {
  const p = params[0] as number;
  const q = params[1] as number;
  const g = params[2] as number;
  const denom = p * x + q - 1;
  if (!(denom > 0)) return null;
  const xm = x > 0 && m > 0 ? x * m : 0;
  return (p * (g + xm)) / denom;
}

/** Population mean spend per transaction pγ/(q−1), or null if q <= 1. */
export function gammaGammaPopulationMean(params: Float64Array): number | null {
  return gammaGammaConditionalExpected(params, 0, 0);
}

/**
 * Weighted Pearson correlation between frequency and mean repeat value over repeat buyers —
 * the check of the independence the Gamma-Gamma model assumes.
 */
export function frequencyMonetaryCorrelation(d: PreparedSpend): number | null {
  let sw = 0;
  let sx = 0;
  let sm = 0;
  for (let i = 0; i < d.n; i++) {
    const w = d.w[i] as number;
    sw += w;
    sx += w * (d.x[i] as number);
    sm += w * (d.m[i] as number);
  }
  const mx = sx / sw;
  const mm = sm / sw;
  let cxx = 0;
  let cmm = 0;
  let cxm = 0;
  for (let i = 0; i < d.n; i++) {
    const w = d.w[i] as number;
    const dx = (d.x[i] as number) - mx;
    const dm = (d.m[i] as number) - mm;
    cxx += w * dx * dx;
    cmm += w * dm * dm;
    cxm += w * dx * dm;
  }
  if (!(cxx > 0 && cmm > 0)) return null;
  return cxm / Math.sqrt(cxx * cmm);
}
