import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultCache } from './cache.ts';
import { Metrics } from './metrics.ts';

const key = (datasetVersion: number, params: unknown = { a: 1, b: [1, 2] }) => ({
  datasetVersion,
  analysis: 'rfm',
  params,
});

describe('ResultCache', () => {
  it('keys by version, analysis and params regardless of key order', () => {
    const c = new ResultCache({ memoryEntries: 10, ttlSeconds: 60 });
    c.set(key(1, { a: 1, b: 2 }), 'x');
    expect(c.get(key(1, { b: 2, a: 1 }))).toBe('x');
    expect(c.get(key(2, { a: 1, b: 2 }))).toBeUndefined();
    expect(c.get({ ...key(1, { a: 1, b: 2 }), analysis: 'cohort' })).toBeUndefined();
  });

  it('survives a restart through the disk store, and a new version never sees an old result', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'olist-cache-')), 'cache.sqlite');
    const a = new ResultCache({ memoryEntries: 10, ttlSeconds: 60, file });
    a.set(key(1), { total: 42 });
    a.close();
    const b = new ResultCache({ memoryEntries: 10, ttlSeconds: 60, file });
    expect(b.get(key(1))).toEqual({ total: 42 });
    expect(b.get(key(2))).toBeUndefined();
    b.retainOnly(2);
    expect(b.get(key(1))).toBeUndefined();
    b.close();
  });

  it('expires entries after the TTL in both layers', () => {
    let now = 1_000_000;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'olist-cache-')), 'cache.sqlite');
    const c = new ResultCache({ memoryEntries: 10, ttlSeconds: 60, file, now: () => now });
    c.set(key(1), 'v');
    now += 59_000;
    expect(c.get(key(1))).toBe('v');
    now += 2_000;
    expect(c.get(key(1))).toBeUndefined();
    c.close();
  });

  it('bounds the memory layer and counts hits and misses', async () => {
    const metrics = new Metrics();
    const c = new ResultCache({ memoryEntries: 2, ttlSeconds: 60, metrics });
    c.set(key(1, 1), 'a');
    c.set(key(1, 2), 'b');
    c.set(key(1, 3), 'c');
    expect(c.get(key(1, 1))).toBeUndefined(); // evicted, no disk layer
    expect(c.get(key(1, 3))).toBe('c');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/olist_cache_requests_total\{layer="memory",result="hit"\} 1/);
    expect(text).toMatch(/olist_cache_requests_total\{layer="memory",result="miss"\} 1/);
  });

  it('computes once with getOrCompute', async () => {
    const c = new ResultCache({ memoryEntries: 10, ttlSeconds: 60 });
    let calls = 0;
    const compute = async () => ++calls;
    expect(await c.getOrCompute(key(1), compute)).toEqual({ value: 1, cached: false });
    expect(await c.getOrCompute(key(1), compute)).toEqual({ value: 1, cached: true });
    expect(calls).toBe(1);
  });
});
