import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OlistError } from '../../core/errors.ts';
import type { ApiDeps } from '../deps.ts';

/** Addresses and CIDR ranges from `security.metrics_allow`. */
export function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const family = isIP(addr ?? '');
    if (!family)
      throw new OlistError('CONFIG_INVALID', `security.metrics_allow: "${e}" is not an IP address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, Number(bits), type);
  }
  return list;
}

function clientAllowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1]! : ip;
  const family = isIP(addr);
  return family !== 0 && list.check(addr, family === 4 ? 'ipv4' : 'ipv6');
}

function tokenMatches(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const metricsRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { ctx } = deps;
  const { metrics_allow: allow, metrics_token: token } = ctx.loaded.config.security;
  const allowed = allowList(allow);

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics',
        description:
          'For a client in security.metrics_allow, or with "Authorization: Bearer <OLIST_METRICS_TOKEN>". ' +
          'Request rate and latency by route and status, analysis durations, cache hits, rate-limit rejections, data set size.',
        response: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        },
      },
      config: { auth: 'public', rateLimit: false },
      logLevel: 'warn',
    },
    async (req, reply) => {
      const byToken = token !== undefined && tokenMatches(req, token);
      if (!byToken && !clientAllowed(allowed, req.ip)) {
        if (token !== undefined)
          throw new OlistError('UNAUTHENTICATED', 'send the metrics token as a bearer token');
        throw new OlistError('FORBIDDEN', `metrics are not served to ${req.ip} (security.metrics_allow)`);
      }
      const current = await ctx.catalog.current().catch(() => undefined);
      if (current) {
        ctx.metrics.datasetRows.reset();
        for (const [table, rows] of Object.entries(current.row_counts))
          ctx.metrics.datasetRows.set({ table }, rows);
      }
      const body = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    },
  );
};
