/**
 * Token-bucket rate limiting, in process. Each key (user, API key or IP) has a bucket of `burst`
 * tokens refilled at `ratePerMinute`; a request takes one. At scale the same interface would sit on
 * a shared store (Redis) so replicas agree.
 */

export interface RateLimitOptions {
  readonly ratePerMinute: number;
  readonly burst: number;
  /** Clock in ms (tests). */
  readonly now?: () => number;
  /** Buckets kept before full ones are swept. */
  readonly maxKeys?: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Bucket size (RateLimit-Limit). */
  readonly limit: number;
  /** Whole tokens left after this request (RateLimit-Remaining). */
  readonly remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  readonly resetSeconds: number;
  /** Seconds until a request would be allowed (Retry-After), when refused. */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: RateLimitOptions) {
    if (opts.ratePerMinute <= 0 || opts.burst < 1)
      throw new Error('rate limit needs a positive rate and a burst ≥ 1');
    this.perMs = opts.ratePerMinute / 60_000;
    this.now = opts.now ?? (() => performance.now());
    this.maxKeys = opts.maxKeys ?? 100_000;
  }

  get burst(): number {
    return this.opts.burst;
  }

  /** Takes `cost` tokens from the key's bucket if it has them. */
  take(key: string, cost = 1): RateLimitDecision {
    const b = this.refill(key);
    const allowed = b.tokens >= cost;
    if (allowed) b.tokens -= cost;
    return this.decision(b, allowed, cost);
  }

  /** What `take` would decide, without taking anything. */
  peek(key: string, cost = 1): RateLimitDecision {
    const b = this.refill(key);
    return this.decision(b, b.tokens >= cost, cost);
  }

  reset(): void {
    this.buckets.clear();
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.opts.burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(this.opts.burst, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    return b;
  }

  private decision(b: Bucket, allowed: boolean, cost: number): RateLimitDecision {
    return {
      allowed,
      limit: this.opts.burst,
      remaining: Math.max(0, Math.floor(b.tokens)),
      resetSeconds: Math.ceil((this.opts.burst - b.tokens) / this.perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((cost - b.tokens) / this.perMs / 1000)),
    };
  }

  /** Drops buckets that have refilled (they hold no information); if none, the oldest half. */
  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.opts.burst) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}

/** The RateLimit-* headers (and Retry-After when refused) of a decision. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  const h: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(d.resetSeconds),
  };
  if (!d.allowed) h['Retry-After'] = String(d.retryAfterSeconds);
  return h;
}
