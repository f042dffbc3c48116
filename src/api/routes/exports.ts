/**
 * Exports: GET /exports/{analysis}.{csv|xlsx|pdf} with the analysis's own query parameters
 * (validated before a byte is sent, so bad parameters are problem+json), streamed, with a safe
 * Content-Disposition file name, audit-logged, role analyst or above. Also the per-customer
 * RFM CSV kept at /exports/rfm-customers.csv (DuckDB COPY-like header, streamed).
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RFM_COLUMNS, type RfmParamsInput } from '../../analytics/rfm.ts';
import { rfmParamsSchema, rfmStreamCustomers, rfmSummary } from '../../analytics/service.ts';
import { OlistError } from '../../core/errors.ts';
import { EXPORT_ANALYSES, EXPORTS } from '../../reports/registry.ts';
import { CONTENT_TYPES, exportFileName, prepareExport, writeExport } from '../../reports/service.ts';
import type { ApiDeps } from '../deps.ts';
import { queryBool } from '../schemas.ts';

type ValidatorCompiler = typeof validatorCompiler;
type RouteValidator = Parameters<FastifyInstance['setValidatorCompiler']>[0];

/** Validates the query string with its zod schema but hands the handler the raw value (the services parse it). */
const keepRawQuery = ((opts: Parameters<ValidatorCompiler>[0]) => {
  const check = validatorCompiler(opts);
  if (opts.httpPart !== 'querystring') return check;
  return (data: unknown) => {
    const r = check(data) as { error?: Error };
    return r.error ? { error: r.error } : { value: data };
  };
}) as unknown as RouteValidator;

/** Rejects with TIMEOUT when `work` outlives `ms`. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new OlistError('TIMEOUT', `the export took longer than ${Math.round(ms / 1000)} s to prepare`),
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

const bomQuery = {
  bom: queryBool.optional().describe('Start the CSV with a UTF-8 byte-order mark (for Excel); default false'),
};

/** A header value that is safe whatever the name holds (the names are built from [a-z0-9.-] anyway). */
function disposition(name: string): string {
  const safe = name.replaceAll(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${safe}"`;
}

const rfmQuery = rfmParamsSchema.omit({ segment_map: true });

export const exportRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { ctx } = deps;
  const timeoutMs = ctx.loaded.config.server.request_timeout_ms;

  for (const analysis of EXPORT_ANALYSES) {
    const spec = EXPORTS[analysis];
    for (const format of spec.formats) {
      const query =
        format === 'csv' ? (spec.query as z.ZodObject).safeExtend(bomQuery) : (spec.query as z.ZodObject);
      app.get(
        `/exports/${analysis}.${format}`,
        {
          schema: {
            tags: ['analysis'],
            summary: `${spec.title} as ${format.toUpperCase()}`,
            description: `${spec.description}. Takes the analysis's own parameters; see docs/exports.md.`,
            querystring: query,
            response: {
              200: {
                description: `${format.toUpperCase()} file (attachment)`,
                content: { [CONTENT_TYPES[format].split(';')[0] as string]: { schema: z.string() } },
              },
            },
          },
          validatorCompiler: keepRawQuery,
          config: { auth: 'analyst' },
        },
        async (req, reply) => {
          const { bom, ...params } = req.query as Record<string, unknown>;
          const exportName = `${analysis}.${format}`;
          let doc: Awaited<ReturnType<typeof prepareExport>>;
          try {
            doc = await withDeadline(prepareExport(ctx, analysis, format, params), timeoutMs);
          } catch (err) {
            deps.audit(
              req,
              'export',
              { export: exportName, params, error: err instanceof OlistError ? err.code : 'INTERNAL' },
              'failure',
            );
            throw err;
          }
          const file = exportFileName(doc, format);
          // The writer ends `sink`; the response stream ends only after the audit entry is written.
          const sink = new PassThrough();
          const out = new PassThrough();
          sink.pipe(out, { end: false });
          writeExport(doc, analysis, format, sink, { bom: bom === 'true' || bom === '1' })
            .then(async (r) => {
              if (!sink.readableEnded) await once(sink, 'end');
              deps.audit(req, 'export', {
                export: exportName,
                params,
                file,
                dataset_version: r.datasetVersion,
                ...(r.rows !== undefined ? { rows: r.rows } : {}),
                ...(r.sheets ? { sheets: r.sheets } : {}),
                ...(r.pages !== undefined ? { pages: r.pages } : {}),
              });
              out.end();
            })
            .catch((err: unknown) => {
              req.log.error({ err }, 'export failed while streaming');
              deps.audit(req, 'export', { export: exportName, params, error: 'stream failed' }, 'failure');
              out.destroy(err instanceof Error ? err : new Error(String(err)));
            });
          return (
            reply
              .type(CONTENT_TYPES[format])
              .header('Content-Disposition', disposition(file))
              .header('Cache-Control', 'no-store')
              // A stream, not the string the schema documents: Fastify sends streams as they are.
              .send(out as unknown as string)
          );
        },
      );
    }
  }

  app.get(
    '/exports/rfm-customers.csv',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Every customer’s RFM row as CSV (streamed)',
        querystring: rfmQuery,
        response: {
          200: {
            description: `CSV with a header line: ${RFM_COLUMNS.join(', ')}`,
            content: { 'text/csv': { schema: z.string() } },
          },
        },
      },
      validatorCompiler: keepRawQuery,
      config: { auth: 'analyst' },
    },
    async (req, reply) => {
      const params = req.query as unknown as RfmParamsInput;
      // Validate and warm the summary first, so parameter and data-set errors are proper problems.
      await withDeadline(rfmSummary(ctx, params), timeoutMs);
      const out = new PassThrough();
      let header = true;
      const write = (text: string) =>
        out.write(text)
          ? Promise.resolve()
          : new Promise<void>((resolve) => out.once('drain', () => resolve()));
      rfmStreamCustomers(ctx, params, async (rows) => {
        await write(
          stringify(
            rows.map((r) => RFM_COLUMNS.map((c) => r[c])),
            { header, columns: [...RFM_COLUMNS] },
          ),
        );
        header = false;
      })
        .then((meta) => {
          if (header) out.write(stringify([], { header: true, columns: [...RFM_COLUMNS] }));
          out.end();
          deps.audit(req, 'export', { export: 'rfm-customers.csv', params, rows: meta.rows });
        })
        .catch((err: unknown) => {
          req.log.error({ err }, 'export failed while streaming');
          deps.audit(
            req,
            'export',
            { export: 'rfm-customers.csv', params, error: 'stream failed' },
            'failure',
          );
          out.destroy(err instanceof Error ? err : new Error(String(err)));
        });
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', 'attachment; filename="rfm-customers.csv"')
          // A stream, not the string the schema documents: Fastify sends streams as they are.
          .send(out as unknown as string)
      );
    },
  );
};
