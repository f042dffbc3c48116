import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorDetail, OlistError } from '../core/errors.ts';
import { PROBLEM_CONTENT_TYPE, type Problem } from './schemas.ts';

/**
 * The one place where errors become HTTP responses. Product errors keep their code and status
 * (core/errors.ts); a few transport-level codes exist only here. Nothing internal (stack, SQL,
 * message of an unexpected error) reaches the client outside development.
 */
const HTTP_ONLY_CODES = {
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ProblemCode = keyof typeof ERROR_CODES | keyof typeof HTTP_ONLY_CODES;

const TITLES: Record<ProblemCode, string> = {
  CONFIG_INVALID: 'Server misconfigured',
  INPUT_INVALID: 'Invalid request',
  INGEST_FAILED: 'Ingest failed',
  VALIDATION_FAILED: 'Data validation failed',
  NOT_FOUND: 'Not found',
  NO_DATASET: 'No data set loaded',
  CONFLICT: 'Conflict',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  RATE_LIMITED: 'Too many requests',
  MODEL_NOT_CONVERGED: 'Model did not converge',
  TIMEOUT: 'Timed out',
  INTERNAL: 'Internal error',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  SERVICE_UNAVAILABLE: 'Service unavailable',
};

export function statusOfCode(code: ProblemCode): number {
  return code in HTTP_ONLY_CODES
    ? HTTP_ONLY_CODES[code as keyof typeof HTTP_ONLY_CODES]
    : ERROR_CODES[code as keyof typeof ERROR_CODES].http;
}

/** An error raised by the API layer with a transport-level code (413, 415, 503). */
export class HttpProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

interface Classified {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly ErrorDetail[];
  /** Unexpected: logged at error level with its stack. */
  readonly unexpected: boolean;
}

const FASTIFY_STATUS_CODES: Record<number, ProblemCode> = {
  400: 'INPUT_INVALID',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  406: 'INPUT_INVALID',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

function classify(err: unknown, dev: boolean): Classified {
  if (err instanceof OlistError) {
    const internal = err.code === 'INTERNAL' || err.code === 'CONFIG_INVALID';
    return {
      code: err.code,
      status: err.httpStatus,
      detail: internal && !dev ? 'internal error' : err.message,
      ...(err.details.length && !(internal && !dev) ? { errors: err.details } : {}),
      unexpected: internal,
    };
  }
  if (err instanceof HttpProblem) {
    return {
      code: err.code,
      status: statusOfCode(err.code),
      detail: err.message,
      errors: err.details,
      unexpected: false,
    };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'request';
    return {
      code: 'INPUT_INVALID',
      status: 400,
      detail: `invalid ${where}`,
      errors: err.validation.map((v) => ({
        location: `${where}${v.instancePath === '/' ? '' : v.instancePath.replaceAll('/', '.')}`,
        message: v.message ?? 'invalid',
      })),
      unexpected: false,
    };
  }
  const fe = err as Partial<FastifyError> | null;
  if (
    fe &&
    typeof fe === 'object' &&
    isResponseSerializationError(fe) &&
    fe.code === 'FST_ERR_RESPONSE_SERIALIZATION'
  ) {
    return {
      code: 'INTERNAL',
      status: 500,
      detail: dev ? String(fe.message) : 'internal error',
      unexpected: true,
    };
  }
  if (
    fe &&
    typeof fe === 'object' &&
    typeof fe.statusCode === 'number' &&
    fe.statusCode >= 400 &&
    fe.statusCode < 500
  ) {
    const code = FASTIFY_STATUS_CODES[fe.statusCode] ?? 'INPUT_INVALID';
    return {
      code,
      status: statusOfCode(code),
      detail: String(fe.message ?? TITLES[code]),
      unexpected: false,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', status: 500, detail: dev ? message : 'internal error', unexpected: true };
}

/** The problem document for an error, and whether it was unexpected. */
export function toProblem(
  err: unknown,
  req: Pick<FastifyRequest, 'id' | 'url'>,
  dev: boolean,
): { problem: Problem; unexpected: boolean } {
  const c = classify(err, dev);
  const problem: Problem = {
    type: `urn:olist:problem:${c.code.toLowerCase()}`,
    title: TITLES[c.code],
    status: c.status,
    detail: c.detail,
    instance: req.url.split('?')[0] ?? req.url,
    code: c.code,
    request_id: String(req.id),
    ...(c.errors?.length
      ? {
          errors: c.errors.map((e) => ({
            ...(e.location ? { location: e.location } : {}),
            message: e.message,
          })),
        }
      : {}),
  };
  return { problem, unexpected: c.unexpected };
}

/** Sends a problem, pre-serialised so no route's response schema applies to it. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="olist-analytics"');
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Fastify error handler: every error becomes problem+json; unexpected ones are logged with their stack. */
export function problemErrorHandler(dev: boolean) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { problem, unexpected } = toProblem(err, req, dev);
    if (unexpected)
      req.log.error({ err }, `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    else req.log.info({ code: problem.code, status: problem.status }, problem.detail);
    return sendProblem(reply, problem);
  };
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { problem } = toProblem(
    new OlistError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`),
    req,
    false,
  );
  return sendProblem(reply, problem);
}
