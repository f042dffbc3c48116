/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3); as in BTYDplus and lifetimes'
 * ModifiedBetaGeoFitter). Like BG/NBD but a customer may also drop out right after the
 * first purchase, so customers with x = 0 can be inactive. Parameters [r, alpha, a, b].
 *
 * Log-likelihood per customer:
 *   ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1) − ln B(a, b)
 *   + logaddexp(−(r+x) ln(α+T), ln a − ln(b+x) − (r+x) ln(α+t_x))
 */
import type { PreparedPurchases } from './data.ts';
import { digamma, hypG, invOnePlusExp, lgamma } from './special.ts';

export const MBGNBD_PARAMS = ['r', 'alpha', 'a', 'b'] as const;

export function mbgnbdLogLik(p: Float64Array, d: PreparedPurchases, grad: Float64Array | null): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;

  const nx = d.xs.length;
  const cx = new Float64Array(nx);
  const lx = new Float64Array(nx);
  const invBx = new Float64Array(nx);
  const lgR = lgamma(r);
  const lgAB = lgamma(a + b);
  const lgB = lgamma(b);
  const logA = Math.log(a);
  let gR = 0;
  let gAlpha = 0;
  let gA = 0;
  let gB = 0;
  const psiR = grad ? digamma(r) : 0;
  const psiAB = grad ? digamma(a + b) : 0;
  const psiB = grad ? digamma(b) : 0;
  for (let k = 0; k < nx; k++) {
    const x = d.xs[k] as number;
    const wx = d.xWeight[k] as number;
    cx[k] = lgamma(r + x) - lgR + lgAB + lgamma(b + x + 1) - lgB - lgamma(a + b + x + 1);
    lx[k] = logA - Math.log(b + x);
    invBx[k] = 1 / (b + x);
    if (grad && wx > 0) {
      const psiABX = digamma(a + b + x + 1);
      gR += wx * (digamma(r + x) - psiR);
      gA += wx * (psiAB - psiABX);
      gB += wx * (psiAB + digamma(b + x + 1) - psiB - psiABX);
    }
  }
  const nT = d.Ts.length;
  const logAT = new Float64Array(nT);
  const invAT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    const v = alpha + (d.Ts[k] as number);
    logAT[k] = Math.log(v);
    invAT[k] = 1 / v;
  }
  const ntx = d.txs.length;
  const logAtx = new Float64Array(ntx);
  const invAtx = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) {
    const v = alpha + (d.txs[k] as number);
    logAtx[k] = Math.log(v);
    invAtx[k] = 1 / v;
  }
  let sum = 0; // Neumaier-compensated (see bgnbd.ts)
  let comp = 0;
  for (let i = 0; i < d.n; i++) {
    const w = d.w[i] as number;
    const x = d.x[i] as number;
    const xi = d.xIdx[i] as number;
    const ti = d.TIdx[i] as number;
    const si = d.txIdx[i] as number;
    const rx = r + x;
    const u = -rx * (logAT[ti] as number);
    const v = (lx[xi] as number) - rx * (logAtx[si] as number);
    const diff = v - u;
    let ll: number;
    let omega: number;
    if (diff > 0) {
      const e = Math.exp(-diff);
      ll = v + Math.log1p(e);
      omega = 1 / (1 + e);
    } else {
      const e = Math.exp(diff);
      ll = u + Math.log1p(e);
      omega = e / (1 + e);
    }
    const term = w * ((cx[xi] as number) + ll);
    const s1 = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - s1 + term : term - s1 + sum;
    sum = s1;
    if (grad) {
      const om1 = 1 - omega;
      gR -= w * (om1 * (logAT[ti] as number) + omega * (logAtx[si] as number));
      gAlpha -= w * rx * (om1 * (invAT[ti] as number) + omega * (invAtx[si] as number));
      gA += (w * omega) / a;
      gB -= w * omega * (invBx[xi] as number);
    }
  }
  const W = d.totalWeight;
  const total = sum + comp + W * r * Math.log(alpha);
  if (grad) {
    grad[0] = gR + W * Math.log(alpha);
    grad[1] = gAlpha + (W * r) / alpha;
    grad[2] = gA;
    grad[3] = gB;
  }
  return Number.isFinite(total) ? total : Number.NEGATIVE_INFINITY;
}

/** P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)); below 1 even for x = 0. */
export function mbgnbdPAlive(p: Float64Array, x: number, tx: number, T: number): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  return invOnePlusExp(
    Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)),
  );
}

/**
 * E[Y(t) | alive, x, T] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)],
 * z = t/(α+T+t), evaluated as (a+b+x) · G(a+b−r, a−1, a+b+x, z). Independent of t_x.
 */
export function mbgnbdExpectedIfAlive(p: Float64Array, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  const z = t / (alpha + T + t);
  return Math.max(0, (a + b + x) * hypG(a + b - r, a - 1, a + b + x, z).value);
}

/** E[Y(t) | x, t_x, T] = E[Y(t) | alive, x, T] · P(alive | x, t_x, T). */
export function mbgnbdConditionalExpected(
  p: Float64Array,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return mbgnbdExpectedIfAlive(p, t, x, T) * mbgnbdPAlive(p, x, tx, T);
}

/** E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] = b · G(a+b−r, a−1, a+b, t/(α+t)). */
export function mbgnbdExpected(p: Float64Array, t: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  return Math.max(0, b * hypG(a + b - r, a - 1, a + b, t / (alpha + t)).value);
}
