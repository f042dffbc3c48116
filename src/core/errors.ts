/**
 * The typed error hierarchy. Every error the product raises on purpose carries a stable
 * `code`; one table maps codes to a CLI exit code and an HTTP status, so the CLI and the
 * API never disagree about what an error means.
 */

export const ERROR_CODES = {
  CONFIG_INVALID: { exit: 2, http: 500 },
  INPUT_INVALID: { exit: 2, http: 400 },
  INGEST_FAILED: { exit: 2, http: 422 },
  VALIDATION_FAILED: { exit: 1, http: 422 },
  NOT_FOUND: { exit: 2, http: 404 },
  NO_DATASET: { exit: 2, http: 409 },
  CONFLICT: { exit: 2, http: 409 },
  UNAUTHENTICATED: { exit: 2, http: 401 },
  FORBIDDEN: { exit: 2, http: 403 },
  RATE_LIMITED: { exit: 2, http: 429 },
  MODEL_NOT_CONVERGED: { exit: 1, http: 422 },
  TIMEOUT: { exit: 2, http: 504 },
  INTERNAL: { exit: 70, http: 500 },
} as const satisfies Record<string, { exit: number; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Where: a file, table, column, field or key path. */
  readonly location?: string;
  readonly message: string;
}

export class OlistError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    details: readonly ErrorDetail[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export class ConfigError extends OlistError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('CONFIG_INVALID', message, details);
  }
}

export class InputError extends OlistError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('INPUT_INVALID', message, details);
  }
}

export class IngestError extends OlistError {
  constructor(message: string, details: readonly ErrorDetail[] = [], options?: ErrorOptions) {
    super('INGEST_FAILED', message, details, options);
  }
}

export class NotFoundError extends OlistError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class NoDatasetError extends OlistError {
  constructor(dataDir: string) {
    super(
      'NO_DATASET',
      `No data set is loaded in ${dataDir}: run \`olist ingest <dir>\` (or \`olist generate\` then ingest) first`,
    );
  }
}

/** Exit code for any thrown value: typed errors use their table, anything else is internal. */
export function exitCodeOf(err: unknown): number {
  return err instanceof OlistError ? err.exitCode : ERROR_CODES.INTERNAL.exit;
}

/** HTTP status for any thrown value. */
export function httpStatusOf(err: unknown): number {
  return err instanceof OlistError ? err.httpStatus : ERROR_CODES.INTERNAL.http;
}

/** A one-paragraph, human-readable rendering with the details listed below the message. */
export function formatError(err: unknown): string {
  if (err instanceof OlistError) {
    const lines = [`error [${err.code}]: ${err.message}`];
    for (const d of err.details.slice(0, 20))
      lines.push(`  - ${d.location ? `${d.location}: ` : ''}${d.message}`);
    if (err.details.length > 20) lines.push(`  … and ${err.details.length - 20} more`);
    return lines.join('\n');
  }
  if (err instanceof Error) return `error [INTERNAL]: ${err.message}`;
  return `error [INTERNAL]: ${String(err)}`;
}
