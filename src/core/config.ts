import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ErrorDetail } from './errors.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production', 'test'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const configSchema = z.strictObject({
  data_dir: z.string().min(1),
  server: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    body_limit_bytes: z.number().int().positive(),
    upload_limit_bytes: z.number().int().positive(),
    request_timeout_ms: z.number().int().positive(),
    shutdown_timeout_ms: z.number().int().positive(),
    cors_origins: z.array(z.string()),
  }),
  engine: z.strictObject({
    threads: z.number().int().min(1).max(256),
    memory_limit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 4GB'),
  }),
  logging: z.strictObject({
    level: logLevel,
    format: z.enum(['auto', 'json', 'pretty']),
  }),
  cache: z.strictObject({
    memory_entries: z.number().int().min(1),
    ttl_seconds: z.number().int().min(1),
    disk: z.boolean(),
  }),
  analytics: z.strictObject({
    excluded_statuses: z.array(z.string().min(1)),
    order_value: z.enum(['payments', 'items']),
  }),
  ingest: z.strictObject({
    max_errors_reported: z.number().int().min(1).max(1000),
  }),
  demo: z.strictObject({
    customers: z.number().int().min(100),
    seed: z.number().int(),
  }),
  quality: z
    .strictObject({
      /** Declarative rules added to the built-in suite (see docs/quality.md). */
      rules: z.array(z.record(z.string(), z.unknown())).default([]),
    })
    .default({ rules: [] }),
  security: z.strictObject({
    access_token_ttl_seconds: z.number().int().min(30),
    refresh_token_ttl_seconds: z.number().int().min(60),
    jwt_issuer: z.string().min(1),
    rate_limit: z.strictObject({
      requests_per_minute: z.number().int().min(1),
      burst_limit: z.number().int().min(1),
    }),
    login_rate_limit: z.strictObject({
      attempts_per_minute: z.number().int().min(1),
    }),
    metrics_allow: z.array(z.string()),
    /** Secrets: only from the environment (OLIST_JWT_SECRET, OLIST_METRICS_TOKEN). */
    jwt_secret: z.string().min(32, 'at least 32 characters').optional(),
    metrics_token: z.string().min(16, 'at least 16 characters').optional(),
  }),
});

export type Config = z.infer<typeof configSchema>;

export interface LoadedConfig {
  readonly env: Environment;
  readonly config: Config;
  /** Files that were read, in order of precedence (last wins). */
  readonly sources: readonly string[];
}

/** Keys that hold secrets: never read from files, redacted when printed. */
export const SECRET_KEYS = ['security.jwt_secret', 'security.metrics_token'] as const;

/** Environment variables with a short name for a nested key. */
const ENV_ALIASES: Record<string, string> = {
  OLIST_JWT_SECRET: 'security.jwt_secret',
  OLIST_METRICS_TOKEN: 'security.metrics_token',
  OLIST_PORT: 'server.port',
  OLIST_HOST: 'server.host',
  OLIST_LOG_LEVEL: 'logging.level',
};

/** OLIST_* variables that select how config loads rather than being config themselves. */
const NOT_CONFIG = new Set(['OLIST_ENV', 'OLIST_CONFIG_DIR']);

export const DEFAULT_CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config');

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isTree(b) && isTree(v) ? merge(b, v) : v;
  }
  return out;
}

function setPath(tree: Tree, keyPath: string, value: unknown): void {
  const parts = keyPath.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (!isTree(next)) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(tree: Tree, keyPath: string): unknown {
  let node: unknown = tree;
  for (const p of keyPath.split('.')) {
    if (!isTree(node)) return undefined;
    node = node[p];
  }
  return node;
}

function readYaml(file: string): Tree {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw new ConfigError(`${file}: expected a mapping of keys at the top level`);
  for (const secret of SECRET_KEYS) {
    if (getPath(parsed, secret) !== undefined) {
      throw new ConfigError(
        `${file}: ${secret} is a secret and may only come from the environment (${envNameFor(secret)})`,
      );
    }
  }
  return parsed;
}

function envNameFor(keyPath: string): string {
  const alias = Object.entries(ENV_ALIASES).find(([, k]) => k === keyPath);
  return alias ? alias[0] : `OLIST_${keyPath.replaceAll('.', '__').toUpperCase()}`;
}

/** Parses an environment value as YAML scalar or flow collection, so `9000`, `true` and `[a, b]` work. */
function parseEnvValue(raw: string): unknown {
  try {
    return parseYaml(raw);
  } catch {
    return raw;
  }
}

function environmentOf(env: NodeJS.ProcessEnv): Environment {
  const raw = env.OLIST_ENV ?? env.NODE_ENV ?? 'development';
  const found = ENVIRONMENTS.find((e) => e === raw);
  if (!found) throw new ConfigError(`OLIST_ENV: expected one of ${ENVIRONMENTS.join(', ')}, got "${raw}"`);
  return found;
}

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly configDir?: string;
  /** Final overrides from the command line (e.g. --data-dir), as key paths. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * Loads default.yml, then <env>.yml, then OLIST_* variables, then command-line overrides,
 * and validates the result once. Unknown keys and bad values are errors naming the key.
 */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const environment = environmentOf(env);
  const dir = opts.configDir ?? env.OLIST_CONFIG_DIR ?? DEFAULT_CONFIG_DIR;
  const sources: string[] = [];
  const defaultFile = path.join(dir, 'default.yml');
  if (!existsSync(defaultFile)) throw new ConfigError(`configuration file not found: ${defaultFile}`);
  let tree = readYaml(defaultFile);
  sources.push(defaultFile);
  const envFile = path.join(dir, `${environment}.yml`);
  if (existsSync(envFile)) {
    tree = merge(tree, readYaml(envFile));
    sources.push(envFile);
  }
  const unknownVars: ErrorDetail[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('OLIST_') || NOT_CONFIG.has(name) || raw === undefined) continue;
    const keyPath = ENV_ALIASES[name] ?? name.slice('OLIST_'.length).toLowerCase().split('__').join('.');
    const isSecret = (SECRET_KEYS as readonly string[]).includes(keyPath);
    const known = isSecret || getPath(tree, keyPath) !== undefined || keyPath === 'quality.rules';
    if (!known) {
      unknownVars.push({ location: name, message: `unknown configuration key "${keyPath}"` });
      continue;
    }
    setPath(tree, keyPath, isSecret ? raw : parseEnvValue(raw));
  }
  if (unknownVars.length) throw new ConfigError('unknown OLIST_* environment variables', unknownVars);
  for (const [keyPath, value] of Object.entries(opts.overrides ?? {})) {
    if (value !== undefined) setPath(tree, keyPath, value);
  }
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({
      location: i.path.join('.') || '(root)',
      message: i.code === 'unrecognized_keys' ? `unknown key(s): ${i.keys.join(', ')}` : i.message,
    }));
    throw new ConfigError(
      `invalid configuration (${sources.map((s) => path.basename(s)).join(' + ')} + environment)`,
      details,
    );
  }
  return { env: environment, config: result.data, sources };
}

/** A well-known placeholder that must never sign tokens in production. */
export const DEFAULT_DEV_SECRET_PREFIX = 'dev-only-';

/** Refuses to run a production server with a missing or default secret. */
export function assertProductionSecrets(loaded: LoadedConfig): void {
  if (loaded.env !== 'production') return;
  const secret = loaded.config.security.jwt_secret;
  if (
    !secret ||
    secret.startsWith(DEFAULT_DEV_SECRET_PREFIX) ||
    /^(changeme|secret|password)/i.test(secret)
  ) {
    throw new ConfigError(
      'refusing to start in production without a proper OLIST_JWT_SECRET (at least 32 random characters)',
      [
        {
          location: 'OLIST_JWT_SECRET',
          message: secret ? 'is a default or placeholder value' : 'is not set',
        },
      ],
    );
  }
}

/** The effective config with secrets replaced by "[redacted]" (or "[not set]"). */
export function redactedConfig(config: Config): Tree {
  const copy = structuredClone(config) as unknown as Tree;
  for (const key of SECRET_KEYS) {
    setPath(copy, key, getPath(copy, key) === undefined ? '[not set]' : '[redacted]');
  }
  return copy;
}
