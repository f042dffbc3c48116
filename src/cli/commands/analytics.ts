import { type Command, Option } from 'commander';
import { emit, pct, round } from '../../analytics/cliFormat.ts';
import type { MarketplaceResult } from '../../analytics/marketplace.ts';
import type { Kpis, OverviewResult } from '../../analytics/overview.ts';
import { fmtMoney } from '../../analytics/recommendations.ts';
import type { AnalysisResult } from '../../analytics/result.ts';
import { marketplace, overview } from '../../analytics/service.ts';
import { InputError } from '../../core/errors.ts';
import { formatCsv, formatTable } from '../output.ts';
import { type CommonOptions, isoDate, positiveInt, withContext, withDataDir, withFormat } from '../shared.ts';

interface RangeFlags extends CommonOptions {
  format: 'table' | 'csv' | 'json';
  from?: string;
  to?: string;
  state?: string;
  category?: string;
  datasetVersion?: number;
  out?: string;
}

interface MarketplaceFlags extends RangeFlags {
  view: (typeof VIEWS)[number];
  topSellers: number;
}

const VIEWS = ['all', 'delivery', 'states', 'categories', 'sellers'] as const;

function withRange(cmd: Command): Command {
  return cmd
    .option('--from <date>', 'first purchase date included, YYYY-MM-DD', isoDate('--from'))
    .option('--to <date>', 'first purchase date excluded, YYYY-MM-DD', isoDate('--to'))
    .option('--state <codes>', 'only customers of these states, comma-separated (e.g. SP,RJ)')
    .option('--category <names>', 'only orders with an item in these product categories, comma-separated')
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(
      new Option('--dataset-version <n>', 'data set version (default: current)').argParser(
        positiveInt('--dataset-version'),
      ),
    );
}

function rangeParams(flags: RangeFlags) {
  return {
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.to ? { to: flags.to } : {}),
    ...(flags.state ? { states: flags.state } : {}),
    ...(flags.category ? { categories: flags.category } : {}),
    ...(flags.datasetVersion ? { dataset_version: flags.datasetVersion } : {}),
  };
}

/** `olist overview` (KPIs with monthly trend) and `olist marketplace` (delivery, states, categories, sellers). */
export function register(program: Command): void {
  const ov = withRange(
    program
      .command('overview')
      .description(
        'overview KPIs (revenue, orders, customers, AOV, repeat rate, review score, on-time rate) with their monthly trend',
      ),
  );
  withFormat(withDataDir(ov)).action(async (flags: RangeFlags) => {
    await withContext(flags, async (ctx) => {
      const result = await overview(ctx, rangeParams(flags));
      await emit(renderOverview(result, flags.format), flags.out);
    });
  });

  const mk = withRange(
    program
      .command('marketplace')
      .description(
        'marketplace views: delivery vs reviews, revenue by state, category performance, seller concentration',
      ),
  )
    .addOption(
      new Option('--view <view>', 'which view (csv needs one view)').choices([...VIEWS]).default('all'),
    )
    .addOption(
      new Option('--top-sellers <n>', 'top sellers listed')
        .argParser(positiveInt('--top-sellers'))
        .default(10),
    );
  withFormat(withDataDir(mk)).action(async (flags: MarketplaceFlags) => {
    if (flags.format === 'csv' && flags.view === 'all') {
      throw new InputError('--format csv needs one --view: delivery, states, categories or sellers');
    }
    await withContext(flags, async (ctx) => {
      const result = await marketplace(ctx, { ...rangeParams(flags), top_sellers: flags.topSellers });
      await emit(renderMarketplace(result, flags), flags.out);
    });
  });
}

function kpiRow(k: Kpis) {
  return {
    revenue: round(k.revenue),
    orders: k.orders,
    customers: k.customers,
    avg_order_value: round(k.avg_order_value),
    repeat_customer_pct: pct(k.repeat_customer_rate, 2),
    avg_review_score: round(k.avg_review_score, 2),
    on_time_pct: pct(k.on_time_rate, 1),
  };
}

function renderOverview(result: AnalysisResult<OverviewResult>, format: RangeFlags['format']): string {
  const d = result.data;
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const trend = d.trend.map((t) => ({ month: t.month, ...kpiRow(t) }));
  if (format === 'csv') return formatCsv(trend);
  const k = d.kpis;
  const lines = [
    `Overview of purchases ${d.first_purchase ?? '-'} .. ${d.last_purchase ?? '-'} (data set version ${result.meta.dataset_version})\n\n`,
    formatTable([
      { kpi: 'revenue', value: fmtMoney(k.revenue) },
      { kpi: 'orders', value: String(k.orders) },
      { kpi: 'customers', value: String(k.customers) },
      { kpi: 'average order value', value: k.avg_order_value === null ? '' : fmtMoney(k.avg_order_value) },
      { kpi: 'repeat-customer rate', value: fmtPctOrBlank(k.repeat_customer_rate, 2) },
      {
        kpi: 'average review score',
        value: k.avg_review_score === null ? '' : k.avg_review_score.toFixed(2),
      },
      { kpi: 'on-time delivery rate', value: fmtPctOrBlank(k.on_time_rate, 1) },
    ]),
    '\nMonthly trend\n',
    formatTable(trend),
  ];
  for (const w of result.meta.warnings) lines.push(`warning: ${w}\n`);
  return lines.join('');
}

function fmtPctOrBlank(x: number | null, digits: number): string {
  return x === null ? '' : `${(x * 100).toFixed(digits)}%`;
}

function deliveryRows(d: MarketplaceResult['delivery']) {
  const stats = (s: MarketplaceResult['delivery']['overall']) => ({
    orders: s.orders,
    delivered: s.delivered_orders,
    avg_days: round(s.avg_delivery_days, 1),
    median_days: round(s.median_delivery_days, 1),
    late_pct: pct(s.late_share, 1),
    avg_review: round(s.avg_review_score, 2),
  });
  return {
    byState: d.by_state.map((s) => ({ state: s.state, ...stats(s) })),
    byMonth: d.by_month.map((s) => ({ month: s.month, ...stats(s) })),
    groups: [...d.by_outcome, ...d.by_days_late].map((g) => ({
      group: g.group,
      orders: g.orders,
      reviewed: g.reviewed_orders,
      avg_review: round(g.avg_review_score, 2),
    })),
    overall: stats(d.overall),
  };
}

function renderMarketplace(result: AnalysisResult<MarketplaceResult>, flags: MarketplaceFlags): string {
  const d = result.data;
  if (flags.format === 'json') {
    if (flags.view === 'all') return `${JSON.stringify(result, null, 2)}\n`;
    return `${JSON.stringify({ meta: result.meta, data: d[flags.view] }, null, 2)}\n`;
  }
  const delivery = deliveryRows(d.delivery);
  const states = d.states.map((s) => ({
    state: s.state,
    revenue: round(s.revenue),
    share_pct: pct(s.share_revenue, 2),
    orders: s.orders,
    customers: s.customers,
    avg_order_value: round(s.avg_order_value),
  }));
  const categories = d.categories.map((c) => ({
    category: c.category,
    english: c.category_english,
    revenue: round(c.revenue),
    share_pct: pct(c.share_revenue, 2),
    orders: c.orders,
    customers: c.customers,
    avg_review: round(c.avg_review_score, 2),
    repeat_pct: pct(c.repeat_rate, 2),
    category_repeat_pct: pct(c.category_repeat_rate, 2),
  }));
  const sellers = d.sellers.top.map((s) => ({
    seller_id: s.seller_id,
    state: s.seller_state,
    revenue: round(s.revenue),
    share_pct: pct(s.share_revenue, 2),
    orders: s.orders,
  }));
  if (flags.format === 'csv') {
    if (flags.view === 'delivery') return formatCsv(delivery.byState);
    if (flags.view === 'states') return formatCsv(states);
    if (flags.view === 'categories') return formatCsv(categories);
    return formatCsv(sellers);
  }
  const out: string[] = [];
  const show = (v: (typeof VIEWS)[number]) => flags.view === 'all' || flags.view === v;
  if (show('delivery')) {
    out.push('Delivery (overall)\n', formatTable([delivery.overall]));
    out.push('\nReview score by delivery outcome and days late\n', formatTable(delivery.groups));
    out.push('\nDelivery by customer state\n', formatTable(delivery.byState));
    out.push('\nDelivery by purchase month\n', formatTable(delivery.byMonth), '\n');
  }
  if (show('states')) out.push('Revenue and customers by state\n', formatTable(states), '\n');
  if (show('categories')) out.push('Category performance\n', formatTable(categories), '\n');
  if (show('sellers')) {
    const c = d.sellers.concentration;
    out.push(
      `Seller concentration: ${c.units} sellers; top 1/5/10/20% hold ` +
        `${c.top_shares.map((t) => fmtPctOrBlank(t.share, 1)).join(' / ')} of revenue; ` +
        `${fmtPctOrBlank(c.units_share_for_target, 1)} of sellers make ${c.target_share * 100}%; ` +
        `Gini ${c.gini === null ? '-' : c.gini.toFixed(3)}, HHI ${c.hhi === null ? '-' : c.hhi.toFixed(4)}\n`,
      formatTable(sellers),
    );
  }
  for (const w of result.meta.warnings) out.push(`warning: ${w}\n`);
  return out.join('');
}
