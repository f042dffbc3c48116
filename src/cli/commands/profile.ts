import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TABLE_NAMES, type TableName } from '../../olist/tables.ts';
import type { DatasetProfile, TableProfile } from '../../quality/profile.ts';
import { profileRows } from '../../quality/profile.ts';
import { profileDataset } from '../../quality/service.ts';
import { formatCsv, formatTable } from '../output.ts';
import { type CommonOptions, positiveInt, withContext, withDataDir } from '../shared.ts';

const PROFILE_FORMATS = ['table', 'csv', 'json'] as const;

interface ProfileFlags extends CommonOptions {
  format: (typeof PROFILE_FORMATS)[number];
  table?: TableName[];
  top: number;
  bins: number;
  output?: string;
}

function tableName(value: string, previous: TableName[] | undefined): TableName[] {
  const found = TABLE_NAMES.find((t) => t === value);
  if (!found)
    throw new InvalidArgumentError(`--table expects one of ${TABLE_NAMES.join(', ')}, got "${value}"`);
  return [...(previous ?? []), found];
}

/** A readable profile: per table its row count, then one line per column. */
export function formatProfile(profile: DatasetProfile, meta: { ms: number; cached: boolean }): string {
  const out = [
    `Profile of data set version ${profile.dataset_version}` +
      ` (${(meta.ms / 1000).toFixed(1)} s${meta.cached ? ', cached' : ''})`,
    '',
  ];
  for (const t of profile.tables) {
    out.push(`${t.table} · ${t.rows.toLocaleString('en-US')} rows`);
    const rows = profileRows({ dataset_version: profile.dataset_version, tables: [t] }).map(
      ({ table: _t, rows: _r, ...rest }) => rest,
    );
    out.push(formatTable(rows).trimEnd(), ...timestampLines(t), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function timestampLines(t: TableProfile): string[] {
  return t.columns.flatMap((c) => {
    if (!c.timestamp || c.timestamp.monthly.length === 0) return [];
    const peak = c.timestamp.monthly.reduce((a, b) => (b.count > a.count ? b : a));
    return [
      `  ${c.name}: ${c.min} … ${c.max}, ${c.timestamp.months} months, busiest ${peak.month} (${peak.count.toLocaleString('en-US')})`,
    ];
  });
}

/** `olist profile [version]`: per-table and per-column statistics of a data set version. */
export function register(program: Command): void {
  const cmd = program
    .command('profile')
    .description(
      'profile a data set version: row counts, nulls, distinct counts, ranges, quantiles, top values, histograms',
    )
    .argument('[version]', 'data set version (default: the current one)')
    .addOption(
      new Option('--format <format>', 'output format').choices([...PROFILE_FORMATS]).default('table'),
    )
    .option('--table <name>', 'profile only this table (repeatable)', tableName)
    .option('--top <n>', 'top values per text column', positiveInt('--top'), 10)
    .option('--bins <n>', 'histogram bins per numeric column', positiveInt('--bins'), 20)
    .option('--output <file>', 'write the output to a file instead of stdout');
  withDataDir(cmd).action(async (version: string | undefined, flags: ProfileFlags) => {
    const v = version === undefined ? undefined : positiveInt('[version]')(version);
    await withContext(flags, async (ctx) => {
      const result = await profileDataset(ctx, v, {
        topValues: flags.top,
        bins: flags.bins,
        ...(flags.table ? { tables: flags.table } : {}),
      });
      const text =
        flags.format === 'json'
          ? `${JSON.stringify(result, null, 2)}\n`
          : flags.format === 'csv'
            ? formatCsv(profileRows(result.data))
            : formatProfile(result.data, {
                ms: result.meta.timings_ms.total ?? 0,
                cached: result.meta.cached,
              });
      if (flags.output) {
        writeFileSync(flags.output, text);
        process.stdout.write(
          `profile of version ${result.data.dataset_version} written to ${flags.output}\n`,
        );
      } else {
        process.stdout.write(text);
      }
    });
  });
}
