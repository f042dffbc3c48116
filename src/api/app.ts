import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../app/context.ts';
import { type AppState, openAppState } from '../appstate/index.ts';
import type { ScryptCost } from '../appstate/passwords.ts';
import { OlistError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type Access, authenticate, authorize, TokenService } from './auth.ts';
import { withDatasetSnapshot } from './datasetSnapshot.ts';
import { type ApiDeps, actorOf } from './deps.ts';
import { HttpMetrics } from './httpMetrics.ts';
import { JobRunner } from './jobRunner.ts';
import { registerDocs, registerOpenApi } from './openapi.ts';
import { HttpProblem, notFoundHandler, problemErrorHandler } from './problem.ts';
import { rateLimitHeaders, TokenBucketLimiter } from './rateLimit.ts';
import { analysisRoutes } from './routes/analysis.ts';
import { apiKeyRoutes } from './routes/apiKeys.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { exportRoutes } from './routes/exports.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { userRoutes } from './routes/users.ts';
import { resolveJwtSecret } from './secret.ts';

export const API_PREFIX = '/api/v1';

export type ApiApp = FastifyInstance<
  import('node:http').Server,
  IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface BuildAppOptions {
  /** App state (users, keys, audit, jobs); default: `<dataDir>/app.sqlite`, closed with the app. */
  readonly state?: AppState;
  /** JWT signing key; default: OLIST_JWT_SECRET, or the persisted development secret. */
  readonly jwtSecret?: Uint8Array;
  /** Serve a built web app (e.g. web/dist) at `/`; API, docs and health keep their paths. */
  readonly staticDir?: string;
  /** Override security.rate_limit (benchmarks, tests). */
  readonly rateLimit?: { readonly requestsPerMinute: number; readonly burst: number };
  /** Override security.login_rate_limit. */
  readonly loginAttemptsPerMinute?: number;
  /** Logger for request lines; default the context's. */
  readonly logger?: Logger;
  /** scrypt cost for passwords hashed by this app (tests use a cheap one). */
  readonly scryptCost?: ScryptCost;
  /** Close the context (engine, cache) when the app closes: the server owns it. */
  readonly closeContext?: boolean;
  /** Time allowed to running jobs on close. */
  readonly jobGraceMs?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The correlation id: the client's X-Request-Id when it is sane, a new UUID otherwise. */
function requestIdOf(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
}

/** A scope whose routes (from plugins such as swagger-ui or static) are public. */
function publicScope(plugin: FastifyPluginAsync): FastifyPluginAsync {
  return async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: route.config?.auth ?? 'public' };
    });
    await plugin(scope, {});
  };
}

/**
 * The REST API over an app context, ready for `app.inject` (tests) or `listen` (server.ts).
 * Every route declares who may call it (`config.auth`); a route that does not is admin-only.
 */
export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<ApiApp> {
  const { config, env } = ctx.loaded;
  const dev = env === 'development';
  const security = config.security;
  const ownsState = opts.state === undefined;
  const state =
    opts.state ??
    openAppState({
      dataDir: ctx.dataDir,
      refreshTokenTtlSeconds: security.refresh_token_ttl_seconds,
      ...(opts.scryptCost ? { scryptCost: opts.scryptCost } : {}),
    });
  const interrupted = state.jobs.failInterrupted();
  const secret = opts.jwtSecret ?? resolveJwtSecret(ctx.loaded, ctx.dataDir).secret;
  const tokens = new TokenService(secret, security.jwt_issuer, security.access_token_ttl_seconds);
  const http = new HttpMetrics(ctx.metrics.registry);
  // Node.js process metrics (memory, CPU, event-loop lag), once per registry.
  if (!ctx.metrics.registry.getSingleMetric('process_cpu_user_seconds_total')) ctx.metrics.withDefaults();
  const logger = opts.logger ?? ctx.logger;
  const jobs = new JobRunner(state.jobs, logger, http);
  const apiLimiter = new TokenBucketLimiter({
    ratePerMinute: opts.rateLimit?.requestsPerMinute ?? security.rate_limit.requests_per_minute,
    burst: opts.rateLimit?.burst ?? security.rate_limit.burst_limit,
  });
  const loginPerMinute = opts.loginAttemptsPerMinute ?? security.login_rate_limit.attempts_per_minute;
  const loginLimiter = new TokenBucketLimiter({ ratePerMinute: loginPerMinute, burst: loginPerMinute });

  const app = Fastify({
    loggerInstance: logger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: config.server.body_limit_bytes,
    // A whole request (headers and body) must arrive within 5 minutes (large uploads), a socket may
    // stay silent for twice the analysis timeout; analyses themselves are bounded in routes/analysis.ts.
    requestTimeout: Math.max(300_000, config.server.request_timeout_ms),
    connectionTimeout: config.server.request_timeout_ms * 2,
    keepAliveTimeout: 10_000,
    // Requests arriving while closing get a problem+json 503 from the onRequest hook instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as unknown as ApiApp;

  if (interrupted)
    app.log.warn({ jobs: interrupted }, `${interrupted} job(s) interrupted by a restart marked failed`);

  const deps: ApiDeps = {
    ctx: withDatasetSnapshot(ctx),
    state,
    tokens,
    jobs,
    http,
    loginLimiter,
    dev,
    startedAt: new Date(),
    audit: (req, action, params, outcome) =>
      state.audit.append({ action, ...actorOf(req), requestId: String(req.id), ip: req.ip, params, outcome }),
  };

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler(dev));
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('principal', null);
  app.decorateRequest('authError', null);

  // Security headers and CORS first: their hooks must run before ours, so errors carry them too.
  await app.register(fastifyHelmet, {
    // The API serves JSON; the docs page loads its own scripts and styles from /docs/static.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // Served over plain HTTP on localhost too: do not make browsers upgrade sub-requests to HTTPS.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  if (config.server.cors_origins.length) {
    await app.register(fastifyCors, {
      origin: config.server.cors_origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
      exposedHeaders: [
        'X-Request-Id',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
      ],
      maxAge: 600,
    });
  }
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', String(req.id));
    if (closing) {
      reply.header('Connection', 'close');
      throw new HttpProblem('SERVICE_UNAVAILABLE', 'the server is shutting down: retry shortly');
    }
    const access: Access | undefined = req.routeOptions.config?.auth;
    if (req.routeOptions.url === undefined) return; // 404: nothing to protect
    // CORS preflights carry no credentials; @fastify/cors answers them.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) return;
    try {
      req.principal = await authenticate(req, tokens, state);
    } catch (err) {
      if (!(err instanceof OlistError)) throw err;
      req.authError = err;
    }
    if (req.routeOptions.config?.rateLimit !== false) {
      const p = req.principal;
      const decision = apiLimiter.take(p ? `${p.kind}:${p.id}` : `ip:${req.ip}`);
      reply.headers(rateLimitHeaders(decision));
      if (!decision.allowed) {
        http.rateLimited.inc({ scope: 'api' });
        throw new OlistError('RATE_LIMITED', `rate limit exceeded: retry in ${decision.retryAfterSeconds} s`);
      }
    }
    authorize(req, access ?? 'admin');
  });

  app.addHook('onResponse', async (req, reply) => {
    const labels = {
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    http.requests.inc(labels);
    http.duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.addHook('onClose', async () => {
    await jobs.stop(opts.jobGraceMs ?? config.server.shutdown_timeout_ms / 2);
    if (ownsState) state.close();
    if (opts.closeContext) await ctx.close();
  });

  await app.register(fastifyMultipart, {
    limits: { fileSize: config.server.upload_limit_bytes, files: 9, fields: 4, parts: 20 },
  });
  await registerOpenApi(app as unknown as FastifyInstance);

  await app.register(healthRoutes, { deps });
  await app.register(metricsRoutes, { deps });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { deps });
      await api.register(userRoutes, { deps });
      await api.register(apiKeyRoutes, { deps });
      await api.register(datasetRoutes, { deps });
      await api.register(analysisRoutes, { deps });
      await api.register(exportRoutes, { deps });
      await api.register(jobRoutes, { deps });
      await api.register(auditRoutes, { deps });
    },
    { prefix: API_PREFIX },
  );
  await app.register(publicScope((scope) => registerDocs(scope)));
  if (opts.staticDir) {
    const root = opts.staticDir;
    await app.register(
      publicScope(async (scope) => {
        await scope.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'] });
      }),
    );
  }
  await app.ready();
  return app;
}
