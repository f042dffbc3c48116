import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { API_KEY_PREFIX } from '../appstate/apiKeys.ts';
import type { AppState } from '../appstate/index.ts';
import { type Role, roleAtLeast, type User } from '../appstate/users.ts';
import { OlistError } from '../core/errors.ts';

/** Who a request acts as. */
export interface Principal {
  readonly kind: 'user' | 'api_key';
  /** Username, or API key id. */
  readonly id: string;
  readonly role: Role;
  /** The user's numeric id (users only). */
  readonly userId?: number;
}

/** Who may call a route: anyone, or a role and everything above it. */
export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook: the caller, or null when anonymous. */
    principal: Principal | null;
    /** Why credentials that were sent were not accepted (raised only on protected routes). */
    authError: OlistError | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route; a route without it is admin-only. */
    auth?: Access;
    /** False to exempt the route from the per-caller rate limit (health, metrics). */
    rateLimit?: boolean;
  }
}

/** The one signing algorithm accepted: tokens with any other `alg` (including `none`) are refused. */
export const JWT_ALGORITHM = 'HS256';
const AUDIENCE = 'olist-api';

const accessClaims = z.object({
  sub: z.string().regex(/^\d+$/),
  typ: z.literal('access'),
  role: z.enum(['admin', 'analyst', 'viewer']),
  username: z.string(),
});

export function unauthenticated(message: string): OlistError {
  return new OlistError('UNAUTHENTICATED', message);
}

/** Signs and verifies short-lived access tokens (HS256 only; issuer, audience and expiry checked). */
export class TokenService {
  constructor(
    private readonly key: Uint8Array,
    private readonly issuer: string,
    readonly accessTtlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (key.length < 32) throw new Error('the JWT signing key must be at least 32 bytes');
  }

  async sign(user: Pick<User, 'id' | 'username' | 'role'>): Promise<string> {
    const iat = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ typ: 'access', role: user.role, username: user.username })
      .setProtectedHeader({ alg: JWT_ALGORITHM, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(AUDIENCE)
      .setSubject(String(user.id))
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.accessTtlSeconds)
      .sign(this.key);
  }

  /** The user id a valid access token names; throws UNAUTHENTICATED otherwise. */
  async verify(token: string): Promise<{ userId: number; username: string }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.issuer,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: 5,
        currentDate: this.now(),
      });
      const claims = accessClaims.safeParse(payload);
      if (!claims.success) throw unauthenticated('the access token is not valid');
      return { userId: Number(claims.data.sub), username: claims.data.username };
    } catch (err) {
      if (err instanceof OlistError) throw err;
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw unauthenticated(
        expired ? 'the access token has expired: refresh it' : 'the access token is not valid',
      );
    }
  }
}

/** The credential a request carries, if any: a bearer token (JWT or API key) or an X-API-Key header. */
function credentialOf(req: FastifyRequest): { kind: 'jwt' | 'api_key'; value: string } | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const value = m[1]!;
    return { kind: value.startsWith(API_KEY_PREFIX) ? 'api_key' : 'jwt', value };
  }
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return { kind: 'api_key', value: key.trim() };
  if (Array.isArray(key)) throw unauthenticated('send one X-API-Key header');
  return undefined;
}

/**
 * Resolves the caller from the request's credentials: null when none were sent; throws
 * UNAUTHENTICATED when they are invalid, expired, revoked or belong to a disabled user.
 * The role comes from the database, so a change of role or a disabled account applies at once.
 */
export async function authenticate(
  req: FastifyRequest,
  tokens: TokenService,
  state: AppState,
): Promise<Principal | null> {
  const cred = credentialOf(req);
  if (!cred) return null;
  if (cred.kind === 'api_key') {
    const key = state.apiKeys.authenticate(cred.value);
    if (!key) throw unauthenticated('the API key is not valid or has been revoked');
    return { kind: 'api_key', id: key.id, role: key.role };
  }
  const { userId } = await tokens.verify(cred.value);
  const user = state.users.getById(userId);
  if (!user || user.disabled) throw unauthenticated('the account is disabled or no longer exists');
  return { kind: 'user', id: user.username, role: user.role, userId: user.id };
}

/** Throws 401/403 unless the request's caller may use a route of the given access level. */
export function authorize(req: FastifyRequest, access: Access): void {
  if (access === 'public') return;
  if (req.authError) throw req.authError;
  if (!req.principal)
    throw unauthenticated('authentication required: send "Authorization: Bearer <token or API key>"');
  if (!roleAtLeast(req.principal.role, access)) {
    throw new OlistError('FORBIDDEN', `this needs the ${access} role (you are ${req.principal.role})`);
  }
}
