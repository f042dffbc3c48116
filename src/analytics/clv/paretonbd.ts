/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader, Hardie & Lee
 * (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions".
 * Parameters in the order [r, alpha, s, beta].
 *
 *   L = Γ(r+x) α^r β^s / Γ(r) · { 1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A0 }
 *   A0 = (r+s+x) ∫_{t_x}^{T} (α+y)^−(r+x) (β+y)^−(s+1) dy = (r+s+x) [J(t_x) − J(T)],
 *   J(y) = ∫_y^∞ (α+u)^−(r+x) (β+u)^−(s+1) du
 *        = 2F1(r+s+x, c; r+s+x+1; z) / ((r+s+x) (max(α,β)+y)^(r+s+x)),  z = |α−β|/(max(α,β)+y),
 * with c = s+1 if α >= β and c = r+x otherwise (FHL 2005 eqs. 22–24).
 *
 * Evaluation of J(y). Write k = min(α,β), d = |α−β|, a = r+s+x, e0 = c (the exponent of
 * (k+u)) and e1 = a+1−e0 (that of (k+d+u)).
 *  - z ≤ 1/2: the Euler-transformed series 2F1(a, c; a+1; z) = (1−z)^(1−c) 2F1(1, e1; a+1; z),
 *    positive terms with ratio < z, so at most ~56 terms, in logs (no overflow for heavy buyers).
 *  - z > 1/2 (typical when α ≫ β or β ≫ α, e.g. Olist, where almost nobody repeats): in
 *    logit coordinates τ = ln((k+u)/d) = ln((1−z)/z),
 *      J(y) = d^−a ∫_{τ_y}^∞ e^{(1−e0)τ} (1+e^τ)^−e1 dτ = d^−a [∫_{τ_y}^0 … dτ + G0],
 *    an incomplete beta function whose part over τ ≥ 0 (z ≤ 1/2) is the series above,
 *    G0 = 2F1(1, e1; a+1; 1/2) / (a 2^e1), and whose part over [τ_y, 0] is a smooth, log-concave
 *    integral done by Gauss–Legendre panels (`logSoftplusIntegral`). The plain series would need
 *    ~37/(1−z) terms there (over a million at Olist's optimum, z ≈ 0.99998).
 *  - The likelihood needs J at every distinct (x, T) and (x, t_x): per x, the distinct y are
 *    taken in decreasing order and J is accumulated along them, J(y_i) = J(y_{i−1}) + ∫ over
 *    [y_i, y_{i−1}], so each integral spans only the gap to the next y (usually one 4-node
 *    panel on a day grid) and G0 is summed once per x.
 * The likelihood regroups its terms so that A0 itself is never formed (`paretonbdLogLik`) and
 * has analytic gradients (`logTailIntegralChains`). P(alive) takes A0 directly as the integral
 * over [t_x, T] when z(t_x) > 1/2 (no cancellation), else as e^{ln J(t_x)} − e^{ln J(T)} with
 * log1mExp.
 */
import { type PreparedPurchases, pairIndex } from './data.ts';
import {
  digamma,
  hyp2f1OneBC,
  hyp2f1OneBCGrad,
  invOnePlusExp,
  lgamma,
  log1mExp,
  logAddExp,
  logSoftplusIntegral,
  oneMinusExpOverC,
  softplus,
} from './special.ts';

export const PARETONBD_PARAMS = ['r', 'alpha', 's', 'beta'] as const;

/** Above this z = |α−β|/(max(α,β)+y), J(y) is integrated rather than summed. */
const SERIES_MAX_Z = 0.5;

/**
 * ln J by the Euler-transformed series, for z ≤ SERIES_MAX_Z (a = r+s+x, e0 = c, e1 = a+1−e0,
 * m = max(α,β)). e1 is passed, not computed, so that it keeps its digits when s ≫ r+x.
 */
function logTailSeries(a: number, e0: number, e1: number, m: number, z: number, y: number): number {
  const res = hyp2f1OneBC(e1, a + 1, z);
  return (1 - e0) * Math.log1p(-z) + Math.log(res.value) - a * Math.log(m + y) - Math.log(a);
}

/** ln G0 = ln ∫_0^∞ e^{(1−e0)τ} (1+e^τ)^−e1 dτ = ln[2F1(1, e1; a+1; 1/2) / (a 2^e1)], e1 = a+1−e0. */
function logG0(a: number, e1: number): number {
  return Math.log(hyp2f1OneBC(e1, a + 1, 0.5).value) - e1 * Math.LN2 - Math.log(a);
}

/**
 * ln ∫_y^∞ (α+u)^−p (β+u)^−q du for p + q > 1, by the logit-coordinate quadrature alone (no
 * series). Exposed for tests, as an independent check of `logTailIntegral`.
 */
export function logTailIntegralQuadrature(
  p: number,
  q: number,
  alpha: number,
  beta: number,
  y: number,
): number {
  const a = p + q - 1;
  if (alpha === beta) return -a * Math.log(alpha + y) - Math.log(a);
  const e0 = alpha >= beta ? q : p;
  const e1 = alpha >= beta ? p : q;
  const k = Math.min(alpha, beta);
  const d = Math.abs(alpha - beta);
  return -a * Math.log(d) + logSoftplusIntegral(1 - e0, e1, Math.log((k + y) / d), Number.POSITIVE_INFINITY);
}

/** ln J(y) for purchase exponent p = r+x and dropout exponent q = s+1 (see the module comment). */
export function logTailIntegral(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  y: number,
): number {
  const a = r + s + x;
  const m = Math.max(alpha, beta);
  const d = Math.abs(alpha - beta);
  const z = d / (m + y);
  const e0 = alpha >= beta ? s + 1 : r + x;
  const e1 = alpha >= beta ? r + x : s + 1;
  if (z <= SERIES_MAX_Z) return logTailSeries(a, e0, e1, m, z, y);
  const k = Math.min(alpha, beta);
  return (
    -a * Math.log(d) + logAddExp(logG0(a, e1), logSoftplusIntegral(1 - e0, e1, Math.log((k + y) / d), 0))
  );
}

/**
 * ln ∫_{y0}^{y1} (α+u)^−(r+x) (β+u)^−(s+1) du = ln[J(y0) − J(y1)] for 0 ≤ y0 ≤ y1 (−Infinity if
 * y0 = y1). Where z(y0) > 1/2 the interval is integrated directly, without the cancellation of
 * the difference.
 */
export function logIntegralBetween(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  y0: number,
  y1: number,
): number {
  if (!(y1 > y0)) return Number.NEGATIVE_INFINITY;
  const a = r + s + x;
  const m = Math.max(alpha, beta);
  const d = Math.abs(alpha - beta);
  const z0 = d / (m + y0);
  const e0 = alpha >= beta ? s + 1 : r + x;
  const e1 = alpha >= beta ? r + x : s + 1;
  if (z0 <= SERIES_MAX_Z) {
    const l0 = logTailSeries(a, e0, e1, m, z0, y0);
    const l1 = logTailSeries(a, e0, e1, m, d / (m + y1), y1);
    return l0 + log1mExp(l0 - l1);
  }
  const k = Math.min(alpha, beta);
  return -a * Math.log(d) + logSoftplusIntegral(1 - e0, e1, Math.log((k + y0) / d), Math.log((k + y1) / d));
}

interface ParetoPairs {
  readonly xT: { a: Int32Array; b: Int32Array; index: Int32Array };
  readonly xtx: { a: Int32Array; b: Int32Array; index: Int32Array };
  /** Per distinct x: its distinct y (T and t_x values) in decreasing order, concatenated. */
  readonly chainStart: Int32Array; // length nx + 1
  readonly chainY: Float64Array;
  /** Position in chainY of each (x, T) pair and each (x, t_x) pair. */
  readonly xTPos: Int32Array;
  readonly xtxPos: Int32Array;
}
const pairCache = new WeakMap<PreparedPurchases, ParetoPairs>();

function pairsOf(d: PreparedPurchases): ParetoPairs {
  let pairs = pairCache.get(d);
  if (!pairs) {
    const xT = pairIndex(d.xIdx, d.TIdx, d.Ts.length);
    const xtx = pairIndex(d.xIdx, d.txIdx, d.txs.length);
    const nx = d.xs.length;
    const perX: Map<number, number>[] = Array.from({ length: nx }, () => new Map<number, number>());
    for (let k = 0; k < xT.a.length; k++)
      (perX[xT.a[k] as number] as Map<number, number>).set(d.Ts[xT.b[k] as number] as number, 0);
    for (let k = 0; k < xtx.a.length; k++)
      (perX[xtx.a[k] as number] as Map<number, number>).set(d.txs[xtx.b[k] as number] as number, 0);
    const chainStart = new Int32Array(nx + 1);
    const ys: number[] = [];
    for (let i = 0; i < nx; i++) {
      const m = perX[i] as Map<number, number>;
      const sorted = Array.from(m.keys()).sort((u, v) => v - u);
      chainStart[i] = ys.length;
      for (const y of sorted) {
        m.set(y, ys.length);
        ys.push(y);
      }
    }
    chainStart[nx] = ys.length;
    const xTPos = new Int32Array(xT.a.length);
    for (let k = 0; k < xT.a.length; k++)
      xTPos[k] = (perX[xT.a[k] as number] as Map<number, number>).get(
        d.Ts[xT.b[k] as number] as number,
      ) as number;
    const xtxPos = new Int32Array(xtx.a.length);
    for (let k = 0; k < xtx.a.length; k++)
      xtxPos[k] = (perX[xtx.a[k] as number] as Map<number, number>).get(
        d.txs[xtx.b[k] as number] as number,
      ) as number;
    pairs = { xT, xtx, chainStart, chainY: Float64Array.from(ys), xTPos, xtxPos };
    pairCache.set(d, pairs);
  }
  return pairs;
}

const GRAD3 = new Float64Array(3);
const MOMENTS = new Float64Array(2);

/**
 * ln J(y) at every y of every x's chain (see the module comment): the series where z ≤ 1/2,
 * else J accumulated downwards in y from G0, one short quadrature per gap. With `dJ` (4 per
 * point), also ∂ln J/∂(r, α, s, β), derived in the branch's own variables (e0, a, m = max(α,β),
 * k = min(α,β)) and mapped back: α ≥ β: e0 = s+1, m = α, k = β; α < β: e0 = r+x, m = β, k = α;
 * a = r+s+x throughout.
 */
function logTailIntegralChains(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  xs: Float64Array,
  pairs: ParetoPairs,
  dJ: Float64Array | null,
): Float64Array {
  const { chainStart, chainY } = pairs;
  const out = new Float64Array(chainY.length);
  const m = Math.max(alpha, beta);
  const k = Math.min(alpha, beta);
  const d = Math.abs(alpha - beta);
  const logD = d > 0 ? Math.log(d) : 0;
  const aGeB = alpha >= beta;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const a = r + s + x;
    const e0 = aGeB ? s + 1 : r + x;
    const e1 = aGeB ? r + x : s + 1; // = a + 1 − e0, without its cancellation when s ≫ r + x
    // Running integral G over [prevT, ∞) in logit coordinates (once below z = 1/2), and its
    // weighted means of ln(1+e^τ) (= −∂ln G/∂a) and ln(1+e^−τ) (= ∂ln G/∂e0).
    let lnG = Number.NaN;
    let mSp = 0;
    let mSpn = 0;
    let prevT = 0;
    const end = chainStart[i + 1] as number;
    for (let j = chainStart[i] as number; j < end; j++) {
      const y = chainY[j] as number;
      const z = d / (m + y);
      let dE0 = 0;
      let dA = 0;
      let dM = 0;
      let dK = 0;
      if (z <= SERIES_MAX_Z) {
        if (!dJ) {
          out[j] = logTailSeries(a, e0, e1, m, z, y);
          continue;
        }
        // ln J = (1−e0) ln(1−z) + ln F(1, e1; a+1; z) − a ln(m+y) − ln a, z = (m−k)/(m+y)
        const F = hyp2f1OneBCGrad(e1, a + 1, z, GRAD3);
        const l1z = Math.log1p(-z);
        const my = m + y;
        out[j] = (1 - e0) * l1z + Math.log(F) - a * Math.log(my) - Math.log(a);
        const gb = GRAD3[0] as number;
        const gz = GRAD3[2] as number;
        dE0 = -l1z - gb;
        dA = gb + (GRAD3[1] as number) - Math.log(my) - 1 / a;
        dM = -(1 - e0) / my + (gz * (k + y)) / (my * my) - a / my;
        dK = (1 - e0) / (k + y) - gz / my;
      } else {
        const t = Math.log((k + y) / d);
        if (Number.isNaN(lnG)) {
          // G0 = F(1, e1; a+1; 1/2) / (a 2^e1)
          if (dJ) {
            const F = hyp2f1OneBCGrad(e1, a + 1, 0.5, GRAD3);
            lnG = Math.log(F) - e1 * Math.LN2 - Math.log(a);
            mSpn = Math.LN2 - (GRAD3[0] as number);
            mSp = -((GRAD3[0] as number) - Math.LN2 + (GRAD3[1] as number) - 1 / a);
          } else {
            lnG = logG0(a, e1);
          }
        }
        if (dJ) {
          const lp = logSoftplusIntegral(1 - e0, e1, t, prevT, MOMENTS);
          const tot = logAddExp(lnG, lp);
          const wOld = Math.exp(lnG - tot);
          const wNew = Math.exp(lp - tot);
          mSp = wOld * mSp + wNew * (MOMENTS[0] as number);
          mSpn = wOld * mSpn + wNew * (MOMENTS[1] as number);
          lnG = tot;
        } else {
          lnG = logAddExp(lnG, logSoftplusIntegral(1 - e0, e1, t, prevT));
        }
        prevT = t;
        out[j] = lnG - a * logD;
        if (!dJ) continue;
        // ln J = −a ln d + ln G(τ_y), τ_y = ln((k+y)/d), d = m − k; ρ = g(τ_y)/G
        const rho = Math.exp((1 - e0) * t - e1 * softplus(t) - lnG);
        dE0 = mSpn;
        dA = -logD - mSp;
        dM = (rho - a) / d;
        dK = -rho / (k + y) - dM;
      }
      const o = 4 * j;
      if (aGeB) {
        dJ[o] = dA;
        dJ[o + 1] = dM;
        dJ[o + 2] = dE0 + dA;
        dJ[o + 3] = dK;
      } else {
        dJ[o] = dE0 + dA;
        dJ[o + 1] = dK;
        dJ[o + 2] = dA;
        dJ[o + 3] = dM;
      }
    }
  }
  return out;
}

/**
 * Total weighted log-likelihood (−Infinity where not finite, never NaN); when `grad` is given
 * it receives the analytic ∂LL/∂(r, α, s, β).
 */
export function paretonbdLogLik(
  p: Float64Array,
  d: PreparedPurchases,
  grad: Float64Array | null = null,
): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  if (!(r > 0 && alpha > 0 && s > 0 && beta > 0)) return Number.NEGATIVE_INFINITY;
  const pairs = pairsOf(d);
  const nx = d.xs.length;
  const cx = new Float64Array(nx);
  const lgR = lgamma(r);
  for (let k = 0; k < nx; k++) cx[k] = lgamma((d.xs[k] as number) + r) - lgR;
  const dJ = grad ? new Float64Array(4 * pairs.chainY.length) : null;
  const lnJ = logTailIntegralChains(r, alpha, s, beta, d.xs, pairs, dJ);
  // Per customer, L / (Γ(r+x) α^r β^s / Γ(r)) = e^A + s (J(t_x) − J(T)) = (e^A − e^C) + e^B with
  //   A = −(r+x) ln(α+T) − s ln(β+T),  C = ln s + ln J(T)   (both depend on (x, T) only),
  //   B = ln s + ln J(t_x)                                    (depends on (x, t_x) only),
  // and e^C ≤ e^A since s J(T) ≤ (α+T)^−(r+x) (β+T)^−s. So ln(e^A − e^C) is computed once per
  // (x, T) pair, B once per (x, t_x) pair, and each row costs one logaddexp.
  const logS = Math.log(s);
  const nT = pairs.xT.a.length;
  const aPrime = new Float64Array(nT);
  const dU = grad ? new Float64Array(4 * nT) : null;
  for (let k = 0; k < nT; k++) {
    const x = d.xs[pairs.xT.a[k] as number] as number;
    const T = d.Ts[pairs.xT.b[k] as number] as number;
    const lAT = Math.log(alpha + T);
    const lBT = Math.log(beta + T);
    const A = -(r + x) * lAT - s * lBT;
    const pos = pairs.xTPos[k] as number;
    const C = logS + (lnJ[pos] as number);
    const u = A + log1mExp(Math.max(A - C, 0));
    aPrime[k] = u;
    if (dU && dJ && u > Number.NEGATIVE_INFINITY) {
      // ∂ ln(e^A − e^C) = (∂A − q ∂C) / (1 − q), q = e^(C−A)
      const q = Math.exp(C - A);
      const inv = 1 / -Math.expm1(C - A);
      const o = 4 * k;
      dU[o] = (-lAT - q * (dJ[4 * pos] as number)) * inv;
      dU[o + 1] = (-(r + x) / (alpha + T) - q * (dJ[4 * pos + 1] as number)) * inv;
      dU[o + 2] = (-lBT - q * (1 / s + (dJ[4 * pos + 2] as number))) * inv;
      dU[o + 3] = (-s / (beta + T) - q * (dJ[4 * pos + 3] as number)) * inv;
    }
  }
  const ntx = pairs.xtx.a.length;
  const bTerm = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) bTerm[k] = logS + (lnJ[pairs.xtxPos[k] as number] as number);
  let sum = 0; // Neumaier-compensated (see bgnbd.ts)
  let comp = 0;
  const xTIdx = pairs.xT.index;
  const xtxIdx = pairs.xtx.index;
  const NEG_INF = Number.NEGATIVE_INFINITY;
  // With a gradient: the customer weight carried by each term of each row's logaddexp.
  const wU = grad ? new Float64Array(nT) : null;
  const wV = grad ? new Float64Array(ntx) : null;
  for (let i = 0; i < d.n; i++) {
    const ku = xTIdx[i] as number;
    const kv = xtxIdx[i] as number;
    const u = aPrime[ku] as number;
    const v = bTerm[kv] as number;
    const w = d.w[i] as number;
    let ll: number;
    let piV: number; // share of the second term, e^v / (e^u + e^v)
    if (u === NEG_INF) {
      ll = v;
      piV = 1;
    } else if (v === NEG_INF) {
      ll = u;
      piV = 0;
    } else if (u > v) {
      const ev = Math.exp(v - u);
      ll = u + Math.log1p(ev);
      piV = ev / (1 + ev);
    } else {
      const eu = Math.exp(u - v);
      ll = v + Math.log1p(eu);
      piV = 1 / (1 + eu);
    }
    const term = w * ((cx[d.xIdx[i] as number] as number) + ll);
    const s1 = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - s1 + term : term - s1 + sum;
    sum = s1;
    if (wU && wV) {
      wU[ku] = (wU[ku] as number) + w * (1 - piV);
      wV[kv] = (wV[kv] as number) + w * piV;
    }
  }
  const N = d.totalWeight;
  const total = sum + comp + N * (r * Math.log(alpha) + s * Math.log(beta));
  if (!Number.isFinite(total)) return Number.NEGATIVE_INFINITY;
  if (grad && dU && dJ && wU && wV) {
    let gR = N * Math.log(alpha);
    let gAl = (N * r) / alpha;
    let gS = N * Math.log(beta);
    let gBe = (N * s) / beta;
    const psiR = digamma(r);
    for (let k = 0; k < nx; k++) gR += (d.xWeight[k] as number) * (digamma((d.xs[k] as number) + r) - psiR);
    for (let k = 0; k < nT; k++) {
      const wk = wU[k] as number;
      if (wk === 0) continue;
      const o = 4 * k;
      gR += wk * (dU[o] as number);
      gAl += wk * (dU[o + 1] as number);
      gS += wk * (dU[o + 2] as number);
      gBe += wk * (dU[o + 3] as number);
    }
    for (let k = 0; k < ntx; k++) {
      const wk = wV[k] as number;
      if (wk === 0) continue;
      const o = 4 * (pairs.xtxPos[k] as number);
      gR += wk * (dJ[o] as number);
      gAl += wk * (dJ[o + 1] as number);
      gS += wk * (1 / s + (dJ[o + 2] as number));
      gBe += wk * (dJ[o + 3] as number);
    }
    grad[0] = gR;
    grad[1] = gAl;
    grad[2] = gS;
    grad[3] = gBe;
  }
  return total;
}

/** P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0). */
export function paretonbdPAlive(p: Float64Array, x: number, tx: number, T: number): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  // s/(r+s+x) · A0 = s ∫_{t_x}^T (α+u)^−(r+x) (β+u)^−(s+1) du
  const u =
    Math.log(s) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logIntegralBetween(r, alpha, s, beta, x, tx, T);
  return invOnePlusExp(u);
}

/**
 * E[Y(t) | alive, x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)], with the s → 1
 * limit handled. Independent of t_x.
 */
export function paretonbdExpectedIfAlive(p: Float64Array, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  return Math.max(
    0,
    (((r + x) * (beta + T)) / (alpha + T)) * oneMinusExpOverC(s - 1, Math.log1p(t / (beta + T))),
  );
}

/** E[Y(t) | x, t_x, T] (FHL 2005 note, eq. 29) = E[Y(t) | alive, x, T] · P(alive | x, t_x, T). */
export function paretonbdConditionalExpected(
  p: Float64Array,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return paretonbdExpectedIfAlive(p, t, x, T) * paretonbdPAlive(p, x, tx, T);
}

/** E[X(t)] = rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)]. */
export function paretonbdExpected(p: Float64Array, t: number): number {
  if (t <= 0) return 0;
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  return Math.max(0, ((r * beta) / alpha) * oneMinusExpOverC(s - 1, Math.log1p(t / beta)));
}
