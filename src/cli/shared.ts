import { type Command, InvalidArgumentError, Option } from 'commander';
import { type AppContext, openContext } from '../app/context.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './output.ts';

/** Options every command accepts. */
export interface CommonOptions {
  dataDir?: string;
}

/** Adds `--data-dir` (also OLIST_DATA_DIR). */
export function withDataDir(cmd: Command): Command {
  return cmd.option(
    '--data-dir <dir>',
    'data directory (default: config data_dir, env OLIST_DATA_DIR, ./data)',
  );
}

/** Adds `--format` with the given choices (default: the first). */
export function withFormat(cmd: Command, formats: readonly OutputFormat[] = OUTPUT_FORMATS): Command {
  return cmd.addOption(
    new Option('--format <format>', 'output format').choices([...formats]).default(formats[0]),
  );
}

/** Config overrides from common flags. */
export function overridesOf(opts: CommonOptions): Record<string, unknown> {
  return opts.dataDir ? { data_dir: opts.dataDir } : {};
}

/** Opens the app context for a command, runs `fn`, and always closes it. */
export async function withContext<T>(opts: CommonOptions, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext({ overrides: overridesOf(opts) });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Commander parser for positive integers, naming the flag in the error. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} expects a positive whole number, got "${value}"`);
    return n;
  };
}

/** Commander parser for non-negative numbers. */
export function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} expects a number ≥ 0, got "${value}"`);
    return n;
  };
}

/** Commander parser for YYYY-MM-DD dates. */
export function isoDate(flag: string) {
  return (value: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw new InvalidArgumentError(`${flag} expects a date YYYY-MM-DD, got "${value}"`);
    }
    return value;
  };
}
