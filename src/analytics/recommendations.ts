import type { Concentration } from './pareto.ts';
import type { SegmentMap } from './segments.ts';

/** One segment's figures, as the RFM summary reports them. */
export interface SegmentSummary {
  readonly segment: string;
  readonly customers: number;
  readonly share_customers: number;
  readonly revenue: number;
  readonly share_revenue: number;
  readonly orders: number;
  readonly avg_recency_days: number | null;
  readonly avg_frequency: number | null;
  readonly avg_monetary: number | null;
  readonly avg_r_score: number | null;
  readonly avg_f_score: number | null;
  readonly avg_m_score: number | null;
  readonly avg_order_value: number | null;
}

export type Priority = 'high' | 'medium' | 'low' | 'none';

export interface Recommendation {
  readonly segment: string;
  readonly priority: Priority;
  /** What the numbers say, in plain English, with the figures. */
  readonly finding: string;
  /** The business action it suggests. */
  readonly action: string;
}

/** Repeat behaviour over all scored customers. */
export interface RepeatStats {
  readonly one_time_customers: number;
  readonly repeat_customers: number;
  readonly avg_monetary_one_time: number | null;
  readonly avg_monetary_repeat: number | null;
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec1 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const fmtInt = (x: number) => int.format(x);
export const fmtPct = (x: number) => (x > 0 && x < 0.0005 ? '<0.1%' : `${dec1.format(x * 100)}%`);
export const fmtMoney = (x: number) => `R$ ${money.format(x)}`;
const fmt1 = (x: number) => dec1.format(x);

/**
 * Priority from the money at stake and whether it is reachable:
 * high — at least 15% of revenue from customers who are still fairly recent (avg R ≥ 3), or at least
 *        5% from repeat buyers (avg F ≥ 3) whatever their recency;
 * low  — under 2% of revenue, or lapsed one-time buyers (avg R < 2 and avg F < 2);
 * none — an empty segment; medium otherwise.
 */
export function priorityOf(s: SegmentSummary): Priority {
  if (s.customers === 0) return 'none';
  const r = s.avg_r_score ?? 0;
  const f = s.avg_f_score ?? 0;
  if ((s.share_revenue >= 0.15 && r >= 3) || (s.share_revenue >= 0.05 && f >= 3)) return 'high';
  if (s.share_revenue < 0.02 || (r < 2 && f < 2)) return 'low';
  return 'medium';
}

/** A generic action from the average scores, for segments of a custom map without one. */
export function genericAction(s: SegmentSummary): string {
  const r = s.avg_r_score ?? 0;
  const f = s.avg_f_score ?? 0;
  if (r >= 4 && f >= 4)
    return 'reward and retain them: loyalty programme and early access, no discounts needed';
  if (r >= 4) return 'encourage the next purchase: follow-up recommendations and a second-purchase incentive';
  if (r <= 2 && f >= 4)
    return 'win them back personally before they are gone: direct outreach and a strong offer';
  if (r <= 2) return 'low-cost reactivation in broad campaigns, or let them go';
  return 'reactivate with personalised reminders and limited-time offers';
}

function finding(s: SegmentSummary, asOf: string): string {
  if (s.customers === 0) return `No customers fall in this segment as of ${asOf}.`;
  const index = s.share_customers > 0 ? s.share_revenue / s.share_customers : 0;
  const weight =
    index >= 1.2
      ? `${fmt1(index)}× their share of customers`
      : index <= 0.8
        ? `only ${fmt1(index)}× their share of customers`
        : 'in line with their share of customers';
  const parts = [
    `${fmtInt(s.customers)} ${s.customers === 1 ? 'customer' : 'customers'} (${fmtPct(s.share_customers)}) ${s.customers === 1 ? 'brings' : 'bring'} ${fmtMoney(s.revenue)} (${fmtPct(s.share_revenue)} of revenue), ${weight}.`,
  ];
  if (s.avg_frequency !== null && s.avg_recency_days !== null && s.avg_monetary !== null) {
    const times = Math.abs(s.avg_frequency - 1) < 0.005 ? 'once' : `${fmt1(s.avg_frequency)} times`;
    parts.push(
      `On average they bought ${times}, last ${fmtInt(s.avg_recency_days)} days before ${asOf}, ` +
        `and spent ${fmtMoney(s.avg_monetary)} each` +
        `${s.avg_order_value !== null ? ` (${fmtMoney(s.avg_order_value)} per order)` : ''}.`,
    );
  }
  return parts.join(' ');
}

/** One recommendation per segment of the map, in map order, generated from the actual figures. */
export function recommend(
  segments: readonly SegmentSummary[],
  map: SegmentMap,
  asOf: string,
): Recommendation[] {
  const actions = new Map(map.segments.map((s) => [s.name, s.action]));
  return segments.map((s) => {
    const action = s.customers === 0 ? 'none needed' : (actions.get(s.segment) ?? genericAction(s));
    return { segment: s.segment, priority: priorityOf(s), finding: finding(s, asOf), action };
  });
}

/** Statements about the customer base as a whole. */
export function highlights(
  segments: readonly SegmentSummary[],
  pareto: Concentration,
  repeat: RepeatStats,
  customers: number,
): string[] {
  if (customers === 0) return ['There are no purchases before the as-of date: nothing to segment.'];
  const out: string[] = [];
  const oneTime = repeat.one_time_customers / customers;
  if (repeat.repeat_customers === 0) {
    out.push('Every customer bought exactly once: there is no repeat behaviour to segment on frequency.');
  } else {
    const lift =
      repeat.avg_monetary_repeat !== null && repeat.avg_monetary_one_time
        ? ` Repeat customers spent ${fmtMoney(repeat.avg_monetary_repeat)} each against ${fmtMoney(repeat.avg_monetary_one_time)} for one-time buyers.`
        : '';
    out.push(
      `${fmtPct(oneTime)} of customers bought once and ${fmtInt(repeat.repeat_customers)} (${fmtPct(1 - oneTime)}) more than once.${lift}` +
        `${oneTime >= 0.5 ? ' Converting first-time buyers into a second purchase is the main lever.' : ''}`,
    );
  }
  const top20 = pareto.top_shares.find((t) => t.top === 0.2)?.share;
  if (
    top20 !== null &&
    top20 !== undefined &&
    pareto.units_share_for_target !== null &&
    pareto.gini !== null
  ) {
    out.push(
      `The top 20% of customers bring ${fmtPct(top20)} of revenue; ${fmtPct(pareto.units_share_for_target)} of customers ` +
        `make ${fmtPct(pareto.target_share)} of it (Gini ${pareto.gini.toFixed(2)}).`,
    );
  }
  const biggest = [...segments].sort((a, b) => b.revenue - a.revenue)[0];
  if (biggest && biggest.revenue > 0) {
    out.push(
      `The largest share of revenue is in ${biggest.segment}: ${fmtPct(biggest.share_revenue)} from ${fmtPct(biggest.share_customers)} of customers.`,
    );
  }
  return out;
}
