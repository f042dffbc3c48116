import { LRUCache } from 'lru-cache';
/**
 * CLV service functions for the CLI, the API and the dashboard. Each takes validated
 * parameters (zod schemas below) and returns `{ meta, data }` with the same metadata as every
 * other analysis (analysis, params, definitions, timings_ms, rows, warnings, dataset_version).
 *
 * Sources: the loaded data set (needs the AppContext; cached through runAnalysis), a
 * transaction log file, or a summary file (these need only an Engine).
 */
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { InputError } from '../../core/errors.ts';
import { stableJson } from '../../core/stableJson.ts';
import type { Engine } from '../../engine/engine.ts';
import { describeDefinitions } from '../definitions.ts';
import { cacheParams, datasetVersionSchema, isoDateSchema, parseParams } from '../params.ts';
import { resolveAsOf } from '../purchases.ts';
import { type AnalysisOutput, type AnalysisResult, type ResultMeta, runAnalysis } from '../result.ts';
import { compressTriples, prepareSpend, type TimeUnit } from './data.ts';
import {
  CLV_MODELS,
  type ClvModelName,
  type FitResult,
  fitGammaGamma,
  fitPurchaseModel,
  PARAM_NAMES,
  PURCHASE_MODELS,
  type PurchaseModelName,
  paramVector,
} from './fit.ts';
import { frequencyMonetaryCorrelation, gammaGammaPopulationMean } from './gammagamma.ts';
import {
  type CurvePoint,
  expectedPurchasesCurve,
  type FrequencyRecencyMatrix,
  frequencyRecencyMatrix,
  predictCustomers,
  UNITS_PER_MONTH,
} from './predict.ts';
import {
  CLV_DEFINITIONS,
  type ClvSummary,
  DAYS_PER_UNIT,
  summaryFromDataset,
  summaryFromFile,
  summaryFromTransactions,
} from './summary.ts';
import {
  type ErrorMetrics,
  errorMetrics,
  type HoldoutGroup,
  holdoutByFrequency,
  predictHoldout,
  type TrackingPoint,
  trackingCurve,
} from './validate.ts';

// ---------------------------------------------------------------------------------------------
// Parameters (snake_case, like every analysis's: they travel through query strings and JSON)

/**
 * Where the customers come from. Default: the loaded data set. File sources read server-side
 * files: they are for the CLI and trusted callers, not for untrusted API input.
 */
export const clvSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dataset') }),
  z.strictObject({
    kind: z.literal('summary'),
    file: z.string().min(1),
    id_col: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('transactions'),
    file: z.string().min(1),
    customer_col: z.string().min(1),
    date_col: z.string().min(1),
    value_col: z.string().min(1).optional(),
    date_format: z.string().min(1).optional(),
    delimiter: z.string().min(1).optional(),
    header: z.boolean().optional(),
  }),
]);
export type ClvSource = z.infer<typeof clvSourceSchema>;

const commonShape = {
  source: clvSourceSchema.default({ kind: 'dataset' }),
  /** Data set source: the published version (default: current). Not part of the cache key. */
  dataset_version: datasetVersionSchema.optional(),
  /** Time unit of the summary (for summary files: the unit their recency and T are in). */
  unit: z.enum(['days', 'weeks']).default('weeks'),
  /** Data set only: purchases before this date; default the day after the latest purchase. */
  as_of: isoDateSchema.optional(),
  /** Inclusive calibration end: T is measured to it; purchases after it form the holdout. */
  calibration_end: isoDateSchema.optional(),
  /** Inclusive observation end (default: the latest purchase day of a log, the as-of date of the data set). */
  observation_end: isoDateSchema.optional(),
  /** L2 penalty on the natural parameters (lifetimes' penalizer_coef). */
  penalizer: z.coerce.number().min(0).default(0),
};

const savedParamsSchema = z.record(z.string(), z.number().positive());

export const fitClvParamsSchema = z.strictObject({ ...commonShape, model: z.enum(CLV_MODELS) });
export const predictClvParamsSchema = z.strictObject({
  ...commonShape,
  model: z.enum(PURCHASE_MODELS).default('bgnbd'),
  /** Horizon of the predictions, in `unit`. */
  horizon: z.coerce.number().positive(),
  /** Monthly discount rate for CLV. */
  discount_rate: z.coerce.number().gt(-1).default(0.01),
  /** Use Gamma-Gamma for value when monetary values are present. */
  spend: z.boolean().default(true),
  /** Saved parameters instead of fitting: purchase model and (optionally) Gamma-Gamma. */
  saved_params: z
    .strictObject({ purchase: savedParamsSchema.optional(), spend: savedParamsSchema.optional() })
    .optional(),
  sort: z.enum(['input', 'clv', 'expected_purchases', 'p_alive']).default('input'),
  limit: z.coerce.number().int().positive().optional(),
});
export const validateClvParamsSchema = z.strictObject({
  ...commonShape,
  calibration_end: isoDateSchema,
  models: z
    .array(z.enum(PURCHASE_MODELS))
    .min(1)
    .default([...PURCHASE_MODELS]),
  /** Calibration frequencies at or above this are one group ("7+"). */
  censor: z.coerce.number().int().min(1).max(100).default(7),
});
export const clvPlotParamsSchema = z.strictObject({
  ...commonShape,
  model: z.enum(PURCHASE_MODELS).default('bgnbd'),
  /** Horizon of the frequency/recency matrix of expected purchases, in `unit`. */
  matrix_horizon: z.coerce.number().positive().default(1),
  /** Grid points per axis of the matrices. */
  matrix_size: z.coerce.number().int().min(2).max(200).default(40),
  /** End of the population expected-purchases curve, in `unit` (default 2 × the largest T). */
  curve_horizon: z.coerce.number().positive().optional(),
});
export const clvSummaryParamsSchema = z.strictObject({ ...commonShape });

export type FitClvParams = z.input<typeof fitClvParamsSchema>;
export type PredictClvParams = z.input<typeof predictClvParamsSchema>;
export type ValidateClvParams = z.input<typeof validateClvParamsSchema>;
export type ClvPlotParams = z.input<typeof clvPlotParamsSchema>;
export type ClvSummaryParams = z.input<typeof clvSummaryParamsSchema>;
type CommonParams = z.output<typeof clvSummaryParamsSchema>;

// ---------------------------------------------------------------------------------------------
// Plumbing: summary loading, metadata

/** The application context (needed for the loaded data set) or just an engine (files). */
export type ClvEnv = AppContext | { readonly engine: Engine };

function isContext(env: ClvEnv): env is AppContext {
  return 'catalog' in env && 'dataset' in env;
}

class Timer {
  readonly ms: Record<string, number> = {};
  async time<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.ms[key] = Math.round((this.ms[key] ?? 0) + performance.now() - t0);
    }
  }
}

interface BodyOutput<T> {
  readonly data: T;
  readonly rows?: Record<string, number>;
  readonly warnings?: readonly string[];
}

async function loadFileSummary(engine: Engine, p: CommonParams): Promise<ClvSummary> {
  const src = p.source;
  if (src.kind === 'summary') {
    if (p.calibration_end) {
      throw new InputError('a calibration end needs a transaction log or the data set, not a summary file');
    }
    return summaryFromFile(engine, src.file, { unit: p.unit, ...(src.id_col ? { idCol: src.id_col } : {}) });
  }
  if (src.kind === 'transactions') {
    return summaryFromTransactions(
      engine,
      {
        file: src.file,
        customerCol: src.customer_col,
        dateCol: src.date_col,
        ...(src.value_col ? { valueCol: src.value_col } : {}),
        ...(src.date_format ? { dateFormat: src.date_format } : {}),
        ...(src.delimiter ? { delimiter: src.delimiter } : {}),
        ...(src.header !== undefined ? { header: src.header } : {}),
      },
      {
        unit: p.unit,
        ...(p.calibration_end ? { calibrationEnd: p.calibration_end } : {}),
        ...(p.observation_end ? { observationEnd: p.observation_end } : {}),
      },
    );
  }
  throw new InputError('the data set source needs the application context');
}

/**
 * Per-engine memo of data set summaries (and as-of dates): fit, predict, plots and the customer
 * page all start from the same summary of an immutable version, which costs seconds at 1M
 * customers. Two summaries are kept at most; values are never mutated.
 */
const SUMMARY_MEMOS = new WeakMap<Engine, LRUCache<string, Promise<unknown>>>();

function summaryMemo(engine: Engine): LRUCache<string, Promise<unknown>> {
  let memo = SUMMARY_MEMOS.get(engine);
  if (!memo) {
    memo = new LRUCache({ max: 4 });
    SUMMARY_MEMOS.set(engine, memo);
  }
  return memo;
}

function memoised<T>(
  memo: LRUCache<string, Promise<unknown>>,
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  const hit = memo.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const made = make();
  memo.set(key, made);
  made.catch(() => memo.delete(key));
  return made;
}

async function runClv<T>(
  env: ClvEnv,
  analysis: string,
  params: CommonParams & Record<string, unknown>,
  body: (summary: ClvSummary, timer: Timer) => Promise<BodyOutput<T>>,
): Promise<AnalysisResult<T>> {
  const src = params.source;
  if (src.kind === 'dataset') {
    if (!isContext(env)) throw new InputError('CLV on the loaded data set needs the application context');
    const ctx = env;
    const ds = await ctx.dataset(params.dataset_version);
    return runAnalysis(ctx, analysis, ds, cacheParams(params), async (defs): Promise<AnalysisOutput<T>> => {
      const timer = new Timer();
      const memo = summaryMemo(ctx.engine);
      const asOfKey = `v${ds.version}|${stableJson(defs)}|as_of`;
      const given = params.as_of;
      const asOf = given ?? (await memoised(memo, asOfKey, () => resolveAsOf(ctx.engine, ds, defs)));
      const options = {
        unit: params.unit,
        asOf,
        ...(params.calibration_end ? { calibrationEnd: params.calibration_end } : {}),
        ...(params.observation_end ? { observationEnd: params.observation_end } : {}),
      };
      const summary = await timer.time('summary', () =>
        memoised(memo, `v${ds.version}|${stableJson({ defs, options })}`, () =>
          summaryFromDataset(ctx.engine, ds, defs, describeDefinitions(defs), options),
        ),
      );
      const out = await body(summary, timer);
      return {
        data: out.data,
        rows: { customers: summary.ids.length, ...out.rows },
        warnings: [...summary.warnings, ...(out.warnings ?? [])],
        timings_ms: timer.ms,
        resolvedParams: {
          as_of: asOf,
          period_end: summary.periodEnd,
          observation_end: summary.observationEnd,
        },
      };
    });
  }
  const t0 = performance.now();
  const timer = new Timer();
  const summary = await timer.time('summary', () => loadFileSummary(env.engine, params));
  const out = await body(summary, timer);
  const meta: ResultMeta = {
    analysis,
    dataset_version: null,
    params: {
      ...cacheParams(params),
      period_end: summary.periodEnd,
      observation_end: summary.observationEnd,
    },
    definitions: summary.definitions,
    timings_ms: { total: Math.round(performance.now() - t0), ...timer.ms },
    rows: { customers: summary.ids.length, ...out.rows },
    warnings: [...summary.warnings, ...(out.warnings ?? [])],
    generated_at: new Date().toISOString(),
    cached: false,
  };
  return { meta, data: out.data };
}

// ---------------------------------------------------------------------------------------------
// Fitting

export interface IndependenceCheck {
  /** Pearson correlation between frequency and mean repeat value over repeat buyers. */
  readonly pearson_frequency_monetary: number | null;
  readonly repeat_buyers: number;
  /** |ρ| < 0.3: the Gamma-Gamma independence assumption is not contradicted. */
  readonly assumption_plausible: boolean;
  readonly note: string;
}

function independenceOf(summary: ClvSummary): IndependenceCheck {
  const monetary = requireMonetary(summary);
  const d = prepareSpend(summary.frequency, monetary);
  const rho = frequencyMonetaryCorrelation(d);
  const ok = rho === null || Math.abs(rho) < 0.3;
  return {
    pearson_frequency_monetary: rho,
    repeat_buyers: d.n,
    assumption_plausible: ok,
    note: ok
      ? 'Gamma-Gamma assumes spend per transaction is independent of purchase frequency; the correlation is weak.'
      : 'frequency and monetary value are correlated: the Gamma-Gamma independence assumption is doubtful.',
  };
}

function requireMonetary(summary: ClvSummary): Float64Array {
  if (!summary.monetary) {
    throw new InputError(
      'Gamma-Gamma needs monetary values: give a value column (--value-col) or a summary with monetary_value',
    );
  }
  return summary.monetary;
}

function fitOn(summary: ClvSummary, model: ClvModelName, penalizer: number): FitResult {
  if (model === 'gammagamma') {
    return fitGammaGamma({ frequency: summary.frequency, monetary: requireMonetary(summary) }, { penalizer });
  }
  const { compressed } = compressTriples(summary.frequency, summary.recency, summary.T);
  return fitPurchaseModel(model, compressed, { penalizer });
}

export interface FitClvData {
  readonly model: ClvModelName;
  readonly unit: TimeUnit;
  readonly fit: FitResult;
  /** Gamma-Gamma only: the frequency/monetary independence check. */
  readonly independence: IndependenceCheck | null;
  readonly period_end: string | null;
  readonly definitions: Record<string, string>;
}

/** Fits one model (BG/NBD, MBG/NBD, Pareto/NBD or Gamma-Gamma) by maximum likelihood. */
export async function fitClv(env: ClvEnv, params: FitClvParams): Promise<AnalysisResult<FitClvData>> {
  const p = parseParams(fitClvParamsSchema, params, 'CLV fit');
  return runClv(env, `clv.fit.${p.model}`, p, async (summary, timer) => {
    const fit = await timer.time('fit', () => fitOn(summary, p.model, p.penalizer));
    const independence = p.model === 'gammagamma' ? independenceOf(summary) : null;
    const warnings = [...fit.warnings];
    if (independence && !independence.assumption_plausible) warnings.push(independence.note);
    return {
      data: {
        model: p.model,
        unit: summary.unit,
        fit,
        independence,
        period_end: summary.periodEnd,
        definitions: CLV_DEFINITIONS,
      },
      rows: { fitted_customers: fit.n_customers, unique_rows: fit.n_rows },
      warnings,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Predictions

export type PredictionRow = Record<string, string | number | null>;

export interface PredictClvData {
  readonly model: PurchaseModelName;
  readonly unit: TimeUnit;
  readonly horizon: number;
  readonly units_per_month: number;
  readonly discount_rate: number;
  readonly purchase_params: Record<string, number>;
  readonly spend_params: Record<string, number> | null;
  /** Fits made for this prediction (null where saved parameters were used). */
  readonly purchase_fit: FitResult | null;
  readonly spend_fit: FitResult | null;
  readonly independence: IndependenceCheck | null;
  readonly totals: {
    readonly customers: number;
    readonly expected_purchases: number;
    readonly mean_p_alive: number;
    readonly clv: number | null;
  };
  readonly id_column: string;
  readonly columns: string[];
  readonly customers: PredictionRow[];
  readonly definitions: Record<string, string>;
}

/**
 * Per-customer predictions over a horizon: expected purchases, P(alive), and with monetary
 * values the Gamma-Gamma expected average value and CLV (monthly discounting).
 */
export async function predictClv(
  env: ClvEnv,
  params: PredictClvParams,
): Promise<AnalysisResult<PredictClvData>> {
  const p = parseParams(predictClvParamsSchema, params, 'CLV predict');
  return runClv(env, `clv.predict.${p.model}`, p, async (summary, timer) => {
    const warnings: string[] = [];
    let purchaseFit: FitResult | null = null;
    let purchaseVec: Float64Array;
    if (p.saved_params?.purchase) {
      purchaseVec = paramVector(p.model, p.saved_params.purchase);
    } else {
      purchaseFit = await timer.time('fit', () => fitOn(summary, p.model, p.penalizer));
      purchaseVec = paramVector(p.model, purchaseFit);
      warnings.push(...purchaseFit.warnings);
    }
    let spendFit: FitResult | null = null;
    let spendVec: Float64Array | null = null;
    let independence: IndependenceCheck | null = null;
    if (p.spend && summary.monetary) {
      if (p.saved_params?.spend) {
        spendVec = paramVector('gammagamma', p.saved_params.spend);
      } else {
        spendFit = await timer.time('fit_spend', () => fitOn(summary, 'gammagamma', p.penalizer));
        spendVec = paramVector('gammagamma', spendFit);
        warnings.push(...spendFit.warnings);
      }
      independence = independenceOf(summary);
      if (!independence.assumption_plausible) warnings.push(independence.note);
      if (gammaGammaPopulationMean(spendVec) === null) {
        warnings.push('Gamma-Gamma q <= 1: the mean spend does not exist, so no value or CLV is reported');
        spendVec = null;
      }
    }
    const upm = UNITS_PER_MONTH[summary.unit];
    const pred = await timer.time('predict', () =>
      predictCustomers(
        p.model,
        purchaseVec,
        { frequency: summary.frequency, recency: summary.recency, T: summary.T, monetary: summary.monetary },
        { horizon: p.horizon, unitsPerMonth: upm, discountRate: p.discount_rate, spendParams: spendVec },
      ),
    );
    const n = summary.ids.length;
    let sumE = 0;
    let sumA = 0;
    let sumC = 0;
    for (let i = 0; i < n; i++) {
      sumE += pred.expected_purchases[i] as number;
      sumA += pred.p_alive[i] as number;
      if (pred.clv) sumC += pred.clv[i] as number;
    }
    let order = Array.from({ length: n }, (_, i) => i);
    const key =
      p.sort === 'clv'
        ? pred.clv
        : p.sort === 'expected_purchases'
          ? pred.expected_purchases
          : p.sort === 'p_alive'
            ? pred.p_alive
            : null;
    if (key) order.sort((a, b) => (key[b] as number) - (key[a] as number));
    if (p.limit !== undefined) order = order.slice(0, p.limit);
    const idCol = summary.idColumn;
    const columns = [idCol, 'frequency', 'recency', 'T'];
    if (summary.monetary) columns.push('monetary_value');
    columns.push('expected_purchases', 'p_alive');
    if (pred.expected_avg_value) columns.push('expected_avg_value', 'clv');
    const rows = await timer.time('rows', () =>
      order.map((i) => {
        const row: PredictionRow = {
          [idCol]: summary.ids[i] ?? null,
          frequency: summary.frequency[i] as number,
          recency: summary.recency[i] as number,
          T: summary.T[i] as number,
        };
        if (summary.monetary) row.monetary_value = summary.monetary[i] as number;
        row.expected_purchases = pred.expected_purchases[i] as number;
        row.p_alive = pred.p_alive[i] as number;
        if (pred.expected_avg_value && pred.clv) {
          row.expected_avg_value = pred.expected_avg_value[i] as number;
          row.clv = pred.clv[i] as number;
        }
        return row;
      }),
    );
    const names = PARAM_NAMES[p.model];
    return {
      data: {
        model: p.model,
        unit: summary.unit,
        horizon: p.horizon,
        units_per_month: upm,
        discount_rate: p.discount_rate,
        purchase_params: Object.fromEntries(names.map((nm, i) => [nm, purchaseVec[i] as number])),
        spend_params: spendVec
          ? Object.fromEntries(
              PARAM_NAMES.gammagamma.map((nm, i) => [nm, (spendVec as Float64Array)[i] as number]),
            )
          : null,
        purchase_fit: purchaseFit,
        spend_fit: spendFit,
        independence,
        totals: {
          customers: n,
          expected_purchases: sumE,
          mean_p_alive: n ? sumA / n : 0,
          clv: pred.clv ? sumC : null,
        },
        id_column: idCol,
        columns,
        customers: rows,
        definitions: {
          ...CLV_DEFINITIONS,
          expected_purchases: `E[purchases in the next ${p.horizon} ${summary.unit} | frequency, recency, T]`,
          p_alive: 'probability the customer is still active at the end of the observation period',
          expected_avg_value:
            'Gamma-Gamma conditional expected value per purchase (population mean for one-time buyers)',
          clv: `Σ over months of expected purchases in the month × expected_avg_value / (1 + ${p.discount_rate})^month, over ${p.horizon} ${summary.unit} (${upm} ${summary.unit} per month)`,
        },
      },
      rows: { unique_histories: pred.unique_rows, returned: rows.length },
      warnings,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface ModelValidation {
  readonly model: PurchaseModelName;
  readonly fit: FitResult;
  /** Actual vs predicted mean holdout purchases per calibration frequency. */
  readonly groups: HoldoutGroup[];
  readonly metrics: ErrorMetrics;
  /** Cumulative repeat purchases, actual vs expected, per period (calibration and holdout). */
  readonly tracking: TrackingPoint[] | null;
}

export interface ValidateClvData {
  readonly unit: TimeUnit;
  readonly calibration_end: string;
  readonly observation_end: string | null;
  readonly holdout_duration: number;
  readonly censor: number;
  readonly customers: number;
  readonly holdout_purchases: number;
  readonly models: ModelValidation[];
  readonly definitions: Record<string, string>;
}

function requireHoldout(summary: ClvSummary) {
  if (!summary.holdout || !summary.calibrationEnd) {
    throw new InputError('validation needs a calibration end and a transaction log or the data set');
  }
  if (!(summary.holdout.duration > 0))
    throw new InputError('the holdout period is empty (calibration end = observation end)');
  return summary.holdout;
}

function tracking(model: PurchaseModelName, p: Float64Array, summary: ClvSummary): TrackingPoint[] | null {
  if (!summary.firstDay || !summary.repeatsByDay || !summary.origin || !summary.observationEnd) return null;
  const lastDay = Math.round(
    (Date.parse(`${summary.observationEnd}T00:00:00Z`) - Date.parse(`${summary.origin}T00:00:00Z`)) /
      86400000,
  );
  return trackingCurve(
    model,
    p,
    summary.firstDay,
    summary.repeatsByDay,
    lastDay,
    DAYS_PER_UNIT[summary.unit],
  );
}

/**
 * Calibration/holdout validation: fits each model on the calibration period and compares
 * predicted with actual holdout purchases per calibration frequency, with MAE, RMSE and total error.
 */
export async function validateClv(
  env: ClvEnv,
  params: ValidateClvParams,
): Promise<AnalysisResult<ValidateClvData>> {
  const p = parseParams(validateClvParamsSchema, params, 'CLV validate');
  return runClv(env, 'clv.validate', p, async (summary, timer) => {
    const holdout = requireHoldout(summary);
    const warnings: string[] = [];
    const models: ModelValidation[] = [];
    let total = 0;
    for (const v of holdout.frequency) total += v;
    for (const model of p.models) {
      const fit = await timer.time(`fit_${model}`, () => fitOn(summary, model, p.penalizer));
      warnings.push(...fit.warnings.map((w) => `${model}: ${w}`));
      const vec = paramVector(model, fit);
      const predicted = await timer.time(`predict_${model}`, () =>
        predictHoldout(model, vec, summary, holdout.duration),
      );
      models.push({
        model,
        fit,
        groups: holdoutByFrequency(summary.frequency, holdout.frequency, predicted, p.censor),
        metrics: errorMetrics(holdout.frequency, predicted),
        tracking: await timer.time(`tracking_${model}`, () => tracking(model, vec, summary)),
      });
    }
    return {
      data: {
        unit: summary.unit,
        calibration_end: summary.calibrationEnd as string,
        observation_end: summary.observationEnd,
        holdout_duration: holdout.duration,
        censor: p.censor,
        customers: summary.ids.length,
        holdout_purchases: total,
        models,
        definitions: {
          ...CLV_DEFINITIONS,
          mae: 'mean over customers of |predicted − actual holdout purchases|',
          rmse: 'root mean square over customers of (predicted − actual holdout purchases)',
          total_error_pct: '(Σ predicted − Σ actual holdout purchases) / Σ actual × 100',
        },
      },
      warnings,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Plot data

export interface ClvPlotData {
  readonly model: PurchaseModelName;
  readonly unit: TimeUnit;
  readonly fit: FitResult;
  readonly frequency_recency: {
    readonly expected_purchases: FrequencyRecencyMatrix;
    readonly p_alive: FrequencyRecencyMatrix;
  };
  readonly expected_purchases_curve: CurvePoint[];
  /** With a calibration end: actual vs predicted holdout purchases by calibration frequency. */
  readonly calibration_vs_holdout: HoldoutGroup[] | null;
  /** Transaction sources: cumulative repeat purchases, actual vs expected. */
  readonly tracking: TrackingPoint[] | null;
  readonly calibration_end: string | null;
}

/** Data for the dashboard's CLV plots (the dashboard draws them). */
export async function clvPlotData(env: ClvEnv, params: ClvPlotParams): Promise<AnalysisResult<ClvPlotData>> {
  const p = parseParams(clvPlotParamsSchema, params, 'CLV plot');
  return runClv(env, `clv.plots.${p.model}`, p, async (summary, timer) => {
    const fit = await timer.time('fit', () => fitOn(summary, p.model, p.penalizer));
    const vec = paramVector(p.model, fit);
    let maxT = 0;
    let maxX = 0;
    for (let i = 0; i < summary.T.length; i++) {
      maxT = Math.max(maxT, summary.T[i] as number);
      maxX = Math.max(maxX, summary.frequency[i] as number);
    }
    const out = await timer.time('plots', () => {
      const common = { maxFrequency: maxX, T: maxT, size: p.matrix_size };
      const holdout = summary.holdout;
      return {
        frequency_recency: {
          expected_purchases: frequencyRecencyMatrix(p.model, vec, {
            ...common,
            t: p.matrix_horizon,
            quantity: 'expected_purchases',
          }),
          p_alive: frequencyRecencyMatrix(p.model, vec, { ...common, quantity: 'p_alive' }),
        },
        expected_purchases_curve: expectedPurchasesCurve(
          p.model,
          vec,
          p.curve_horizon ?? 2 * Math.max(maxT, 1),
          60,
        ),
        calibration_vs_holdout:
          holdout && holdout.duration > 0
            ? holdoutByFrequency(
                summary.frequency,
                holdout.frequency,
                predictHoldout(p.model, vec, summary, holdout.duration),
              )
            : null,
        tracking: tracking(p.model, vec, summary),
      };
    });
    return {
      data: { model: p.model, unit: summary.unit, fit, ...out, calibration_end: summary.calibrationEnd },
      warnings: fit.warnings,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Summary

export interface ClvSummaryData {
  readonly unit: TimeUnit;
  readonly id_column: string;
  readonly period_end: string | null;
  readonly calibration_end: string | null;
  readonly observation_end: string | null;
  readonly holdout_duration: number | null;
  readonly columns: string[];
  readonly customers: PredictionRow[];
  readonly definitions: Record<string, string>;
}

/** The per-customer summary (and holdout columns with a calibration end) as rows. */
export async function summarizeClv(
  env: ClvEnv,
  params: ClvSummaryParams,
): Promise<AnalysisResult<ClvSummaryData>> {
  const p = parseParams(clvSummaryParamsSchema, params, 'CLV summary');
  return runClv(env, 'clv.summary', p, async (summary) => {
    const idCol = summary.idColumn;
    const columns = [idCol, 'frequency', 'recency', 'T'];
    if (summary.monetary) columns.push('monetary_value');
    const h = summary.holdout;
    if (h) {
      columns.push('frequency_holdout');
      if (h.value) columns.push('value_holdout');
      columns.push('duration_holdout');
    }
    const rows = summary.ids.map((id, i) => {
      const row: PredictionRow = {
        [idCol]: id,
        frequency: summary.frequency[i] as number,
        recency: summary.recency[i] as number,
        T: summary.T[i] as number,
      };
      if (summary.monetary) row.monetary_value = summary.monetary[i] as number;
      if (h) {
        row.frequency_holdout = h.frequency[i] as number;
        if (h.value) row.value_holdout = h.value[i] as number;
        row.duration_holdout = h.duration;
      }
      return row;
    });
    return {
      data: {
        unit: summary.unit,
        id_column: idCol,
        period_end: summary.periodEnd,
        calibration_end: summary.calibrationEnd,
        observation_end: summary.observationEnd,
        holdout_duration: h ? h.duration : null,
        columns,
        customers: rows,
        definitions: summary.definitions,
      },
    };
  });
}
