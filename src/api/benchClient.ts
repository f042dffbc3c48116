/**
 * The load generator of the API bench, run in a child process (fork) so that it does not share an
 * event loop, and a core, with the server it measures. Protocol: one JSON message in (LoadRequest),
 * one out (LoadResult), then exit.
 */
import autocannon from 'autocannon';
import { z } from 'zod';

export const loadRequestSchema = z.object({
  url: z.string().url(),
  headers: z.record(z.string(), z.string()),
  duration: z.number().int().min(1).max(120),
  connections: z.number().int().min(1).max(200),
  rate: z.number().int().min(1),
});
export type LoadRequest = z.infer<typeof loadRequestSchema>;

export interface LoadResult {
  readonly latencies: number[];
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly seconds: number;
}

/** Runs autocannon against one GET url at a fixed overall rate and records every response's latency. */
export async function runLoad(req: LoadRequest): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: req.url,
        headers: req.headers,
        connections: req.connections,
        duration: req.duration,
        overallRate: req.rate,
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    });
  });
  return {
    latencies,
    statuses,
    errors: result.errors + result.timeouts,
    seconds: (performance.now() - started) / 1000,
  };
}

if (process.send && process.argv.includes('--olist-bench-client')) {
  process.once('message', (msg: unknown) => {
    runLoad(loadRequestSchema.parse(msg)).then(
      (r) => process.send!(r, () => process.exit(0)),
      (err: unknown) => {
        process.stderr.write(`bench client: ${String(err)}\n`);
        process.exit(1);
      },
    );
  });
}
