import cliProgress from 'cli-progress';

/** Reports progress of long work: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface Progress {
  start(total: number, label: string): void;
  update(done: number, label?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly unit: string;
  /** Where output goes; a TTY gets a bar. */
  readonly stream?: NodeJS.WriteStream;
  /** Minimum ms between plain lines. */
  readonly intervalMs?: number;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY
    ? new BarProgress(stream, opts.unit)
    : new LineProgress(stream, opts.unit, opts.intervalMs ?? 2000);
}

/** A progress that prints nothing (library use, tests). */
export const noProgress: Progress = { start() {}, update() {}, stop() {} };

class BarProgress implements Progress {
  private readonly bar: cliProgress.SingleBar;
  constructor(stream: NodeJS.WriteStream, unit: string) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: `{label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  private started = 0;
  start(total: number, label: string): void {
    this.started = performance.now();
    this.bar.start(total, 0, { label, rate: '0' });
  }
  update(done: number, label?: string): void {
    const secs = (performance.now() - this.started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0';
    this.bar.update(done, label ? { label, rate } : { rate });
  }
  stop(): void {
    this.bar.stop();
  }
}

class LineProgress implements Progress {
  private total = 0;
  private label = '';
  private started = 0;
  private lastPrint = 0;
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly unit: string,
    private readonly intervalMs: number,
  ) {}
  start(total: number, label: string): void {
    this.total = total;
    this.label = label;
    this.started = performance.now();
    this.lastPrint = this.started;
  }
  update(done: number, label?: string): void {
    if (label) this.label = label;
    const now = performance.now();
    if (now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    const secs = (now - this.started) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 && this.total > done ? Math.round((this.total - done) / rate) : 0;
    const pct = this.total > 0 ? ((100 * done) / this.total).toFixed(1) : '?';
    this.stream.write(
      `${this.label}: ${done}/${this.total} ${this.unit} (${pct}%), ${Math.round(rate)} ${this.unit}/s, ETA ${eta}s\n`,
    );
  }
  stop(): void {
    const secs = (performance.now() - this.started) / 1000;
    this.stream.write(`${this.label}: done in ${secs.toFixed(1)}s\n`);
  }
}
