import type { Command } from 'commander';
import { createProgress } from '../../core/progress.ts';
import { ingestDirectory } from '../../ingest/ingest.ts';
import { createQualityGate } from '../../quality/gate.ts';
import { formatTerminal } from '../../quality/report.ts';
import { printJson, printRows } from '../output.ts';
import { type CommonOptions, withContext, withDataDir, withFormat } from '../shared.ts';

interface IngestFlags extends CommonOptions {
  format: 'table' | 'json';
  current: boolean;
  validate: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('ingest')
    .description(
      'load a folder of the nine Olist CSV files as a new data set version (published only if it loads cleanly)',
    )
    .argument('<dir>', 'folder holding the Olist CSV files')
    .option('--no-current', 'publish the version without making it current')
    .option('--no-validate', 'skip the data-quality suite (load checks still apply)');
  withFormat(withDataDir(cmd), ['table', 'json']).action(async (dir: string, flags: IngestFlags) => {
    await withContext(flags, async (ctx) => {
      const result = await ingestDirectory(ctx.engine, ctx.catalog, {
        dir,
        makeCurrent: flags.current,
        // The quality suite decides: an error-severity failure refuses the version. Its report is
        // printed (to stderr, so --format json keeps stdout clean) whether or not it publishes.
        gate: flags.validate
          ? createQualityGate(ctx, { onReport: (r) => process.stderr.write(formatTerminal(r)) })
          : undefined,
        logger: ctx.logger,
        metrics: ctx.metrics,
        progress: createProgress({ unit: 'tables' }),
        maxErrors: ctx.loaded.config.ingest.max_errors_reported,
      });
      ctx.cache.retainOnly((await ctx.currentDataset()).version);
      if (flags.format === 'json') {
        printJson(result);
        return;
      }
      process.stdout.write(
        `Loaded version ${result.version} from ${result.source} in ${(result.ms / 1000).toFixed(1)} s` +
          `${flags.current ? ' (now current)' : ''}\n`,
      );
      printRows(
        Object.entries(result.rowCounts).map(([table, rows]) => ({ table, rows })),
        'table',
      );
      for (const w of result.warnings) process.stdout.write(`warning: ${w}\n`);
    });
  });
}
