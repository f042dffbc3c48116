import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertProductionSecrets, type LoadedConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The key that signs access tokens. From OLIST_JWT_SECRET when set (required in production);
 * otherwise a random secret generated once and kept, readable by its owner only, in the data
 * directory, so tokens survive restarts in development.
 */
export function resolveJwtSecret(
  loaded: LoadedConfig,
  dataDir: string,
): { secret: Uint8Array; source: string } {
  assertProductionSecrets(loaded);
  const fromEnv = loaded.config.security.jwt_secret;
  if (fromEnv) return { secret: new TextEncoder().encode(fromEnv), source: 'OLIST_JWT_SECRET' };
  if (loaded.env === 'production') {
    throw new ConfigError('OLIST_JWT_SECRET is required in production');
  }
  const file = path.join(dataDir, JWT_SECRET_FILE);
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const text = readFileSync(file, 'utf8').trim();
    if (text.length < 32)
      throw new ConfigError(`${file}: the stored JWT secret is too short; delete the file to renew it`);
    return { secret: new TextEncoder().encode(text), source: file };
  }
  const text = randomBytes(48).toString('base64url');
  writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return { secret: new TextEncoder().encode(text), source: file };
}
