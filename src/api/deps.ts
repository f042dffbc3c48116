import type { FastifyRequest } from 'fastify';
import type { AuditAction, AuditEntry, Outcome } from '../appstate/audit.ts';
import type { AppState } from '../appstate/index.ts';
import type { TokenService } from './auth.ts';
import type { SnapshotContext } from './datasetSnapshot.ts';
import type { HttpMetrics } from './httpMetrics.ts';
import type { JobRunner } from './jobRunner.ts';
import type { TokenBucketLimiter } from './rateLimit.ts';

/** What every route module gets: the services, the app state and the server's own helpers. */
export interface ApiDeps {
  /** The app context, with data set look-ups served from a catalog snapshot. */
  readonly ctx: SnapshotContext;
  readonly state: AppState;
  readonly tokens: TokenService;
  readonly jobs: JobRunner;
  readonly http: HttpMetrics;
  readonly loginLimiter: TokenBucketLimiter;
  /** Development: error details in responses. */
  readonly dev: boolean;
  readonly startedAt: Date;
  /** Records an audit entry for the request's caller. */
  audit(
    req: FastifyRequest,
    action: AuditAction,
    params: Record<string, unknown>,
    outcome?: Outcome,
  ): AuditEntry;
}

/** The audit log's view of a request's caller. */
export function actorOf(req: FastifyRequest): {
  actorType: 'user' | 'api_key' | 'anonymous';
  actor: string | null;
} {
  const p = req.principal;
  if (!p) return { actorType: 'anonymous', actor: null };
  return { actorType: p.kind, actor: p.id };
}

/** The owner string of jobs and other per-caller records. */
export function ownerOf(req: FastifyRequest): string {
  const p = req.principal;
  return p ? `${p.kind}:${p.id}` : 'anonymous';
}
