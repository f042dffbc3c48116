import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LoadedConfig } from './config.ts';

export type { Logger };

/**
 * The process logger: JSON lines in production and staging, readable lines in development.
 * Logs go to stderr so that stdout carries only results (CSV, JSON, tables).
 */
export function createLogger(loaded: Pick<LoadedConfig, 'env' | 'config'>, destination: 1 | 2 = 2): Logger {
  const { level, format } = loaded.config.logging;
  const usePretty = format === 'pretty' || (format === 'auto' && loaded.env === 'development');
  const base = {
    level,
    base: { env: loaded.env },
    redact: ['req.headers.authorization', 'password', '*.password'],
  };
  if (usePretty) {
    return pino(
      base,
      pretty({ destination, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname,env' }),
    );
  }
  return pino(base, pino.destination({ dest: destination, sync: true }));
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Runs `fn`, logging its start, end and duration (or failure) under `analysis`.
 * Returns the result and the elapsed milliseconds.
 */
export async function timed<T>(
  logger: Logger,
  analysis: string,
  fields: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  logger.info({ analysis, ...fields }, `${analysis}: start`);
  try {
    const value = await fn();
    const ms = performance.now() - start;
    logger.info({ analysis, duration_ms: Math.round(ms) }, `${analysis}: done in ${Math.round(ms)} ms`);
    return { value, ms };
  } catch (err) {
    const ms = performance.now() - start;
    logger.warn(
      { analysis, duration_ms: Math.round(ms), err },
      `${analysis}: failed after ${Math.round(ms)} ms`,
    );
    throw err;
  }
}
