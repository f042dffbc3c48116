import { type Command, Option } from 'commander';
import { csvBody, emit, fixedWidthLine, openSink, pct, round } from '../../analytics/cliFormat.ts';
import { fmtMoney, fmtPct } from '../../analytics/recommendations.ts';
import type { AnalysisResult } from '../../analytics/result.ts';
import {
  RFM_COLUMNS,
  type RfmCustomerRow,
  type RfmParamsInput,
  type RfmSummary,
} from '../../analytics/rfm.ts';
import { readSegmentMapFile } from '../../analytics/segments.ts';
import { rfmExport, rfmStreamCustomers, rfmSummary } from '../../analytics/service.ts';
import type { AppContext } from '../../app/context.ts';
import { formatCsv, formatTable } from '../output.ts';
import { type CommonOptions, isoDate, positiveInt, withContext, withDataDir, withFormat } from '../shared.ts';

interface RfmFlags extends CommonOptions {
  format: 'table' | 'csv' | 'json';
  asOf?: string;
  out?: string;
  segments: boolean;
  segmentsMap?: string;
  state?: string;
  category?: string;
  datasetVersion?: number;
}

const WIDTHS = [32, 12, 9, 12, 7, 7, 7, 9, 20];
const NUMERIC = [false, true, true, true, true, true, true, false, false];

/** `olist rfm`: per-customer RFM rows, or (`--segments`) the segment summary, Pareto and recommendations. */
export function register(program: Command): void {
  const cmd = program
    .command('rfm')
    .description(
      'RFM per customer (recency, frequency, monetary, tie-safe 1-5 scores, segment); --segments for the segment summary, Pareto and recommendations',
    )
    .option(
      '--as-of <date>',
      'as-of date YYYY-MM-DD, exclusive (default: the day after the latest purchase)',
      isoDate('--as-of'),
    )
    .option(
      '--out <file>',
      'write to this file instead of stdout (csv/json per-customer output uses DuckDB COPY)',
    )
    .option(
      '--segments',
      'print the segment summary, Pareto and recommendations instead of per-customer rows',
      false,
    )
    .option(
      '--segments-map <file>',
      'YAML segment map replacing the default 11 segments (see docs/analytics.md)',
    )
    .option('--state <codes>', 'only customers of these states, comma-separated (e.g. SP,RJ)')
    .option('--category <names>', 'only orders with an item in these product categories, comma-separated')
    .addOption(
      new Option('--dataset-version <n>', 'data set version (default: current)').argParser(
        positiveInt('--dataset-version'),
      ),
    );
  withFormat(withDataDir(cmd)).action(async (flags: RfmFlags) => {
    const params: RfmParamsInput = {
      ...(flags.asOf ? { as_of: flags.asOf } : {}),
      ...(flags.state ? { states: flags.state } : {}),
      ...(flags.category ? { categories: flags.category } : {}),
      ...(flags.datasetVersion ? { dataset_version: flags.datasetVersion } : {}),
      ...(flags.segmentsMap ? { segment_map: readSegmentMapFile(flags.segmentsMap) } : {}),
    };
    await withContext(flags, async (ctx) => {
      if (flags.segments) {
        const result = await rfmSummary(ctx, params);
        await emit(renderSummary(result, flags.format), flags.out);
        return;
      }
      await printCustomers(ctx, params, flags);
    });
  });
}

async function printCustomers(ctx: AppContext, params: RfmParamsInput, flags: RfmFlags): Promise<void> {
  if (flags.out && flags.format !== 'table') {
    const meta = await rfmExport(ctx, params, flags.out, flags.format);
    process.stderr.write(`wrote ${meta.rows.customers ?? 0} customers to ${flags.out}\n`);
    return;
  }
  const sink = openSink(flags.out);
  let first = true;
  const cols = [...RFM_COLUMNS];
  try {
    if (flags.format === 'table') {
      await sink.write(fixedWidthLine(cols, WIDTHS, NUMERIC));
      await sink.write(
        fixedWidthLine(
          WIDTHS.map((w) => '-'.repeat(w)),
          WIDTHS,
          NUMERIC,
        ),
      );
    }
    if (flags.format === 'json') await sink.write('[');
    await rfmStreamCustomers(ctx, params, async (rows: readonly RfmCustomerRow[]) => {
      if (flags.format === 'csv') {
        // Money with two decimals, as the COPY export (--out) writes it.
        const money = rows.map((r) => ({ ...r, monetary: r.monetary.toFixed(2) }));
        await sink.write(first ? formatCsv(money, cols) : csvBody(money, cols));
      } else if (flags.format === 'json') {
        const body = rows.map((r) => JSON.stringify(r)).join(',\n');
        if (body) await sink.write(`${first ? '\n' : ',\n'}${body}`);
      } else {
        await sink.write(
          rows
            .map((r) =>
              fixedWidthLine(
                cols.map((c) => r[c]),
                WIDTHS,
                NUMERIC,
              ),
            )
            .join(''),
        );
      }
      if (rows.length) first = false;
    });
    if (flags.format === 'csv' && first) await sink.write(formatCsv([], cols));
    if (flags.format === 'json') await sink.write(first ? ']\n' : '\n]\n');
  } finally {
    await sink.close();
  }
}

function renderSummary(result: AnalysisResult<RfmSummary>, format: 'table' | 'csv' | 'json'): string {
  const d = result.data;
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const segmentRows = d.segments.map((s) => ({
    segment: s.segment,
    customers: s.customers,
    share_customers_pct: pct(s.share_customers, 2),
    revenue: round(s.revenue),
    share_revenue_pct: pct(s.share_revenue, 2),
    orders: s.orders,
    avg_recency_days: round(s.avg_recency_days, 1),
    avg_frequency: round(s.avg_frequency, 2),
    avg_monetary: round(s.avg_monetary),
    avg_r: round(s.avg_r_score, 2),
    avg_f: round(s.avg_f_score, 2),
    avg_m: round(s.avg_m_score, 2),
    avg_order_value: round(s.avg_order_value),
  }));
  if (format === 'csv') return formatCsv(segmentRows);
  const out: string[] = [];
  out.push(
    `RFM as of ${d.as_of} (data set version ${result.meta.dataset_version}): ${d.customers} customers, ` +
      `${d.orders} purchases, revenue ${fmtMoney(d.revenue)}\n\n`,
  );
  out.push('Score thresholds (recency in days, monetary in R$)\n');
  const thresholdRows = (['recency', 'frequency', 'monetary'] as const).flatMap((metric) =>
    d.thresholds[metric].map((b) => ({
      metric,
      score: b.score,
      min: b.min,
      max: b.max,
      customers: b.customers,
    })),
  );
  out.push(formatTable(thresholdRows));
  out.push('\nSegments\n');
  out.push(formatTable(segmentRows));
  const p = d.pareto;
  out.push('\nPareto\n');
  out.push(
    formatTable([
      ...p.top_shares.map((t) => ({
        measure: `revenue share of the top ${t.top * 100}% of customers`,
        value: fmtShare(t.share),
      })),
      {
        measure: `share of customers making ${p.target_share * 100}% of revenue`,
        value: fmtShare(p.units_share_for_target),
      },
      { measure: 'Gini coefficient of customer revenue', value: p.gini === null ? '' : p.gini.toFixed(3) },
    ]),
  );
  out.push('\nHighlights\n');
  for (const h of d.highlights) out.push(`- ${h}\n`);
  out.push('\nRecommendations\n');
  for (const r of d.recommendations) {
    out.push(`- ${r.segment} [${r.priority}]: ${r.finding}\n  Action: ${r.action}\n`);
  }
  for (const w of result.meta.warnings) out.push(`\nwarning: ${w}`);
  if (result.meta.warnings.length) out.push('\n');
  return out.join('');
}

function fmtShare(x: number | null): string {
  return x === null ? '' : fmtPct(x);
}
