/** Period comparison and plain-English findings for the overview. Pure. */

import type { Kpis, Overview } from './api/types.ts';
import { change, money, percent, signedPercent } from './format.ts';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** The period of equal length just before [from, to). */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const len = ms(to) - ms(from);
  return { from: iso(ms(from) - len), to: from };
}

/** Adds months to a YYYY-MM-DD date's month start. */
export function addMonths(date: string, n: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return iso(d.getTime());
}

/**
 * The two ranges a KPI change compares. With a date filter: that range against the one before it.
 * Without: the latest 12 months of data against the 12 before.
 */
export function comparisonRanges(
  filter: { from?: string | undefined; to?: string | undefined },
  lastPurchase: string | null,
  firstPurchase: string | null,
): { current: { from: string; to: string }; previous: { from: string; to: string }; label: string } | null {
  if (filter.from || filter.to) {
    const from = filter.from ?? firstPurchase;
    const to = filter.to ?? (lastPurchase ? iso(ms(lastPurchase) + DAY) : null);
    if (!from || !to || from >= to) return null;
    return { current: { from, to }, previous: previousRange(from, to), label: 'vs previous period' };
  }
  if (!lastPurchase) return null;
  const to = addMonths(lastPurchase, 1);
  const from = addMonths(to, -12);
  return {
    current: { from, to },
    previous: { from: addMonths(to, -24), to: from },
    label: 'last 12 mo vs prior 12',
  };
}

export interface KpiDef {
  readonly key: keyof Kpis;
  readonly label: string;
  readonly kind: 'money' | 'int' | 'rate' | 'score';
  /** The underlying denominator count, for "n/a" when it is zero. */
  readonly hint: string;
}

export const KPI_DEFS: readonly KpiDef[] = [
  { key: 'revenue', label: 'Revenue', kind: 'money', hint: 'Payments of purchased orders' },
  { key: 'orders', label: 'Orders', kind: 'int', hint: 'Purchased orders' },
  { key: 'customers', label: 'Customers', kind: 'int', hint: 'Distinct people who ordered' },
  { key: 'avg_order_value', label: 'Average order value', kind: 'money', hint: 'Revenue per order' },
  { key: 'repeat_customer_rate', label: 'Repeat rate', kind: 'rate', hint: 'Customers with 2+ orders' },
  { key: 'avg_review_score', label: 'Review score', kind: 'score', hint: 'Mean review, 1–5' },
  { key: 'on_time_rate', label: 'On-time rate', kind: 'rate', hint: 'Delivered by the estimated date' },
];

/** A few sentences a manager can read without a chart. */
export function findings(o: Overview, prev: Kpis | null, cur: Kpis | null, label: string): string[] {
  const out: string[] = [];
  const k = o.kpis;
  if (k.orders === 0) return ['No orders match these filters.'];
  if (cur && prev) {
    const r = change(cur.revenue, prev.revenue);
    if (r !== null)
      out.push(
        `Revenue ${r >= 0 ? 'grew' : 'fell'} ${signedPercent(r).replace(/^[+−]/, '')} (${label}), to ${money(cur.revenue)}.`,
      );
  }
  if (k.repeat_customer_rate !== null) {
    out.push(
      k.repeat_customer_rate < 0.1
        ? `Only ${percent(k.repeat_customer_rate)} of customers ordered more than once: winning second orders is the biggest lever.`
        : `${percent(k.repeat_customer_rate)} of customers ordered more than once.`,
    );
  }
  if (k.on_time_rate !== null) {
    const late = 1 - k.on_time_rate;
    out.push(
      `${percent(k.on_time_rate)} of delivered orders arrived on time; ${percent(late)} were late${
        k.avg_review_score !== null
          ? `, and the average review score is ${k.avg_review_score.toFixed(2)} of 5`
          : ''
      }.`,
    );
  }
  const months = o.trend.filter((m) => m.orders > 0);
  if (months.length >= 2) {
    const best = months.reduce((a, b) => (b.revenue > a.revenue ? b : a));
    out.push(
      `The best month was ${best.month}, with ${money(best.revenue)} from ${best.orders.toLocaleString('en-US')} orders.`,
    );
  }
  return out;
}
