import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The one Prometheus registry of the process, with the product's own metrics. */
export class Metrics {
  readonly registry = new Registry();

  readonly analysisDuration = new Histogram({
    name: 'olist_analysis_duration_seconds',
    help: 'Duration of analyses (computed, not served from cache)',
    labelNames: ['analysis'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly rowsIngested = new Counter({
    name: 'olist_rows_ingested_total',
    help: 'Rows loaded by ingest, by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly cacheRequests = new Counter({
    name: 'olist_cache_requests_total',
    help: 'Result cache look-ups by layer and result',
    labelNames: ['layer', 'result'] as const,
    registers: [this.registry],
  });

  readonly datasetRows = new Gauge({
    name: 'olist_dataset_rows',
    help: 'Rows in the current data set, by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  /** Adds Node.js process metrics (memory, event loop lag); for the server. */
  withDefaults(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }
}
