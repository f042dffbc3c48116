import type { Command } from 'commander';
import { describeDataset, ensureDemoDataset } from '../../app/demo.ts';
import { type CommonOptions, withContext, withDataDir } from '../shared.ts';

export function register(program: Command): void {
  withDataDir(
    program
      .command('start')
      .description('make sure a data set is loaded (generating a demo one if none is) and print its summary'),
  ).action(async (flags: CommonOptions) => {
    await withContext(flags, async (ctx) => {
      const { dataset, generated } = await ensureDemoDataset(ctx);
      process.stdout.write(`${generated ? 'Generated and loaded' : 'Loaded'} ${describeDataset(dataset)}\n`);
    });
  });
}
