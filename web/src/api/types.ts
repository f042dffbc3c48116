/** The API's response shapes the dashboard reads (see GET /openapi.json). */

export interface ResultMeta {
  analysis: string;
  dataset_version: number | null;
  params: Record<string, unknown>;
  definitions: Record<string, string>;
  timings_ms: Record<string, number>;
  warnings: string[];
  generated_at: string;
  cached: boolean;
}
export interface Result<T> {
  meta: ResultMeta;
  data: T;
}

export interface Kpis {
  revenue: number;
  orders: number;
  customers: number;
  avg_order_value: number | null;
  repeat_customers: number;
  repeat_customer_rate: number | null;
  reviewed_orders: number;
  avg_review_score: number | null;
  delivered_orders: number;
  on_time_orders: number;
  on_time_rate: number | null;
}
export interface Overview {
  first_purchase: string | null;
  last_purchase: string | null;
  kpis: Kpis;
  trend: (Kpis & { month: string })[];
}

export interface SegmentSummary {
  segment: string;
  customers: number;
  share_customers: number;
  revenue: number;
  share_revenue: number;
  orders: number;
  avg_recency_days: number | null;
  avg_frequency: number | null;
  avg_monetary: number | null;
  avg_order_value: number | null;
}
export interface Recommendation {
  segment: string;
  priority: 'high' | 'medium' | 'low' | 'none';
  finding: string;
  action: string;
}
export interface SegmentsView {
  as_of: string;
  customers: number;
  orders: number;
  revenue: number;
  segments: SegmentSummary[];
  /** Customers and revenue per (R, F) score pair: the heatmap. */
  grid: { r_score: number; f_score: number; customers: number; revenue: number }[];
  recommendations: Recommendation[];
  highlights: string[];
}
export interface RfmRow {
  customer_unique_id: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_score: string;
  segment: string;
}
export interface CustomersPage {
  meta: ResultMeta;
  data: { rows: RfmRow[]; total_customers: number; next_after: string | null };
}

export type CohortMetric =
  | 'customers'
  | 'retention'
  | 'retention_or_later'
  | 'revenue'
  | 'revenue_per_customer'
  | 'cumulative_revenue_per_customer'
  | 'orders'
  | 'orders_per_active_customer';
export interface CohortResult {
  period: 'month' | 'week';
  as_of: string;
  max_period: number;
  partial_period: { start: string; end: string } | null;
  cohorts: {
    cohort: string;
    cohort_start: string;
    size: number;
    last_period: number;
    last_period_partial: boolean;
  }[];
  matrices: Record<CohortMetric, (number | null)[][]>;
  average: {
    period: number;
    cohorts: number;
    customers: number;
    retention: number | null;
    retention_or_later: number | null;
    cumulative_revenue_per_customer: number | null;
  }[];
}

export interface DeliveryStats {
  orders: number;
  delivered_orders: number;
  avg_delivery_days: number | null;
  median_delivery_days: number | null;
  late_orders: number;
  late_share: number | null;
  reviewed_orders: number;
  avg_review_score: number | null;
}
export interface ReviewByGroup {
  group: string;
  orders: number;
  reviewed_orders: number;
  avg_review_score: number | null;
}
export interface Marketplace {
  delivery: {
    overall: DeliveryStats;
    by_outcome: ReviewByGroup[];
    by_days_late: ReviewByGroup[];
    by_state: (DeliveryStats & { state: string })[];
    by_month: (DeliveryStats & { month: string })[];
  };
  states: {
    state: string;
    revenue: number;
    share_revenue: number | null;
    orders: number;
    customers: number;
    avg_order_value: number | null;
  }[];
  categories: {
    category: string;
    category_english: string | null;
    revenue: number;
    share_revenue: number | null;
    orders: number;
    items: number;
    customers: number;
    avg_review_score: number | null;
    repeat_rate: number | null;
  }[];
  sellers: {
    concentration: {
      units: number;
      gini: number | null;
      top_shares: { top: number; share: number | null }[];
    };
    top: {
      seller_id: string;
      seller_state: string | null;
      revenue: number;
      share_revenue: number | null;
      orders: number;
    }[];
  };
  revenue: number;
  unattributed_revenue: number;
}

export interface ScoreSet {
  score: number | null;
  [dimension: string]: number | null;
}
export interface QualityRule {
  id: string;
  table: string;
  kind: string;
  severity: string;
  dimension: string;
  description: string;
  status: string;
  passed: boolean;
  failing_count: number;
  total_count: number;
  failing_share: number;
  observed: number | string | null;
  expected: string | null;
  message: string | null;
  examples: string[];
}
export interface QualityReport {
  dataset_version: number | null;
  as_of: string;
  generated_at: string;
  status: 'passed' | 'warnings' | 'failed';
  summary: {
    rules: number;
    passed: number;
    failed: number;
    failed_errors: number;
    failed_warnings: number;
    skipped: number;
  };
  scores: { overall: ScoreSet; tables: Record<string, ScoreSet> };
  tables: {
    table: string;
    rows: number | null;
    cells: number | null;
    null_cells: number | null;
    rules: number;
    failed_errors: number;
    failed_warnings: number;
  }[];
  results: QualityRule[];
}

/** GET /datasets/{version}/profile: column profiles per table. */
export interface ColumnProfile {
  name: string;
  type: 'id' | 'text' | 'zip' | 'state' | 'integer' | 'double' | 'timestamp';
  sql_type: string;
  nullable: boolean;
  nulls: number;
  null_share: number;
  distinct: number;
  distinct_exact: boolean;
  min: number | string | null;
  max: number | string | null;
  numeric?: { mean: number | null; stddev: number | null; zeros: number; negatives: number };
  text?: { top_values: { value: string; count: number }[] };
  timestamp?: { months: number };
}
export interface TableProfile {
  table: string;
  rows: number;
  columns: ColumnProfile[];
  ms: number;
}
export interface DatasetProfile {
  dataset_version: number;
  tables: TableProfile[];
}

export interface Dataset {
  version: number;
  status: 'loading' | 'published' | 'rejected' | 'abandoned';
  is_current: boolean;
  source: string;
  checksum: string | null;
  row_counts: Record<string, number>;
  warnings: string[];
  error: string | null;
  created_at: string;
  load_ms: number | null;
}
export interface DatasetDetail extends Dataset {
  quality_report: QualityReport | null;
}

export interface FitResult {
  model: string;
  params: Record<string, number>;
  loglik: number | null;
  aic: number | null;
  bic: number | null;
  n_customers: number;
  convergence: { converged: boolean; reason: string; iterations: number };
  warnings: string[];
}
export interface ClvData {
  model: 'bgnbd' | 'mbgnbd' | 'paretonbd';
  unit: 'days' | 'weeks';
  horizon: number;
  discount_rate: number;
  purchase_params: Record<string, number>;
  spend_params: Record<string, number> | null;
  purchase_fit: FitResult | null;
  spend_fit: FitResult | null;
  independence: {
    pearson_frequency_monetary: number | null;
    assumption_plausible: boolean;
    note: string;
  } | null;
  totals: { customers: number; expected_purchases: number; mean_p_alive: number; clv: number | null };
  id_column: string;
  columns: string[];
  customers: Record<string, string | number | null>[];
  definitions: Record<string, string>;
}

/** Predicted vs actual holdout purchases of the customers with one calibration frequency. */
export interface HoldoutGroup {
  frequency: string;
  customers: number;
  actual_mean: number;
  predicted_mean: number | null;
  actual_total: number;
  predicted_total: number | null;
}
/** POST /analysis/ltv/validate */
export interface ClvValidation {
  unit: 'days' | 'weeks';
  calibration_end: string;
  observation_end: string | null;
  holdout_duration: number;
  censor: number;
  customers: number;
  holdout_purchases: number;
  models: {
    model: ClvData['model'];
    fit: FitResult;
    groups: HoldoutGroup[];
    metrics: {
      customers: number;
      mae: number | null;
      rmse: number | null;
      actual_total: number;
      predicted_total: number | null;
      total_error_pct: number | null;
    };
  }[];
}
export interface FrequencyRecencyMatrix {
  quantity: 'expected_purchases' | 'p_alive';
  T: number;
  t: number | null;
  frequency: number[];
  recency: number[];
  /** values[i][j] for recency[i], frequency[j] */
  values: (number | null)[][];
}
/** POST /analysis/ltv/plots */
export interface ClvPlots {
  model: ClvData['model'];
  unit: 'days' | 'weeks';
  fit: FitResult;
  frequency_recency: { expected_purchases: FrequencyRecencyMatrix; p_alive: FrequencyRecencyMatrix };
  expected_purchases_curve: { t: number; expected_purchases: number | null }[];
  calibration_vs_holdout: HoldoutGroup[] | null;
  calibration_end: string | null;
}

export interface User {
  id: number;
  username: string;
  role: 'admin' | 'analyst' | 'viewer';
  disabled: boolean;
  created_at: string;
  last_login_at: string | null;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: 'admin' | 'analyst' | 'viewer';
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface AuditEntry {
  id: number;
  ts: string;
  action: string;
  actor_type: string;
  actor: string | null;
  ip: string | null;
  params: Record<string, unknown>;
  outcome: string;
}

export interface CustomerDetail {
  customer_unique_id: string;
  city: string;
  state: string;
  zip_code_prefix: string;
  first_purchase: string | null;
  last_purchase: string | null;
  rfm: RfmRow | null;
  clv: {
    model: string;
    horizon_weeks: number;
    frequency: number;
    p_alive: number;
    expected_purchases: number;
    expected_avg_value: number | null;
    clv: number | null;
    converged: boolean;
  } | null;
  orders: {
    order_id: string;
    order_status: string;
    purchased_at: string;
    delivered_at: string | null;
    estimated_delivery: string;
    is_purchase: boolean;
    items: number;
    items_value: number;
    payment_value: number;
    review_score: number | null;
  }[];
  payments: {
    order_id: string;
    payment_sequential: number;
    payment_type: string;
    payment_installments: number;
    payment_value: number;
  }[];
  reviews: {
    order_id: string;
    review_id: string;
    review_score: number;
    review_comment_title: string | null;
    review_comment_message: string | null;
    review_creation_date: string;
  }[];
}
