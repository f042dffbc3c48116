import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../appstate/audit.ts';
import type { ApiDeps } from '../deps.ts';
import { isoTimestamp, pageMeta, pageQuery } from '../schemas.ts';

export const auditEntrySchema = z.object({
  id: z.number().int(),
  ts: z.string().describe('ISO 8601 time (UTC)'),
  action: z.string(),
  actor_type: z.string().describe('user, api_key, anonymous or cli'),
  actor: z.string().nullable().describe('Username or API key id'),
  request_id: z.string().nullable().describe('Correlation id of the request'),
  ip: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).describe('Parameters of the action (secrets redacted)'),
  outcome: z.string().describe('success or failure'),
  hash: z.string().describe('sha256(previous hash + canonical JSON of this entry)'),
});

export const auditRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { audit } = deps.state;

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log: logins, failed logins, data set changes, analyses, exports',
        querystring: pageQuery.extend({
          action: z.enum(AUDIT_ACTIONS).optional(),
          actor: z.string().min(1).max(100).optional(),
          since: isoTimestamp.optional().describe('Entries at or after this time'),
          until: isoTimestamp.optional().describe('Entries before this time'),
          order: z.enum(['asc', 'desc']).default('desc'),
        }),
        response: { 200: pageMeta.extend({ entries: z.array(auditEntrySchema) }) },
      },
      config: { auth: 'admin' },
    },
    async (req) => {
      const q = req.query;
      const toUtc = (s: string | undefined) => (s === undefined ? undefined : new Date(s).toISOString());
      const { entries, total } = audit.query({ ...q, since: toUtc(q.since), until: toUtc(q.until) });
      return { entries, total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the hash chain of the whole audit log',
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number().int(),
            first_broken: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
          }),
        },
      },
      config: { auth: 'admin' },
    },
    async () => {
      const r = audit.verify();
      return { ok: r.ok, checked: r.checked, first_broken: r.firstBroken ?? null };
    },
  );
};
