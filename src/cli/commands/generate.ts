import path from 'node:path';
import type { Command } from 'commander';
import { createProgress } from '../../core/progress.ts';
import { generateDataset } from '../../olist/generate/index.ts';
import { printJson, printRows } from '../output.ts';
import { positiveInt, withFormat } from '../shared.ts';

interface GenerateFlags {
  customers: number;
  seed: number;
  out: string;
  format: 'table' | 'json';
}

export function register(program: Command): void {
  withFormat(
    program
      .command('generate')
      .description('write a synthetic data set in exactly the Olist format, shaped like the real one')
      .requiredOption(
        '--customers <n>',
        'number of distinct customers (customer_unique_id)',
        positiveInt('--customers'),
      )
      .option('--seed <s>', 'random seed (same seed, same files)', positiveInt('--seed'), 42)
      .option('--out <dir>', 'output folder', './olist-synthetic'),
    ['table', 'json'],
  ).action(async (flags: GenerateFlags) => {
    const progress = createProgress({ unit: 'customers' });
    progress.start(flags.customers, 'generate');
    const result = await generateDataset({
      customers: flags.customers,
      seed: flags.seed,
      outDir: path.resolve(flags.out),
      onProgress: (p) => progress.update(p.customersDone),
    });
    progress.stop();
    if (flags.format === 'json') return printJson(result);
    process.stdout.write(
      `Wrote ${result.customers} customers, ${result.orders} orders to ${path.resolve(flags.out)} in ${result.seconds.toFixed(1)} s\n`,
    );
    printRows(
      Object.entries(result.files).map(([table, f]) => ({
        table,
        rows: f.rows,
        file: path.basename(f.path),
      })),
      'table',
    );
  });
}
