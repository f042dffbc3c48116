import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertProductionSecrets, DEFAULT_CONFIG_DIR, loadConfig, redactedConfig } from './config.ts';
import { ConfigError } from './errors.ts';

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'olist-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    return [e.message, ...e.details.map((d) => `${d.location}: ${d.message}`)].join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the shipped defaults for every environment', () => {
    for (const env of ['development', 'staging', 'production', 'test']) {
      const loaded = loadConfig({ env: { OLIST_ENV: env } });
      expect(loaded.env).toBe(env);
      expect(loaded.config.server.port).toBe(8080);
      expect(loaded.sources[0]).toBe(path.join(DEFAULT_CONFIG_DIR, 'default.yml'));
    }
    expect(loadConfig({ env: { OLIST_ENV: 'production' } }).config.logging.format).toBe('json');
  });

  it('applies the environment file, then OLIST_* variables, then overrides', () => {
    const loaded = loadConfig({
      env: {
        OLIST_ENV: 'test',
        OLIST_SERVER__PORT: '9001',
        OLIST_ANALYTICS__EXCLUDED_STATUSES: '[canceled]',
        OLIST_DATA_DIR: '/x',
      },
      overrides: { data_dir: '/y' },
    });
    expect(loaded.config.server.host).toBe('127.0.0.1'); // from test.yml
    expect(loaded.config.server.port).toBe(9001);
    expect(loaded.config.analytics.excluded_statuses).toEqual(['canceled']);
    expect(loaded.config.data_dir).toBe('/y');
  });

  it('names an unknown environment variable key', () => {
    expect(errorText(() => loadConfig({ env: { OLIST_SERVER__PROT: '1' } }))).toMatch(
      /OLIST_SERVER__PROT: unknown configuration key "server.prot"/,
    );
  });

  it('names an unknown key in a file', () => {
    const dir = configDir({
      'default.yml': 'data_dir: ./data\n',
      'development.yml': 'server:\n  porto: 1\n',
    });
    const text = errorText(() => loadConfig({ env: {}, configDir: dir }));
    expect(text).toMatch(/server: unknown key\(s\): porto/);
  });

  it('names a bad value', () => {
    expect(errorText(() => loadConfig({ env: { OLIST_SERVER__PORT: 'eighty' } }))).toMatch(
      /server\.port: .*number/,
    );
    expect(errorText(() => loadConfig({ env: { OLIST_ANALYTICS__ORDER_VALUE: 'cents' } }))).toMatch(
      /analytics\.order_value/,
    );
    expect(errorText(() => loadConfig({ env: { OLIST_ENV: 'prod' } }))).toMatch(/OLIST_ENV: expected one of/);
  });

  it('refuses secrets in files', () => {
    const dir = configDir({ 'default.yml': 'security:\n  jwt_secret: abc\n' });
    expect(errorText(() => loadConfig({ env: {}, configDir: dir }))).toMatch(
      /security\.jwt_secret is a secret and may only come from the environment \(OLIST_JWT_SECRET\)/,
    );
  });

  it('takes secrets from the environment and redacts them when printed', () => {
    const secret = 'x'.repeat(40);
    const loaded = loadConfig({ env: { OLIST_JWT_SECRET: secret } });
    expect(loaded.config.security.jwt_secret).toBe(secret);
    const shown = JSON.stringify(redactedConfig(loaded.config));
    expect(shown).not.toContain(secret);
    expect(shown).toContain('"jwt_secret":"[redacted]"');
    expect(shown).toContain('"metrics_token":"[not set]"');
  });

  it('refuses to run in production with a missing or default secret', () => {
    expect(() => assertProductionSecrets(loadConfig({ env: { OLIST_ENV: 'production' } }))).toThrow(
      /OLIST_JWT_SECRET/,
    );
    const placeholder = loadConfig({
      env: { OLIST_ENV: 'production', OLIST_JWT_SECRET: `changeme${'x'.repeat(30)}` },
    });
    expect(() => assertProductionSecrets(placeholder)).toThrow(ConfigError);
    const good = loadConfig({ env: { OLIST_ENV: 'production', OLIST_JWT_SECRET: 'k3J9x'.repeat(8) } });
    expect(() => assertProductionSecrets(good)).not.toThrow();
    // Development never refuses.
    expect(() => assertProductionSecrets(loadConfig({ env: { OLIST_ENV: 'development' } }))).not.toThrow();
  });
});
