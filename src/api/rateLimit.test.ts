import { describe, expect, it } from 'vitest';
import { rateLimitHeaders, TokenBucketLimiter } from './rateLimit.ts';

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    // 60 per minute = 1 per second, burst 3.
    const l = new TokenBucketLimiter({ ratePerMinute: 60, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => l.take('a').allowed)).toEqual([true, true, true, false]);
    const refused = l.take('a');
    expect(refused).toMatchObject({
      allowed: false,
      limit: 3,
      remaining: 0,
      retryAfterSeconds: 1,
      resetSeconds: 3,
    });
    now = 1000;
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('a').allowed).toBe(false);
    now = 10_000;
    expect(l.peek('a')).toMatchObject({ allowed: true, remaining: 3, resetSeconds: 0 });
  });

  it('keeps callers apart', () => {
    const l = new TokenBucketLimiter({ ratePerMinute: 1, burst: 1, now: () => 0 });
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('a').allowed).toBe(false);
    expect(l.take('b').allowed).toBe(true);
  });

  it('forgets refilled buckets when it holds too many keys', () => {
    let now = 0;
    const l = new TokenBucketLimiter({ ratePerMinute: 60, burst: 1, now: () => now, maxKeys: 2 });
    l.take('a');
    l.take('b');
    now = 5000;
    l.take('c');
    // a and b had refilled, so they were dropped; c's bucket is the only one left and is empty.
    expect(l.take('c').allowed).toBe(false);
    expect(l.take('a').allowed).toBe(true);
  });

  it('renders RateLimit headers, with Retry-After only when refused', () => {
    const l = new TokenBucketLimiter({ ratePerMinute: 6, burst: 1, now: () => 0 });
    expect(rateLimitHeaders(l.take('x'))).toEqual({
      'RateLimit-Limit': '1',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '10',
    });
    expect(rateLimitHeaders(l.take('x'))).toMatchObject({ 'Retry-After': '10' });
  });
});
