/**
 * The export registry: for every analysis, its formats, the query parameters it takes (the same
 * zod schemas as the analysis), and how its result becomes an ExportDoc: typed columns (shared
 * by CSV, XLSX and PDF), chunked rows, KPIs, charts, findings and recommendations.
 */
import { z } from 'zod';
import { predictClv, predictClvParamsSchema } from '../analytics/clv/service.ts';
import { COHORT_CSV_COLUMNS, type CohortResult, cohortLongRows } from '../analytics/cohort.ts';
import type { MarketplaceResult } from '../analytics/marketplace.ts';
import type { OverviewResult } from '../analytics/overview.ts';
import { datasetVersionSchema, isoDateSchema, parseParams } from '../analytics/params.ts';
import type { ResultMeta } from '../analytics/result.ts';
import { RFM_COLUMNS, type RfmCustomerRow, type RfmSummary } from '../analytics/rfm.ts';
import {
  cohortParamsSchema,
  cohorts,
  marketplace,
  marketplaceParamsSchema,
  overview,
  overviewParamsSchema,
  rfmParamsSchema,
  rfmStreamCustomers,
  rfmSummary,
} from '../analytics/service.ts';
import type { AppContext } from '../app/context.ts';
import { DIMENSIONS } from '../quality/rules.ts';
import { validateDataset } from '../quality/service.ts';
import { chunksOf, fromArray } from './chunks.ts';
import { fmtBrl, fmtInteger, fmtShare, formatValue, STATE_NAMES } from './format.ts';
import type {
  ColumnSpec,
  ColumnType,
  ExportDoc,
  ExportFormat,
  Kpi,
  Row,
  Section,
  TableSpec,
} from './types.ts';

export const EXPORT_ANALYSES = [
  'rfm',
  'segments',
  'cohort',
  'overview',
  'marketplace',
  'clv',
  'quality',
  'health',
] as const;
export type ExportAnalysis = (typeof EXPORT_ANALYSES)[number];

export interface ExportSpec {
  readonly title: string;
  readonly description: string;
  readonly formats: readonly ExportFormat[];
  /** Parameters as a query string carries them (the analysis's own schema). */
  readonly query: z.ZodType;
  /** Runs the analysis (validating `raw`) and shapes it for the writers. */
  load(ctx: AppContext, raw: Record<string, unknown>): Promise<ExportDoc>;
}

const col = (name: string, type: ColumnType, label?: string): ColumnSpec => ({
  name,
  type,
  ...(label ? { label } : {}),
});

// ── Column definitions ───────────────────────────────────────────────────────────────────────

const RFM_TYPES: Record<(typeof RFM_COLUMNS)[number], ColumnType> = {
  customer_unique_id: 'text',
  recency_days: 'int',
  frequency: 'int',
  monetary: 'currency',
  r_score: 'int',
  f_score: 'int',
  m_score: 'int',
  rfm_score: 'text',
  segment: 'text',
};
export const RFM_CUSTOMER_COLUMNS: readonly ColumnSpec[] = RFM_COLUMNS.map((c) => col(c, RFM_TYPES[c]));

export const SEGMENT_COLUMNS: readonly ColumnSpec[] = [
  col('segment', 'text', 'Segment'),
  col('customers', 'int', 'Customers'),
  col('share_customers', 'percent', '% customers'),
  col('revenue', 'currency', 'Revenue'),
  col('share_revenue', 'percent', '% revenue'),
  col('orders', 'int', 'Orders'),
  col('avg_recency_days', 'number', 'Avg recency (days)'),
  col('avg_frequency', 'number', 'Avg frequency'),
  col('avg_monetary', 'currency', 'Avg monetary'),
  col('avg_r_score', 'number', 'Avg R'),
  col('avg_f_score', 'number', 'Avg F'),
  col('avg_m_score', 'number', 'Avg M'),
  col('avg_order_value', 'currency', 'Avg order value'),
];

const RECOMMENDATION_COLUMNS: readonly ColumnSpec[] = [
  col('segment', 'text', 'Segment'),
  col('priority', 'text', 'Priority'),
  col('finding', 'text', 'Finding'),
  col('action', 'text', 'Action'),
];

const PARETO_COLUMNS: readonly ColumnSpec[] = [
  col('top_customers', 'percent', 'Top customers'),
  col('share_revenue', 'percent', 'Share of revenue'),
];

const COHORT_TYPES: Record<(typeof COHORT_CSV_COLUMNS)[number], ColumnType> = {
  cohort: 'text',
  cohort_size: 'int',
  period: 'int',
  customers: 'int',
  retention: 'percent',
  revenue: 'currency',
};
/** The analysis's long CSV columns, with the cohort's first day (a date) after its label. */
export const COHORT_COLUMNS: readonly ColumnSpec[] = COHORT_CSV_COLUMNS.flatMap((c) =>
  c === 'cohort' ? [col(c, 'text'), col('cohort_start', 'date')] : [col(c, COHORT_TYPES[c])],
);

/** cohortLongRows with each cohort's start date. */
export function cohortRows(d: CohortResult): Row[] {
  const start = new Map(d.cohorts.map((c) => [c.cohort, c.cohort_start]));
  return cohortLongRows(d).map((r) => ({ ...r, cohort_start: start.get(r.cohort) ?? null }));
}

const COHORT_AVERAGE_COLUMNS: readonly ColumnSpec[] = [
  col('period', 'int', 'Period'),
  col('cohorts', 'int', 'Cohorts averaged'),
  col('customers', 'int', 'Customers'),
  col('retention', 'percent', 'Retention'),
  col('retention_or_later', 'percent', 'Retention (k or later)'),
  col('cumulative_revenue_per_customer', 'currency', 'Cumulative revenue / customer'),
];

const KPI_COLUMNS = (first: ColumnSpec): ColumnSpec[] => [
  first,
  col('revenue', 'currency', 'Revenue'),
  col('orders', 'int', 'Orders'),
  col('customers', 'int', 'Customers'),
  col('avg_order_value', 'currency', 'Avg order value'),
  col('repeat_customers', 'int', 'Repeat customers'),
  col('repeat_customer_rate', 'percent', 'Repeat rate'),
  col('reviewed_orders', 'int', 'Reviewed orders'),
  col('avg_review_score', 'number', 'Avg review'),
  col('delivered_orders', 'int', 'Delivered'),
  col('on_time_orders', 'int', 'On time'),
  col('on_time_rate', 'percent', 'On-time rate'),
];
export const OVERVIEW_TREND_COLUMNS = KPI_COLUMNS(col('month', 'text', 'Month'));

export const STATE_COLUMNS: readonly ColumnSpec[] = [
  col('state', 'text', 'State'),
  col('state_name', 'text', 'State name'),
  col('revenue', 'currency', 'Revenue'),
  col('share_revenue', 'percent', '% revenue'),
  col('orders', 'int', 'Orders'),
  col('customers', 'int', 'Customers'),
  col('avg_order_value', 'currency', 'Avg order value'),
];

export const CATEGORY_COLUMNS: readonly ColumnSpec[] = [
  col('category', 'text', 'Category'),
  col('category_english', 'text', 'Category (English)'),
  col('revenue', 'currency', 'Revenue'),
  col('share_revenue', 'percent', '% revenue'),
  col('orders', 'int', 'Orders'),
  col('items', 'int', 'Items'),
  col('customers', 'int', 'Customers'),
  col('reviewed_orders', 'int', 'Reviewed'),
  col('avg_review_score', 'number', 'Avg review'),
  col('repeat_rate', 'percent', 'Repeat rate'),
  col('category_repeat_rate', 'percent', 'Category repeat rate'),
];

const DELIVERY_COLUMNS = (first: ColumnSpec): ColumnSpec[] => [
  first,
  col('orders', 'int', 'Orders'),
  col('delivered_orders', 'int', 'Delivered'),
  col('avg_delivery_days', 'number', 'Avg delivery days'),
  col('median_delivery_days', 'number', 'Median delivery days'),
  col('late_orders', 'int', 'Late'),
  col('late_share', 'percent', '% late'),
  col('reviewed_orders', 'int', 'Reviewed'),
  col('avg_review_score', 'number', 'Avg review'),
];

const REVIEW_GROUP_COLUMNS: readonly ColumnSpec[] = [
  col('group', 'text', 'Group'),
  col('orders', 'int', 'Orders'),
  col('reviewed_orders', 'int', 'Reviewed'),
  col('avg_review_score', 'number', 'Avg review'),
];

const SELLER_COLUMNS: readonly ColumnSpec[] = [
  col('seller_id', 'text', 'Seller'),
  col('seller_state', 'text', 'State'),
  col('revenue', 'currency', 'Revenue'),
  col('share_revenue', 'percent', '% revenue'),
  col('orders', 'int', 'Orders'),
];

const CLV_TYPES: Record<string, ColumnType> = {
  frequency: 'int',
  recency: 'number',
  T: 'number',
  monetary_value: 'currency',
  expected_purchases: 'number',
  p_alive: 'percent',
  expected_avg_value: 'currency',
  clv: 'currency',
};

export const QUALITY_RULE_COLUMNS: readonly ColumnSpec[] = [
  col('id', 'text', 'Rule'),
  col('table', 'text', 'Table'),
  col('dimension', 'text', 'Dimension'),
  col('severity', 'text', 'Severity'),
  col('status', 'text', 'Status'),
  col('failing_count', 'int', 'Failing'),
  col('total_count', 'int', 'Checked'),
  col('failing_share', 'percent', '% failing'),
  col('message', 'text', 'Message'),
  col('examples', 'text', 'Examples'),
];

const QUALITY_SCORE_COLUMNS: readonly ColumnSpec[] = [
  col('table', 'text', 'Table'),
  col('score', 'number', 'Score'),
  ...DIMENSIONS.map((d) => col(d, 'number', d[0]?.toUpperCase() + d.slice(1))),
];

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────

function table(
  name: string,
  title: string,
  columns: readonly ColumnSpec[],
  rows: readonly object[],
  extra: Partial<TableSpec> = {},
): TableSpec {
  return { name, title, columns, rows: fromArray(rows as readonly Row[]), ...extra };
}

function base(meta: ResultMeta, analysis: string, title: string, subtitle: string) {
  return {
    analysis,
    title,
    subtitle,
    datasetVersion: meta.dataset_version,
    generatedAt: meta.generated_at,
    params: meta.params,
    definitions: meta.definitions,
    warnings: meta.warnings,
  };
}

const orNa = (x: number | null | undefined, f: (x: number) => string) =>
  x === null || x === undefined ? 'n/a' : f(x);

function kpisOfOverview(d: OverviewResult): Kpi[] {
  const k = d.kpis;
  return [
    { label: 'Revenue', value: fmtBrl(k.revenue) },
    { label: 'Orders', value: fmtInteger(k.orders) },
    { label: 'Customers', value: fmtInteger(k.customers) },
    { label: 'Average order value', value: orNa(k.avg_order_value, fmtBrl) },
    { label: 'Repeat customer rate', value: orNa(k.repeat_customer_rate, fmtShare) },
    { label: 'Average review score', value: orNa(k.avg_review_score, (x) => x.toFixed(2)) },
    { label: 'On-time delivery', value: orNa(k.on_time_rate, fmtShare) },
  ];
}

function overviewSections(d: OverviewResult): Section[] {
  return [
    {
      heading: 'Monthly trend',
      paragraphs: [
        `Purchases from ${d.first_purchase ?? 'n/a'} to ${d.last_purchase ?? 'n/a'}, by calendar month of purchase.`,
      ],
      charts: [
        {
          kind: 'line',
          title: 'Revenue per month',
          labels: d.trend.map((t) => t.month),
          values: d.trend.map((t) => t.revenue),
          format: 'currency',
        },
        {
          kind: 'line',
          title: 'Customers per month',
          labels: d.trend.map((t) => t.month),
          values: d.trend.map((t) => t.customers),
          format: 'int',
        },
      ],
      tables: [table('Monthly trend', 'Monthly KPIs', OVERVIEW_TREND_COLUMNS, d.trend)],
    },
  ];
}

function overviewFindings(d: OverviewResult): string[] {
  const k = d.kpis;
  const out = [
    `${fmtInteger(k.customers)} customers placed ${fmtInteger(k.orders)} orders worth ${fmtBrl(k.revenue)}` +
      (k.avg_order_value !== null ? ` (an average of ${fmtBrl(k.avg_order_value)} per order).` : '.'),
  ];
  if (k.repeat_customer_rate !== null)
    out.push(`${fmtShare(k.repeat_customer_rate)} of customers bought more than once.`);
  if (k.on_time_rate !== null && k.avg_review_score !== null)
    out.push(
      `${fmtShare(k.on_time_rate)} of delivered orders arrived on time; the average review score is ${k.avg_review_score.toFixed(2)} of 5.`,
    );
  const best = [...d.trend].sort((a, b) => b.revenue - a.revenue)[0];
  if (best) out.push(`The strongest month was ${best.month} with ${fmtBrl(best.revenue)} of revenue.`);
  return out;
}

function rfmKpis(d: RfmSummary): Kpi[] {
  const top20 = d.pareto.top_shares.find((t) => t.top === 0.2)?.share ?? null;
  return [
    { label: 'Customers', value: fmtInteger(d.customers) },
    { label: 'Purchases', value: fmtInteger(d.orders) },
    { label: 'Revenue', value: fmtBrl(d.revenue) },
    { label: 'Repeat customers', value: fmtInteger(d.repeat.repeat_customers) },
    { label: 'Revenue from top 20%', value: orNa(top20, fmtShare) },
    { label: 'As of', value: d.as_of },
  ];
}

function segmentSections(d: RfmSummary): Section[] {
  const nonEmpty = d.segments.filter((s) => s.customers > 0);
  return [
    {
      heading: 'Segments',
      paragraphs: [`Scores: ${d.score_method}.`],
      charts: [
        {
          kind: 'bar',
          title: 'Revenue by segment',
          labels: nonEmpty.map((s) => s.segment),
          values: nonEmpty.map((s) => s.revenue),
          format: 'currency',
        },
        {
          kind: 'bar',
          title: 'Customers by segment',
          labels: nonEmpty.map((s) => s.segment),
          values: nonEmpty.map((s) => s.customers),
          format: 'int',
        },
      ],
      tables: [table('Segments', 'Segment summary', SEGMENT_COLUMNS, d.segments)],
    },
    {
      heading: 'Recommendations by segment',
      tables: [table('Recommendations', 'Recommendations', RECOMMENDATION_COLUMNS, d.recommendations)],
    },
    {
      heading: 'Revenue concentration (Pareto)',
      paragraphs: [
        `Gini coefficient ${orNa(d.pareto.gini, (x) => x.toFixed(3))}; ` +
          `${orNa(d.pareto.units_share_for_target, fmtShare)} of customers hold ${fmtShare(d.pareto.target_share)} of revenue.`,
      ],
      charts: [
        {
          kind: 'line',
          title: 'Lorenz curve: share of revenue held by the smallest x% of customers',
          labels: d.pareto.lorenz.map((p) => `${Math.round(p.population_share * 100)}%`),
          values: d.pareto.lorenz.map((p) => p.value_share),
          format: 'percent',
        },
      ],
      tables: [
        table(
          'Pareto',
          'Share of revenue by top customers',
          PARETO_COLUMNS,
          d.pareto.top_shares.map((t) => ({ top_customers: t.top, share_revenue: t.share })),
        ),
      ],
    },
  ];
}

function cohortSections(d: CohortResult, withLongTable: boolean): Section[] {
  const periods = Array.from({ length: d.max_period + 1 }, (_, k) => String(k));
  const sections: Section[] = [
    {
      heading: `Cohort retention (by ${d.period})`,
      paragraphs: [
        `Customers grouped by the ${d.period} of their first purchase; period k counts the customers of the cohort who bought in the k-th ${d.period} after it. As of ${d.as_of}.`,
      ],
      charts: [
        {
          kind: 'heatmap',
          title: 'Retention by cohort and period',
          rowLabels: d.cohorts.map((c) => c.cohort),
          colLabels: periods,
          values: d.matrices.retention,
        },
        {
          kind: 'line',
          title: 'Average cumulative revenue per customer (LTV curve)',
          labels: d.average.map((a) => String(a.period)),
          values: d.average.map((a) => a.cumulative_revenue_per_customer),
          format: 'currency',
        },
      ],
      tables: [
        table('Cohort averages', 'Size-weighted averages by period', COHORT_AVERAGE_COLUMNS, d.average),
      ],
    },
  ];
  if (withLongTable) {
    sections.push({
      heading: 'Every cohort and period',
      tables: [table('Cohorts', 'Cohort × period', COHORT_COLUMNS, cohortRows(d))],
    });
  }
  return sections;
}

function cohortFindings(d: CohortResult): string[] {
  const p1 = d.average.find((a) => a.period === 1);
  const out = [`${fmtInteger(d.cohorts.length)} ${d.period}ly cohorts, as of ${d.as_of}.`];
  if (p1?.retention !== null && p1?.retention !== undefined)
    out.push(
      `On average ${fmtShare(p1.retention)} of a cohort buys again in the ${d.period} after its first purchase.`,
    );
  const last = [...d.average].reverse().find((a) => a.cumulative_revenue_per_customer !== null);
  if (last?.cumulative_revenue_per_customer)
    out.push(
      `A customer is worth ${fmtBrl(last.cumulative_revenue_per_customer)} on average after ${last.period} ${d.period}s.`,
    );
  return out;
}

function marketplaceStates(d: MarketplaceResult) {
  return d.states.map((s) => ({ ...s, state_name: STATE_NAMES[s.state] ?? s.state }));
}

// ── Query schemas ───────────────────────────────────────────────────────────────────────────

const rfmQuery = rfmParamsSchema.omit({ segment_map: true });
export const clvQuery = predictClvParamsSchema
  .omit({ source: true, saved_params: true, limit: true, spend: true })
  .extend({ horizon: z.coerce.number().positive().default(52).describe('Horizon in `unit` (default 52)') });
const qualityQuery = z.strictObject({
  dataset_version: datasetVersionSchema.optional(),
  previous: z.coerce.number().int().positive().optional().describe('Version to compare with for drift'),
  as_of: isoDateSchema.optional().describe('Reference date for freshness rules (default today)'),
});
const healthQuery = z.strictObject({
  dataset_version: datasetVersionSchema.optional(),
  as_of: isoDateSchema.optional().describe('As-of date (exclusive) for RFM, cohorts and CLV'),
});

const clvParams = (raw: Record<string, unknown>) => ({ horizon: 52, ...raw });

async function loadClv(ctx: AppContext, raw: Record<string, unknown>) {
  return predictClv(ctx, clvParams(raw) as Parameters<typeof predictClv>[1]);
}

async function loadQuality(ctx: AppContext, raw: Record<string, unknown>) {
  const p = parseParams(qualityQuery, raw, 'quality');
  const report = await validateDataset(ctx, p.dataset_version, {
    ...(p.previous !== undefined ? { previous: p.previous } : {}),
    ...(p.as_of ? { asOf: p.as_of } : {}),
  });
  return { p, report };
}

type QualityReport = Awaited<ReturnType<typeof validateDataset>>;

function qualityRuleRows(r: QualityReport): Row[] {
  return r.results.map((x) => ({
    id: x.id,
    table: x.table,
    dimension: x.dimension,
    severity: x.severity,
    status: x.status,
    failing_count: x.failing_count,
    total_count: x.total_count,
    failing_share: x.failing_share,
    message: x.message,
    examples: x.examples.join(', '),
  }));
}

function qualityScoreRows(r: QualityReport): Row[] {
  const rows: Row[] = [{ table: 'overall', ...r.scores.overall }];
  for (const [t, s] of Object.entries(r.scores.tables)) if (s) rows.push({ table: t, ...s });
  return rows;
}

function qualityKpis(r: QualityReport): Kpi[] {
  return [
    { label: 'Overall quality score', value: orNa(r.scores.overall.score, (x) => x.toFixed(1)) },
    { label: 'Status', value: r.status },
    { label: 'Rules passed', value: `${r.summary.passed} of ${r.summary.rules}` },
    { label: 'Failed (errors)', value: fmtInteger(r.summary.failed_errors) },
    { label: 'Failed (warnings)', value: fmtInteger(r.summary.failed_warnings) },
    { label: 'Skipped', value: fmtInteger(r.summary.skipped) },
  ];
}

function qualitySections(r: QualityReport, withRules: boolean): Section[] {
  const failed = r.results.filter((x) => x.status === 'fail' || x.status === 'error');
  const sections: Section[] = [
    {
      heading: 'Quality scores',
      paragraphs: [
        'Scores are 0–100 per dimension: 100 × the mean pass rate of the checks in that dimension.',
      ],
      charts: [
        {
          kind: 'bar',
          title: 'Overall score by dimension',
          labels: DIMENSIONS.filter((d) => r.scores.overall[d] !== null),
          values: DIMENSIONS.map((d) => r.scores.overall[d]).filter((x): x is number => x !== null),
          format: 'number',
        },
      ],
      tables: [table('Scores', 'Scores by table', QUALITY_SCORE_COLUMNS, qualityScoreRows(r))],
    },
  ];
  if (withRules) {
    sections.push({
      heading: 'Rule results',
      bullets: failed.length
        ? failed.map((x) => `${x.id} (${x.severity}): ${x.message ?? `${x.failing_count} failing rows`}`)
        : ['Every rule passed.'],
      tables: [table('Rules', 'Every rule', QUALITY_RULE_COLUMNS, qualityRuleRows(r))],
    });
  }
  return sections;
}

function qualityFindings(r: QualityReport): string[] {
  return [
    `Quality status: ${r.status}; overall score ${orNa(r.scores.overall.score, (x) => x.toFixed(1))} of 100.`,
    `${r.summary.passed} of ${r.summary.rules} rules passed; ${r.summary.failed_errors} error and ${r.summary.failed_warnings} warning rules failed.`,
  ];
}

// ── The registry ────────────────────────────────────────────────────────────────────────────

export const EXPORTS: Record<ExportAnalysis, ExportSpec> = {
  rfm: {
    title: 'RFM segmentation',
    description: 'Every customer’s recency, frequency, monetary value, scores and segment',
    formats: ['csv', 'xlsx', 'pdf'],
    query: rfmQuery,
    async load(ctx, raw) {
      const r = await rfmSummary(ctx, raw);
      const d = r.data;
      const customers: TableSpec = {
        name: 'Customers',
        title: 'Customers (RFM)',
        columns: RFM_CUSTOMER_COLUMNS,
        rows: () =>
          chunksOf<RfmCustomerRow>((onRows) => rfmStreamCustomers(ctx, raw, onRows)) as AsyncIterable<
            readonly Row[]
          >,
        inPdf: false,
        pdfNote: `The ${fmtInteger(d.customers)} per-customer rows (recency, frequency, monetary, scores, segment) are in the CSV and XLSX exports of this analysis.`,
      };
      return {
        ...base(
          r.meta,
          'rfm',
          'RFM segmentation',
          `Customers scored on recency, frequency and monetary value, as of ${d.as_of}`,
        ),
        kpis: rfmKpis(d),
        findings: d.highlights,
        recommendations: d.recommendations
          .filter((x) => x.priority === 'high')
          .map((x) => `${x.segment}: ${x.action}`),
        primary: customers,
        sections: [...segmentSections(d), { heading: 'Customers', tables: [customers] }],
      };
    },
  },
  segments: {
    title: 'RFM segments',
    description: 'The segment summary with Pareto and recommendations',
    formats: ['csv', 'xlsx', 'pdf'],
    query: rfmQuery,
    async load(ctx, raw) {
      const r = await rfmSummary(ctx, raw);
      const d = r.data;
      const sections = segmentSections(d);
      return {
        ...base(r.meta, 'segments', 'Customer segments', `RFM segments as of ${d.as_of}`),
        kpis: rfmKpis(d),
        findings: d.highlights,
        recommendations: d.recommendations
          .filter((x) => x.priority !== 'none')
          .map((x) => `${x.segment}: ${x.action}`),
        primary: sections[0]?.tables?.[0] ?? null,
        sections,
      };
    },
  },
  cohort: {
    title: 'Cohort retention',
    description: 'One row per observable (cohort, period): customers, retention, revenue',
    formats: ['csv', 'xlsx', 'pdf'],
    query: cohortParamsSchema,
    async load(ctx, raw) {
      const r = await cohorts(ctx, raw);
      const d = r.data;
      const sections = cohortSections(d, true);
      return {
        ...base(
          r.meta,
          'cohort',
          'Cohort retention',
          `Customers by ${d.period} of first purchase, as of ${d.as_of}`,
        ),
        kpis: [
          { label: 'Cohorts', value: fmtInteger(d.cohorts.length) },
          { label: 'Customers', value: fmtInteger(d.cohorts.reduce((a, c) => a + c.size, 0)) },
          {
            label: `Retention, ${d.period} 1`,
            value: orNa(d.average.find((a) => a.period === 1)?.retention, fmtShare),
          },
        ],
        findings: cohortFindings(d),
        recommendations: [],
        primary: sections[1]?.tables?.[0] ?? null,
        sections,
      };
    },
  },
  overview: {
    title: 'Overview',
    description: 'KPIs by month',
    formats: ['csv', 'xlsx', 'pdf'],
    query: overviewParamsSchema,
    async load(ctx, raw) {
      const r = await overview(ctx, raw);
      const sections = overviewSections(r.data);
      return {
        ...base(
          r.meta,
          'overview',
          'Business overview',
          'Revenue, customers, repeat rate, reviews and delivery',
        ),
        kpis: kpisOfOverview(r.data),
        findings: overviewFindings(r.data),
        recommendations: [],
        primary: sections[0]?.tables?.[0] ?? null,
        sections,
      };
    },
  },
  marketplace: {
    title: 'Marketplace',
    description: 'Category performance (CSV); delivery, states, categories and sellers (XLSX, PDF)',
    formats: ['csv', 'xlsx', 'pdf'],
    query: marketplaceParamsSchema,
    async load(ctx, raw) {
      const r = await marketplace(ctx, raw);
      const d = r.data;
      const o = d.delivery.overall;
      const states = marketplaceStates(d);
      const categories = table('Categories', 'Category performance', CATEGORY_COLUMNS, d.categories);
      const top = states.slice(0, 15);
      const lateBucket = [...d.delivery.by_outcome].find((g) => g.group === 'late');
      const onTime = [...d.delivery.by_outcome].find((g) => g.group === 'on_time');
      const findings = [
        `${fmtShare(o.late_share ?? 0)} of delivered orders arrived late; the median delivery took ${orNa(o.median_delivery_days, (x) => x.toFixed(1))} days.`,
      ];
      if (lateBucket?.avg_review_score && onTime?.avg_review_score)
        findings.push(
          `Late orders are reviewed ${lateBucket.avg_review_score.toFixed(2)} on average against ${onTime.avg_review_score.toFixed(2)} for on-time ones.`,
        );
      if (states[0])
        findings.push(
          `${states[0].state_name} brings the most revenue: ${fmtBrl(states[0].revenue)} (${orNa(states[0].share_revenue, fmtShare)}).`,
        );
      const sellerTop20 = d.sellers.concentration.top_shares.find((t) => t.top === 0.2)?.share;
      if (sellerTop20 !== undefined && sellerTop20 !== null)
        findings.push(`The top 20% of sellers make ${fmtShare(sellerTop20)} of the revenue.`);
      return {
        ...base(r.meta, 'marketplace', 'Marketplace', 'Delivery and reviews, states, categories and sellers'),
        kpis: [
          { label: 'Revenue', value: fmtBrl(d.revenue) },
          { label: 'Orders', value: fmtInteger(o.orders) },
          { label: 'Late deliveries', value: orNa(o.late_share, fmtShare) },
          { label: 'Median delivery (days)', value: orNa(o.median_delivery_days, (x) => x.toFixed(1)) },
          { label: 'Average review', value: orNa(o.avg_review_score, (x) => x.toFixed(2)) },
          { label: 'Unattributed revenue', value: fmtBrl(d.unattributed_revenue) },
        ],
        findings,
        recommendations: [],
        primary: categories,
        sections: [
          {
            heading: 'Delivery and reviews',
            tables: [
              table('By outcome', 'Reviews by delivery outcome', REVIEW_GROUP_COLUMNS, d.delivery.by_outcome),
              table('By days late', 'Reviews by days late', REVIEW_GROUP_COLUMNS, d.delivery.by_days_late),
              table(
                'Delivery by state',
                'Delivery by state',
                DELIVERY_COLUMNS(col('state', 'text', 'State')),
                d.delivery.by_state,
              ),
              table(
                'Delivery by month',
                'Delivery by month',
                DELIVERY_COLUMNS(col('month', 'text', 'Month')),
                d.delivery.by_month,
              ),
            ],
          },
          {
            heading: 'Revenue by state',
            charts: [
              {
                kind: 'bar',
                title: 'Revenue by state (top 15)',
                labels: top.map((s) => s.state_name),
                values: top.map((s) => s.revenue),
                format: 'currency',
              },
            ],
            tables: [table('States', 'Revenue by state', STATE_COLUMNS, states)],
          },
          { heading: 'Categories', tables: [categories] },
          {
            heading: 'Sellers',
            paragraphs: [
              `${fmtInteger(d.sellers.concentration.units)} sellers; Gini ${orNa(d.sellers.concentration.gini, (x) => x.toFixed(3))}.`,
            ],
            tables: [table('Top sellers', 'Top sellers by revenue', SELLER_COLUMNS, d.sellers.top)],
          },
        ],
      };
    },
  },
  clv: {
    title: 'Customer lifetime value',
    description: 'Per-customer predictions: expected purchases, P(alive), expected value and CLV',
    formats: ['csv', 'xlsx', 'pdf'],
    query: clvQuery,
    async load(ctx, raw) {
      const r = await loadClv(ctx, raw);
      const d = r.data;
      const columns = d.columns.map((c) => col(c, CLV_TYPES[c] ?? 'text'));
      const customers = table('Customers', 'Per-customer predictions', columns, d.customers, {
        inPdf: false,
        pdfNote: `The ${fmtInteger(d.customers.length)} per-customer predictions are in the CSV and XLSX exports; the 50 highest CLVs follow.`,
      });
      const byClv = [...d.customers]
        .filter((c) => typeof c.clv === 'number')
        .sort((a, b) => (b.clv as number) - (a.clv as number))
        .slice(0, 50);
      const bands = [0, 0.2, 0.4, 0.6, 0.8, 1];
      const bandCounts = bands.slice(0, -1).map((lo, i) => {
        const hi = bands[i + 1] as number;
        return d.customers.filter((c) => {
          const p = c.p_alive as number;
          return p >= lo && (i === bands.length - 2 ? p <= hi : p < hi);
        }).length;
      });
      const paramRows = [
        ...Object.entries(d.purchase_params).map(([k, v]) => ({ model: d.model, parameter: k, value: v })),
        ...Object.entries(d.spend_params ?? {}).map(([k, v]) => ({
          model: 'gammagamma',
          parameter: k,
          value: v,
        })),
      ];
      return {
        ...base(
          r.meta,
          'clv',
          'Customer lifetime value',
          `${d.model} over ${d.horizon} ${d.unit}, monthly discount ${fmtShare(d.discount_rate)}`,
        ),
        kpis: [
          { label: 'Customers', value: fmtInteger(d.totals.customers) },
          { label: 'Expected purchases', value: formatValue(d.totals.expected_purchases, 'number') },
          { label: 'Mean P(alive)', value: fmtShare(d.totals.mean_p_alive) },
          { label: 'Total CLV', value: orNa(d.totals.clv, fmtBrl) },
        ],
        findings: [
          `Over the next ${d.horizon} ${d.unit}, the ${fmtInteger(d.totals.customers)} customers are expected to make ${formatValue(d.totals.expected_purchases, 'number')} purchases${d.totals.clv !== null ? `, worth ${fmtBrl(d.totals.clv)} (discounted)` : ''}.`,
          `The average probability that a customer is still active is ${fmtShare(d.totals.mean_p_alive)}.`,
        ],
        recommendations: [],
        primary: customers,
        sections: [
          {
            heading: 'Model',
            charts: [
              {
                kind: 'bar',
                title: 'Customers by probability of being alive',
                labels: ['0–20%', '20–40%', '40–60%', '60–80%', '80–100%'],
                values: bandCounts,
                format: 'int',
              },
            ],
            tables: [
              table(
                'Parameters',
                'Fitted parameters',
                [col('model', 'text'), col('parameter', 'text'), col('value', 'number')],
                paramRows,
              ),
            ],
          },
          {
            heading: 'Customers',
            tables: [customers, table('Top CLV', 'The 50 customers with the highest CLV', columns, byClv)],
          },
        ],
      };
    },
  },
  quality: {
    title: 'Data quality',
    description: 'Every rule of the quality suite with its result',
    formats: ['csv', 'xlsx', 'pdf'],
    query: qualityQuery,
    async load(ctx, raw) {
      const { report } = await loadQuality(ctx, raw);
      const sections = qualitySections(report, true);
      return {
        analysis: 'quality',
        title: 'Data quality report',
        subtitle: `Suite ${report.suite}, as of ${report.as_of}`,
        datasetVersion: report.dataset_version,
        generatedAt: report.generated_at,
        params: { ...raw, as_of: report.as_of, previous: report.previous_version },
        definitions: {
          scores:
            'Per dimension: 100 × the mean pass rate of its checks; a table’s score is the mean of its dimensions.',
          status:
            'failed: an error-severity rule failed; warnings: only warning rules failed; passed: nothing failed.',
        },
        warnings: [],
        kpis: qualityKpis(report),
        findings: qualityFindings(report),
        recommendations: [],
        primary: sections[1]?.tables?.[0] ?? null,
        sections,
      };
    },
  },
  health: {
    title: 'Customer health',
    description: 'The whole customer-health report: overview, segments, cohorts, CLV and data quality',
    formats: ['xlsx', 'pdf'],
    query: healthQuery,
    async load(ctx, raw) {
      const p = parseParams(healthQuery, raw, 'health');
      const dv = p.dataset_version !== undefined ? { dataset_version: p.dataset_version } : {};
      const asOf = p.as_of ? { as_of: p.as_of } : {};
      const ov = await overview(ctx, { ...dv, ...(p.as_of ? { to: p.as_of } : {}) });
      const rfm = await rfmSummary(ctx, { ...dv, ...asOf });
      const co = await cohorts(ctx, { ...dv, ...asOf });
      const clv = await loadClv(ctx, { ...dv, ...asOf });
      const { report } = await loadQuality(ctx, dv);
      const c = clv.data;
      return {
        ...base(
          rfm.meta,
          'health',
          'Customer health report',
          `Overview, segments, cohorts, lifetime value and data quality, as of ${rfm.data.as_of}`,
        ),
        params: { ...dv, as_of: rfm.data.as_of },
        warnings: [...ov.meta.warnings, ...rfm.meta.warnings, ...co.meta.warnings, ...clv.meta.warnings],
        kpis: [
          ...kpisOfOverview(ov.data).slice(0, 5),
          { label: 'Total CLV (52 weeks)', value: orNa(c.totals.clv, fmtBrl) },
          { label: 'Mean P(alive)', value: fmtShare(c.totals.mean_p_alive) },
          { label: 'Data quality score', value: orNa(report.scores.overall.score, (x) => x.toFixed(1)) },
          {
            label: 'Revenue from top 20%',
            value: orNa(rfm.data.pareto.top_shares.find((t) => t.top === 0.2)?.share, fmtShare),
          },
        ],
        findings: [
          ...overviewFindings(ov.data),
          ...rfm.data.highlights,
          ...cohortFindings(co.data),
          ...qualityFindings(report),
        ],
        recommendations: rfm.data.recommendations
          .filter((x) => x.priority === 'high' || x.priority === 'medium')
          .map((x) => `${x.segment} (${x.priority}): ${x.action}`),
        primary: null,
        sections: [
          ...overviewSections(ov.data),
          ...segmentSections(rfm.data),
          ...cohortSections(co.data, false),
          {
            heading: 'Customer lifetime value',
            paragraphs: [
              `${c.model} purchase model with Gamma-Gamma spend, over ${c.horizon} ${c.unit} (monthly discount ${fmtShare(c.discount_rate)}).`,
            ],
            kpis: [
              { label: 'Customers', value: fmtInteger(c.totals.customers) },
              { label: 'Expected purchases', value: formatValue(c.totals.expected_purchases, 'number') },
              { label: 'Total CLV', value: orNa(c.totals.clv, fmtBrl) },
            ],
          },
          ...qualitySections(report, false),
        ],
      };
    },
  },
};

/** Parameters of an export: the analysis's own, without the CSV-only `bom`. */
export function isExportAnalysis(x: string): x is ExportAnalysis {
  return (EXPORT_ANALYSES as readonly string[]).includes(x);
}
