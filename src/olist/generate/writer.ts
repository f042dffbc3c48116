/**
 * A buffered CSV file writer: rows are appended to an in-memory string chunk that is handed to a file
 * write stream once it reaches `chunkChars`. When the stream reports back-pressure the writer is marked
 * `blocked`; the producer awaits {@link CsvWriter.drain} (cheap when not blocked) between batches, so at
 * most one chunk plus the stream's high-water mark is held per file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export interface CsvWriterOptions {
  /** Characters collected before a write to the stream (default 256 Ki). */
  chunkChars?: number;
  /** The stream's high-water mark in bytes (default 1 MiB). */
  highWaterMark?: number;
}

export class CsvWriter {
  readonly path: string;
  /** Data rows written (the header is not counted). */
  rows = 0;
  private chunk = '';
  private readonly chunkChars: number;
  private readonly stream: WriteStream;
  private blocked = false;
  private failure: Error | null = null;

  constructor(path: string, header: string, options: CsvWriterOptions = {}) {
    this.path = path;
    this.chunkChars = options.chunkChars ?? 256 * 1024;
    this.stream = createWriteStream(path, { highWaterMark: options.highWaterMark ?? 1024 * 1024 });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
    this.chunk = header;
  }

  /** Appends one complete row (including its line end). */
  row(line: string): void {
    this.chunk += line;
    this.rows++;
    if (this.chunk.length >= this.chunkChars) this.flush();
  }

  /** Appends raw text that is not counted as a row (e.g. a trailing part of a row). */
  raw(text: string): void {
    this.chunk += text;
    if (this.chunk.length >= this.chunkChars) this.flush();
  }

  /** True when the stream asked the producer to wait. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const ok = this.stream.write(this.chunk);
    this.chunk = '';
    if (!ok) this.blocked = true;
  }

  /** Resolves once the stream can take more data; rejects if writing failed. */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.blocked) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        this.stream.off('drain', onDrain);
        reject(err);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
    this.blocked = false;
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
