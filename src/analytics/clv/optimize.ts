/**
 * Small, dependency-free unconstrained optimiser used for maximum likelihood on
 * log-parameters: BFGS with a strong-Wolfe line search (analytic or central-difference
 * gradients), Nelder–Mead as a derivative-free fallback, a multi-start driver, and
 * finite-difference Hessians with a Cholesky inverse for standard errors.
 *
 * Objectives return +Infinity (never NaN) where they are not finite; every routine treats
 * that as "too far" and backs off, so a fit reports why it stopped instead of returning NaN.
 */

/** Objective value only. */
export type ObjectiveFn = (x: Float64Array) => number;
/** Objective value, writing the gradient into `g`. */
export type ObjectiveGradFn = (x: Float64Array, g: Float64Array) => number;

export interface OptimizeOptions {
  /** Convergence when the infinity norm of the gradient is at most this. */
  readonly gtol?: number;
  readonly maxIterations?: number;
  /** Largest step (Euclidean, in the optimised coordinates) a single line search may take. */
  readonly maxStep?: number;
  /** Starting inverse-Hessian approximation (row-major n×n), e.g. from a fit on a subsample. */
  readonly initialInverseHessian?: Float64Array;
  /**
   * Value-only objective. When given, the line search is Armijo backtracking on values and the
   * (expensive, e.g. numerical) gradient is taken only at accepted points.
   */
  readonly valueOnly?: ObjectiveFn;
}

export interface OptimizeResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly gradNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: string;
  readonly method: string;
  /** Final BFGS inverse-Hessian approximation (BFGS only). */
  readonly inverseHessian?: Float64Array;
}

const safe = (v: number): number => (Number.isFinite(v) ? v : Number.POSITIVE_INFINITY);

function normInf(g: Float64Array): number {
  let m = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i] as number);
    if (!(a <= m)) m = a; // NaN propagates as "large"
  }
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Wraps a value-only objective into value+gradient with central differences. */
export function withNumericGradient(f: ObjectiveFn, relStep = 1e-6): ObjectiveGradFn {
  return (x, g) => {
    const f0 = safe(f(x));
    const xp = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      const h = relStep * Math.max(1, Math.abs(xi));
      xp[i] = xi + h;
      const fp = safe(f(xp));
      xp[i] = xi - h;
      const fm = safe(f(xp));
      xp[i] = xi;
      if (Number.isFinite(fp) && Number.isFinite(fm)) g[i] = (fp - fm) / (2 * h);
      else if (Number.isFinite(fp) && Number.isFinite(f0)) g[i] = (fp - f0) / h;
      else if (Number.isFinite(fm) && Number.isFinite(f0)) g[i] = (f0 - fm) / h;
      else g[i] = Number.NaN;
    }
    return f0;
  };
}

interface LinePoint {
  alpha: number;
  f: number;
  d: number; // directional derivative
}

function cubicMin(a: LinePoint, b: LinePoint): number {
  // Minimiser of the cubic interpolating f and f' at a and b (Nocedal & Wright 3.59).
  const d1 = a.d + b.d - (3 * (a.f - b.f)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.d * b.d;
  const lo = Math.min(a.alpha, b.alpha);
  const hi = Math.max(a.alpha, b.alpha);
  if (disc >= 0 && Number.isFinite(disc)) {
    const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
    const t = b.alpha - (b.alpha - a.alpha) * ((b.d + d2 - d1) / (b.d - a.d + 2 * d2));
    const margin = 0.1 * (hi - lo);
    if (Number.isFinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return 0.5 * (lo + hi);
}

/**
 * BFGS on the inverse-Hessian approximation with a strong-Wolfe line search
 * (Nocedal & Wright, algorithms 3.5/3.6 and 6.1).
 */
export function bfgs(fg: ObjectiveGradFn, x0: Float64Array, options: OptimizeOptions = {}): OptimizeResult {
  const n = x0.length;
  const gtol = options.gtol ?? 1e-7;
  const maxIter = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 5;
  const c1 = 1e-4;
  const c2 = 0.9;
  let evaluations = 0;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const eval_ = (pt: Float64Array, grad: Float64Array): number => {
    evaluations++;
    const v = safe(fg(pt, grad));
    if (!Number.isFinite(v)) grad.fill(Number.NaN);
    return v;
  };
  let f = eval_(x, g);
  if (!Number.isFinite(f) || !Number.isFinite(normInf(g))) {
    return {
      x,
      f,
      gradNorm: Number.POSITIVE_INFINITY,
      iterations: 0,
      evaluations,
      converged: false,
      reason: 'objective not finite at the starting point',
      method: 'bfgs',
    };
  }
  const H = new Float64Array(n * n);
  const resetH = (scale: number) => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = scale;
  };
  resetH(1);
  const H0 = options.initialInverseHessian;
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const Hy = new Float64Array(n);
  let iterations = 0;
  let reason = 'maximum iterations reached';
  let converged = false;
  let stalled = 0;
  let justReset = false;
  let scaleNext = true;
  if (H0 && H0.length === n * n && H0.every((v) => Number.isFinite(v))) {
    H.set(H0);
    scaleNext = false;
  }

  for (; iterations < maxIter; iterations++) {
    const gn = normInf(g);
    if (gn <= gtol) {
      converged = true;
      reason = 'gradient norm below tolerance';
      break;
    }
    // d = -H g
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += (H[i * n + j] as number) * (g[j] as number);
      d[i] = -acc;
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      resetH(1);
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      dg = dot(d, g);
    }
    // With an informative inverse Hessian, −dg ≈ 2 × the decrease still available: if that is below
    // the objective's rounding level, the point is optimal to machine precision (and a line search
    // would only chase rounding noise).
    if (!scaleNext && -dg <= 1e-13 * Math.max(1, Math.abs(f))) {
      converged = true;
      reason = 'objective at machine precision (predicted decrease below rounding level)';
      break;
    }
    const dNorm = Math.sqrt(dot(d, d));
    const alphaMax = dNorm > 0 ? maxStep / dNorm : 1;

    // Strong-Wolfe line search.
    const phi = (alpha: number): LinePoint => {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + alpha * (d[i] as number);
      const fv = eval_(xNew, gNew);
      return { alpha, f: fv, d: Number.isFinite(fv) ? dot(gNew, d) : Number.NaN };
    };
    const p0: LinePoint = { alpha: 0, f, d: dg };
    let prev = p0;
    let alpha = Math.min(1, alphaMax);
    let accepted: LinePoint | null = null;
    const valueOnly = options.valueOnly;
    if (valueOnly) {
      // Armijo backtracking with safeguarded quadratic interpolation, values only.
      for (let k = 0; k < 40; k++) {
        for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + alpha * (d[i] as number);
        evaluations++;
        const fv = safe(valueOnly(xNew));
        if (Number.isFinite(fv) && fv <= f + c1 * alpha * dg) {
          const fAcc = eval_(xNew, gNew);
          accepted = { alpha, f: fAcc, d: dot(gNew, d) };
          break;
        }
        const q = Number.isFinite(fv) ? (-dg * alpha * alpha) / (2 * (fv - f - dg * alpha)) : 0.1 * alpha;
        alpha = Math.min(0.5 * alpha, Math.max(0.1 * alpha, q));
      }
    }
    const zoom = (lo: LinePoint, hi: LinePoint): LinePoint | null => {
      for (let k = 0; k < 20; k++) {
        const a =
          Number.isFinite(hi.f) && Number.isFinite(hi.d)
            ? cubicMin(lo, hi)
            : lo.alpha + 0.2 * (hi.alpha - lo.alpha);
        const p = phi(a);
        // Values indistinguishable at rounding level: accept a sufficient-decrease point or give up.
        if (Number.isFinite(p.f) && Math.abs(p.f - f) <= 1e-15 * Math.max(1, Math.abs(f))) {
          if (p.f < f) return p;
          break;
        }
        if (!Number.isFinite(p.f) || p.f > f + c1 * a * dg || p.f >= lo.f) {
          hi = p;
        } else {
          if (Math.abs(p.d) <= -c2 * dg) return p;
          if (p.d * (hi.alpha - lo.alpha) >= 0) hi = lo;
          lo = p;
        }
        if (Math.abs(hi.alpha - lo.alpha) < 1e-16 * Math.max(1, lo.alpha)) break;
      }
      // Accept the best sufficient-decrease point found, if any.
      if (lo.alpha > 0 && lo.f < f) {
        phi(lo.alpha); // restore xNew/gNew to lo
        return lo;
      }
      return null;
    };
    for (let k = 0; k < 30 && !valueOnly; k++) {
      const p = phi(alpha);
      if (!Number.isFinite(p.f) || p.f > f + c1 * alpha * dg || (k > 0 && p.f >= prev.f)) {
        accepted = zoom(prev, p);
        break;
      }
      if (Math.abs(p.d) <= -c2 * dg) {
        accepted = p;
        break;
      }
      if (p.d >= 0) {
        accepted = zoom(p, prev);
        break;
      }
      prev = p;
      if (alpha >= alphaMax) {
        accepted = p;
        break;
      }
      alpha = Math.min(2 * alpha, alphaMax);
    }
    if (accepted === null) {
      // The quasi-Newton model predicts a decrease of about -dg/2 to the optimum: if that is
      // below the objective's rounding level, the point is optimal to machine precision.
      if (-dg <= 1e-13 * Math.max(1, Math.abs(f))) {
        converged = true;
        reason = 'objective at machine precision (predicted decrease below rounding level)';
        break;
      }
      if (!justReset) {
        // Retry along steepest descent with a fresh Hessian approximation.
        resetH(1);
        justReset = true;
        scaleNext = true;
        continue;
      }
      reason = 'line search failed to find a lower objective';
      break;
    }
    justReset = false;
    // xNew/gNew hold the accepted point.
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = accepted.f;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (scaleNext) {
        resetH(sy / dot(y, y));
        scaleNext = false;
      }
      // H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += (H[i * n + j] as number) * (y[j] as number);
        Hy[i] = acc;
      }
      const yHy = dot(y, Hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] =
            (H[i * n + j] as number) -
            rho * ((Hy[i] as number) * (s[j] as number) + (s[i] as number) * (Hy[j] as number)) +
            (rho * rho * yHy + rho) * (s[i] as number) * (s[j] as number);
        }
      }
    }
    if (Math.abs(fOld - f) <= 1e-15 * Math.max(1, Math.abs(f)) && normInf(s) <= 1e-12) {
      stalled++;
      if (stalled > 3) {
        reason = 'no further progress (objective and step at machine precision)';
        break;
      }
    }
  }
  const gradNorm = normInf(g);
  if (!converged && gradNorm <= gtol) {
    converged = true;
    reason = 'gradient norm below tolerance';
  }
  return { x, f, gradNorm, iterations, evaluations, converged, reason, method: 'bfgs', inverseHessian: H };
}

/** Nelder–Mead simplex search (standard coefficients), used as the derivative-free fallback. */
export function nelderMead(
  f: ObjectiveFn,
  x0: Float64Array,
  options: { maxIterations?: number; initialStep?: number; ftol?: number; xtol?: number } = {},
): OptimizeResult {
  const n = x0.length;
  const maxIter = options.maxIterations ?? 2000 * n;
  const step = options.initialStep ?? 0.5;
  const ftol = options.ftol ?? 1e-12;
  const xtol = options.xtol ?? 1e-9;
  let evaluations = 0;
  const ev = (p: Float64Array) => {
    evaluations++;
    return safe(f(p));
  };
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  pts.push(Float64Array.from(x0));
  vals.push(ev(pts[0] as Float64Array));
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] = (p[i] as number) + step;
    pts.push(p);
    vals.push(ev(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (coef: number, worst: Float64Array): Float64Array => {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++)
      p[i] = (centroid[i] as number) + coef * ((worst[i] as number) - (centroid[i] as number));
    return p;
  };
  let iterations = 0;
  let converged = false;
  let reason = 'maximum iterations reached';
  for (; iterations < maxIter; iterations++) {
    order.sort((a, b) => (vals[a] as number) - (vals[b] as number));
    const best = order[0] as number;
    const worst = order[n] as number;
    const second = order[n - 1] as number;
    const fb = vals[best] as number;
    const fw = vals[worst] as number;
    let xs = 0;
    for (let k = 1; k <= n; k++) {
      const pk = pts[order[k] as number] as Float64Array;
      const pb = pts[best] as Float64Array;
      for (let i = 0; i < n; i++) xs = Math.max(xs, Math.abs((pk[i] as number) - (pb[i] as number)));
    }
    if (Number.isFinite(fw) && fw - fb <= ftol * Math.max(1, Math.abs(fb)) && xs <= xtol) {
      converged = true;
      reason = 'simplex collapsed (function and parameter tolerances met)';
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const pk = pts[order[k] as number] as Float64Array;
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (pk[i] as number) / n;
    }
    const pw = pts[worst] as Float64Array;
    const xr = trial(-1, pw);
    const fr = ev(xr);
    if (fr < fb) {
      const xe = trial(-2, pw);
      const fe = ev(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
    } else if (fr < (vals[second] as number)) {
      pts[worst] = xr;
      vals[worst] = fr;
    } else {
      const outside = fr < fw;
      const xc = outside ? trial(-0.5, pw) : trial(0.5, pw);
      const fc = ev(xc);
      if (fc < (outside ? fr : fw)) {
        pts[worst] = xc;
        vals[worst] = fc;
      } else {
        const pb = pts[best] as Float64Array;
        for (let k = 1; k <= n; k++) {
          const idx = order[k] as number;
          const pk = pts[idx] as Float64Array;
          for (let i = 0; i < n; i++)
            pk[i] = (pb[i] as number) + 0.5 * ((pk[i] as number) - (pb[i] as number));
          vals[idx] = ev(pk);
        }
      }
    }
  }
  order.sort((a, b) => (vals[a] as number) - (vals[b] as number));
  const bi = order[0] as number;
  return {
    x: pts[bi] as Float64Array,
    f: vals[bi] as number,
    gradNorm: Number.NaN,
    iterations,
    evaluations,
    converged,
    reason,
    method: 'nelder-mead',
  };
}

export interface StartReport {
  readonly start: number[];
  readonly f: number;
  readonly converged: boolean;
  readonly method: string;
  readonly reason: string;
}

export interface RobustResult extends OptimizeResult {
  readonly starts: StartReport[];
}

/**
 * Multi-start robust minimisation: BFGS from each start; where BFGS does not converge,
 * Nelder–Mead from the same start followed by a BFGS polish. The best converged run wins;
 * if none converged the best run is returned with `converged: false` and its reason.
 */
export function minimizeRobust(
  fg: ObjectiveGradFn,
  starts: readonly Float64Array[],
  options: OptimizeOptions = {},
): RobustResult {
  const f: ObjectiveFn = (x) => fg(x, new Float64Array(x.length));
  const reports: StartReport[] = [];
  let best: OptimizeResult | null = null;
  let evaluations = 0;
  for (const start of starts) {
    // Two converged starts agreeing on the optimum are enough.
    const agreeing = reports.filter((s) => s.converged);
    if (
      agreeing.length >= 2 &&
      Math.abs((agreeing[0] as StartReport).f - (agreeing[1] as StartReport).f) <=
        1e-9 * Math.max(1, Math.abs((agreeing[0] as StartReport).f))
    ) {
      break;
    }
    let r = bfgs(fg, start, options);
    evaluations += r.evaluations;
    if (!r.converged) {
      const nm = nelderMead(options.valueOnly ?? f, Number.isFinite(r.f) ? r.x : start);
      evaluations += nm.evaluations;
      const polished = bfgs(fg, nm.x, options);
      evaluations += polished.evaluations;
      const pick = Number.isFinite(polished.f) && polished.f <= nm.f ? polished : nm;
      r = {
        ...pick,
        iterations: r.iterations + nm.iterations + (pick === polished ? polished.iterations : 0),
        method: pick === polished ? 'bfgs→nelder-mead→bfgs' : 'bfgs→nelder-mead',
        gradNorm: pick === polished ? polished.gradNorm : Number.NaN,
      };
    }
    reports.push({
      start: Array.from(start),
      f: r.f,
      converged: r.converged,
      method: r.method,
      reason: r.reason,
    });
    if (
      best === null ||
      (r.converged && !best.converged) ||
      (r.converged === best.converged && Number.isFinite(r.f) && !(r.f >= best.f))
    ) {
      best = r;
    }
  }
  if (best === null) throw new Error('minimizeRobust needs at least one start');
  return { ...best, evaluations, starts: reports };
}

/**
 * Hessian by finite differences of the analytic gradient, symmetrised; row-major n×n.
 * Central differences by default (2n gradient evaluations); `forward` uses n + 1, accurate to
 * O(step) — ample for standard errors on large data where each evaluation is expensive.
 */
export function hessianFromGradient(
  fg: ObjectiveGradFn,
  x: Float64Array,
  step = 1e-4,
  forward = false,
): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const xp = Float64Array.from(x);
  if (forward) fg(x, gm);
  for (let j = 0; j < n; j++) {
    const xj = x[j] as number;
    const h = step * Math.max(1, Math.abs(xj));
    xp[j] = xj + h;
    fg(xp, gp);
    if (!forward) {
      xp[j] = xj - h;
      fg(xp, gm);
    }
    xp[j] = xj;
    const span = forward ? h : 2 * h;
    for (let i = 0; i < n; i++) H[i * n + j] = ((gp[i] as number) - (gm[i] as number)) / span;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * ((H[i * n + j] as number) + (H[j * n + i] as number));
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/**
 * Hessian from function values only, used where gradients are themselves numerical; row-major n×n.
 * Central second differences (1 + 2n + 2n(n−1) evaluations), or forward differences
 * (1 + n + n(n+1)/2 evaluations, O(step) accurate) when `forward` is set.
 */
export function hessianFromFunction(
  f: ObjectiveFn,
  x: Float64Array,
  step = 1e-3,
  forward = false,
): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const p = Float64Array.from(x);
  const h = Array.from(x, (v) => step * Math.max(1, Math.abs(v)));
  const f0 = f(p);
  const at = (i: number, di: number, j: number, dj: number): number => {
    p.set(x);
    p[i] = (p[i] as number) + di;
    p[j] = (p[j] as number) + dj;
    return f(p);
  };
  if (forward) {
    const fi = h.map((hi, i) => at(i, hi, i, 0));
    for (let i = 0; i < n; i++) {
      const hi = h[i] as number;
      for (let j = i; j < n; j++) {
        const hj = h[j] as number;
        const v = (at(i, hi, j, hj) - (fi[i] as number) - (fi[j] as number) + f0) / (hi * hj);
        H[i * n + j] = v;
        H[j * n + i] = v;
      }
    }
    return H;
  }
  for (let i = 0; i < n; i++) {
    const hi = h[i] as number;
    H[i * n + i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = i + 1; j < n; j++) {
      const hj = h[j] as number;
      const v =
        (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null if not positive definite. */
export function invertSpd(H: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = H[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (L[i * n + k] as number) * (L[j * n + k] as number);
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / (L[j * n + j] as number);
      }
    }
  }
  // inverse of L
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / (L[i * n + i] as number);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= (L[i * n + k] as number) * (Li[k * n + j] as number);
      Li[i * n + j] = sum / (L[i * n + i] as number);
    }
  }
  // H^-1 = L^-T L^-1
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += (Li[k * n + i] as number) * (Li[k * n + j] as number);
      inv[i * n + j] = sum;
    }
  }
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(inv[i] as number)) return null;
  return inv;
}
