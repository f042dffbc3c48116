import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/**
 * Presentation helpers for the analytics CLI commands (rfm, cohort, overview, marketplace):
 * output sinks with back-pressure and number rounding for tables.
 */

export interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** A sink on a file (created or truncated), or on stdout when `file` is undefined. */
export function openSink(file?: string): Sink {
  const out: NodeJS.WritableStream = file ? createWriteStream(file) : process.stdout;
  return {
    async write(text: string) {
      if (!out.write(text)) await once(out, 'drain');
    },
    async close() {
      if (!file) return;
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
    },
  };
}

/** Writes `text` to `file` or stdout. */
export async function emit(text: string, file?: string): Promise<void> {
  const sink = openSink(file);
  await sink.write(text);
  await sink.close();
}

type Cell = string | number | boolean | null | undefined;

/** CSV lines of rows without a header (for streamed chunks after the first). */
export function csvBody(rows: readonly Record<string, Cell>[], columns: readonly string[]): string {
  return stringify(
    rows.map((r) => columns.map((c) => r[c] ?? null)),
    { header: false, cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

/** Rounds to `digits` decimals; null stays null. */
export function round(x: number | null | undefined, digits = 2): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A fraction as a percentage rounded to `digits` decimals. */
export function pct(x: number | null | undefined, digits = 1): number | null {
  return x === null || x === undefined ? null : round(x * 100, digits);
}

/** Fixed-width text rows for streamed tables (values cut to width, numbers right-aligned). */
export function fixedWidthLine(
  values: readonly Cell[],
  widths: readonly number[],
  numeric: readonly boolean[],
): string {
  return `${values
    .map((v, i) => {
      const s = v === null || v === undefined ? '' : String(v);
      const w = widths[i]!;
      return numeric[i] ? s.padStart(w) : s.padEnd(w);
    })
    .join('  ')
    .trimEnd()}\n`;
}
