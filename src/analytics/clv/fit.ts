/**
 * Maximum-likelihood fitting for the CLV models on log-parameters.
 *
 * Objective (as lifetimes): mean negative log-likelihood + penalizer · Σ θ² on the natural
 * parameters. Optimiser: multi-start BFGS with analytic gradients (every model), a
 * Nelder–Mead fallback and BFGS polish. Standard errors come from the finite-difference
 * Hessian (of the gradient) of the total objective in log-parameters, mapped to the natural
 * scale by the delta method (se(θ) = θ · se(ln θ)); 95% intervals are exp(ln θ ± 1.96 se(ln θ)),
 * so they never cross zero.
 */
import { bgnbdLogLik } from './bgnbd.ts';
import {
  ClvInputError,
  type CompressedSummary,
  type PreparedPurchases,
  type PreparedSpend,
  preparePurchases,
  prepareSpend,
  subsamplePurchases,
  subsampleSpend,
} from './data.ts';
import { gammaGammaLogLik } from './gammagamma.ts';
import { mbgnbdLogLik } from './mbgnbd.ts';
import {
  bfgs,
  hessianFromGradient,
  invertSpd,
  minimizeRobust,
  type ObjectiveGradFn,
  type RobustResult,
  type StartReport,
} from './optimize.ts';
import { paretonbdLogLik } from './paretonbd.ts';

export type PurchaseModelName = 'bgnbd' | 'mbgnbd' | 'paretonbd';
export type ClvModelName = PurchaseModelName | 'gammagamma';

export const PURCHASE_MODELS: readonly PurchaseModelName[] = ['bgnbd', 'mbgnbd', 'paretonbd'];
export const CLV_MODELS: readonly ClvModelName[] = ['bgnbd', 'mbgnbd', 'paretonbd', 'gammagamma'];

export const PARAM_NAMES: Readonly<Record<ClvModelName, readonly string[]>> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  paretonbd: ['r', 'alpha', 's', 'beta'],
  gammagamma: ['p', 'q', 'gamma'],
};

export const MODEL_LABELS: Readonly<Record<ClvModelName, string>> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  paretonbd: 'Pareto/NBD',
  gammagamma: 'Gamma-Gamma',
};

export interface FitOptions {
  /** L2 penalty coefficient on the natural parameters (lifetimes' penalizer_coef). Default 0. */
  readonly penalizer?: number;
  /** Natural-scale starting points; defaults are model-specific (three starts). */
  readonly starts?: readonly (readonly number[])[];
  readonly maxIterations?: number;
  /** Gradient tolerance (infinity norm, on the mean objective in log-parameters). */
  readonly gtol?: number;
  /**
   * Above this many unique rows the starts run on a weighted subsample of `subsampleRows`
   * rows and the best is polished on all rows (default 40,000 / 20,000). 0 disables.
   */
  readonly subsampleAbove?: number;
  readonly subsampleRows?: number;
}

export interface Convergence {
  readonly converged: boolean;
  readonly reason: string;
  readonly method: string;
  readonly iterations: number;
  readonly evaluations: number;
  readonly gradient_norm: number | null;
  /** Starting points tried (on the subsample when one was used). */
  readonly starts: readonly StartReport[];
  /** Rows of the Horvitz–Thompson subsample the starts ran on, or null when all rows were used. */
  readonly subsample_rows: number | null;
}

export interface FitResult {
  readonly model: ClvModelName;
  readonly params: Readonly<Record<string, number>>;
  readonly standard_errors: Readonly<Record<string, number | null>>;
  readonly ci95: Readonly<Record<string, readonly [number, number] | null>>;
  /** Unpenalised total log-likelihood at the estimate; null only if no finite value was found. */
  readonly loglik: number | null;
  readonly penalizer: number;
  /** Customers (total weight) and unique rows the likelihood was evaluated over. */
  readonly n_customers: number;
  readonly n_rows: number;
  readonly aic: number | null;
  readonly bic: number | null;
  readonly convergence: Convergence;
  readonly warnings: readonly string[];
}

const THETA_BOUND = 40;
const SUBSAMPLE_ABOVE = 40_000;
const SUBSAMPLE_ROWS = 20_000; // |ln θ| beyond this is treated as leaving the parameter space

type LogLikFn = (p: Float64Array, grad: Float64Array | null) => number;

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

interface Likelihood {
  readonly ll: LogLikFn;
  readonly totalWeight: number;
  readonly rows: number;
}

function fitGeneric(
  model: ClvModelName,
  full: Likelihood,
  sub: Likelihood | null,
  defaultStarts: readonly (readonly number[])[],
  options: FitOptions,
): FitResult {
  const names = PARAM_NAMES[model];
  const k = names.length;
  const penalizer = options.penalizer ?? 0;
  if (!(penalizer >= 0) || !Number.isFinite(penalizer)) throw new ClvInputError('penalizer must be >= 0');
  const N = full.totalWeight;
  const nRows = full.rows;
  const makeObjective = (lik: Likelihood) => {
    const natural = new Float64Array(k);
    const gNat = new Float64Array(k);
    const W = lik.totalWeight;
    return (theta: Float64Array, g: Float64Array | null): number => {
      for (let i = 0; i < k; i++) {
        const t = theta[i] as number;
        if (!(Math.abs(t) <= THETA_BOUND)) return Number.POSITIVE_INFINITY;
        natural[i] = Math.exp(t);
      }
      const v = lik.ll(natural, g ? gNat : null);
      if (!Number.isFinite(v)) return Number.POSITIVE_INFINITY;
      let pen = 0;
      for (let i = 0; i < k; i++) pen += (natural[i] as number) ** 2;
      if (g) {
        for (let i = 0; i < k; i++) {
          const p = natural[i] as number;
          g[i] = (-(gNat[i] as number) * p) / W + 2 * penalizer * p * p;
        }
      }
      return -v / W + penalizer * pen;
    };
  };
  const makeFg = (lik: Likelihood): ObjectiveGradFn => {
    const objective = makeObjective(lik);
    return (theta, g) => objective(theta, g);
  };
  const ll = full.ll;
  const fg = makeFg(full);

  const startsNat = options.starts ?? defaultStarts;
  const starts = startsNat.map((s) => {
    if (s.length !== k) throw new ClvInputError(`${model} starting points need ${k} values`);
    return Float64Array.from(s, (v) => {
      if (!(v > 0) || !Number.isFinite(v))
        throw new ClvInputError('starting values must be positive and finite');
      return Math.log(v);
    });
  });
  const gtol = options.gtol ?? 1e-8;
  const opt = { gtol, maxIterations: options.maxIterations ?? 1000 };
  let res: RobustResult;
  if (sub) {
    const rs = minimizeRobust(makeFg(sub), starts, opt);
    const polish = bfgs(
      fg,
      rs.x,
      rs.inverseHessian ? { ...opt, initialInverseHessian: rs.inverseHessian } : opt,
    );
    if (polish.converged) {
      res = {
        ...polish,
        method: `${rs.method} on a ${sub.rows}-row subsample, then bfgs on all rows`,
        starts: rs.starts,
      };
    } else {
      const again = minimizeRobust(fg, [polish.x, ...starts], opt);
      res = {
        ...again,
        evaluations: again.evaluations + polish.evaluations,
        method: `subsample start did not polish (${polish.reason}); ${again.method} on all rows`,
      };
    }
  } else {
    res = minimizeRobust(fg, starts, opt);
  }
  const warnings: string[] = [];

  const theta = res.x;
  const params: Record<string, number> = {};
  for (let i = 0; i < k; i++) params[names[i] as string] = Math.exp(theta[i] as number);
  const pNat = Float64Array.from(theta, (t) => Math.exp(t));
  const loglikRaw = ll(pNat, null);
  const loglik = finiteOrNull(loglikRaw);

  let converged = res.converged && loglik !== null;
  let reason = loglik === null ? 'log-likelihood is not finite at any start' : res.reason;
  const boundary = names.filter((_, i) => Math.abs(theta[i] as number) > THETA_BOUND - 15);
  if (boundary.length > 0) {
    const desc = boundary.map((n) => `${n}=${params[n]?.toPrecision(3)}`).join(', ');
    warnings.push(
      `parameter(s) ${desc} at an extreme of the parameter space: the data barely identify them; consider a penalizer`,
    );
    if (!converged) reason = `${reason}; ${desc} diverging towards the boundary`;
  }
  if (converged && res.gradNorm > 1e-4) {
    converged = false;
    reason = `gradient norm ${res.gradNorm.toExponential(2)} too large at the reported estimate`;
  }

  // Standard errors.
  const se: Record<string, number | null> = {};
  const ci: Record<string, readonly [number, number] | null> = {};
  let cov: Float64Array | null = null;
  if (loglik !== null) {
    // Central differences on small data; forward (half the evaluations) on large data.
    const H =
      nRows > SUBSAMPLE_ABOVE
        ? hessianFromGradient(fg, theta, 1e-5, true)
        : hessianFromGradient(fg, theta, 1e-4);
    for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) * N;
    cov = invertSpd(H, k);
    if (!cov) {
      warnings.push('standard errors unavailable: the Hessian is not positive definite at the estimate');
      if (converged) {
        // A flat or saddle point is not a maximum: the data do not identify the parameters.
        const extreme = names.filter((_, i) => Math.abs(theta[i] as number) > 9);
        converged = false;
        reason =
          'no interior maximum: the log-likelihood is flat or curved the wrong way at the estimate (Hessian not ' +
          `positive definite), so the data do not identify the parameters${
            extreme.length ? ` (${extreme.join(', ')} at an extreme value)` : ''
          }; consider a penalizer`;
      }
    }
  }
  if (!converged) warnings.push(`fit did not converge: ${reason}`);
  for (let i = 0; i < k; i++) {
    const name = names[i] as string;
    const v = cov ? (cov[i * k + i] as number) : Number.NaN;
    if (cov && v >= 0 && Number.isFinite(v)) {
      const sLog = Math.sqrt(v);
      const t = theta[i] as number;
      se[name] = Math.exp(t) * sLog;
      ci[name] = [Math.exp(t - 1.959963984540054 * sLog), Math.exp(t + 1.959963984540054 * sLog)];
    } else {
      se[name] = null;
      ci[name] = null;
    }
  }
  const bests = res.starts.filter((s) => s.converged && Number.isFinite(s.f));
  if (bests.length > 1) {
    const fmin = Math.min(...bests.map((s) => s.f));
    const other = bests.filter((s) => s.f - fmin > 1e-7 * Math.max(1, Math.abs(fmin)));
    if (other.length > 0) {
      warnings.push(`${other.length} start(s) converged to a worse local optimum; the best one is reported`);
    }
  }
  return {
    model,
    params,
    standard_errors: se,
    ci95: ci,
    loglik,
    penalizer,
    n_customers: N,
    n_rows: nRows,
    aic: loglik === null ? null : 2 * k - 2 * loglik,
    bic: loglik === null ? null : k * Math.log(N) - 2 * loglik,
    convergence: {
      converged,
      reason,
      method: res.method,
      iterations: res.iterations,
      evaluations: res.evaluations,
      gradient_norm: finiteOrNull(res.gradNorm),
      starts: res.starts,
      subsample_rows: sub ? sub.rows : null,
    },
    warnings,
  };
}

function purchaseStarts(model: PurchaseModelName, d: PreparedPurchases): number[][] {
  let sx = 0;
  let sT = 0;
  for (let i = 0; i < d.n; i++) {
    sx += (d.w[i] as number) * (d.x[i] as number);
    sT += (d.w[i] as number) * (d.T[i] as number);
  }
  const meanT = sT / d.totalWeight > 0 ? sT / d.totalWeight : 1;
  const rate = sx > 0 && sT > 0 ? sx / sT : 1 / meanT;
  if (model === 'paretonbd') {
    return [
      [1, 1, 1, 1],
      [1, 1 / rate, 1, meanT],
      [0.5, 0.5 / rate, 0.5, meanT / 2],
    ];
  }
  return [
    [1, 1, 1, 1],
    [1, 1 / rate, 1, 3],
    [0.5, 0.5 / rate, 0.5, 1],
  ];
}

/** Fits BG/NBD, MBG/NBD or Pareto/NBD on a compressed summary (or prepared data). */
export function fitPurchaseModel(
  model: PurchaseModelName,
  data: CompressedSummary | PreparedPurchases,
  options: FitOptions = {},
): FitResult {
  const d = 'xIdx' in data ? data : preparePurchases(data);
  const starts = purchaseStarts(model, d);
  const above = options.subsampleAbove ?? SUBSAMPLE_ABOVE;
  const s = above > 0 && d.n > above ? subsamplePurchases(d, options.subsampleRows ?? SUBSAMPLE_ROWS) : null;
  const lik = (data: PreparedPurchases): Likelihood => {
    switch (model) {
      case 'bgnbd':
        return { ll: (p, g) => bgnbdLogLik(p, data, g), totalWeight: data.totalWeight, rows: data.n };
      case 'mbgnbd':
        return { ll: (p, g) => mbgnbdLogLik(p, data, g), totalWeight: data.totalWeight, rows: data.n };
      case 'paretonbd':
        return { ll: (p, g) => paretonbdLogLik(p, data, g), totalWeight: data.totalWeight, rows: data.n };
    }
  };
  return fitGeneric(model, lik(d), s ? lik(s) : null, starts, options);
}

/** Fits Gamma-Gamma on repeat buyers (rows with frequency > 0 and positive monetary value). */
export function fitGammaGamma(
  data: PreparedSpend | { frequency: Float64Array; monetary: Float64Array; weight?: Float64Array },
  options: FitOptions = {},
): FitResult {
  const d = 'xIdx' in data ? data : prepareSpend(data.frequency, data.monetary, data.weight);
  let sm = 0;
  for (let i = 0; i < d.n; i++) sm += (d.w[i] as number) * (d.m[i] as number);
  const mean = sm / d.totalWeight;
  const starts = [
    [1, 1, 1],
    [2, 3, mean],
    [5, 5, (4 * mean) / 5],
  ];
  const above = options.subsampleAbove ?? SUBSAMPLE_ABOVE;
  const s = above > 0 && d.n > above ? subsampleSpend(d, options.subsampleRows ?? SUBSAMPLE_ROWS) : null;
  const lik = (data: PreparedSpend): Likelihood => ({
    ll: (p, g) => gammaGammaLogLik(p, data, g),
    totalWeight: data.totalWeight,
    rows: data.n,
  });
  return fitGeneric('gammagamma', lik(d), s ? lik(s) : null, starts, options);
}

/** Parameter vector (natural scale, in the literature's order) from a fit or a params record. */
export function paramVector(
  model: ClvModelName,
  params: Readonly<Record<string, number>> | FitResult,
): Float64Array {
  const rec = 'params' in params && typeof params.params === 'object' ? (params as FitResult).params : params;
  const names = PARAM_NAMES[model];
  return Float64Array.from(names, (n) => {
    const v = (rec as Readonly<Record<string, number>>)[n];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new ClvInputError(`${MODEL_LABELS[model]} parameter ${n} must be a positive number`);
    }
    return v;
  });
}
