import type { Command } from 'commander';
import { printJson, printRows } from '../output.ts';
import { type CommonOptions, positiveInt, withContext, withDataDir, withFormat } from '../shared.ts';

interface ListFlags extends CommonOptions {
  format: 'table' | 'csv' | 'json';
  all: boolean;
}

export function register(program: Command): void {
  const datasets = program.command('datasets').description('list and manage data set versions');
  const list = withFormat(
    withDataDir(datasets.command('list', { isDefault: true }).description('list data set versions')),
  )
    .option('--all', 'include rejected and abandoned loads', false)
    .action(async (flags: ListFlags) => {
      await withContext(flags, async (ctx) => {
        const versions = await ctx.catalog.list({ includeFailed: flags.all });
        if (flags.format === 'json') return printJson(versions);
        printRows(
          versions.map((v) => ({
            version: v.version,
            current: v.is_current ? '*' : '',
            status: v.status,
            loaded_at: v.created_at,
            load_s: v.load_ms === null ? null : Math.round(v.load_ms / 100) / 10,
            customers: v.row_counts.customers ?? null,
            orders: v.row_counts.orders ?? null,
            order_items: v.row_counts.order_items ?? null,
            order_payments: v.row_counts.order_payments ?? null,
            order_reviews: v.row_counts.order_reviews ?? null,
            products: v.row_counts.products ?? null,
            sellers: v.row_counts.sellers ?? null,
            geolocation: v.row_counts.geolocation ?? null,
            checksum: v.checksum ? v.checksum.slice(0, 12) : '',
            source: v.source,
          })),
          flags.format,
        );
      });
    });
  void list;
  withDataDir(
    datasets.command('use').description('make a published version current').argument('<version>'),
  ).action(async (version: string, flags: CommonOptions) => {
    const v = positiveInt('<version>')(version);
    await withContext(flags, async (ctx) => {
      await ctx.catalog.setCurrent(v);
      ctx.cache.retainOnly(v);
      process.stdout.write(`version ${v} is now current\n`);
    });
  });
}
