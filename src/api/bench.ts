/**
 * A bounded load test of the API on 127.0.0.1 (autocannon): latency percentiles and throughput of
 * a cached analysis view under a fixed request rate, and the latency of uncached RFM runs.
 * The server runs in this process on the given context (its data set is what is measured); the
 * caller's data directory is not touched: users, keys and jobs live in an in-memory app state.
 */

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { AppContext } from '../app/context.ts';
import { openAppState } from '../appstate/index.ts';
import type { LoadRequest, LoadResult } from './benchClient.ts';
import { startServer } from './server.ts';

const CLIENT = fileURLToPath(new URL('./benchClient.ts', import.meta.url));

export interface BenchApiOptions {
  /** Seconds of load per scenario (bounded: 1–120, default 10). */
  readonly durationSeconds?: number;
  /** Concurrent connections (1–200, default 16). */
  readonly connections?: number;
  /** Target request rate of the cached scenarios, req/s (default 500). */
  readonly rate?: number;
  /** Uncached RFM runs, one after another (1–50, default 5). */
  readonly uncachedRuns?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface LatencyStats {
  readonly requests: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** Completed requests per second. */
  readonly throughput_rps: number;
}

export interface BenchScenario extends LatencyStats {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly target_rps: number | null;
  /** Responses by status code. */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Anything but 2xx and intended 429s. */
  readonly unexpected: number;
}

export interface BenchApiResult {
  readonly dataset_version: number;
  readonly customers: number;
  readonly scenarios: readonly BenchScenario[];
  /** Targets of the issue: cached GET p95 < 20 ms at 500 req/s; uncached RFM < 500 ms. */
  readonly targets: { readonly cached_p95_ok: boolean; readonly uncached_rfm_ok: boolean };
}

function clamp(n: number | undefined, lo: number, hi: number, dflt: number): number {
  return Math.min(hi, Math.max(lo, Math.round(n ?? dflt)));
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export function latencyStats(latenciesMs: readonly number[], seconds: number): LatencyStats {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: s.length,
    p50_ms: r(percentile(s, 0.5)),
    p95_ms: r(percentile(s, 0.95)),
    p99_ms: r(percentile(s, 0.99)),
    max_ms: r(s.at(-1) ?? 0),
    throughput_rps: r(s.length / seconds),
  };
}

/** Runs the load generator in a child process (its own core) and returns what it measured. */
function loadGet(req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CLIENT, ['--olist-bench-client'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let result: LoadResult | undefined;
    child.once('message', (m) => {
      result = m as LoadResult;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the bench client exited with code ${code} and no result`)),
    );
    child.send(req);
  });
}

function unexpectedOf(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([s]) => !s.startsWith('2') && s !== '429')
    .reduce((n, [, c]) => n + c, 0);
}

/**
 * Starts the API on 127.0.0.1 (random port) over `ctx`, measures, and stops it. The context must
 * hold a published data set (the 100k-customer demo for the targets); it stays open.
 */
export async function benchApi(ctx: AppContext, opts: BenchApiOptions = {}): Promise<BenchApiResult> {
  const duration = clamp(opts.durationSeconds, 1, 120, 10);
  const connections = clamp(opts.connections, 1, 200, 16);
  const rate = clamp(opts.rate, 1, 100_000, 500);
  const runs = clamp(opts.uncachedRuns, 1, 50, 5);
  const log = opts.log ?? (() => {});
  const ds = await ctx.currentDataset();

  const state = openAppState({ refreshTokenTtlSeconds: 3600 });
  const { key } = state.apiKeys.create({ name: 'bench', role: 'analyst', createdBy: 'bench' });
  const server = await startServer(ctx, {
    host: '127.0.0.1',
    port: 0,
    state,
    jwtSecret: randomBytes(32),
    handleSignals: false,
    closeContext: false,
    // One bench client is one caller: the limiter would (rightly) refuse it most requests.
    rateLimit: { requestsPerMinute: 10_000_000, burst: 100_000 },
    logger: pino({ level: 'warn' }),
  });
  const base = `http://127.0.0.1:${server.port}/api/v1`;
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const scenarios: BenchScenario[] = [];
  try {
    for (const path of ['/analysis/overview', '/analysis/segments']) {
      const warm = await fetch(`${base}${path}`, { headers });
      if (!warm.ok) throw new Error(`warm-up of ${path} failed: ${warm.status} ${await warm.text()}`);
      // Warm up (JIT, caches, connections) at the same rate; not measured.
      await loadGet({ url: `${base}${path}`, headers, duration: Math.min(3, duration), connections, rate });
      log(`cached GET ${path}: ${rate} req/s for ${duration} s over ${connections} connections`);
      const r = await loadGet({ url: `${base}${path}`, headers, duration, connections, rate });
      scenarios.push({
        name: `cached GET ${path}`,
        method: 'GET',
        path,
        target_rps: rate,
        ...latencyStats(r.latencies, r.seconds),
        statuses: r.statuses,
        errors: r.errors,
        unexpected: unexpectedOf(r.statuses),
      });
    }

    // Uncached RFM: each run uses an as-of date whose result is not in the cache (memory or disk).
    const ov = (await (await fetch(`${base}/analysis/overview`, { headers })).json()) as {
      data: { last_purchase: string | null };
    };
    const last = new Date(`${ov.data.last_purchase ?? '2018-09-01'}T00:00:00Z`).getTime();
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const started = performance.now();
    for (let attempt = 0; latencies.length < runs && attempt < runs * 20; attempt++) {
      // Within the last half year, so (nearly) every customer is scored.
      const asOf = new Date(last - Math.floor(Math.random() * 180) * 86_400_000).toISOString().slice(0, 10);
      const t = performance.now();
      const res = await fetch(`${base}/analysis/rfm`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ as_of: asOf }),
      });
      const ms = performance.now() - t;
      const body = (await res.json()) as { meta?: { cached?: boolean } };
      if (body.meta?.cached) continue;
      latencies.push(ms);
      statuses[String(res.status)] = (statuses[String(res.status)] ?? 0) + 1;
      log(`uncached POST /analysis/rfm as of ${asOf}: ${Math.round(ms)} ms`);
    }
    scenarios.push({
      name: 'uncached POST /analysis/rfm',
      method: 'POST',
      path: '/analysis/rfm',
      target_rps: null,
      ...latencyStats(latencies, (performance.now() - started) / 1000),
      statuses,
      errors: 0,
      unexpected: unexpectedOf(statuses),
    });
  } finally {
    await server.close();
    state.close();
  }
  const cached = scenarios.filter((s) => s.method === 'GET');
  const rfm = scenarios.find((s) => s.path === '/analysis/rfm');
  return {
    dataset_version: ds.version,
    customers: ds.row_counts.customers ?? 0,
    scenarios,
    targets: {
      cached_p95_ok: cached.every((s) => s.p95_ms < 20 && s.unexpected === 0 && s.errors === 0),
      uncached_rfm_ok: rfm !== undefined && rfm.p95_ms < 500 && rfm.unexpected === 0,
    },
  };
}

/** The result as an aligned text table. */
export function formatBench(r: BenchApiResult): string {
  const head = [
    'scenario',
    'requests',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'statuses',
    'errors',
  ];
  const rows = r.scenarios.map((s) => [
    s.name,
    String(s.requests),
    String(s.throughput_rps),
    String(s.p50_ms),
    String(s.p95_ms),
    String(s.p99_ms),
    String(s.max_ms),
    Object.entries(s.statuses)
      .map(([k, v]) => `${k}:${v}`)
      .join(' '),
    String(s.errors + s.unexpected),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `API bench on data set version ${r.dataset_version} (${r.customers.toLocaleString('en-US')} customer rows)`,
    line(head),
    ...rows.map(line),
    `targets: cached GET p95 < 20 ms at 500 req/s: ${r.targets.cached_p95_ok ? 'met' : 'NOT met'}; ` +
      `uncached RFM < 500 ms: ${r.targets.uncached_rfm_ok ? 'met' : 'NOT met'}`,
  ].join('\n');
}
