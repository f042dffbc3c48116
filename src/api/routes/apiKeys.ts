import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyNameSchema } from '../../appstate/apiKeys.ts';
import type { ApiDeps } from '../deps.ts';
import { roleEnum } from '../schemas.ts';

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('First characters of the key, to recognise it'),
  role: roleEnum,
  created_by: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const apiKeyRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { apiKeys } = deps.state;

  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys (never the keys themselves)',
        response: { 200: z.object({ api_keys: z.array(apiKeySchema) }) },
      },
      config: { auth: 'admin' },
    },
    async () => ({ api_keys: apiKeys.list() }),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key for a service account',
        description: 'The key is in this response only: it is stored hashed and cannot be shown again.',
        body: z.strictObject({ name: apiKeyNameSchema, role: roleEnum }),
        response: { 201: z.object({ key: z.string().describe('Shown once'), api_key: apiKeySchema }) },
      },
      config: { auth: 'admin' },
    },
    async (req, reply) => {
      const { key, record } = apiKeys.create({ ...req.body, createdBy: req.principal!.id });
      deps.audit(req, 'api_key.create', { id: record.id, name: record.name, role: record.role });
      return reply.code(201).send({ key, api_key: record });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: apiKeySchema },
      },
      config: { auth: 'admin' },
    },
    async (req) => {
      const record = apiKeys.revoke(req.params.id);
      deps.audit(req, 'api_key.revoke', { id: record.id, name: record.name });
      return record;
    },
  );
};
