/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing
 * Science 24(2)). Parameters in the order [r, alpha, a, b].
 *
 * Log-likelihood per customer (FHL 2005 eq. 6, in logs as lifetimes/BTYD do):
 *   ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *   + logaddexp(−(r+x) ln(α+T), [x>0] (ln a − ln(b+x−1) − (r+x) ln(α+t_x)))
 */
import type { PreparedPurchases } from './data.ts';
import { digamma, hypG, invOnePlusExp, lgamma } from './special.ts';

export const BGNBD_PARAMS = ['r', 'alpha', 'a', 'b'] as const;

/**
 * Total weighted log-likelihood; when `grad` is given it receives ∂LL/∂(r, α, a, b).
 * Non-finite results are returned as -Infinity (never NaN).
 */
export function bgnbdLogLik(p: Float64Array, d: PreparedPurchases, grad: Float64Array | null): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;

  const nx = d.xs.length;
  const cx = new Float64Array(nx); // x-only part of the log-likelihood
  const lx = new Float64Array(nx); // ln a − ln(b+x−1) for x > 0
  const invBx1 = new Float64Array(nx);
  const lgR = lgamma(r);
  const lgAB = lgamma(a + b);
  const lgB = lgamma(b);
  const logA = Math.log(a);
  let total = 0;
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
    cx[k] = lgamma(r + x) - lgR + lgAB + lgamma(b + x) - lgB - lgamma(a + b + x);
    if (x > 0) {
      lx[k] = logA - Math.log(b + x - 1);
      invBx1[k] = 1 / (b + x - 1);
    }
    if (grad && wx > 0) {
      const psiRX = digamma(r + x);
      const psiABX = digamma(a + b + x);
      gR += wx * (psiRX - psiR);
      gA += wx * (psiAB - psiABX);
      gB += wx * (psiAB + digamma(b + x) - psiB - psiABX);
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

  // Neumaier-compensated sum: plain summation of ~10^6 terms leaves ~1e-11 relative noise in the
  // objective, enough to confuse line searches near the optimum.
  let sum = 0;
  let comp = 0;
  const xArr = d.x;
  const wArr = d.w;
  const xIdx = d.xIdx;
  const TIdx = d.TIdx;
  const txIdx = d.txIdx;
  for (let i = 0; i < d.n; i++) {
    const w = wArr[i] as number;
    const x = xArr[i] as number;
    const xi = xIdx[i] as number;
    const ti = TIdx[i] as number;
    const rx = r + x;
    const u = -rx * (logAT[ti] as number);
    if (x > 0) {
      const si = txIdx[i] as number;
      const v = (lx[xi] as number) - rx * (logAtx[si] as number);
      // logaddexp(u, v) and the weight ω = e^v / (e^u + e^v)
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
        gB -= w * omega * (invBx1[xi] as number);
      }
    } else {
      const term = w * ((cx[xi] as number) + u);
      const s1 = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? sum - s1 + term : term - s1 + sum;
      sum = s1;
      if (grad) {
        gR -= w * (logAT[ti] as number);
        gAlpha -= w * rx * (invAT[ti] as number);
      }
    }
  }
  const W = d.totalWeight;
  total += sum + comp + W * r * Math.log(alpha);
  if (grad) {
    grad[0] = gR + W * Math.log(alpha);
    grad[1] = gAlpha + (W * r) / alpha;
    grad[2] = gA;
    grad[3] = gB;
  }
  return Number.isFinite(total) ? total : Number.NEGATIVE_INFINITY;
}

/** ln of the odds term a/(b+x−1)·((α+T)/(α+t_x))^(r+x) (−Infinity for x = 0). */
function logDeathOdds(p: Float64Array, x: number, tx: number, T: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)) (FHL 2008 note). */
export function bgnbdPAlive(p: Float64Array, x: number, tx: number, T: number): number {
  return invOnePlusExp(logDeathOdds(p, x, tx, T));
}

/**
 * E[Y(t) | alive, x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))],
 * evaluated as (a+b+x−1) · G(a+b−1−r, a−1, a+b+x−1, z) (see special.hypG). Independent of t_x.
 */
export function bgnbdExpectedIfAlive(p: Float64Array, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  const z = t / (alpha + T + t);
  return Math.max(0, (a + b + x - 1) * hypG(a + b - 1 - r, a - 1, a + b + x - 1, z).value);
}

/** E[Y(t) | x, t_x, T] (FHL 2005 eq. 10) = E[Y(t) | alive, x, T] · P(alive | x, t_x, T). */
export function bgnbdConditionalExpected(
  p: Float64Array,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return bgnbdExpectedIfAlive(p, t, x, T) * bgnbdPAlive(p, x, tx, T);
}

/** E[X(t)] for a new customer (FHL 2005 eq. 9) = (a+b−1) · G(a+b−1−r, a−1, a+b−1, t/(α+t)). */
export function bgnbdExpected(p: Float64Array, t: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const a = p[2] as number;
  const b = p[3] as number;
  return Math.max(0, (a + b - 1) * hypG(a + b - 1 - r, a - 1, a + b - 1, t / (alpha + t)).value);
}
