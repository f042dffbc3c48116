import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { User } from '../../appstate/users.ts';
import { OlistError } from '../../core/errors.ts';
import { unauthenticated } from '../auth.ts';
import type { ApiDeps } from '../deps.ts';
import { rateLimitHeaders } from '../rateLimit.ts';
import { roleEnum } from '../schemas.ts';

const tokenResponse = z.object({
  access_token: z.string().describe('JWT (HS256); send as "Authorization: Bearer <token>"'),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('Seconds until the access token expires'),
  refresh_token: z.string().describe('Opaque; single use: each refresh returns a new one'),
  refresh_expires_in: z.number().int(),
  user: z.object({ username: z.string(), role: roleEnum }),
});

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

const refreshBody = z.strictObject({ refresh_token: z.string().min(1).max(200) });

const logoutBody = z.strictObject({
  refresh_token: z.string().min(1).max(200).optional(),
  all: z.boolean().default(false).describe('Revoke every session of the user'),
});

export const meResponse = z.object({
  kind: z.enum(['user', 'api_key']),
  id: z.string().describe('Username or API key id'),
  role: roleEnum,
});

export const authRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { state, tokens, loginLimiter, http } = deps;

  async function issue(user: User): Promise<z.infer<typeof tokenResponse>> {
    const refresh = state.refreshTokens.issue(user.id);
    return tokenPair(user, refresh);
  }

  async function tokenPair(user: User, refresh: { token: string; expiresAt: number }) {
    return {
      access_token: await tokens.sign(user),
      token_type: 'Bearer' as const,
      expires_in: tokens.accessTtlSeconds,
      refresh_token: refresh.token,
      refresh_expires_in: Math.max(0, Math.round((refresh.expiresAt - Date.now()) / 1000)),
      user: { username: user.username, role: user.role },
    };
  }

  /** Login attempts are limited per IP (every attempt) and per username (failures only). */
  function checkLoginLimit(req: FastifyRequest, reply: FastifyReply, username: string): void {
    const byIp = loginLimiter.take(`ip:${req.ip}`);
    const byUser = loginLimiter.peek(`user:${username.toLowerCase()}`);
    const refused = [byIp, byUser].find((d) => !d.allowed);
    if (refused) {
      http.rateLimited.inc({ scope: 'login' });
      deps.audit(req, 'auth.login_failed', { username, reason: 'rate_limited' }, 'failure');
      reply.headers(rateLimitHeaders(refused));
      throw new OlistError('RATE_LIMITED', 'too many login attempts: wait and try again');
    }
  }

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in with a username and password',
        description: 'Returns a short-lived access token and a refresh token. Attempts are rate limited.',
        body: loginBody,
        response: { 200: tokenResponse },
      },
      config: { auth: 'public' },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      checkLoginLimit(req, reply, username);
      const user = await state.users.verify(username, password);
      if (!user) {
        loginLimiter.take(`user:${username.toLowerCase()}`);
        deps.audit(req, 'auth.login_failed', { username }, 'failure');
        throw unauthenticated('wrong username or password, or the account is disabled');
      }
      req.principal = { kind: 'user', id: user.username, role: user.role, userId: user.id };
      deps.audit(req, 'auth.login', { username: user.username });
      return issue(user);
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new access and refresh token',
        description: 'The refresh token is single use. Re-using a spent one revokes the whole session.',
        body: refreshBody,
        response: { 200: tokenResponse },
      },
      config: { auth: 'public' },
    },
    async (req) => {
      const outcome = state.refreshTokens.rotate(req.body.refresh_token);
      if (!outcome.ok) {
        if (outcome.reason === 'reused') deps.audit(req, 'auth.refresh_reused', {}, 'failure');
        throw unauthenticated(
          `the refresh token is ${outcome.reason === 'unknown' ? 'not valid' : outcome.reason}`,
        );
      }
      const user = state.users.getById(outcome.userId);
      if (!user || user.disabled) {
        state.refreshTokens.revokeAllForUser(outcome.userId);
        throw unauthenticated('the account is disabled or no longer exists');
      }
      return tokenPair(user, outcome);
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke a refresh token (or every session of the caller)',
        body: logoutBody,
        response: { 204: z.undefined().describe('Revoked') },
      },
      config: { auth: 'viewer' },
    },
    async (req, reply) => {
      const p = req.principal!;
      if (p.kind !== 'user' || p.userId === undefined) {
        throw new OlistError(
          'INPUT_INVALID',
          'API keys have no session: an admin revokes them with DELETE /api-keys/{id}',
        );
      }
      if (req.body.all) state.refreshTokens.revokeAllForUser(p.userId);
      else if (req.body.refresh_token) {
        const owner = state.refreshTokens.ownerOf(req.body.refresh_token);
        if (owner !== undefined && owner !== p.userId) {
          throw new OlistError('FORBIDDEN', 'that refresh token belongs to another user');
        }
        state.refreshTokens.revoke(req.body.refresh_token);
      } else {
        throw new OlistError('INPUT_INVALID', 'send refresh_token, or all: true', [
          { location: 'body.refresh_token', message: 'required unless all is true' },
        ]);
      }
      deps.audit(req, 'auth.logout', { all: req.body.all });
      return reply.code(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      schema: { tags: ['auth'], summary: 'Who am I', response: { 200: meResponse } },
      config: { auth: 'viewer' },
    },
    async (req) => {
      const p = req.principal!;
      return { kind: p.kind, id: p.id, role: p.role };
    },
  );
};
