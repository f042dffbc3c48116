import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';

const check = z.object({ ok: z.boolean(), detail: z.string() });
const readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ database: check, app_state: check, dataset: check }),
});

const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  details: z
    .object({
      version: z.string(),
      env: z.string(),
      uptime_seconds: z.number(),
      started_at: z.string(),
      node: z.string(),
      memory_rss_bytes: z.number(),
      checks: readiness.shape.checks,
      dataset: z
        .object({
          version: z.number().int(),
          created_at: z.string(),
          row_counts: z.record(z.string(), z.number()),
        })
        .nullable(),
      users: z.number().int(),
    })
    .optional()
    .describe('Only for admins'),
});

export const healthRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { ctx, state } = deps;

  async function checks(): Promise<z.infer<typeof readiness>['checks']> {
    const database = await ctx.engine
      .one<{ ok: number }>('SELECT 1::INTEGER AS ok')
      .then(() => ({ ok: true, detail: 'reachable' }))
      .catch(() => ({ ok: false, detail: 'the analytical database is not reachable' }));
    let appState = { ok: true, detail: 'reachable' };
    try {
      state.db.prepare('SELECT 1').get();
    } catch {
      appState = { ok: false, detail: 'the app-state database is not reachable' };
    }
    const current = database.ok ? await ctx.catalog.current().catch(() => undefined) : undefined;
    const dataset = current
      ? { ok: true, detail: `version ${current.version} is current` }
      : { ok: false, detail: 'no data set is loaded' };
    return { database, app_state: appState, dataset };
  }

  const common = { rateLimit: false, auth: 'public' } as const;

  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      config: common,
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: databases reachable and a data set loaded',
        response: { 200: readiness, 503: readiness },
      },
      config: common,
      logLevel: 'warn',
    },
    async (_req, reply) => {
      const c = await checks();
      const ready = c.database.ok && c.app_state.ok && c.dataset.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: c });
    },
  );

  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Overall health; details for admins (send credentials)',
        response: { 200: healthResponse },
      },
      config: common,
    },
    async (req) => {
      const c = await checks();
      const status = c.database.ok && c.app_state.ok ? ('ok' as const) : ('degraded' as const);
      if (req.principal?.role !== 'admin') return { status };
      const current = c.database.ok ? await ctx.catalog.current().catch(() => undefined) : undefined;
      return {
        status,
        details: {
          version: '1.0.0',
          env: ctx.loaded.env,
          uptime_seconds: Math.round(process.uptime()),
          started_at: deps.startedAt.toISOString(),
          node: process.version,
          memory_rss_bytes: process.memoryUsage.rss(),
          checks: c,
          dataset: current
            ? { version: current.version, created_at: current.created_at, row_counts: current.row_counts }
            : null,
          users: state.users.count(),
        },
      };
    },
  );
};
