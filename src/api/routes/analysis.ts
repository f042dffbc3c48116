import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ClvPlotParams,
  clvPlotData,
  clvPlotParamsSchema,
  type PredictClvParams,
  predictClv,
  predictClvParamsSchema,
  type ValidateClvParams,
  validateClv,
  validateClvParamsSchema,
} from '../../analytics/clv/service.ts';
import type { CohortParamsInput } from '../../analytics/cohort.ts';
import { type CustomerParamsInput, customerDetail, customerParamsSchema } from '../../analytics/customer.ts';
import type { MarketplaceParamsInput } from '../../analytics/marketplace.ts';
import type { OverviewParamsInput } from '../../analytics/overview.ts';
import { isoDateSchema } from '../../analytics/params.ts';
import type { RfmPageInput, RfmParamsInput } from '../../analytics/rfm.ts';
import {
  cohortParamsSchema,
  cohorts,
  marketplace,
  marketplaceParamsSchema,
  overview,
  overviewParamsSchema,
  rfmCustomers,
  rfmPageSchema,
  rfmParamsSchema,
  rfmSummary,
} from '../../analytics/service.ts';
import { OlistError } from '../../core/errors.ts';
import { validateDataset } from '../../quality/service.ts';
import { type ApiDeps, ownerOf } from '../deps.ts';
import {
  asResponse,
  clvPlotDataSchema,
  cohortResultSchema,
  customerDetailSchema,
  jsonSafe,
  marketplaceResultSchema,
  overviewResultSchema,
  predictClvDataSchema,
  qualityReportSchema,
  resultOf,
  rfmCustomersPageSchema,
  rfmSummarySchema,
  segmentsViewSchema,
  validateClvDataSchema,
} from '../resultSchemas.ts';
import { queryBool } from '../schemas.ts';
import { jobAccepted } from './jobs.ts';

const asyncQuery = z.object({
  async: queryBool
    .default(false)
    .describe('Run as a background job: 202 with a job id to poll at /api/v1/jobs/{id}'),
});

/** RFM parameters that fit in a query string (a custom segment map needs POST /analysis/rfm). */
const rfmQuery = rfmParamsSchema.omit({ segment_map: true });
const PAGE_KEYS = Object.keys(rfmPageSchema.shape) as (keyof typeof rfmPageSchema.shape)[];
const customersQuery = rfmQuery.extend(rfmPageSchema.shape);

/**
 * CLV for the API: always on a published data set (the service's file sources read server-side
 * files and are for the CLI only), and a bounded number of customer rows.
 */
export const ltvBody = predictClvParamsSchema.omit({ source: true }).extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(100)
    .describe('Customer rows returned (after sort)'),
});
const LTV_DEFAULT_LIMIT = 100;

/** Calibration vs holdout, on a published data set only (as /analysis/ltv: no server-side files). */
export const ltvValidateBody = validateClvParamsSchema.omit({ source: true });

/** The model's frequency/recency matrices and population curve, on a published data set only. */
export const ltvPlotsBody = clvPlotParamsSchema.omit({ source: true });

export const qualityBody = z.strictObject({
  dataset_version: z.number().int().positive().optional().describe('Default: the current version'),
  previous: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .describe('Version to compare with for drift; null for none; default the previous published version'),
  as_of: isoDateSchema.optional().describe('Reference date for freshness rules (default today)'),
  save: z.boolean().default(false).describe('Store the report with the version (admin only)'),
});

type ValidatorCompiler = typeof validatorCompiler;

/**
 * Validates `parts` with their zod schema but hands the handler the raw value: the services take
 * their raw parameters (and parse them again), and some schemas' output is not valid input
 * (a segment map's `r: [1, 2]` becomes `{ min: 1, max: 2 }`).
 */
function validateKeepRaw(...parts: string[]): ValidatorCompiler {
  return (opts: Parameters<ValidatorCompiler>[0]) => {
    const check = validatorCompiler(opts);
    if (!parts.includes(opts.httpPart ?? '')) return check;
    return (data: unknown) => {
      const r = check(data) as { error?: Error };
      return r.error ? { error: r.error } : { value: data };
    };
  };
}

const keepRawBody = validateKeepRaw('body') as unknown as RouteValidator;
const keepRawQuery = validateKeepRaw('querystring') as unknown as RouteValidator;
type RouteValidator = Parameters<FastifyInstance['setValidatorCompiler']>[0];

/** Rejects with TIMEOUT when `work` outlives `ms`; the work itself goes on (and fills the cache). */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new OlistError(
            'TIMEOUT',
            `the analysis took longer than ${Math.round(ms / 1000)} s: run it with ?async=true`,
          ),
        ),
      ms,
    );
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export const analysisRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { ctx } = deps;
  const timeoutMs = ctx.loaded.config.server.request_timeout_ms;

  /**
   * Runs an analysis for a POST: synchronously within the request timeout, or as a job with
   * ?async=true. Either way the run is audited with its parameters.
   */
  async function runOrQueue<T>(
    req: FastifyRequest,
    reply: FastifyReply,
    analysis: string,
    params: Record<string, unknown>,
    asJob: boolean,
    run: () => Promise<T>,
  ): Promise<FastifyReply> {
    if (asJob) {
      const job = deps.jobs.submit(
        { kind: analysis, params, owner: ownerOf(req), requestId: String(req.id) },
        async (progress) => {
          progress(0.05);
          return run();
        },
      );
      deps.audit(req, 'analysis.run', { analysis, params, async: true, job_id: job.id });
      return reply.code(202).send({ job_id: job.id, status: job.status, href: `/api/v1/jobs/${job.id}` });
    }
    try {
      const result = await withDeadline(run(), timeoutMs);
      deps.audit(req, 'analysis.run', { analysis, params });
      return reply.code(200).send(result);
    } catch (err) {
      deps.audit(
        req,
        'analysis.run',
        { analysis, params, error: err instanceof OlistError ? err.code : 'INTERNAL' },
        'failure',
      );
      throw err;
    }
  }

  // ── POST: run an analysis with any parameters (analyst) ─────────────────────────────────────

  app.post(
    '/analysis/rfm',
    {
      schema: {
        tags: ['analysis'],
        summary: 'RFM segmentation: thresholds, segments, (R, F) grid, Pareto, recommendations',
        querystring: asyncQuery,
        body: rfmParamsSchema,
        response: { 200: resultOf(rfmSummarySchema), 202: jobAccepted },
      },
      validatorCompiler: keepRawBody,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const raw = req.body as unknown as RfmParamsInput;
      return runOrQueue(req, reply, 'rfm', raw, req.query.async, () => rfmSummary(ctx, raw));
    },
  );

  app.post(
    '/analysis/cohort',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Cohort retention: matrices per metric, averages, LTV curve',
        querystring: asyncQuery,
        body: cohortParamsSchema,
        response: { 200: resultOf(cohortResultSchema), 202: jobAccepted },
      },
      validatorCompiler: keepRawBody,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const raw = req.body as unknown as CohortParamsInput;
      return runOrQueue(req, reply, 'cohort', raw, req.query.async, () => cohorts(ctx, raw));
    },
  );

  app.post(
    '/analysis/ltv',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Customer lifetime value: BG/NBD, MBG/NBD or Pareto/NBD with Gamma-Gamma spend',
        description:
          'Fits the purchase model (and Gamma-Gamma for value) on the data set, or uses saved_params, and ' +
          'predicts per customer over `horizon` (in `unit`): expected purchases, P(alive), expected value and CLV. ' +
          'Rows are sorted by `sort` and cut to `limit` (default 100).',
        querystring: asyncQuery,
        body: ltvBody,
        response: { 200: resultOf(predictClvDataSchema), 202: jobAccepted },
      },
      validatorCompiler: keepRawBody,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const raw = req.body as unknown as PredictClvParams;
      const params = { ...raw, limit: raw.limit ?? LTV_DEFAULT_LIMIT };
      return runOrQueue(req, reply, 'ltv', params, req.query.async, async () => {
        const r = await predictClv(ctx, params);
        return { meta: r.meta, data: jsonSafe(r.data) };
      });
    },
  );

  app.post(
    '/analysis/ltv/validate',
    {
      schema: {
        tags: ['analysis'],
        summary: 'CLV calibration vs holdout: predicted vs actual holdout purchases, MAE, RMSE, total error',
        description:
          'Fits each of `models` on the purchases up to `calibration_end` (inclusive) and compares the ' +
          'purchases it predicts for the holdout (to `observation_end`, default the as-of date) with the ' +
          'actual ones, per calibration frequency (censored at `censor`), with MAE, RMSE and total error.',
        querystring: asyncQuery,
        body: ltvValidateBody,
        response: { 200: resultOf(validateClvDataSchema), 202: jobAccepted },
      },
      validatorCompiler: keepRawBody,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const raw = req.body as unknown as ValidateClvParams;
      return runOrQueue(req, reply, 'ltv.validate', raw, req.query.async, async () => {
        const r = await validateClv(ctx, raw);
        return { meta: r.meta, data: jsonSafe(r.data) };
      });
    },
  );

  app.post(
    '/analysis/ltv/plots',
    {
      schema: {
        tags: ['analysis'],
        summary:
          'CLV plot data: frequency/recency matrices of expected purchases and P(alive), population curve',
        description:
          'Fits `model` and evaluates it on a `matrix_size` × `matrix_size` grid of frequency and recency ' +
          '(at the largest customer age): expected purchases over `matrix_horizon` and P(alive); and the ' +
          "population's expected purchases over time. With `calibration_end`: predicted vs actual holdout purchases.",
        querystring: asyncQuery,
        body: ltvPlotsBody,
        response: { 200: resultOf(clvPlotDataSchema), 202: jobAccepted },
      },
      validatorCompiler: keepRawBody,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const raw = req.body as unknown as ClvPlotParams;
      return runOrQueue(req, reply, 'ltv.plots', raw, req.query.async, async () => {
        const r = await clvPlotData(ctx, raw);
        return { meta: r.meta, data: jsonSafe(r.data) };
      });
    },
  );

  app.post(
    '/analysis/quality',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Run the data-quality suite on a published version',
        description: 'With save: true (admin only) the report replaces the one stored with the version.',
        querystring: asyncQuery,
        body: qualityBody,
        response: { 200: qualityReportSchema, 202: jobAccepted },
      },
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.save && req.principal!.role !== 'admin') {
        throw new OlistError('FORBIDDEN', 'saving the report with the version needs the admin role');
      }
      return runOrQueue(req, reply, 'quality', b, req.query.async, () =>
        validateDataset(ctx, b.dataset_version, {
          save: b.save,
          ...(b.previous !== undefined ? { previous: b.previous } : {}),
          ...(b.as_of ? { asOf: b.as_of } : {}),
        }),
      );
    },
  );

  // ── GET: the common views (viewer) ──────────────────────────────────────────────────────────

  app.get(
    '/analysis/overview',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Overview KPIs with their monthly trend',
        querystring: overviewParamsSchema,
        response: { 200: resultOf(overviewResultSchema) },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'viewer' },
    },
    async (req) =>
      asResponse(await withDeadline(overview(ctx, req.query as unknown as OverviewParamsInput), timeoutMs)),
  );

  app.get(
    '/analysis/segments',
    {
      schema: {
        tags: ['analysis'],
        summary: 'RFM segments with their figures, the (R, F) grid and recommendations',
        querystring: rfmQuery,
        response: { 200: resultOf(segmentsViewSchema) },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'viewer' },
    },
    async (req) => {
      const r = await withDeadline(rfmSummary(ctx, req.query as unknown as RfmParamsInput), timeoutMs);
      return asResponse({ meta: r.meta, data: r.data });
    },
  );

  app.get(
    '/analysis/customers',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Per-customer RFM rows, paged (offset or keyset `after`), filtered by segment',
        description: 'Rows are ordered by customer_unique_id; pass next_after as `after` for the next page.',
        querystring: customersQuery,
        response: { 200: rfmCustomersPageSchema },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'viewer' },
    },
    async (req) => {
      const params: Record<string, unknown> = {};
      const page: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
        ((PAGE_KEYS as string[]).includes(k) ? page : params)[k] = v;
      }
      return asResponse(
        await withDeadline(rfmCustomers(ctx, params as RfmParamsInput, page as RfmPageInput), timeoutMs),
      );
    },
  );

  app.get(
    '/analysis/customers/:customer_unique_id',
    {
      schema: {
        tags: ['analysis'],
        summary: 'One customer: orders, payments, reviews, RFM row and segment, CLV and P(alive)',
        params: z.object({ customer_unique_id: z.string().min(1).max(64) }),
        querystring: customerParamsSchema.omit({ customer_unique_id: true }),
        response: { 200: customerDetailSchema },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'viewer' },
    },
    async (req) => {
      const { customer_unique_id } = req.params as { customer_unique_id: string };
      const query = req.query as Omit<CustomerParamsInput, 'customer_unique_id'>;
      return asResponse(await withDeadline(customerDetail(ctx, { ...query, customer_unique_id }), timeoutMs));
    },
  );

  app.get(
    '/analysis/marketplace',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Delivery vs reviews, revenue by state, categories, seller concentration',
        querystring: marketplaceParamsSchema,
        response: { 200: resultOf(marketplaceResultSchema) },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'viewer' },
    },
    async (req) =>
      asResponse(
        await withDeadline(marketplace(ctx, req.query as unknown as MarketplaceParamsInput), timeoutMs),
      ),
  );

  // Exports (analyst) live in routes/exports.ts, /exports/rfm-customers.csv included.
};
