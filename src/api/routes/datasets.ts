import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { IngestError, InputError, OlistError } from '../../core/errors.ts';
import type { DatasetVersion } from '../../datasets/catalog.ts';
import { type IngestResult, ingestDirectory, type VersionGate } from '../../ingest/ingest.ts';
import { ALL_TABLES, TABLE_NAMES } from '../../olist/tables.ts';
import { createQualityGate } from '../../quality/gate.ts';
import { profileDataset } from '../../quality/service.ts';
import { type ApiDeps, ownerOf } from '../deps.ts';
import { HttpProblem } from '../problem.ts';
import { asResponse, datasetProfileSchema, resultOf } from '../resultSchemas.ts';
import { queryBool } from '../schemas.ts';
import { withDeadline } from './analysis.ts';
import { jobAccepted } from './jobs.ts';

export const datasetSchema = z.object({
  version: z.number().int(),
  status: z.enum(['loading', 'published', 'rejected', 'abandoned']),
  is_current: z.boolean(),
  source: z.string().describe('Where it was loaded from (relative to the data directory when inside it)'),
  checksum: z.string().nullable().describe('SHA-256 over the source files'),
  row_counts: z.record(z.string(), z.number()),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  created_at: z.string(),
  load_ms: z.number().nullable(),
});

const ingestResultSchema = z.object({
  version: z.number().int(),
  checksum: z.string(),
  row_counts: z.record(z.string(), z.number()),
  warnings: z.array(z.string()),
  load_ms: z.number(),
  is_current: z.boolean(),
});

/** The nine file names an upload may carry. */
export const OLIST_FILE_NAMES: ReadonlySet<string> = new Set(ALL_TABLES.map((t) => t.file));

const UPLOADS_DIR = 'uploads';

/** `?table=orders&table=customers` or `?table=orders,customers`: the tables to profile (default all). */
export const profileQuery = z.strictObject({
  table: z
    .preprocess(
      (v) =>
        (Array.isArray(v) ? v : [v])
          .flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]))
          .map((x) => (typeof x === 'string' ? x.trim() : x))
          .filter((x) => x !== ''),
      z.array(z.enum(TABLE_NAMES)).min(1, 'at least one table'),
    )
    .optional()
    .describe(`Tables to profile, repeated or comma-separated (default all): ${TABLE_NAMES.join(', ')}`),
  top_values: z.coerce.number().int().min(1).max(100).default(10).describe('Top values per text column'),
  bins: z.coerce.number().int().min(1).max(200).default(20).describe('Histogram bins per numeric column'),
});

export function datasetView(v: DatasetVersion, dataDir: string): z.infer<typeof datasetSchema> {
  const rel = path.relative(dataDir, v.source);
  return {
    version: v.version,
    status: v.status,
    is_current: v.is_current,
    source: rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : v.source,
    checksum: v.checksum,
    row_counts: v.row_counts,
    warnings: v.warnings,
    error: v.error,
    created_at: v.created_at,
    load_ms: v.load_ms,
  };
}

export interface DatasetRouteOptions {
  readonly deps: ApiDeps;
  /** Decides whether an uploaded version is published; default the quality suite's gate. */
  readonly gate?: (ctx: AppContext) => VersionGate;
}

/**
 * Streams the multipart files of a request into `dir`. Only the nine Olist file names are
 * accepted (the client's path is dropped), each at most once, within the configured upload size.
 */
async function saveUpload(
  req: FastifyRequest,
  dir: string,
  limitBytes: number,
): Promise<{ files: string[]; makeCurrent: boolean }> {
  const files: string[] = [];
  let makeCurrent = true;
  let total = 0;
  const parts = req.parts({
    limits: { fileSize: limitBytes, files: OLIST_FILE_NAMES.size, fields: 4, parts: 20 },
  });
  for await (const part of parts) {
    if (part.type === 'field') {
      if (part.fieldname !== 'make_current') {
        throw new InputError(`unexpected form field "${part.fieldname}"`, [
          { location: `body.${part.fieldname}`, message: 'only files and make_current are accepted' },
        ]);
      }
      const v = queryBool.safeParse(String(part.value));
      if (!v.success) {
        throw new InputError('make_current must be true or false', [
          { location: 'body.make_current', message: 'true or false' },
        ]);
      }
      makeCurrent = v.data;
      continue;
    }
    const name = path.basename(part.filename.replaceAll('\\', '/'));
    if (!OLIST_FILE_NAMES.has(name)) {
      part.file.resume();
      throw new InputError(`"${name}" is not an Olist file name`, [
        {
          location: `body.${part.fieldname}`,
          message: `expected one of: ${[...OLIST_FILE_NAMES].join(', ')}`,
        },
      ]);
    }
    if (files.includes(name)) {
      part.file.resume();
      throw new InputError(`"${name}" was sent twice`, [
        { location: `body.${part.fieldname}`, message: 'duplicate file' },
      ]);
    }
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        if (total > limitBytes)
          cb(new HttpProblem('PAYLOAD_TOO_LARGE', `the upload exceeds ${limitBytes} bytes`));
        else cb(null, chunk);
      },
    });
    await pipeline(part.file, counter, createWriteStream(path.join(dir, name), { mode: 0o600 }));
    if (part.file.truncated)
      throw new HttpProblem('PAYLOAD_TOO_LARGE', `${name} exceeds ${limitBytes} bytes`);
    files.push(name);
  }
  if (!files.length) {
    throw new InputError('no files were uploaded', [
      { location: 'body', message: 'send the Olist CSV files as multipart/form-data' },
    ]);
  }
  return { files, makeCurrent };
}

export const datasetRoutes: FastifyPluginAsyncZod<DatasetRouteOptions> = async (
  app,
  { deps, gate = (c) => createQualityGate(c) },
) => {
  const { ctx } = deps;
  const { config } = ctx.loaded;

  app.get(
    '/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Data set versions',
        querystring: z.object({
          include_failed: queryBool.default(false).describe('Also rejected and abandoned loads'),
        }),
        response: { 200: z.object({ datasets: z.array(datasetSchema) }) },
      },
      config: { auth: 'viewer' },
    },
    async (req) => {
      const list = await ctx.catalog.list({ includeFailed: req.query.include_failed });
      return { datasets: list.map((v) => datasetView(v, ctx.dataDir)) };
    },
  );

  app.get(
    '/datasets/:version',
    {
      schema: {
        tags: ['datasets'],
        summary: 'A data set version with its quality report',
        params: z.object({ version: z.coerce.number().int().positive() }),
        response: {
          200: datasetSchema.extend({
            quality_report: z
              .record(z.string(), z.unknown())
              .nullable()
              .describe('The quality report stored with the version, if one was run'),
          }),
        },
      },
      config: { auth: 'viewer' },
    },
    async (req) => {
      const v = await ctx.catalog.get(req.params.version);
      const report = await ctx.catalog.report(v.version, 'quality');
      const isRecord = (x: unknown): x is Record<string, unknown> =>
        typeof x === 'object' && x !== null && !Array.isArray(x);
      return { ...datasetView(v, ctx.dataDir), quality_report: isRecord(report) ? report : null };
    },
  );

  app.get(
    '/datasets/:version/profile',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Column profiles of a published version',
        description:
          'Per table the row count; per column its type, null share, distinct count, min/max; for numbers ' +
          'mean, standard deviation, quantiles and a histogram; for text the top values; for timestamps ' +
          'the count per month. Served through the result cache.',
        params: z.object({ version: z.coerce.number().int().positive() }),
        querystring: profileQuery,
        response: { 200: resultOf(datasetProfileSchema) },
      },
      config: { auth: 'viewer' },
    },
    async (req) => {
      const q = req.query;
      const r = await withDeadline(
        profileDataset(ctx, req.params.version, {
          ...(q.table ? { tables: [...new Set(q.table)] } : {}),
          topValues: q.top_values,
          bins: q.bins,
        }),
        config.server.request_timeout_ms,
      );
      return asResponse(r);
    },
  );

  app.put(
    '/datasets/current',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Make a published version current',
        body: z.strictObject({ version: z.number().int().positive() }),
        response: { 200: datasetSchema },
      },
      config: { auth: 'admin' },
    },
    async (req) => {
      const before = await ctx.catalog.current();
      await ctx.catalog.setCurrent(req.body.version);
      ctx.invalidateDatasets();
      ctx.cache.retainOnly(req.body.version);
      deps.audit(req, 'dataset.set_current', {
        version: req.body.version,
        previous: before?.version ?? null,
      });
      return datasetView(await ctx.catalog.get(req.body.version), ctx.dataDir);
    },
  );

  app.post(
    '/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Upload a folder’s Olist CSV files and ingest them as a new version',
        description:
          'multipart/form-data with one part per file, named as in the Olist data set ' +
          '(e.g. olist_orders_dataset.csv); optional field make_current (default true). ' +
          'The version is published only if every file loads cleanly and passes validation. ' +
          'With ?async=true the ingest runs as a job.',
        consumes: ['multipart/form-data'],
        querystring: z.object({ async: queryBool.default(false) }),
        body: z
          .object(
            Object.fromEntries(
              [...OLIST_FILE_NAMES].map((f) => [f, z.string().meta({ format: 'binary' }).optional()]),
            ),
          )
          .extend({ make_current: z.enum(['true', 'false']).optional() }),
        response: { 201: ingestResultSchema, 202: jobAccepted },
      },
      // The multipart body is read and checked by the handler as it streams to disk.
      validatorCompiler: (opts) =>
        opts.httpPart === 'body'
          ? () => ({ value: undefined })
          : validatorCompiler(opts as unknown as Parameters<typeof validatorCompiler>[0]),
      config: { auth: 'admin' },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw new HttpProblem('UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data');
      const stamp = new Date().toISOString().replaceAll(/[:.]/g, '-');
      const dir = path.join(ctx.dataDir, UPLOADS_DIR, `${stamp}-${randomBytes(4).toString('hex')}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      let saved: { files: string[]; makeCurrent: boolean };
      try {
        saved = await saveUpload(req, dir, config.server.upload_limit_bytes);
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      const auditParams = { files: saved.files, make_current: saved.makeCurrent };
      const ingest = async (): Promise<z.infer<typeof ingestResultSchema>> => {
        try {
          const r: IngestResult = await ingestDirectory(ctx.engine, ctx.catalog, {
            dir,
            makeCurrent: saved.makeCurrent,
            logger: ctx.logger.child({ reqId: req.id }),
            metrics: ctx.metrics,
            maxErrors: config.ingest.max_errors_reported,
            gate: gate(ctx),
          });
          ctx.invalidateDatasets();
          if (saved.makeCurrent) ctx.cache.retainOnly(r.version);
          deps.audit(req, 'dataset.upload', { ...auditParams, version: r.version });
          return {
            version: r.version,
            checksum: r.checksum,
            row_counts: r.rowCounts,
            warnings: [...r.warnings],
            load_ms: Math.round(r.ms),
            is_current: saved.makeCurrent,
          };
        } catch (err) {
          const clean = scrubPaths(err, dir);
          const message = clean instanceof Error ? clean.message : String(clean);
          deps.audit(req, 'dataset.upload', { ...auditParams, error: message }, 'failure');
          throw clean;
        } finally {
          ctx.invalidateDatasets();
          rmSync(dir, { recursive: true, force: true });
        }
      };
      if (req.query.async) {
        const job = deps.jobs.submit(
          { kind: 'dataset.upload', params: auditParams, owner: ownerOf(req), requestId: String(req.id) },
          () => ingest(),
        );
        return reply.code(202).send({ job_id: job.id, status: job.status, href: `/api/v1/jobs/${job.id}` });
      }
      return reply.code(201).send(await ingest());
    },
  );
};

/** Ingest errors name files by their path; the client knows them by name only. */
function scrubPaths(err: unknown, dir: string): unknown {
  if (!(err instanceof OlistError)) return err;
  const clean = (s: string) => s.replaceAll(`${dir}${path.sep}`, '').replaceAll(dir, 'upload');
  const details = err.details.map((d) => ({
    ...(d.location ? { location: clean(d.location) } : {}),
    message: clean(d.message),
  }));
  return err instanceof IngestError
    ? new IngestError(clean(err.message), details)
    : new OlistError(err.code, clean(err.message), details);
}
