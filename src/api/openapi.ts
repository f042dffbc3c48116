import fastifySwagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Access } from './auth.ts';
import { PROBLEM_CONTENT_TYPE, problemSchema } from './schemas.ts';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } } };
}

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'Bucket size (burst)', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the bucket', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the bucket is full again', schema: { type: 'integer' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

type Json = Record<string, unknown>;

/**
 * Per route: the zod schemas become JSON Schema (fastify-type-provider-zod), then the route's
 * access level adds its security requirement and the problem+json error responses it can send.
 */
const transform: SwaggerTransform = (doc) => {
  const access: Access = doc.route.config?.auth ?? 'admin';
  const { schema, url } = jsonSchemaTransform(doc as Parameters<typeof jsonSchemaTransform>[0]);
  const s = schema as FastifySchema & Json;
  if (s.hide) return { schema: s, url };
  const response = { ...((s.response as Json | undefined) ?? {}) };
  const hasInput = Boolean(s.body || s.querystring || s.params);
  const responses: Json = {};
  if (hasInput || s.consumes)
    responses['400'] = problemResponse('Invalid request: `errors` lists each field at fault');
  if (access !== 'public') {
    responses['401'] = problemResponse('Missing, invalid or expired credentials');
    responses['403'] = problemResponse(`The caller's role is below ${access}`);
  }
  if (doc.route.config?.rateLimit !== false) {
    responses['429'] = { ...problemResponse('Rate limit exceeded'), headers: RATE_LIMIT_HEADERS };
  }
  responses['4XX'] = problemResponse('Other client errors (not found, conflict, unprocessable, …)');
  responses['5XX'] = problemResponse('Server errors (no internals are disclosed)');
  for (const [status, r] of Object.entries(responses)) if (!(status in response)) response[status] = r;
  const security: Record<string, string[]>[] =
    access === 'public' ? [] : [{ bearerAuth: [] }, { apiKey: [] }];
  return {
    schema: {
      ...s,
      response,
      security,
      ...(access === 'public' ? {} : { 'x-required-role': access }),
    },
    url,
  };
};

const transformObject: SwaggerTransformObject = (doc) => {
  const base = jsonSchemaTransformObject(doc) as Json & { components?: Json & { schemas?: Json } };
  return {
    ...base,
    components: {
      ...base.components,
      schemas: {
        ...base.components?.schemas,
        Problem: z.toJSONSchema(problemSchema, { target: 'draft-2020-12', io: 'output' }),
      },
    },
  } as ReturnType<SwaggerTransformObject>;
};

/** Registers the OpenAPI 3.1 generator; call before any route is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Olist Analytics API',
        version: '1.0.0',
        description:
          'Customer analytics for marketplace order data: data sets, data quality, RFM, cohorts and CLV. ' +
          'Errors are application/problem+json (RFC 9457) with a stable `code` and the `request_id`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT or API key',
            description: 'An access token from POST /api/v1/auth/login, or an API key (olk_…)',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (olk_…)' },
        },
      },
      tags: [
        { name: 'auth', description: 'Log in, refresh, log out' },
        { name: 'users', description: 'User accounts (admin)' },
        { name: 'api-keys', description: 'API keys for service accounts (admin)' },
        { name: 'datasets', description: 'Data set versions, quality reports, uploads' },
        { name: 'analysis', description: 'Analyses (POST) and common views (GET)' },
        { name: 'jobs', description: 'Background analyses' },
        { name: 'audit', description: 'Hash-chained audit log (admin)' },
        { name: 'health', description: 'Liveness, readiness, metrics' },
      ],
    },
    transform,
    transformObject,
  });
}

/** `/openapi.json` and the browsable docs at `/docs`; call after the routes (in a public scope). */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  app.get(
    OPENAPI_PATH,
    { schema: { hide: true } as FastifySchema, config: { auth: 'public', rateLimit: true } },
    async (_req, reply) => reply.type('application/json').send(JSON.stringify(app.swagger())),
  );
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PATH,
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
  });
}
