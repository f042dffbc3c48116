import type { Row } from './types.ts';

/** One in-memory array as a chunked row source. */
export function fromArray(rows: readonly Row[], chunk = 5000): () => AsyncIterable<readonly Row[]> {
  return async function* () {
    for (let i = 0; i < rows.length; i += chunk) yield rows.slice(i, i + chunk);
  };
}

class Stopped extends Error {}

/**
 * Turns a callback producer (`run(onRows)`, e.g. a DuckDB streaming result) into an async
 * iterable with backpressure: the producer waits until the consumer has taken each chunk, so at
 * most one chunk is held. Breaking out of the loop stops the producer at its next chunk.
 */
export async function* chunksOf<T>(
  run: (onRows: (rows: readonly T[]) => Promise<void>) => Promise<unknown>,
): AsyncGenerator<readonly T[]> {
  const queue: (readonly T[])[] = [];
  let wakeConsumer: (() => void) | null = null;
  let release: (() => void) | null = null;
  let done = false;
  let stopped = false;
  let failure: { error: unknown } | null = null;
  const wake = () => {
    const w = wakeConsumer;
    wakeConsumer = null;
    w?.();
  };
  const producing = run(async (rows) => {
    if (stopped) throw new Stopped('consumer stopped');
    queue.push(rows);
    wake();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    if (stopped) throw new Stopped('consumer stopped');
  }).then(
    () => {
      done = true;
      wake();
    },
    (error: unknown) => {
      if (!(error instanceof Stopped)) failure = { error };
      done = true;
      wake();
    },
  );
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        const r = release as (() => void) | null;
        release = null;
        r?.();
        continue;
      }
      if (done) {
        const f = failure as { error: unknown } | null;
        if (f) throw f.error;
        return;
      }
      await new Promise<void>((resolve) => {
        wakeConsumer = resolve;
      });
    }
  } finally {
    if (!done) {
      stopped = true;
      const r = release as (() => void) | null;
      release = null;
      r?.();
    }
    await producing;
  }
}
