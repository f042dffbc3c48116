import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The server's HTTP metrics, registered on the process registry (once, even if the app is built twice). */
export class HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  readonly rateLimited: Counter<'scope'>;
  readonly jobs: Gauge<'status'>;

  constructor(registry: Registry) {
    this.requests = reuse(
      registry,
      'olist_http_requests_total',
      () =>
        new Counter({
          name: 'olist_http_requests_total',
          help: 'HTTP requests by method, route template and status',
          labelNames: ['method', 'route', 'status'] as const,
          registers: [registry],
        }),
    );
    this.duration = reuse(
      registry,
      'olist_http_request_duration_seconds',
      () =>
        new Histogram({
          name: 'olist_http_request_duration_seconds',
          help: 'HTTP request latency by method, route template and status',
          labelNames: ['method', 'route', 'status'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
          registers: [registry],
        }),
    );
    this.rateLimited = reuse(
      registry,
      'olist_rate_limit_rejections_total',
      () =>
        new Counter({
          name: 'olist_rate_limit_rejections_total',
          help: 'Requests refused with 429, by limiter (api, login)',
          labelNames: ['scope'] as const,
          registers: [registry],
        }),
    );
    this.jobs = reuse(
      registry,
      'olist_jobs',
      () =>
        new Gauge({
          name: 'olist_jobs',
          help: 'Background jobs of this process by status',
          labelNames: ['status'] as const,
          registers: [registry],
        }),
    );
  }
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
