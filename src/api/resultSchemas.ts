/**
 * Response schemas of the analysis results. The services describe their results as TypeScript
 * interfaces; these zod schemas say the same for the API (serialisation and OpenAPI), and the
 * assertions at the bottom make any drift between the two a compile error.
 */
import { z } from 'zod';
import {
  CLV_MODELS,
  type ClvModelName,
  type Convergence,
  type FitResult,
  PURCHASE_MODELS,
  type PurchaseModelName,
} from '../analytics/clv/fit.ts';
import type { StartReport } from '../analytics/clv/optimize.ts';
import type { CurvePoint, FrequencyRecencyMatrix } from '../analytics/clv/predict.ts';
import type {
  ClvPlotData,
  ModelValidation,
  PredictClvData,
  ValidateClvData,
} from '../analytics/clv/service.ts';
import type { ErrorMetrics, HoldoutGroup, TrackingPoint } from '../analytics/clv/validate.ts';
import type { CohortResult } from '../analytics/cohort.ts';
import { COHORT_METRICS, COHORT_PERIODS } from '../analytics/cohort.ts';
import type { MarketplaceResult } from '../analytics/marketplace.ts';
import type { OverviewResult } from '../analytics/overview.ts';
import type { ResultMeta } from '../analytics/result.ts';
import type { RfmSummary } from '../analytics/rfm.ts';
import type { RfmCustomersPage } from '../analytics/service.ts';
import { TABLE_NAMES } from '../olist/tables.ts';
import { type DatasetProfile, QUANTILES, type QuantileName } from '../quality/profile.ts';
import type { QualityReport } from '../quality/report.ts';
import { DIMENSIONS, RULE_KINDS, SEVERITIES } from '../quality/rules.ts';
import { RULE_STATUSES } from '../quality/run.ts';

const num = z.number();
const numOrNull = z.number().nullable();
const int = z.number().int();

export const resultMetaSchema = z
  .object({
    analysis: z.string(),
    dataset_version: int.nullable(),
    params: z.record(z.string(), z.unknown()).describe('Parameters as resolved (e.g. the as-of date used)'),
    definitions: z.record(z.string(), z.string()).describe('The definitions the numbers depend on'),
    timings_ms: z.record(z.string(), num),
    rows: z.record(z.string(), num),
    warnings: z.array(z.string()),
    generated_at: z.string(),
    cached: z.boolean().describe('Served from the result cache'),
  })
  .describe('What was computed, on which data set version, how, and how long it took');

/** `{ meta, data }`: the envelope of every analysis result. */
export function resultOf<T extends z.ZodType>(data: T) {
  return z.object({ meta: resultMetaSchema, data });
}

// ── RFM ────────────────────────────────────────────────────────────────────────────────────────

const scoreBin = z.object({ score: int, min: num, max: num, customers: int });

const segmentSummary = z.object({
  segment: z.string(),
  customers: int,
  share_customers: num,
  revenue: num,
  share_revenue: num,
  orders: int,
  avg_recency_days: numOrNull,
  avg_frequency: numOrNull,
  avg_monetary: numOrNull,
  avg_r_score: numOrNull,
  avg_f_score: numOrNull,
  avg_m_score: numOrNull,
  avg_order_value: numOrNull,
});

const recommendation = z.object({
  segment: z.string(),
  priority: z.enum(['high', 'medium', 'low', 'none']),
  finding: z.string(),
  action: z.string(),
});

const concentration = z.object({
  units: int,
  total: num,
  top_shares: z.array(z.object({ top: num, share: numOrNull })),
  units_share_for_target: numOrNull,
  target_share: num,
  gini: numOrNull,
  hhi: numOrNull,
  lorenz: z.array(z.object({ population_share: num, value_share: numOrNull })),
});

export const rfmSummarySchema = z.object({
  as_of: z.string(),
  customers: int,
  orders: int,
  revenue: num,
  score_method: z.string(),
  thresholds: z.object({
    recency: z.array(scoreBin),
    frequency: z.array(scoreBin),
    monetary: z.array(scoreBin),
  }),
  segments: z.array(segmentSummary),
  grid: z.array(z.object({ r_score: int, f_score: int, customers: int, revenue: num })),
  repeat: z.object({
    one_time_customers: int,
    repeat_customers: int,
    avg_monetary_one_time: numOrNull,
    avg_monetary_repeat: numOrNull,
  }),
  pareto: concentration,
  recommendations: z.array(recommendation),
  highlights: z.array(z.string()),
  segment_map: z.object({ kind: z.enum(['default', 'custom']), segments: z.array(z.string()) }),
});

export const rfmCustomerRowSchema = z.object({
  customer_unique_id: z.string(),
  recency_days: num,
  frequency: int,
  monetary: num,
  r_score: int,
  f_score: int,
  m_score: int,
  rfm_score: z.string(),
  segment: z.string(),
});

export const rfmCustomersPageSchema = z.object({
  meta: resultMetaSchema,
  data: z.object({
    rows: z.array(rfmCustomerRowSchema),
    total_customers: int.describe('Customers in the whole result (before paging and the segment filter)'),
    next_after: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
  }),
});

export const customerDetailSchema = z.object({
  meta: resultMetaSchema,
  data: z.object({
    customer_unique_id: z.string(),
    city: z.string(),
    state: z.string(),
    zip_code_prefix: z.string(),
    first_purchase: z.string().nullable(),
    last_purchase: z.string().nullable(),
    rfm: rfmCustomerRowSchema.nullable(),
    clv: z
      .object({
        model: z.literal('bgnbd'),
        unit: z.literal('weeks'),
        horizon_weeks: int,
        frequency: int,
        recency: num,
        T: num,
        monetary_value: num,
        p_alive: num,
        expected_purchases: num,
        expected_avg_value: num.nullable(),
        clv: num.nullable(),
        converged: z.boolean(),
      })
      .nullable(),
    orders: z.array(
      z.object({
        order_id: z.string(),
        order_status: z.string(),
        purchased_at: z.string(),
        delivered_at: z.string().nullable(),
        estimated_delivery: z.string(),
        is_purchase: z.boolean(),
        items: int,
        items_value: num,
        payment_value: num,
        review_score: int.nullable(),
      }),
    ),
    payments: z.array(
      z.object({
        order_id: z.string(),
        payment_sequential: int,
        payment_type: z.string(),
        payment_installments: int,
        payment_value: num,
      }),
    ),
    reviews: z.array(
      z.object({
        order_id: z.string(),
        review_id: z.string(),
        review_score: int,
        review_comment_title: z.string().nullable(),
        review_comment_message: z.string().nullable(),
        review_creation_date: z.string(),
      }),
    ),
  }),
});

/** The segment view: the part of the RFM summary a segments page shows, (R, F) heatmap grid included. */
export const segmentsViewSchema = rfmSummarySchema.pick({
  as_of: true,
  customers: true,
  orders: true,
  revenue: true,
  segments: true,
  grid: true,
  recommendations: true,
  highlights: true,
  segment_map: true,
});

// ── Cohorts ────────────────────────────────────────────────────────────────────────────────────

const matrix = z.array(z.array(numOrNull));

export const cohortResultSchema = z.object({
  period: z.enum(COHORT_PERIODS),
  as_of: z.string(),
  max_period: int,
  partial_period: z.object({ start: z.string(), end: z.string() }).nullable(),
  cohorts: z.array(
    z.object({
      cohort: z.string(),
      cohort_start: z.string(),
      size: int,
      last_period: int,
      last_period_partial: z.boolean(),
    }),
  ),
  matrices: z.object(
    Object.fromEntries(COHORT_METRICS.map((m) => [m, matrix])) as Record<
      (typeof COHORT_METRICS)[number],
      typeof matrix
    >,
  ),
  average: z.array(
    z.object({
      period: int,
      cohorts: int,
      customers: int,
      retention: numOrNull,
      retention_or_later: numOrNull,
      cumulative_revenue_per_customer: numOrNull,
    }),
  ),
});

// ── Overview ───────────────────────────────────────────────────────────────────────────────────

const kpis = z.object({
  revenue: num,
  orders: int,
  customers: int,
  avg_order_value: numOrNull,
  repeat_customers: int,
  repeat_customer_rate: numOrNull,
  reviewed_orders: int,
  avg_review_score: numOrNull,
  delivered_orders: int,
  on_time_orders: int,
  on_time_rate: numOrNull,
});

export const overviewResultSchema = z.object({
  first_purchase: z.string().nullable(),
  last_purchase: z.string().nullable(),
  kpis,
  trend: z.array(kpis.extend({ month: z.string() })),
});

// ── Marketplace ────────────────────────────────────────────────────────────────────────────────

const deliveryStats = z.object({
  orders: int,
  delivered_orders: int,
  avg_delivery_days: numOrNull,
  median_delivery_days: numOrNull,
  late_orders: int,
  late_share: numOrNull,
  reviewed_orders: int,
  avg_review_score: numOrNull,
});
const reviewByGroup = z.object({
  group: z.string(),
  orders: int,
  reviewed_orders: int,
  avg_review_score: numOrNull,
});

export const marketplaceResultSchema = z.object({
  delivery: z.object({
    overall: deliveryStats,
    by_outcome: z.array(reviewByGroup),
    by_days_late: z.array(reviewByGroup),
    by_state: z.array(deliveryStats.extend({ state: z.string() })),
    by_month: z.array(deliveryStats.extend({ month: z.string() })),
  }),
  states: z.array(
    z.object({
      state: z.string(),
      revenue: num,
      share_revenue: numOrNull,
      orders: int,
      customers: int,
      avg_order_value: numOrNull,
    }),
  ),
  categories: z.array(
    z.object({
      category: z.string(),
      category_english: z.string().nullable(),
      revenue: num,
      share_revenue: numOrNull,
      orders: int,
      items: int,
      customers: int,
      reviewed_orders: int,
      avg_review_score: numOrNull,
      repeat_rate: numOrNull,
      category_repeat_rate: numOrNull,
    }),
  ),
  sellers: z.object({
    concentration,
    top: z.array(
      z.object({
        seller_id: z.string(),
        seller_state: z.string().nullable(),
        revenue: num,
        share_revenue: numOrNull,
        orders: int,
      }),
    ),
  }),
  revenue: num,
  unattributed_revenue: num,
});

// ── Quality ────────────────────────────────────────────────────────────────────────────────────

const scoreSet = z.object({
  score: numOrNull,
  ...(Object.fromEntries(DIMENSIONS.map((d) => [d, numOrNull])) as Record<
    (typeof DIMENSIONS)[number],
    typeof numOrNull
  >),
});

export const qualityReportSchema = z.object({
  schema_version: z.literal(1),
  kind: z.literal('quality'),
  suite: z.string(),
  dataset_version: int.nullable(),
  previous_version: int.nullable(),
  source: z.string().nullable(),
  as_of: z.string(),
  generated_at: z.string(),
  status: z.enum(['passed', 'warnings', 'failed']),
  passed: z.boolean(),
  summary: z.object({
    rules: int,
    passed: int,
    passed_within_tolerance: int,
    failed: int,
    failed_errors: int,
    failed_warnings: int,
    skipped: int,
    errored: int,
  }),
  scores: z.object({ overall: scoreSet, tables: z.partialRecord(z.enum(TABLE_NAMES), scoreSet) }),
  tables: z.array(
    z.object({
      table: z.enum(TABLE_NAMES),
      rows: int.nullable(),
      cells: int.nullable(),
      null_cells: int.nullable(),
      rules: int,
      failed_errors: int,
      failed_warnings: int,
    }),
  ),
  results: z.array(
    z.object({
      id: z.string(),
      table: z.enum(TABLE_NAMES),
      kind: z.enum(RULE_KINDS),
      severity: z.enum(SEVERITIES),
      dimension: z.enum(DIMENSIONS),
      description: z.string(),
      status: z.enum(RULE_STATUSES),
      passed: z.boolean(),
      failing_count: num,
      total_count: num,
      failing_share: num,
      mostly: num,
      pass_rate: num,
      observed: z.union([num, z.string()]).nullable(),
      expected: z.string().nullable(),
      message: z.string().nullable(),
      examples: z.array(z.string()),
      sql_ms: num,
    }),
  ),
  timings_ms: z.object({ total: num, checks: num }),
});

// ── Column profiles ────────────────────────────────────────────────────────────────────────────

const COLUMN_TYPES = ['id', 'text', 'zip', 'state', 'integer', 'double', 'timestamp'] as const;
const numOrText = z.union([num, z.string()]).nullable();

const columnProfileSchema = z.object({
  name: z.string(),
  type: z.enum(COLUMN_TYPES),
  sql_type: z.string(),
  nullable: z.boolean(),
  nulls: num,
  null_share: num,
  distinct: num,
  distinct_exact: z.boolean().describe('false: a HyperLogLog estimate (large tables, number/timestamp)'),
  min: numOrText,
  max: numOrText,
  numeric: z
    .object({
      mean: numOrNull,
      stddev: numOrNull,
      quantiles: z.object(
        Object.fromEntries(Object.keys(QUANTILES).map((k) => [k, numOrNull])) as Record<
          QuantileName,
          typeof numOrNull
        >,
      ),
      quantiles_exact: z.boolean(),
      zeros: num,
      negatives: num,
      histogram: z.array(z.object({ lower: num, upper: num, count: num })),
    })
    .optional(),
  text: z
    .object({
      length: z.object({ min: numOrNull, mean: numOrNull, max: numOrNull }),
      top_values: z.array(z.object({ value: z.string(), count: num })),
    })
    .optional(),
  timestamp: z
    .object({ months: num, monthly: z.array(z.object({ month: z.string(), count: num })) })
    .optional(),
});

export const datasetProfileSchema = z.object({
  dataset_version: int,
  tables: z.array(
    z.object({
      table: z.enum(TABLE_NAMES),
      rows: num,
      columns: z.array(columnProfileSchema),
      ms: num,
    }),
  ),
});

// ── CLV ────────────────────────────────────────────────────────────────────────────────────────

const startReportSchema = z.object({
  start: z.array(num),
  f: numOrNull.describe('Objective at the end of this start; null when it was not finite'),
  converged: z.boolean(),
  method: z.string(),
  reason: z.string(),
});

export const fitResultSchema = z.object({
  model: z.enum(CLV_MODELS as readonly ClvModelName[] as [ClvModelName, ...ClvModelName[]]),
  params: z.record(z.string(), num),
  standard_errors: z.record(z.string(), numOrNull),
  ci95: z
    .record(z.string(), z.tuple([numOrNull, numOrNull]).nullable())
    .describe('95% interval per parameter; a bound that is not finite is null'),
  loglik: numOrNull,
  penalizer: num,
  n_customers: num,
  n_rows: num,
  aic: numOrNull,
  bic: numOrNull,
  convergence: z.object({
    converged: z.boolean(),
    reason: z.string(),
    method: z.string(),
    iterations: num,
    evaluations: num,
    gradient_norm: numOrNull,
    starts: z.array(startReportSchema),
    subsample_rows: numOrNull,
  }),
  warnings: z.array(z.string()),
});

const independenceSchema = z.object({
  pearson_frequency_monetary: numOrNull,
  repeat_buyers: num,
  assumption_plausible: z.boolean(),
  note: z.string(),
});

export const predictClvDataSchema = z.object({
  model: z.enum(
    PURCHASE_MODELS as readonly PurchaseModelName[] as [PurchaseModelName, ...PurchaseModelName[]],
  ),
  unit: z.enum(['days', 'weeks']),
  horizon: num,
  units_per_month: num,
  discount_rate: num,
  purchase_params: z.record(z.string(), num),
  spend_params: z.record(z.string(), num).nullable(),
  purchase_fit: fitResultSchema.nullable(),
  spend_fit: fitResultSchema.nullable(),
  independence: independenceSchema.nullable(),
  totals: z.object({ customers: num, expected_purchases: num, mean_p_alive: num, clv: numOrNull }),
  id_column: z.string(),
  columns: z.array(z.string()),
  customers: z.array(z.record(z.string(), z.union([z.string(), num]).nullable())),
  definitions: z.record(z.string(), z.string()),
});

const purchaseModelEnum = z.enum(
  PURCHASE_MODELS as readonly PurchaseModelName[] as [PurchaseModelName, ...PurchaseModelName[]],
);

const holdoutGroupSchema = z.object({
  frequency: z.string().describe('Calibration frequency ("0", "1", …; e.g. "7+" for the censored group)'),
  customers: num,
  actual_mean: num,
  predicted_mean: numOrNull,
  actual_total: num,
  predicted_total: numOrNull,
});

const trackingPointSchema = z.object({
  t: num,
  actual_cumulative: num,
  expected_cumulative: numOrNull,
  actual: num,
  expected: numOrNull,
});

export const validateClvDataSchema = z.object({
  unit: z.enum(['days', 'weeks']),
  calibration_end: z.string(),
  observation_end: z.string().nullable(),
  holdout_duration: num,
  censor: num,
  customers: num,
  holdout_purchases: num,
  models: z.array(
    z.object({
      model: purchaseModelEnum,
      fit: fitResultSchema,
      groups: z
        .array(holdoutGroupSchema)
        .describe('Actual vs predicted holdout purchases per calibration frequency'),
      metrics: z.object({
        customers: num,
        mae: numOrNull,
        rmse: numOrNull,
        actual_total: num,
        predicted_total: numOrNull,
        total_error_pct: numOrNull,
      }),
      tracking: z.array(trackingPointSchema).nullable(),
    }),
  ),
  definitions: z.record(z.string(), z.string()),
});

const frequencyRecencyMatrixSchema = z.object({
  quantity: z.enum(['expected_purchases', 'p_alive']),
  T: num.describe('Customer age used for every cell'),
  t: numOrNull.describe('Horizon of expected purchases (null for P(alive))'),
  frequency: z.array(num),
  recency: z.array(num),
  values: z.array(z.array(numOrNull)).describe('values[i][j] for recency[i], frequency[j]'),
});

export const clvPlotDataSchema = z.object({
  model: purchaseModelEnum,
  unit: z.enum(['days', 'weeks']),
  fit: fitResultSchema,
  frequency_recency: z.object({
    expected_purchases: frequencyRecencyMatrixSchema,
    p_alive: frequencyRecencyMatrixSchema,
  }),
  expected_purchases_curve: z.array(z.object({ t: num, expected_purchases: numOrNull })),
  calibration_vs_holdout: z.array(holdoutGroupSchema).nullable(),
  tracking: z.array(trackingPointSchema).nullable(),
  calibration_end: z.string().nullable(),
});

/** Non-finite numbers become null, as JSON.stringify would make them (CLV start reports may hold Infinity). */
export function jsonSafe<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(jsonSafe) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out as T;
  }
  return value;
}

// ── Compile-time agreement with the services' types ──────────────────────────────────────────────

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Same<A, B> = [DeepReadonly<A>] extends [DeepReadonly<B>]
  ? [DeepReadonly<B>] extends [DeepReadonly<A>]
    ? true
    : false
  : false;
type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

/** A service result typed as its (structurally equal, see below) schema output, for `reply.send`. */
export function asResponse<T>(value: T): DeepMutable<T> {
  return value as DeepMutable<T>;
}

/** Fails to compile when a schema and the service type it mirrors disagree. */
export type Agrees<_T extends true> = never;

export type _Checks = [
  Agrees<Same<z.output<typeof resultMetaSchema>, ResultMeta>>,
  Agrees<Same<z.output<typeof rfmSummarySchema>, RfmSummary>>,
  Agrees<Same<z.output<typeof rfmCustomersPageSchema>, RfmCustomersPage>>,
  Agrees<Same<z.output<typeof cohortResultSchema>, CohortResult>>,
  Agrees<Same<z.output<typeof overviewResultSchema>, OverviewResult>>,
  Agrees<Same<z.output<typeof marketplaceResultSchema>, MarketplaceResult>>,
  Agrees<Same<z.output<typeof qualityReportSchema>, QualityReport>>,
  Agrees<Same<z.output<typeof datasetProfileSchema>, DatasetProfile>>,
  Agrees<Same<z.output<typeof startReportSchema>, JsonStart>>,
  Agrees<Same<z.output<typeof fitResultSchema>, JsonFit>>,
  Agrees<Same<z.output<typeof predictClvDataSchema>, JsonPredict>>,
  Agrees<Same<z.output<typeof validateClvDataSchema>, JsonValidate>>,
  Agrees<Same<z.output<typeof clvPlotDataSchema>, JsonPlot>>,
];

/** The CLV types as sent: numbers that may not be finite are null (see jsonSafe). */
type Finite<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]: T[P] | null };
type JsonStart = Finite<StartReport, 'f'>;
type JsonFit = Omit<FitResult, 'convergence' | 'ci95'> & {
  readonly convergence: Omit<Convergence, 'starts'> & { readonly starts: readonly JsonStart[] };
  readonly ci95: Readonly<Record<string, readonly [number | null, number | null] | null>>;
};
type JsonPredict = Omit<PredictClvData, 'purchase_fit' | 'spend_fit'> & {
  readonly purchase_fit: JsonFit | null;
  readonly spend_fit: JsonFit | null;
};
type JsonGroup = Finite<HoldoutGroup, 'predicted_mean' | 'predicted_total'>;
type JsonTracking = Finite<TrackingPoint, 'expected_cumulative' | 'expected'>;
type JsonValidate = Omit<ValidateClvData, 'models'> & {
  readonly models: readonly (Omit<ModelValidation, 'fit' | 'groups' | 'metrics' | 'tracking'> & {
    readonly fit: JsonFit;
    readonly groups: readonly JsonGroup[];
    readonly metrics: Finite<ErrorMetrics, 'mae' | 'rmse' | 'predicted_total'>;
    readonly tracking: readonly JsonTracking[] | null;
  })[];
};
type JsonMatrix = Omit<FrequencyRecencyMatrix, 'values'> & { readonly values: (number | null)[][] };
type JsonPlot = Omit<
  ClvPlotData,
  'fit' | 'frequency_recency' | 'expected_purchases_curve' | 'calibration_vs_holdout' | 'tracking'
> & {
  readonly fit: JsonFit;
  readonly frequency_recency: { readonly expected_purchases: JsonMatrix; readonly p_alive: JsonMatrix };
  readonly expected_purchases_curve: readonly Finite<CurvePoint, 'expected_purchases'>[];
  readonly calibration_vs_holdout: readonly JsonGroup[] | null;
  readonly tracking: readonly JsonTracking[] | null;
};
