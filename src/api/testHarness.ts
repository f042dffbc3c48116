/**
 * Test support for the API: an app over a fresh data directory with one user per role, their
 * tokens and API keys, and an `inject` that checks every response against the OpenAPI document.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { realSampleDir, removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { type AppState, openAppState } from '../appstate/index.ts';
import { TEST_SCRYPT_COST } from '../appstate/passwords.ts';
import type { Role } from '../appstate/users.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { type ApiApp, type BuildAppOptions, buildApp } from './app.ts';
import { TokenService } from './auth.ts';

export const TEST_SECRET = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256-0123');
export const PASSWORDS: Record<Role, string> = {
  admin: 'admin-password-1',
  analyst: 'analyst-password-1',
  viewer: 'viewer-password-1',
};
export const ROLES_ALL: readonly Role[] = ['admin', 'analyst', 'viewer'];

type JsonSchema = Record<string, unknown>;
type OpenApiDoc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>
  >;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Checks responses against the operations of an OpenAPI document (refs resolved). */
export class ResponseChecker {
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly cache = new Map<JsonSchema, ReturnType<Ajv2020['compile']>>();
  private readonly routes: { re: RegExp; template: string }[];

  constructor(private readonly doc: OpenApiDoc) {
    // Literal paths before templated ones: /datasets/current is not /datasets/{version}.
    const params = (t: string) => (t.match(/\{/g) ?? []).length;
    this.routes = Object.keys(doc.paths)
      .sort((a, b) => params(a) - params(b))
      .map((template) => ({ template, re: new RegExp(`^${template.replaceAll(/\{[^}]+\}/g, '[^/]+')}$`) }));
  }

  /** Problems with a response, or [] when it is what the document says. */
  check(method: string, url: string, res: LightMyRequestResponse): string[] {
    const pathname = url.split('?')[0]!;
    const route = this.routes.find((r) => r.re.test(pathname));
    if (!route) return [`${method} ${pathname}: not in the OpenAPI document`];
    const op = this.doc.paths[route.template]![method.toLowerCase()];
    if (!op) return [`${method} ${route.template}: no such operation in the document`];
    const status = String(res.statusCode);
    const documented = op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.default;
    if (!documented) return [`${method} ${route.template}: status ${status} is not documented`];
    const contentType = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (!documented.content) {
      return res.body.length ? [`${method} ${route.template} ${status}: body sent but none documented`] : [];
    }
    const media = documented.content[contentType];
    if (!media)
      return [`${method} ${route.template} ${status}: content type ${contentType} is not documented`];
    if (!contentType.includes('json')) return typeof res.body === 'string' ? [] : ['not text'];
    let validate = this.cache.get(media.schema);
    if (!validate) {
      validate = this.ajv.compile(media.schema);
      this.cache.set(media.schema, validate);
    }
    if (validate(JSON.parse(res.body))) return [];
    return (validate.errors ?? []).map(
      (e) => `${method} ${route.template} ${status}: ${e.instancePath || '(root)'} ${e.message ?? ''}`,
    );
  }
}

export interface Harness {
  readonly app: ApiApp;
  readonly ctx: AppContext;
  readonly state: AppState;
  /** Access tokens by role. */
  readonly tokens: Record<Role, string>;
  /** API keys by role. */
  readonly keys: Record<Role, string>;
  readonly checker: ResponseChecker;
  /** app.inject, then the response is checked against the OpenAPI document (throws if it does not match). */
  inject(opts: InjectOptions & { url: string }): Promise<LightMyRequestResponse>;
  /** Headers for a role's bearer token. */
  as(role: Role): Record<string, string>;
  close(): Promise<void>;
}

export interface HarnessOptions extends BuildAppOptions {
  /** Ingest the real 4,000-order sample first (default true). */
  readonly ingest?: boolean;
}

export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dataDir = tempDir('olist-api-');
  const ctx = await testContext(dataDir);
  if (opts.ingest !== false) {
    const dir = realSampleDir();
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    removeDir(dir);
  }
  const state =
    opts.state ??
    openAppState({
      dataDir,
      refreshTokenTtlSeconds: ctx.loaded.config.security.refresh_token_ttl_seconds,
      scryptCost: TEST_SCRYPT_COST,
    });
  const app = await buildApp(ctx, {
    jwtSecret: TEST_SECRET,
    scryptCost: TEST_SCRYPT_COST,
    rateLimit: { requestsPerMinute: 100_000, burst: 10_000 },
    loginAttemptsPerMinute: 1000,
    ...opts,
    state,
  });
  const validator = new Validator();
  const doc = await validator.validate(structuredClone(app.swagger()) as unknown as Record<string, unknown>);
  if (!doc.valid)
    throw new Error(`the OpenAPI document is not valid: ${JSON.stringify(doc.errors).slice(0, 2000)}`);
  const checker = new ResponseChecker(validator.resolveRefs() as unknown as OpenApiDoc);

  const { security } = ctx.loaded.config;
  const signer = new TokenService(TEST_SECRET, security.jwt_issuer, security.access_token_ttl_seconds);
  const tokens = {} as Record<Role, string>;
  const keys = {} as Record<Role, string>;
  for (const role of ROLES_ALL) {
    const user = await state.users.create({ username: `${role}-user`, password: PASSWORDS[role], role });
    tokens[role] = await signer.sign(user);
    keys[role] = state.apiKeys.create({ name: `${role} service`, role, createdBy: 'test' }).key;
  }

  const inject = async (o: InjectOptions & { url: string }) => {
    const res = await app.inject(o);
    const problems = checker.check(o.method ?? 'GET', o.url, res);
    if (problems.length)
      throw new Error(
        `response does not match the OpenAPI document:\n${problems.join('\n')}\n${res.body.slice(0, 500)}`,
      );
    return res;
  };
  return {
    app,
    ctx,
    state,
    tokens,
    keys,
    checker,
    inject,
    as: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async close() {
      await app.close();
      state.close();
      await ctx.close();
      removeDir(dataDir);
    },
  };
}
