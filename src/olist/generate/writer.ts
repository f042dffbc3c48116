/**
 * A buffered CSV file writer. Rows are encoded (UTF-8) straight into a preallocated byte chunk, so row
 * strings die young and nothing is joined later; a full chunk is handed to a file write stream. When
 * the stream reports back-pressure the writer starts listening for 'drain' at once and reports
 * `isBlocked`; the producer awaits {@link CsvWriter.drain} between batches, so at most a chunk plus the
 * stream's high-water mark (and what one batch adds) is held per file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export interface CsvWriterOptions {
  /** Bytes collected before a write to the stream (default 256 KiB). */
  chunkBytes?: number;
  /** The stream's high-water mark in bytes (default 1 MiB). */
  highWaterMark?: number;
}

export class CsvWriter {
  readonly path: string;
  /** Data rows written (the header is not counted). */
  rows = 0;
  private readonly chunkBytes: number;
  private chunk: Buffer;
  private used = 0;
  private readonly stream: WriteStream;
  private pending: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(path: string, header: string, options: CsvWriterOptions = {}) {
    this.path = path;
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.stream = createWriteStream(path, { highWaterMark: options.highWaterMark ?? 1024 * 1024 });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
    this.raw(header);
  }

  /** Appends one complete row (including its line end). */
  row(line: string): void {
    this.raw(line);
    this.rows++;
  }

  /** Appends text that is not counted as a row (the header, say). */
  raw(text: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.chunkBytes) {
      this.flush();
      if (text.length * 3 > this.chunkBytes) {
        this.send(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
  }

  /** True when the stream asked the producer to wait. */
  get isBlocked(): boolean {
    return this.pending !== null;
  }

  private flush(): void {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    this.send(full);
  }

  private send(bytes: Buffer): void {
    const ok = this.stream.write(bytes);
    // Listen for 'drain' right away: it may fire while the producer awaits another writer.
    if (!ok && this.pending === null) {
      const pending = new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.stream.off('error', onError);
          this.pending = null;
          resolve();
        };
        const onError = (err: Error): void => {
          this.stream.off('drain', onDrain);
          this.pending = null;
          reject(err);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
      // The failure is also recorded by the permanent 'error' listener and rethrown by drain/close.
      pending.catch(() => undefined);
      this.pending = pending;
    }
  }

  /** Resolves once the stream can take more data; rejects if writing failed. */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending) await this.pending;
    if (this.failure) throw this.failure;
  }

  /** Writes what is buffered and closes the file. */
  async close(): Promise<void> {
    this.flush();
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => {
        this.stream.off('error', reject);
        resolve();
      });
    });
    if (this.failure) throw this.failure;
  }

  /** Closes the file without waiting for pending data (after a failure elsewhere). */
  destroy(): void {
    this.stream.destroy();
  }
}

/** Awaits every blocked writer of a set. */
export async function drainAll(writers: readonly CsvWriter[]): Promise<void> {
  for (const w of writers) if (w.isBlocked) await w.drain();
}
