import type { Job, JobStore } from '../appstate/jobs.ts';
import { OlistError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { HttpMetrics } from './httpMetrics.ts';

export type JobWork = (progress: (fraction: number) => void) => Promise<unknown>;

interface Pending {
  readonly id: string;
  readonly work: JobWork;
}

/**
 * Runs background jobs in this process, a few at a time, recording status, progress and result
 * in the job store. On shutdown, jobs still queued or running after the grace period are
 * recorded as failed, so none is lost silently.
 */
export class JobRunner {
  private readonly queue: Pending[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: JobStore,
    private readonly logger: Logger,
    private readonly metrics: HttpMetrics,
    private readonly concurrency = 2,
  ) {}

  submit(
    input: { kind: string; params: Record<string, unknown>; owner: string; requestId: string },
    work: JobWork,
  ): Job {
    if (this.stopping) throw new OlistError('CONFLICT', 'the server is shutting down: no new jobs');
    const job = this.store.create(input);
    this.queue.push({ id: job.id, work });
    this.updateGauge();
    this.pump();
    return job;
  }

  /** Waits for running jobs up to `timeoutMs`, then records whatever is unfinished as failed. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const p of this.queue.splice(0)) {
      this.store.fail(p.id, { code: 'INTERNAL', message: 'server stopped before the job started' });
    }
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running.values()]),
        new Promise((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const id of this.running.keys()) {
      this.store.fail(id, { code: 'INTERNAL', message: 'server stopped while the job was running' });
    }
    this.running.clear();
    this.updateGauge();
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.concurrency && this.queue.length) {
      const next = this.queue.shift()!;
      this.running.set(next.id, this.execute(next));
    }
  }

  private async execute({ id, work }: Pending): Promise<void> {
    this.store.start(id);
    this.updateGauge();
    const log = this.logger.child({ job: id });
    try {
      const result = await work((f) => {
        if (this.running.has(id)) this.store.progress(id, f);
      });
      if (this.running.has(id)) this.store.succeed(id, result);
      log.info('job done');
    } catch (err) {
      const known = err instanceof OlistError;
      if (!known) log.error({ err }, 'job failed');
      if (this.running.has(id)) {
        this.store.fail(id, {
          code: known ? err.code : 'INTERNAL',
          message: known ? err.message : 'internal error',
        });
      }
    } finally {
      this.running.delete(id);
      this.updateGauge();
      this.pump();
    }
  }

  private updateGauge(): void {
    this.metrics.jobs.set({ status: 'queued' }, this.queue.length);
    this.metrics.jobs.set({ status: 'running' }, this.running.size);
  }
}
