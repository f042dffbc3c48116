import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXPORT_ANALYSES, EXPORTS, type ExportAnalysis } from '../../reports/registry.ts';
import { exportFileName, prepareExport, writeExport } from '../../reports/service.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../reports/types.ts';
import { type CommonOptions, isoDate, positiveInt, withContext, withDataDir } from '../shared.ts';

interface ExportFlags extends CommonOptions {
  format: ExportFormat;
  out?: string;
  bom: boolean;
  datasetVersion?: number;
  asOf?: string;
  from?: string;
  to?: string;
  state?: string;
  category?: string;
  period?: string;
  horizon?: number;
  model?: string;
  unit?: string;
  previous?: number;
  topSellers?: number;
}

/** The analysis parameters given on the command line (only those set; the analysis validates them). */
function paramsOf(flags: ExportFlags): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined) p[k] = v;
  };
  set('dataset_version', flags.datasetVersion);
  set('as_of', flags.asOf);
  set('from', flags.from);
  set('to', flags.to);
  set('states', flags.state);
  set('categories', flags.category);
  set('period', flags.period);
  set('horizon', flags.horizon);
  set('model', flags.model);
  set('unit', flags.unit);
  set('previous', flags.previous);
  set('top_sellers', flags.topSellers);
  return p;
}

const positiveNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`${flag} expects a number > 0, got "${value}"`);
  return n;
};

/**
 * `olist export <analysis> --format csv|xlsx|pdf --out FILE`: the same exports as
 * GET /api/v1/exports/{analysis}.{format}. The file is written beside its target and renamed
 * into place when complete, so a failed export never leaves a partial file.
 */
export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description(
      'export an analysis as CSV (streamed), a formatted Excel workbook or a designed PDF report (see docs/exports.md)',
    )
    .addArgument(
      program
        .createArgument(
          '<analysis>',
          EXPORT_ANALYSES.map((a) => `${a}: ${EXPORTS[a].formats.join('/')}`).join('; '),
        )
        .choices([...EXPORT_ANALYSES]),
    )
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).default('csv'))
    .option(
      '--out <file>',
      'output file (default: a safe name such as olist-rfm-v1-2018-10-18.csv in the current folder)',
    )
    .option('--bom', 'CSV: start with a UTF-8 byte-order mark (for Excel)', false)
    .addOption(
      new Option('--dataset-version <n>', 'data set version (default: current)').argParser(
        positiveInt('--dataset-version'),
      ),
    )
    .option(
      '--as-of <date>',
      'as-of date YYYY-MM-DD, exclusive (rfm, segments, cohort, clv, quality, health)',
      isoDate('--as-of'),
    )
    .option('--from <date>', 'first purchase date included (overview, marketplace)', isoDate('--from'))
    .option('--to <date>', 'first purchase date excluded (overview, marketplace)', isoDate('--to'))
    .option('--state <codes>', 'only these customer states, comma-separated (e.g. SP,RJ)')
    .option('--category <names>', 'only orders with an item in these product categories, comma-separated')
    .addOption(new Option('--period <period>', 'cohort period').choices(['month', 'week']))
    .addOption(
      new Option('--horizon <n>', 'clv: prediction horizon in --unit (default 52)').argParser(
        positiveNumber('--horizon'),
      ),
    )
    .addOption(new Option('--model <model>', 'clv: purchase model').choices(['bgnbd', 'mbgnbd', 'paretonbd']))
    .addOption(new Option('--unit <unit>', 'clv: time unit').choices(['days', 'weeks']))
    .addOption(
      new Option('--previous <n>', 'quality: version to compare with for drift').argParser(
        positiveInt('--previous'),
      ),
    )
    .addOption(
      new Option('--top-sellers <n>', 'marketplace: top sellers listed').argParser(
        positiveInt('--top-sellers'),
      ),
    );
  withDataDir(cmd).action(async (analysis: ExportAnalysis, flags: ExportFlags) => {
    if (!EXPORTS[analysis].formats.includes(flags.format)) {
      throw new InvalidArgumentError(
        `the ${analysis} export has no ${flags.format} format (it has ${EXPORTS[analysis].formats.join(', ')})`,
      );
    }
    await withContext(flags, async (ctx) => {
      const doc = await prepareExport(ctx, analysis, flags.format, paramsOf(flags));
      const target = path.resolve(flags.out ?? exportFileName(doc, flags.format));
      const partial = `${target}.partial`;
      try {
        const r = await writeExport(doc, analysis, flags.format, createWriteStream(partial), {
          bom: flags.bom,
        });
        await rename(partial, target);
        const what =
          r.rows !== undefined
            ? `${r.rows.toLocaleString('en-US')} rows`
            : r.pages !== undefined
              ? `${r.pages} pages`
              : Object.entries(r.sheets ?? {})
                  .map(([s, n]) => `${s}: ${n.toLocaleString('en-US')} rows`)
                  .join(', ');
        process.stderr.write(
          `Exported ${analysis} (data set v${r.datasetVersion ?? '?'}) as ${flags.format} to ${target} (${what})\n`,
        );
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
    });
  });
}
