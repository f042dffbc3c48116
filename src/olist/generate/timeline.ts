/**
 * Purchase timestamps following the published volume: a day is drawn with weight (monthly orders of
 * its month) × (weekday profile) × (Black Friday boost), normalised so each month keeps its published
 * total; then an hour by the published hourly profile and a uniform second. Bounded by the real first
 * and last purchase timestamps.
 */
import {
  BLACK_FRIDAY_2017,
  FIRST_PURCHASE,
  HOUR_ORDERS,
  LAST_PURCHASE,
  MONTHLY_ORDERS,
  WEEKDAY_ORDERS,
} from './distributions.ts';
import { DAY, HOUR, parseTime, timeOf, weekday } from './format.ts';
import { AliasTable, type Rng } from './random.ts';

export class PurchaseTimeline {
  readonly first = parseTime(FIRST_PURCHASE);
  readonly last = parseTime(LAST_PURCHASE);
  private readonly firstDay = Math.floor(this.first / DAY);
  private readonly lastDay = Math.floor(this.last / DAY);
  private readonly days: AliasTable;
  private readonly hours = new AliasTable(HOUR_ORDERS);

  constructor() {
    const n = this.lastDay - this.firstDay + 1;
    const weights = new Float64Array(n);
    for (const [year, month, orders] of MONTHLY_ORDERS) {
      const start = Math.max(this.firstDay, timeOf(year, month, 1) / DAY);
      const end = Math.min(this.lastDay + 1, timeOf(year, month + 1, 1) / DAY);
      let sum = 0;
      for (let d = start; d < end; d++) {
        let w = WEEKDAY_ORDERS[weekday(d * DAY)]!;
        if (year === 2017 && month === 11) w *= BLACK_FRIDAY_2017[d - timeOf(2017, 11, 1) / DAY + 1] ?? 1;
        weights[d - this.firstDay] = w;
        sum += w;
      }
      for (let d = start; d < end; d++)
        weights[d - this.firstDay] = (weights[d - this.firstDay]! * orders) / sum;
    }
    this.days = new AliasTable(weights);
  }

  /** A purchase time (generator seconds). */
  sample(rng: Rng): number {
    const day = this.firstDay + this.days.pick(rng);
    const dayStart = day * DAY;
    const t = dayStart + this.hours.pick(rng) * HOUR + rng.int(HOUR);
    if (t < this.first) return this.first + rng.int(dayStart + DAY - this.first);
    if (t > this.last) return dayStart + rng.int(this.last - dayStart + 1);
    return t;
  }
}
