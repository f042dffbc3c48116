import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig, redactedConfig } from '../../core/config.ts';
import { type CommonOptions, overridesOf, withDataDir, withFormat } from '../shared.ts';

export function register(program: Command): void {
  withFormat(
    withDataDir(
      program.command('config').description('print the effective configuration (secrets redacted)'),
    ),
    ['table', 'json'],
  ).action((flags: CommonOptions & { format: 'table' | 'json' }) => {
    const loaded = loadConfig({ overrides: overridesOf(flags) });
    const shown = { env: loaded.env, sources: loaded.sources, config: redactedConfig(loaded.config) };
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : stringify(shown));
  });
}
