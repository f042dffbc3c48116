/**
 * The hand-written zip/city table (zips.ts, public knowledge) expanded into flat arrays of zip
 * prefixes, weighted choice of a zip prefix within a state, and the geolocation file: several jittered
 * points per covered prefix, about a quarter of them exact duplicates, a few used prefixes left out on
 * purpose and a handful of points far outside Brazil (quirks the real file is known to have).
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

/** City weight units (≈ thousand inhabitants) per generated zip prefix: about 17,000 prefixes in all. */
const WEIGHT_PER_PREFIX = 6;
const KM_PER_DEGREE = 111.2;

/** Parses 'from-to from-to …' into [from, to] pairs (inclusive 5-digit prefixes). */
export function parseZipRanges(text: string): [from: number, to: number][] {
  return text.split(' ').map((part) => {
    const m = /^(\d{5})-(\d{5})$/.exec(part);
    if (!m) throw new Error(`bad zip range '${part}'`);
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (to < from) throw new Error(`bad zip range '${part}'`);
    return [from, to];
  });
}

/** 32-bit integer hash (a fixed mixing function, so the table is the same on every run). */
function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A number in [0, 1) from a hash of `x`. */
function unit(x: number): number {
  return hash32(x) / 4294967296;
}

export class ZipTable {
  readonly count: number;
  /** State codes, in the order of the embedded table (alphabetical). */
  readonly states: readonly string[];
  /** Zip prefixes, ascending within each state. */
  readonly zip: Int32Array;
  readonly zipText: readonly string[];
  readonly state: Uint8Array;
  /** City as spelled in the geolocation data (may carry accents). */
  readonly city: readonly string[];
  /** City lower case without accents, as in the customers and sellers files. */
  readonly cityPlain: readonly string[];
  /** Centre of the prefix: the city centre jittered a few km (by a hash of the prefix). */
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  /** Share of the city's weight carried by the prefix: customers and geolocation rows follow it. */
  readonly weight: Float64Array;
  /** USED_BY_* bits, set by the generator as customers and sellers pick prefixes. */
  readonly usage: Uint8Array;
  private readonly stateStart: Int32Array;
  private readonly stateAlias: AliasTable[];

  constructor() {
    interface Entry {
      zip: number;
      city: string;
      lat: number;
      lng: number;
      weight: number;
    }
    const entries: Entry[] = [];
    const states: number[] = [];
    const seen = new Uint8Array(100_000);
    this.states = ZIP_STATES.map((s) => s.state);
    this.stateStart = new Int32Array(ZIP_STATES.length + 1);
    ZIP_STATES.forEach((s, si) => {
      this.stateStart[si] = entries.length;
      const stateRanges = parseZipRanges(s.cep);
      const list: Entry[] = [];
      for (const [city, lat0, lng0, w, text] of s.cities) {
        const ranges = parseZipRanges(text);
        for (const [from, to] of ranges) {
          if (!stateRanges.some(([a, b]) => from >= a && to <= b))
            throw new Error(`${city} (${s.state}): ${from}-${to} outside the state's CEP range`);
        }
        const size = ranges.reduce((t, [a, b]) => t + b - a + 1, 0);
        const n = Math.min(size, Math.max(1, Math.round(w / WEIGHT_PER_PREFIX)));
        const radiusKm = 1.5 + 0.12 * Math.sqrt(w);
        const kmPerDegreeLng = KM_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
        const key = Math.imul(ranges[0]![0], 8191);
        for (let j = 0; j < n; j++) {
          // One prefix in each of n (near-)equal integer slots of the city's sub-ranges, at a hashed offset.
          const lo = Math.floor((j * size) / n);
          const hi = Math.floor(((j + 1) * size) / n);
          let pos = lo + Math.floor(unit(key + j) * (hi - lo));
          let zip = -1;
          for (const [a, b] of ranges) {
            if (pos <= b - a) {
              zip = a + pos;
              break;
            }
            pos -= b - a + 1;
          }
          if (zip < 0 || seen[zip]) throw new Error(`zip prefix ${zip} of ${city} (${s.state}) is taken`);
          seen[zip] = 1;
          const r = radiusKm * Math.sqrt(unit(zip * 2 + 1));
          const angle = 2 * Math.PI * unit(zip * 2 + 2);
          list.push({
            zip,
            city,
            lat: Math.round((lat0 + (r * Math.cos(angle)) / KM_PER_DEGREE) * 1e4) / 1e4,
            lng: Math.round((lng0 + (r * Math.sin(angle)) / kmPerDegreeLng) * 1e4) / 1e4,
            weight: w / n,
          });
        }
      }
      list.sort((a, b) => a.zip - b.zip);
      for (const e of list) {
        entries.push(e);
        states.push(si);
      }
    });
    const count = entries.length;
    this.stateStart[ZIP_STATES.length] = count;
    this.count = count;
    this.zip = new Int32Array(count);
    this.lat = new Float64Array(count);
    this.lng = new Float64Array(count);
    this.weight = new Float64Array(count);
    this.state = Uint8Array.from(states);
    const zipText: string[] = [];
    const city: string[] = [];
    const cityPlain: string[] = [];
    const plain = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      this.zip[i] = e.zip;
      this.lat[i] = e.lat;
      this.lng[i] = e.lng;
      this.weight[i] = e.weight;
      zipText.push(zip5(e.zip));
      city.push(e.city);
      let p = plain.get(e.city);
      if (p === undefined) {
        p = stripAccents(e.city);
        plain.set(e.city, p);
      }
      cityPlain.push(p);
    }
    this.zipText = zipText;
    this.city = city;
    this.cityPlain = cityPlain;
    this.usage = new Uint8Array(this.count);
    this.stateAlias = ZIP_STATES.map(
      (_, si) => new AliasTable(this.weight.subarray(this.stateStart[si], this.stateStart[si + 1])),
    );
  }

  stateIndex(code: string): number {
    const i = this.states.indexOf(code);
    if (i < 0) throw new Error(`unknown state ${code}`);
    return i;
  }

  /** A zip prefix of the state, weighted so each city gets its weight's share of the state. */
  pickInState(stateIndex: number, rng: Rng): number {
    return this.stateStart[stateIndex]! + this.stateAlias[stateIndex]!.pick(rng);
  }
}

export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Far-away points of the kind the real file is known to contain (olist-deep-dive: points in Portugal,
 * the Canary Islands, Argentina): rough public coordinates of Braga, Las Palmas, Buenos Aires and
 * Lisbon, jittered like every other point.
 */
const OUTLIER_POINTS: readonly (readonly [number, number])[] = [
  [41.55, -8.42],
  [28.1, -15.41],
  [-34.6, -58.7],
  [38.72, -9.14],
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
          lat = p[0] + (rng.float() + rng.float() - 1) * 0.03;
          lng = p[1] + (rng.float() + rng.float() - 1) * 0.03;
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
