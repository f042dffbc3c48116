/**
 * Special functions for the CLV models, written for stability rather than brevity:
 * log-gamma, digamma, log-sum-exp helpers and the Gauss hypergeometric sums the
 * BG/NBD, MBG/NBD and Pareto/NBD expressions need, always evaluated after the Euler
 * transformation so that no intermediate quantity overflows for heavy buyers; and, for
 * Pareto/NBD where its 2F1's argument is close to 1, the incomplete beta integral in logit
 * coordinates by Gauss–Legendre quadrature (`logSoftplusIntegral`).
 */

const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189,
  0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408,
  0.0000036899182659531625,
] as const;

const LOG_SQRT_2PI_FACTOR = 2.5066282746310007;

/** ln Γ(x) for x > 0 (Lanczos, g = 671/128; relative error ~1e-15). Returns Infinity at x <= 0. */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // Γ(x) = Γ(x + 1) / x keeps the Lanczos sum away from its weaker region near 0.
    return lgamma(x + 1) - Math.log(x);
  }
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.9999999999999971;
  for (let j = 0; j < 14; j++) {
    y += 1;
    ser += (LANCZOS[j] as number) / y;
  }
  return tmp + Math.log((LOG_SQRT_2PI_FACTOR * ser) / x);
}

/** ψ(x) = d/dx ln Γ(x) for x > 0 (recurrence to x >= 10, then the asymptotic series). */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series =
    inv2 *
    (1 / 12 -
      inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return acc + Math.log(x) - 0.5 * inv - series;
}

/** ln B(a, b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log(exp(a) + exp(b)) without overflow; -Infinity terms are allowed. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(1 - exp(-a)) for a >= 0 (Mächler 2012). Returns -Infinity at a = 0. */
export function log1mExp(a: number): number {
  if (a <= 0) return Number.NEGATIVE_INFINITY;
  return a < Math.LN2 ? Math.log(-Math.expm1(-a)) : Math.log1p(-Math.exp(-a));
}

/** 1 / (1 + exp(u)) evaluated stably (the logistic of -u). */
export function invOnePlusExp(u: number): number {
  if (u > 0) {
    const e = Math.exp(-u);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(u));
}

/** log(1 + exp(u)) evaluated stably (softplus). */
export function log1pExp(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/**
 * (1 - exp(-c L)) / c for L >= 0, with its limit L as c -> 0. This is the
 * `[1 - (β/(β+t))^(s-1)] / (s - 1)` factor of the Pareto/NBD expectations and the
 * `[1 - (1-z)^(a-1)] / (a - 1)` factor of the BG/NBD ones, computed without the 0/0.
 */
export function oneMinusExpOverC(c: number, L: number): number {
  const cl = c * L;
  if (Math.abs(cl) < 1e-8) return L * (1 - cl / 2);
  return -Math.expm1(-cl) / c;
}

/** Result of a hypergeometric series evaluation. */
export interface SeriesResult {
  readonly value: number;
  readonly terms: number;
  readonly converged: boolean;
}

/**
 * Σ_{j>=0} (b)_j / (c)_j z^j = 2F1(1, b; c; z) for 0 <= z < 1 and 0 < b < c, a sum of
 * positive terms whose ratio is below z. Used by Pareto/NBD after the Euler transformation.
 */
export function hyp2f1OneBC(b: number, c: number, z: number, maxTerms = 4000): SeriesResult {
  let sum = 1;
  let term = 1;
  if (z === 0) return { value: 1, terms: 1, converged: true };
  const tailFactor = z / (1 - z);
  for (let j = 0; j < maxTerms; j++) {
    term *= ((b + j) / (c + j)) * z;
    sum += term;
    // Remaining terms are each below the previous times z: bounded by term * z / (1 - z).
    if (term * tailFactor <= 1e-17 * sum) return { value: sum, terms: j + 2, converged: true };
  }
  return { value: sum, terms: maxTerms + 1, converged: false };
}

/**
 * G(A, B, C, z) = [1 - (1 - z)^B 2F1(A, B; C; z)] / B for 0 <= z < 1, with its limit as B -> 0.
 *
 * The BG/NBD and MBG/NBD expectations reduce to this after the Euler transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z): e.g. the BG/NBD conditional
 * expectation's `1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)` over `(a - 1)` is
 * G(a+b-1-r, a-1, a+b+x-1, z), whose series has no x-dependent numerator, so it neither
 * overflows nor loses digits for heavy buyers. The B -> 0 limit (a = 1) is handled exactly:
 * G = -expm1(B L)/B - (1 - z)^B S with L = ln(1 - z) and S = (2F1 - 1)/B summed directly.
 */
export function hypG(A: number, B: number, C: number, z: number, maxTerms = 200000): SeriesResult {
  if (z <= 0) return { value: 0, terms: 0, converged: true };
  const L = Math.log1p(-z);
  const first = oneMinusExpOverC(B, -L); // = -expm1(B L) / B, >= 0
  // S = Σ_{j>=1} (A)_j (B+1)_{j-1} / ((C)_j j!) z^j
  let term = (A / C) * z; // j = 1
  let S = term;
  let j = 1;
  let converged = false;
  for (; j < maxTerms; j++) {
    const ratio = (((A + j) * (B + j)) / ((C + j) * (j + 1))) * z;
    term *= ratio;
    S += term;
    const absTerm = Math.abs(term);
    if (absTerm <= 1e-17 * Math.abs(S) || term === 0) {
      // Terms are eventually monotone (ratio -> z < 1); require the ratio to have settled below 1.
      if (Math.abs(ratio) < 1) {
        const tail = (absTerm * Math.abs(ratio)) / (1 - Math.abs(ratio));
        if (tail <= 1e-16 * Math.abs(S) || tail === 0) {
          converged = true;
          break;
        }
      }
    }
  }
  const value = first - Math.exp(B * L) * S;
  return { value, terms: j + 1, converged };
}

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton's method on P_n; accurate to ~1e-16). */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    x[i] = t;
    w[i] = 2 / ((1 - t * t) * dp * dp);
  }
  return { x, w };
}

const GL4 = gaussLegendre(4);
const GL8 = gaussLegendre(8);
const GL16 = gaussLegendre(16);

/** ln(1 + e^t) (softplus), without overflow. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}
/** The logistic σ(t) = e^t / (1 + e^t), without overflow. */
function logistic(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/**
 * Panel sizing for `logSoftplusIntegral`: a panel of width W where the log-integrand changes at
 * rate ρ (`panelRate`: max(|h'|, √|h''|, 1 where the non-linear part of h matters)) gets 4, 8 or
 * 16 Gauss–Legendre nodes for ρW up to 0.1, 1 and 4. For e^{cτ} the n-point rule's relative
 * error is about (cW)^{2n} (n!)^4 / ((2n+1) ((2n)!)^3): at most ~6e-18 at these limits. Panels
 * are at most MAX_PANEL wide.
 */
const RHO_W_4 = 0.1;
const RHO_W_8 = 1;
const RHO_W_16 = 4;
const MAX_PANEL = 64;

/**
 * ln ∫_{σ0}^{σ1} σ^(a−1) (1−σ)^(b−1) dσ with σ_i = 1/(1 + e^−t_i) — the log of an incomplete
 * beta function over an interval given in logit coordinates t = ln(σ/(1−σ)), where the
 * integrand is e^{h(t)}, h(t) = a t − (a+b) ln(1 + e^t). Any real a works on a finite interval
 * (a ≤ 0 is what Pareto/NBD needs); t1 = +Infinity needs b > 0, t0 = −Infinity needs a > 0.
 *
 * h is concave (h'' = −(a+b) σ(1−σ) < 0 for a + b > 0), so the integral is done by
 * Gauss–Legendre panels marching away from the maximum of h on [t0, t1], each panel sized by
 * the local slope and curvature (`RHO_W_*`), and stopped once the concave tail left in the
 * marching direction, at most e^{h(t)} / |h'(t)|, is below e^−40 of the sum so far. Relative
 * error ~1e-15, with no overflow anywhere (every node is scaled by the largest value of h).
 * Returns −Infinity for an empty interval.
 *
 * With `moments` (length 2), also writes the integrand-weighted means of ln(1 + e^t) and
 * ln(1 + e^−t) over the interval, which are the result's derivatives −∂/∂b and −∂/∂a (for
 * analytic gradients; at fixed t0, t1: ∂h/∂b = −ln(1 + e^t), ∂h/∂a = −ln(1 + e^−t)).
 */
export function logBetaIncLogit(
  a: number,
  b: number,
  t0: number,
  t1: number,
  moments: Float64Array | null = null,
): number {
  return logSoftplusIntegral(a, a + b, t0, t1, moments);
}

/**
 * ln ∫_{t0}^{t1} e^{a t} (1 + e^t)^−e dt for e > 0: `logBetaIncLogit(a, e − a, …)` with the
 * exponent e given directly, so that it keeps its digits when a and e − a are both large and of
 * opposite sign (e.g. Pareto/NBD with s ≫ r + x). Same method, accuracy and `moments`.
 */
export function logSoftplusIntegral(
  a: number,
  e: number,
  t0: number,
  t1: number,
  moments: Float64Array | null = null,
): number {
  if (!(t1 > t0)) {
    if (moments) moments.fill(0);
    return Number.NEGATIVE_INFINITY;
  }
  if (!(e > 0)) return Number.NaN;
  // Peak of h: σ* = a / e, if 0 < a < e; otherwise h is monotone (decreasing for a ≤ 0).
  let peak: number;
  if (a <= 0) peak = Number.NEGATIVE_INFINITY;
  else if (a >= e) peak = Number.POSITIVE_INFINITY;
  else peak = Math.log(a / (e - a));
  const want = moments !== null;
  if (peak <= t0 || peak >= t1) {
    const res =
      peak <= t0 ? marchLogIntegral(a, e, t0, t1, 1, want) : marchLogIntegral(a, e, t1, t0, -1, want);
    if (moments) {
      moments[0] = MARCH[1] as number;
      moments[1] = MARCH[2] as number;
    }
    return res;
  }
  const right = marchLogIntegral(a, e, peak, t1, 1, want);
  const m0 = MARCH[1] as number;
  const m1 = MARCH[2] as number;
  const left = marchLogIntegral(a, e, peak, t0, -1, want);
  const total = logAddExp(right, left);
  if (moments) {
    const wr = Math.exp(right - total);
    const wl = Math.exp(left - total);
    moments[0] = wr * m0 + wl * (MARCH[1] as number);
    moments[1] = wr * m1 + wl * (MARCH[2] as number);
  }
  return total;
}

/**
 * Rate bound for a panel [lo, hi] of `marchLogIntegral`: max(|h'|, √|h''|, ρ_N), h' being
 * monotone and σ(1−σ) largest at t = 0. ρ_N = 1 is the rate of the non-linear part of h,
 * −e ln(1 + e^t) ≈ −e e^t for t < 0 (≈ −e (t + e^−t) for t > 0), which is negligible only when
 * its size e σ(−|t|) at the panel's point nearest 0 is; otherwise a long flat panel would miss it.
 */
function panelRate(a: number, e: number, lo: number, hi: number): number {
  const s1 = Math.abs(a - e * logistic(lo));
  const s2 = Math.abs(a - e * logistic(hi));
  const sc = logistic(-Math.abs(Math.min(Math.max(0, lo), hi)));
  const curv = e * sc * (1 - sc);
  return Math.max(s1, s2, Math.sqrt(curv), e * sc > 1e-17 ? 1 : 0);
}

/** Side results of `marchLogIntegral`: [unused, mean of ln(1+e^t), mean of ln(1+e^−t)]. */
const MARCH = new Float64Array(3);

/**
 * ln ∫ between `from` and `to` of e^{h(t)}, h(t) = a t − e ln(1 + e^t), marching in direction
 * `dir` (±1) from `from`, where h is largest, towards `to` (which may be infinite). Every node
 * is scaled by e^{h(from)} ≥ its value, so the panels are summed in linear space. With
 * `moments`, MARCH[1], MARCH[2] receive the weighted means of ln(1+e^t) and ln(1+e^−t).
 */
function marchLogIntegral(
  a: number,
  e: number,
  from: number,
  to: number,
  dir: 1 | -1,
  moments: boolean,
): number {
  let v = from;
  const href = a * v - e * softplus(v);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let panel = 0; panel < 100000; panel++) {
    const remaining = dir > 0 ? to - v : v - to;
    if (!(remaining > 0)) break;
    let w = Math.min(remaining, MAX_PANEL);
    let rho = dir > 0 ? panelRate(a, e, v, v + w) : panelRate(a, e, v - w, v);
    if (rho * w > RHO_W_16) {
      // Shrink to the rate at the start (the rate only grows away from the peak), then recheck.
      w = Math.min(w, RHO_W_16 / Math.max(panelRate(a, e, v, v), 1e-300));
      rho = dir > 0 ? panelRate(a, e, v, v + w) : panelRate(a, e, v - w, v);
      if (rho * w > RHO_W_16) w = RHO_W_16 / rho;
    }
    if (w < 1e-9 * Math.max(1, Math.abs(v))) {
      // Steeper than t can resolve (extreme parameters during a line search): over the rest that
      // matters h is its tangent line, whose integral up to `to` is exact.
      // (At a peak, where h' = 0, the quadratic term decides: ∫_0^∞ e^{h''u²/2} du = √(π/(2|h''|)).)
      const sp = softplus(v);
      const sg = logistic(v);
      const slope = dir * (a - e * sg);
      const f =
        Math.exp(a * v - e * sp - href) *
        (slope < 0 ? -Math.expm1(slope * remaining) / -slope : Math.sqrt(Math.PI / (2 * e * sg * (1 - sg))));
      s0 += f;
      if (moments) {
        s1 += f * sp;
        s2 += f * (sp - v);
      }
      break;
    }
    const rw = rho * w;
    const rule = rw <= RHO_W_4 ? GL4 : rw <= RHO_W_8 ? GL8 : GL16;
    const half = w / 2;
    const mid = v + dir * half;
    const xs = rule.x;
    const ws = rule.w;
    let p0 = 0;
    if (moments) {
      let p1 = 0;
      let p2 = 0;
      for (let j = 0; j < xs.length; j++) {
        const t = mid + half * (xs[j] as number);
        const sp = softplus(t);
        const f = (ws[j] as number) * Math.exp(a * t - e * sp - href);
        p0 += f;
        p1 += f * sp;
        p2 += f * (sp - t);
      }
      s1 += p1 * half;
      s2 += p2 * half;
    } else {
      for (let j = 0; j < xs.length; j++) {
        const t = mid + half * (xs[j] as number);
        p0 += (ws[j] as number) * Math.exp(a * t - e * softplus(t) - href);
      }
    }
    s0 += p0 * half;
    if (w >= remaining) break;
    v += dir * w;
    // Concave h: beyond v the integrand is below the tangent line, so the rest is at most
    // e^{h(v)} / |h'(v)| once h decreases in the marching direction.
    const slope = dir * (a - e * logistic(v));
    if (slope < 0 && Math.exp(a * v - e * softplus(v) - href) < -slope * 4.248354255291589e-18 * s0) break; // e^−40
  }
  if (moments) {
    MARCH[1] = s1 / s0;
    MARCH[2] = s2 / s0;
  }
  return href + Math.log(s0);
}

/**
 * 2F1(1, b; c; z) = Σ_j (b)_j / (c)_j z^j as `hyp2f1OneBC` (0 <= z < 1, 0 < b < c), with its
 * logarithmic derivatives written to `out`: ∂ln F/∂b, ∂ln F/∂c, ∂ln F/∂z. Returns F.
 */
export function hyp2f1OneBCGrad(b: number, c: number, z: number, out: Float64Array, maxTerms = 4000): number {
  if (z === 0) {
    out[0] = 0;
    out[1] = 0;
    out[2] = b / c;
    return 1;
  }
  let sum = 1;
  let term = 1;
  let sb = 0;
  let sc = 0;
  let sz = 0;
  let hb = 0; // Σ_{i<j} 1/(b+i)
  let hc = 0;
  for (let j = 0; j < maxTerms; j++) {
    hb += 1 / (b + j);
    hc += 1 / (c + j);
    term *= ((b + j) / (c + j)) * z; // term j+1
    sum += term;
    sb += term * hb;
    sc -= term * hc;
    sz += term * (j + 1);
    // Later terms shrink at least by z each; the derivative sums' weights grow only like j and ln j.
    if (term * (j + 2) * (1 + hb + hc) <= 1e-18 * (1 - z) * (1 - z) * sum) break;
  }
  out[0] = sb / sum;
  out[1] = sc / sum;
  out[2] = sz / (z * sum);
  return sum;
}
