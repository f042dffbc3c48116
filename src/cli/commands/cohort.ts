import { type Command, Option } from 'commander';
import { emit, pct, round } from '../../analytics/cliFormat.ts';
import {
  COHORT_CSV_COLUMNS,
  COHORT_METRICS,
  COHORT_PERIODS,
  type CohortMetric,
  type CohortResult,
  cohortLongRows,
} from '../../analytics/cohort.ts';
import type { AnalysisResult } from '../../analytics/result.ts';
import { cohorts } from '../../analytics/service.ts';
import { formatCsv, formatTable } from '../output.ts';
import { type CommonOptions, isoDate, positiveInt, withContext, withDataDir, withFormat } from '../shared.ts';

type MetricFlag = CohortMetric | 'cumulative_revenue';

interface CohortFlags extends CommonOptions {
  format: 'table' | 'csv' | 'json';
  period: 'month' | 'week';
  metric: MetricFlag;
  asOf?: string;
  out?: string;
  state?: string;
  category?: string;
  datasetVersion?: number;
}

const PERCENT: ReadonlySet<CohortMetric> = new Set(['retention', 'retention_or_later']);

/** `olist cohort`: a cohort matrix (table), long rows (csv) or every matrix (json). */
export function register(program: Command): void {
  const cmd = program
    .command('cohort')
    .description(
      'cohort retention by month (or week) of first purchase: active customers, retention, revenue, cumulative revenue per customer',
    )
    .addOption(
      new Option('--period <period>', 'cohort and period length')
        .choices([...COHORT_PERIODS])
        .default('month'),
    )
    .addOption(
      new Option(
        '--metric <metric>',
        'matrix shown by the table format (cumulative_revenue = cumulative revenue per customer)',
      )
        .choices([
          'customers',
          'retention',
          'revenue',
          'cumulative_revenue',
          ...COHORT_METRICS.filter((m) => !['customers', 'retention', 'revenue'].includes(m)),
        ])
        .default('retention'),
    )
    .option(
      '--as-of <date>',
      'as-of date YYYY-MM-DD, exclusive (default: the day after the latest purchase)',
      isoDate('--as-of'),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--state <codes>', 'only customers of these states, comma-separated')
    .option('--category <names>', 'only orders with an item in these product categories, comma-separated')
    .addOption(
      new Option('--dataset-version <n>', 'data set version (default: current)').argParser(
        positiveInt('--dataset-version'),
      ),
    );
  withFormat(withDataDir(cmd)).action(async (flags: CohortFlags) => {
    await withContext(flags, async (ctx) => {
      const result = await cohorts(ctx, {
        period: flags.period,
        ...(flags.asOf ? { as_of: flags.asOf } : {}),
        ...(flags.state ? { states: flags.state } : {}),
        ...(flags.category ? { categories: flags.category } : {}),
        ...(flags.datasetVersion ? { dataset_version: flags.datasetVersion } : {}),
      });
      await emit(render(result, flags), flags.out);
    });
  });
}

function render(result: AnalysisResult<CohortResult>, flags: CohortFlags): string {
  const d = result.data;
  if (flags.format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (flags.format === 'csv') return formatCsv(cohortLongRows(d), COHORT_CSV_COLUMNS);
  const metric: CohortMetric =
    flags.metric === 'cumulative_revenue' ? 'cumulative_revenue_per_customer' : flags.metric;
  const matrix = d.matrices[metric];
  const cell = (v: number | null | undefined) =>
    v === null || v === undefined
      ? null
      : PERCENT.has(metric)
        ? pct(v, 1)
        : round(v, metric === 'customers' || metric === 'orders' ? 0 : 2);
  const rows = d.cohorts.map((c, i) => {
    const row: Record<string, string | number | null> = { cohort: c.cohort, size: c.size };
    for (let k = 0; k <= d.max_period; k++)
      row[`${d.period === 'month' ? 'm' : 'w'}${k}`] = cell(matrix[i]?.[k]);
    return row;
  });
  const unit = PERCENT.has(metric) ? ' (% of cohort size)' : '';
  const lines = [
    `Cohorts by ${d.period} of first purchase, as of ${d.as_of}: ${metric}${unit}\n`,
    rows.length ? formatTable(rows) : '(no purchases)\n',
  ];
  if (d.partial_period) {
    lines.push(
      `\nThe last cell of each row is ${d.period} ${d.partial_period.start}..${d.partial_period.end}, only partly observed; ` +
        'empty cells are periods the data cannot have reached yet.\n',
    );
  }
  return lines.join('');
}
