/**
 * Planting of the rare data-quality quirks of the real data set. Each quirk has a real count per
 * 96,096 persons; it is planted round(count × N / 96,096) times, and at least once when N ≥ 1000, on
 * the first order of customers spread evenly (with jitter) over the customer sequence. A customer
 * carries at most one planted quirk (collisions move to the next free customer).
 */
import { BASE_CUSTOMERS, RARE_QUIRKS, type RareQuirk } from './distributions.ts';
import type { Rng } from './random.ts';

/** Customer count from which every quirk is planted at least once. */
export const MIN_CUSTOMERS_FOR_ALL_QUIRKS = 1000;

export const QUIRK_NAMES = Object.keys(RARE_QUIRKS) as RareQuirk[];

/** Numeric code of each quirk in the plan (0 = none). */
export const QUIRK_CODE: Readonly<Record<RareQuirk, number>> = Object.fromEntries(
  QUIRK_NAMES.map((name, i) => [name, i + 1]),
) as Record<RareQuirk, number>;

/** How many times a quirk with `realCount` occurrences (per `base`) is planted among n units. */
export function scaledCount(realCount: number, base: number, n: number): number {
  const scaled = Math.round((realCount * n) / base);
  return n >= MIN_CUSTOMERS_FOR_ALL_QUIRKS ? Math.max(1, scaled) : scaled;
}

export interface QuirkPlan {
  /** Quirk code per customer index (0 = none). */
  readonly byCustomer: Uint8Array;
  readonly counts: Readonly<Record<RareQuirk, number>>;
}

export function planQuirks(customers: number, rng: Rng): QuirkPlan {
  const byCustomer = new Uint8Array(customers);
  const counts = {} as Record<RareQuirk, number>;
  for (const name of QUIRK_NAMES) {
    const target = Math.min(scaledCount(RARE_QUIRKS[name], BASE_CUSTOMERS, customers), customers);
    let placed = 0;
    const stride = customers / Math.max(1, target);
    for (let k = 0; k < target; k++) {
      let pos = Math.min(customers - 1, Math.floor((k + rng.float()) * stride));
      let probes = 0;
      while (byCustomer[pos] !== 0 && probes < customers) {
        pos = (pos + 1) % customers;
        probes++;
      }
      if (byCustomer[pos] !== 0) break;
      byCustomer[pos] = QUIRK_CODE[name];
      placed++;
    }
    counts[name] = placed;
  }
  return { byCustomer, counts };
}
