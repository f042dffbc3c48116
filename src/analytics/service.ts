import type { AppContext } from '../app/context.ts';
import { type CohortParamsInput, type CohortResult, cohortParamsSchema, computeCohorts } from './cohort.ts';
import { definitionsFromConfig, describeDefinitions } from './definitions.ts';
import {
  computeMarketplace,
  type MarketplaceParamsInput,
  type MarketplaceResult,
  marketplaceParamsSchema,
} from './marketplace.ts';
import {
  computeOverview,
  type OverviewParamsInput,
  type OverviewResult,
  overviewParamsSchema,
} from './overview.ts';
import { cacheParams, parseParams } from './params.ts';
import { type AnalysisResult, type ResultMeta, runAnalysis } from './result.ts';
import {
  computeRfmSummary,
  copyRfmCustomers,
  type ExportFormat,
  queryRfmCustomers,
  type RfmCustomerRow,
  type RfmPageInput,
  type RfmParams,
  type RfmParamsInput,
  type RfmSummary,
  rfmCustomersSql,
  rfmPageSchema,
  rfmParamsSchema,
  streamRfmCustomers,
} from './rfm.ts';

/**
 * The customer-analytics service layer: the functions the CLI, the API, exports and the dashboard
 * call. Each validates its raw parameters (zod schemas exported beside them, for the API),
 * analyses the requested (or current) published data set version, and returns typed data with
 * uniform metadata. Summaries go through the result cache; per-customer RFM rows never do: they are
 * produced by SQL and paged, streamed or written by DuckDB COPY.
 */

export { cohortParamsSchema, marketplaceParamsSchema, overviewParamsSchema, rfmPageSchema, rfmParamsSchema };

/** RFM thresholds, segment summary, (R, F) grid, Pareto and recommendations. */
export async function rfmSummary(
  ctx: AppContext,
  raw: RfmParamsInput = {},
): Promise<AnalysisResult<RfmSummary>> {
  return summaryOf(ctx, parseParams(rfmParamsSchema, raw, 'RFM'));
}

async function summaryOf(ctx: AppContext, params: RfmParams): Promise<AnalysisResult<RfmSummary>> {
  const ds = await ctx.dataset(params.dataset_version);
  return runAnalysis(ctx, 'rfm.summary', ds, cacheParams(params), (defs) =>
    computeRfmSummary(ctx.engine, ds, defs, params, params.as_of),
  );
}

/** Per-customer rows with the SQL that produces them, scored with the (cached) summary's thresholds. */
async function customersQuery(ctx: AppContext, params: RfmParams) {
  const summary = await summaryOf(ctx, params);
  const ds = await ctx.dataset(params.dataset_version);
  const defs = definitionsFromConfig(ctx.loaded.config);
  const sql = rfmCustomersSql(ds, defs, summary.data.as_of, params, summary.data.thresholds);
  return { summary, ds, defs, sql };
}

function customersMeta(
  analysis: string,
  summary: AnalysisResult<RfmSummary>,
  ctx: AppContext,
  started: number,
  rows: Record<string, number>,
  extraParams: Record<string, unknown> = {},
): ResultMeta {
  return {
    analysis,
    dataset_version: summary.meta.dataset_version,
    params: { ...summary.meta.params, ...extraParams },
    definitions: describeDefinitions(definitionsFromConfig(ctx.loaded.config)),
    timings_ms: { total: Math.round(performance.now() - started) },
    rows,
    warnings: summary.meta.warnings,
    generated_at: new Date().toISOString(),
    cached: false,
  };
}

export interface RfmCustomersPage {
  readonly meta: ResultMeta;
  readonly data: {
    readonly rows: readonly RfmCustomerRow[];
    /** Customers in the whole result (before paging and segment filter). */
    readonly total_customers: number;
    /** Keyset cursor for the next page (pass as `after`), null on the last page. */
    readonly next_after: string | null;
  };
}

/** One page of per-customer RFM rows, ordered by customer_unique_id (offset or keyset paging). */
export async function rfmCustomers(
  ctx: AppContext,
  raw: RfmParamsInput = {},
  rawPage: RfmPageInput = {},
): Promise<RfmCustomersPage> {
  const started = performance.now();
  const params = parseParams(rfmParamsSchema, raw, 'RFM');
  const page = parseParams(rfmPageSchema, rawPage, 'page');
  const { summary, sql } = await customersQuery(ctx, params);
  const rows = await queryRfmCustomers(ctx.engine, sql, page);
  const last = rows[rows.length - 1];
  return {
    meta: customersMeta('rfm.customers', summary, ctx, started, { rows: rows.length }, { page }),
    data: {
      rows,
      total_customers: summary.data.customers,
      next_after:
        rows.length === page.limit && last && page.sort === 'customer_unique_id' && page.order === 'asc'
          ? last.customer_unique_id
          : null,
    },
  };
}

/** One customer's RFM row (null when they made no purchase before the as-of date) and the as-of date used. */
export async function rfmCustomer(
  ctx: AppContext,
  raw: RfmParamsInput,
  customerUniqueId: string,
): Promise<{ row: RfmCustomerRow | null; as_of: string }> {
  const params = parseParams(rfmParamsSchema, raw, 'RFM');
  const { summary, sql } = await customersQuery(ctx, params);
  const row = await ctx.engine.one<RfmCustomerRow>(`SELECT * FROM (${sql}) WHERE customer_unique_id = $id`, {
    id: customerUniqueId,
  });
  return { row: row ?? null, as_of: summary.data.as_of };
}

/** Streams every per-customer row in chunks to `onRows` (ordered by customer); returns the meta. */
export async function rfmStreamCustomers(
  ctx: AppContext,
  raw: RfmParamsInput,
  onRows: (rows: readonly RfmCustomerRow[]) => Promise<void> | void,
): Promise<ResultMeta> {
  const started = performance.now();
  const params = parseParams(rfmParamsSchema, raw, 'RFM');
  const { summary, sql } = await customersQuery(ctx, params);
  const n = await streamRfmCustomers(ctx.engine, sql, onRows);
  return customersMeta('rfm.customers', summary, ctx, started, { customers: n });
}

/** Writes every per-customer row to `file` (DuckDB COPY: CSV with header, or a JSON array). */
export async function rfmExport(
  ctx: AppContext,
  raw: RfmParamsInput,
  file: string,
  format: ExportFormat = 'csv',
): Promise<ResultMeta> {
  const started = performance.now();
  const params = parseParams(rfmParamsSchema, raw, 'RFM');
  const { summary, sql } = await customersQuery(ctx, params);
  const n = await copyRfmCustomers(ctx.engine, sql, file, format);
  return customersMeta('rfm.export', summary, ctx, started, { customers: n }, { file, format });
}

/** `rfmExport` to CSV. */
export function rfmExportCsv(ctx: AppContext, raw: RfmParamsInput, file: string): Promise<ResultMeta> {
  return rfmExport(ctx, raw, file, 'csv');
}

/** Cohort matrices (active customers, retention, revenue, LTV curve, orders per active customer). */
export async function cohorts(
  ctx: AppContext,
  raw: CohortParamsInput = {},
): Promise<AnalysisResult<CohortResult>> {
  const params = parseParams(cohortParamsSchema, raw, 'cohort');
  const ds = await ctx.dataset(params.dataset_version);
  return runAnalysis(ctx, 'cohorts', ds, cacheParams(params), (defs) =>
    computeCohorts(ctx.engine, ds, defs, params, params.as_of),
  );
}

/** Overview KPIs with their monthly trend. */
export async function overview(
  ctx: AppContext,
  raw: OverviewParamsInput = {},
): Promise<AnalysisResult<OverviewResult>> {
  const params = parseParams(overviewParamsSchema, raw, 'overview');
  const ds = await ctx.dataset(params.dataset_version);
  return runAnalysis(ctx, 'overview', ds, cacheParams(params), (defs) =>
    computeOverview(ctx.engine, ds, defs, params),
  );
}

/** Delivery vs reviews, revenue by state, category performance and seller concentration. */
export async function marketplace(
  ctx: AppContext,
  raw: MarketplaceParamsInput = {},
): Promise<AnalysisResult<MarketplaceResult>> {
  const params = parseParams(marketplaceParamsSchema, raw, 'marketplace');
  const ds = await ctx.dataset(params.dataset_version);
  return runAnalysis(ctx, 'marketplace', ds, cacheParams(params), (defs) =>
    computeMarketplace(ctx.engine, ds, defs, params),
  );
}
