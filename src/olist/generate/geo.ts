/**
 * The embedded zip-prefix table (zips.ts) decoded into flat arrays, weighted choice of a zip prefix
 * within a state, and the geolocation file: several jittered points per covered prefix, about a quarter
 * of them exact duplicates, a few used prefixes left out on purpose (as in the real file).
 */
import {
  GEO_CITY_VARIANT_SHARE,
  GEO_DUPLICATE_SHARE,
  GEO_MISSING_ZIP_SHARE,
  GEO_OUTLIER_SHARE,
} from './distributions.ts';
import { zip5 } from './format.ts';
import { AliasTable, type Rng } from './random.ts';
import type { CsvWriter } from './writer.ts';
import { ZIP_STATES } from './zips.ts';

/** Bits of {@link ZipTable.usage}. */
export const USED_BY_CUSTOMER = 1;
export const USED_BY_SELLER = 2;

export class ZipTable {
  readonly count: number;
  /** State codes, in the order of the embedded table (alphabetical). */
  readonly states: readonly string[];
  readonly zip: Int32Array;
  readonly zipText: readonly string[];
  readonly state: Uint8Array;
  /** City as spelled in the geolocation data (may carry accents). */
  readonly city: readonly string[];
  /** City lower case without accents, as in the customers and sellers files. */
  readonly cityPlain: readonly string[];
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  readonly weight: Float64Array;
  /** USED_BY_* bits, set by the generator as customers and sellers pick prefixes. */
  readonly usage: Uint8Array;
  private readonly stateStart: Int32Array;
  private readonly stateAlias: AliasTable[];

  constructor() {
    const zips: number[] = [];
    const states: number[] = [];
    const cities: string[] = [];
    const lats: number[] = [];
    const lngs: number[] = [];
    const weights: number[] = [];
    const plain = new Map<string, string>();
    this.states = ZIP_STATES.map((s) => s.state);
    this.stateStart = new Int32Array(ZIP_STATES.length + 1);
    ZIP_STATES.forEach((s, si) => {
      this.stateStart[si] = zips.length;
      const cityList = s.cities.split('|');
      let prev = 0;
      for (const entry of s.rows.split(';')) {
        const [dz, ci, lat, lng, w] = entry.split(',').map(Number) as [number, number, number, number, number];
        prev += dz;
        zips.push(prev);
        states.push(si);
        const city = cityList[ci] ?? '';
        cities.push(city);
        if (!plain.has(city)) plain.set(city, stripAccents(city));
        lats.push(lat / 100);
        lngs.push(lng / 100);
        weights.push(w);
      }
    });
    this.stateStart[ZIP_STATES.length] = zips.length;
    this.count = zips.length;
    this.zip = Int32Array.from(zips);
    this.zipText = zips.map(zip5);
    this.state = Uint8Array.from(states);
    this.city = cities;
    this.cityPlain = cities.map((c) => plain.get(c) ?? c);
    this.lat = Float64Array.from(lats);
    this.lng = Float64Array.from(lngs);
    this.weight = Float64Array.from(weights);
    this.usage = new Uint8Array(this.count);
    this.stateAlias = ZIP_STATES.map((_, si) => new AliasTable(this.weight.subarray(this.stateStart[si], this.stateStart[si + 1])));
  }

  stateIndex(code: string): number {
    const i = this.states.indexOf(code);
    if (i < 0) throw new Error(`unknown state ${code}`);
    return i;
  }

  /** A zip entry of the state, weighted by the number of real prefixes it stands for. */
  pickInState(stateIndex: number, rng: Rng): number {
    return this.stateStart[stateIndex]! + this.stateAlias[stateIndex]!.pick(rng);
  }
}

export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** Far-away points like those in the real file (Portugal, the Canaries, Argentina). */
const OUTLIER_POINTS: readonly (readonly [number, number])[] = [
  [41.61405150610495, -8.411675312504059],
  [28.008978338034268, -15.536867177679133],
  [-34.586422110664884, -58.732100610901725],
  [38.81681628638297, -9.394624510957431],
];

export interface GeolocationPlan {
  /** Target number of rows (each covered prefix gets at least one). */
  rows: number;
  /** Plant at least one used prefix that is missing from the file. */
  forceMissing: boolean;
}

/**
 * Writes the geolocation file. Covered prefixes: every prefix used by a customer or seller except a
 * random ~1 % (at least one when `forceMissing`), plus unused prefixes while the row budget is large.
 * Returns the number of used prefixes left out.
 */
export async function writeGeolocation(
  zips: ZipTable,
  plan: GeolocationPlan,
  rng: Rng,
  out: CsvWriter,
): Promise<{ missing: number }> {
  const covered = new Uint8Array(zips.count);
  let missing = 0;
  let firstCustomerZip = -1;
  const unusedShare = Math.min(1, plan.rows / (20 * zips.count));
  for (let i = 0; i < zips.count; i++) {
    if (zips.usage[i]) {
      if (firstCustomerZip < 0 && zips.usage[i] === USED_BY_CUSTOMER) firstCustomerZip = i;
      if (rng.chance(GEO_MISSING_ZIP_SHARE)) missing++;
      else covered[i] = 1;
    } else if (rng.chance(unusedShare)) covered[i] = 1;
  }
  if (missing === 0 && plan.forceMissing && firstCustomerZip >= 0) {
    covered[firstCustomerZip] = 0;
    missing = 1;
  }
  let coveredCount = 0;
  let totalWeight = 0;
  for (let i = 0; i < zips.count; i++) {
    if (covered[i]) {
      coveredCount++;
      totalWeight += zips.weight[i]!;
    }
  }
  const extra = Math.max(0, plan.rows - coveredCount);
  // Rows beyond each prefix's first that copy the previous row exactly: ~26 % of all rows.
  const duplicateShare = extra > 0 ? Math.min(0.9, (GEO_DUPLICATE_SHARE * plan.rows) / extra) : 0;
  const perWeight = totalWeight > 0 ? extra / totalWeight : 0;
  for (let i = 0; i < zips.count; i++) {
    if (!covered[i]) continue;
    const rows = 1 + Math.floor(zips.weight[i]! * perWeight + rng.float());
    const prefix = `${zips.zipText[i]},`;
    const city = zips.city[i]!;
    const cityPlain = zips.cityPlain[i]!;
    const suffix = `,${city},${zips.states[zips.state[i]!]}\n`;
    const plainSuffix = city === cityPlain ? suffix : `,${cityPlain},${zips.states[zips.state[i]!]}\n`;
    const lat0 = zips.lat[i]!;
    const lng0 = zips.lng[i]!;
    let line = '';
    for (let r = 0; r < rows; r++) {
      if (r === 0 || !rng.chance(duplicateShare)) {
        let lat: number;
        let lng: number;
        if (rng.chance(GEO_OUTLIER_SHARE)) {
          const p = OUTLIER_POINTS[rng.int(OUTLIER_POINTS.length)]!;
          lat = p[0];
          lng = p[1];
        } else {
          lat = lat0 + (rng.float() + rng.float() - 1) * 0.03;
          lng = lng0 + (rng.float() + rng.float() - 1) * 0.03;
        }
        line = `${prefix}${lat},${lng}${rng.chance(GEO_CITY_VARIANT_SHARE) ? plainSuffix : suffix}`;
      }
      out.row(line);
    }
    if (out.isBlocked) await out.drain();
  }
  return { missing };
}
