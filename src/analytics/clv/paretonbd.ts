/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987), in the form of Fader, Hardie & Lee
 * (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions".
 * Parameters in the order [r, alpha, s, beta].
 *
 *   L = Γ(r+x) α^r β^s / Γ(r) · { 1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A0 }
 *   A0 = (r+s+x) ∫_{t_x}^{T} (α+y)^−(r+x) (β+y)^−(s+1) dy = (r+s+x) [J(t_x) − J(T)],
 *   J(y) = ∫_y^∞ (α+u)^−(r+x) (β+u)^−(s+1) du
 *        = 2F1(r+s+x, c; r+s+x+1; |α−β|/(max(α,β)+y)) / ((r+s+x) (max(α,β)+y)^(r+s+x)),
 * with c = s+1 if α >= β and c = r+x otherwise (FHL 2005 eqs. 22–24).
 *
 * The 2F1 is evaluated after the Euler transformation, 2F1(a, c; a+1; z) =
 * (1−z)^(1−c) 2F1(1, a+1−c; a+1; z), whose series has positive terms with ratio < z and
 * no x-dependent growth, entirely in logs: nothing overflows for heavy buyers. Where the
 * series would converge slowly (z > 0.95) J(y) is integrated numerically instead
 * (Gauss–Legendre panels in v = ln(min(α,β)+u); the log-integrand is concave, so the tail is
 * bounded and truncated at 1e-16 relative). A0 = e^{ln J(t_x)} − e^{ln J(T)} is taken with
 * log1mexp, and the two likelihood terms are combined with logaddexp.
 */
import { type PreparedPurchases, pairIndex } from './data.ts';
import { hyp2f1OneBC, invOnePlusExp, lgamma, log1mExp, logAddExp, oneMinusExpOverC } from './special.ts';

export const PARETONBD_PARAMS = ['r', 'alpha', 's', 'beta'] as const;

const SERIES_MAX_Z = 0.95;

// 16-point Gauss–Legendre nodes and weights on [-1, 1], computed once by Newton's method.
const GL_N = 16;
const GL_X = new Float64Array(GL_N);
const GL_W = new Float64Array(GL_N);
(() => {
  for (let i = 0; i < GL_N; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (GL_N + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= GL_N; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (GL_N * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    GL_X[i] = x;
    GL_W[i] = 2 / ((1 - x * x) * dp * dp);
  }
})();

/**
 * ln ∫_y^∞ (α+u)^−p (β+u)^−q du by quadrature (p + q > 1). Exposed for tests.
 */
export function logTailIntegralQuadrature(
  p: number,
  q: number,
  alpha: number,
  beta: number,
  y: number,
): number {
  const k = Math.min(alpha, beta);
  const da = alpha - k;
  const db = beta - k;
  // h(v) = v − p ln(da + e^v) − q ln(db + e^v), u = e^v − k
  const h = (v: number): number => {
    const la = da === 0 ? v : v + Math.log1p(da * Math.exp(-v));
    const lb = db === 0 ? v : v + Math.log1p(db * Math.exp(-v));
    return v - p * la - q * lb;
  };
  const hp = (v: number): number => {
    const ev = Math.exp(-v);
    return 1 - p / (1 + da * ev) - q / (1 + db * ev);
  };
  const hpp = (v: number): number => {
    const ev = Math.exp(-v);
    const fa = da * ev;
    const fb = db * ev;
    return -(p * fa) / ((1 + fa) * (1 + fa)) - (q * fb) / ((1 + fb) * (1 + fb));
  };
  let v = Math.log(k + y);
  let acc = Number.NEGATIVE_INFINITY;
  const hk = new Float64Array(GL_N);
  for (let panel = 0; panel < 5000; panel++) {
    const s0 = Math.abs(hp(v));
    const c0 = Math.abs(hpp(v));
    let w = Math.min(2 / Math.max(s0, 1e-3), 2 / Math.sqrt(Math.max(c0, 1e-6)), 50);
    const s1 = Math.abs(hp(v + w));
    if (s1 * w > 2) w = 2 / s1;
    const mid = v + w / 2;
    let mx = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < GL_N; j++) {
      const val = h(mid + (w / 2) * (GL_X[j] as number));
      hk[j] = val;
      if (val > mx) mx = val;
    }
    let sum = 0;
    for (let j = 0; j < GL_N; j++) sum += (GL_W[j] as number) * Math.exp((hk[j] as number) - mx);
    acc = logAddExp(acc, mx + Math.log((sum * w) / 2));
    v += w;
    const slope = hp(v);
    // Concave log-integrand: the remaining tail is at most e^{h(v)} / |h'(v)|.
    if (slope < 0 && h(v) - Math.log(-slope) < acc - 37) break;
  }
  return acc;
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
  const rsf = r + s + x;
  const m = Math.max(alpha, beta);
  const z = Math.abs(alpha - beta) / (m + y);
  const c = alpha >= beta ? s + 1 : r + x;
  if (z <= SERIES_MAX_Z) {
    const res = hyp2f1OneBC(rsf + 1 - c, rsf + 1, z);
    if (res.converged) {
      return (1 - c) * Math.log1p(-z) + Math.log(res.value) - rsf * Math.log(m + y) - Math.log(rsf);
    }
  }
  return logTailIntegralQuadrature(r + x, s + 1, alpha, beta, y);
}

interface ParetoPairs {
  readonly xT: { a: Int32Array; b: Int32Array; index: Int32Array };
  readonly xtx: { a: Int32Array; b: Int32Array; index: Int32Array };
}
const pairCache = new WeakMap<PreparedPurchases, ParetoPairs>();

function pairsOf(d: PreparedPurchases): ParetoPairs {
  let pairs = pairCache.get(d);
  if (!pairs) {
    pairs = {
      xT: pairIndex(d.xIdx, d.TIdx, d.Ts.length),
      xtx: pairIndex(d.xIdx, d.txIdx, d.txs.length),
    };
    pairCache.set(d, pairs);
  }
  return pairs;
}

/** Total weighted log-likelihood (−Infinity where not finite, never NaN). No analytic gradient. */
export function paretonbdLogLik(p: Float64Array, d: PreparedPurchases): number {
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
  // Per customer, L / (Γ(r+x) α^r β^s / Γ(r)) = e^A + s (J(t_x) − J(T)) = (e^A − e^C) + e^B with
  //   A = −(r+x) ln(α+T) − s ln(β+T),  C = ln s + ln J(T)   (both depend on (x, T) only),
  //   B = ln s + ln J(t_x)                                    (depends on (x, t_x) only),
  // and e^C ≤ e^A since s J(T) ≤ (α+T)^−(r+x) (β+T)^−s. So ln(e^A − e^C) is computed once per
  // (x, T) pair, B once per (x, t_x) pair, and each row costs one logaddexp.
  const logS = Math.log(s);
  const nT = pairs.xT.a.length;
  const aPrime = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    const x = d.xs[pairs.xT.a[k] as number] as number;
    const T = d.Ts[pairs.xT.b[k] as number] as number;
    const A = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
    const C = logS + logTailIntegral(r, alpha, s, beta, x, T);
    aPrime[k] = A + log1mExp(Math.max(A - C, 0));
  }
  const ntx = pairs.xtx.a.length;
  const bTerm = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) {
    const x = d.xs[pairs.xtx.a[k] as number] as number;
    bTerm[k] = logS + logTailIntegral(r, alpha, s, beta, x, d.txs[pairs.xtx.b[k] as number] as number);
  }
  let sum = 0; // Neumaier-compensated (see bgnbd.ts)
  let comp = 0;
  const xTIdx = pairs.xT.index;
  const xtxIdx = pairs.xtx.index;
  const NEG_INF = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.n; i++) {
    const u = aPrime[xTIdx[i] as number] as number;
    const v = bTerm[xtxIdx[i] as number] as number;
    let ll: number;
    if (u === NEG_INF) ll = v;
    else if (v === NEG_INF) ll = u;
    else if (u > v) ll = u + Math.log1p(Math.exp(v - u));
    else ll = v + Math.log1p(Math.exp(u - v));
    const term = (d.w[i] as number) * ((cx[d.xIdx[i] as number] as number) + ll);
    const s1 = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? sum - s1 + term : term - s1 + sum;
    sum = s1;
  }
  const total = sum + comp + d.totalWeight * (r * Math.log(alpha) + s * Math.log(beta));
  return Number.isFinite(total) ? total : Number.NEGATIVE_INFINITY;
}

/** ln A0 for one customer. */
function logA0(p: Float64Array, x: number, tx: number, T: number): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  const lJtx = logTailIntegral(r, alpha, s, beta, x, tx);
  const lJT = logTailIntegral(r, alpha, s, beta, x, T);
  return Math.log(r + s + x) + lJtx + log1mExp(lJtx - lJT);
}

/** P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0). */
export function paretonbdPAlive(p: Float64Array, x: number, tx: number, T: number): number {
  const r = p[0] as number;
  const alpha = p[1] as number;
  const s = p[2] as number;
  const beta = p[3] as number;
  const u =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(p, x, tx, T);
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
