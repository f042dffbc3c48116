/**
 * Seeded pseudo-random numbers for the synthetic generator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Chaotic PRNG, 128-bit state, passes PractRand) seeded through splitmix32, plus the samplers the
 * generator needs (weighted choice via Walker/Vose alias tables, normal, lognormal, Poisson, geometric,
 * piecewise-linear quantile functions) and 32-character lowercase hex ids.
 *
 * Everything is deterministic: the same seed and stream number give the same sequence on every platform
 * (only 32-bit integer arithmetic and IEEE doubles are used).
 */

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a well-mixed 32-bit value from a counter. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = 0;
  private hasSpare = false;

  /**
   * @param seed any finite number (integers beyond 2^32 are folded in, fractions are dropped)
   * @param stream an independent sub-stream of the same seed (e.g. one per generator stage)
   */
  constructor(seed: number, stream = 0) {
    const s = Math.trunc(seed);
    const lo = s >>> 0;
    const hi = Math.floor(s / TWO_POW_32) >>> 0;
    let x = splitmix32(lo ^ Math.imul(stream + 1, 0x632be5ab));
    x = splitmix32(x ^ hi);
    this.a = splitmix32(x);
    this.b = splitmix32(this.a ^ 0x5bd1e995);
    this.c = splitmix32(this.b ^ lo);
    this.d = splitmix32(this.c ^ stream);
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Next uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.next() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal (Marsaglia polar method, the second value is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** exp(N(mu, sigma)): a lognormal with median exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Lognormal given its median rather than mu. */
  lognormalMedian(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson(lambda): Knuth's product method for small lambda, a rounded normal otherwise. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** Number of failures before the first success, success probability p (0 < p <= 1). */
  geometric(p: number): number {
    if (p >= 1) return 0;
    const u = 1 - this.float();
    return Math.floor(Math.log(u) / Math.log(1 - p));
  }

  /** A random 32-character lowercase hex id, like Olist's md5-looking keys. */
  hexId(): string {
    const a = this.next();
    const b = this.next();
    const c = this.next();
    const d = this.next();
    return (
      HEX4[a >>> 16]! +
      HEX4[a & 0xffff]! +
      HEX4[b >>> 16]! +
      HEX4[b & 0xffff]! +
      HEX4[c >>> 16]! +
      HEX4[c & 0xffff]! +
      HEX4[d >>> 16]! +
      HEX4[d & 0xffff]!
    );
  }
}

const HEX4: string[] = (() => {
  const out = new Array<string>(65536);
  for (let i = 0; i < 65536; i++) out[i] = i.toString(16).padStart(4, '0');
  return out;
})();

/**
 * Walker/Vose alias table: O(1) weighted choice of an index with one random number.
 * Weights need not be normalised; zero weights are never picked.
 */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`invalid weight ${w} at ${i}`);
      total += w;
    }
    if (total <= 0) throw new Error('AliasTable needs a positive total weight');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    while (nl > 0) {
      const l = large[--nl]!;
      this.prob[l] = 1;
      this.alias[l] = l;
    }
    while (ns > 0) {
      const s = small[--ns]!;
      this.prob[s] = 1;
      this.alias[s] = s;
    }
  }

  pick(rng: Rng): number {
    const u = rng.float() * this.size;
    const i = Math.floor(u);
    return u - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** A weighted choice among labelled values. */
export class Categorical<T> {
  private readonly table: AliasTable;
  constructor(
    readonly values: readonly T[],
    weights: readonly number[],
  ) {
    if (values.length !== weights.length) throw new Error('values and weights differ in length');
    this.table = new AliasTable(weights);
  }
  static fromRecord<K extends string>(record: Readonly<Record<K, number>>): Categorical<K> {
    const keys = Object.keys(record) as K[];
    return new Categorical(
      keys,
      keys.map((k) => record[k]),
    );
  }
  static fromPairs<T>(pairs: readonly (readonly [T, number])[]): Categorical<T> {
    return new Categorical(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }
  pick(rng: Rng): T {
    return this.values[this.table.pick(rng)]!;
  }
}

/**
 * A distribution given by published quantiles, sampled by linear interpolation of the inverse CDF.
 * `points` are [probability, value] pairs, increasing in both, from probability 0 to 1.
 */
export class QuantileSampler {
  private readonly p: Float64Array;
  private readonly v: Float64Array;
  constructor(points: readonly (readonly [number, number])[]) {
    if (points.length < 2 || points[0]![0] !== 0 || points[points.length - 1]![0] !== 1) {
      throw new Error('QuantileSampler needs points from probability 0 to 1');
    }
    this.p = Float64Array.from(points.map((x) => x[0]));
    this.v = Float64Array.from(points.map((x) => x[1]));
  }
  /** The value at cumulative probability u in [0, 1]. */
  at(u: number): number {
    const p = this.p;
    let i = 1;
    while (i < p.length - 1 && u > p[i]!) i++;
    const p0 = p[i - 1]!;
    const p1 = p[i]!;
    const t = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
    return this.v[i - 1]! + t * (this.v[i]! - this.v[i - 1]!);
  }
  sample(rng: Rng): number {
    return this.at(rng.float());
  }
}

/** Standard normal CDF (Abramowitz & Stegun 26.2.17, absolute error < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = 0.3989422804014327 * Math.exp((-z * z) / 2) * poly;
  return z >= 0 ? 1 - tail : tail;
}

/**
 * `count` distinct integers from [0, n), in increasing order (partial Fisher–Yates over a lazily
 * materialised permutation, so memory is O(count)).
 */
export function sampleDistinct(rng: Rng, n: number, count: number): number[] {
  const k = Math.min(count, n);
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    swapped.set(j, vi);
    out.push(vj);
  }
  return out.sort((a, b) => a - b);
}
