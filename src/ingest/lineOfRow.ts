import { createReadStream } from 'node:fs';

/**
 * Physical line numbers (1-based; the header is line 1) where the given 0-based data rows start,
 * honouring quoted fields with embedded line breaks. Used only to name the line of an error,
 * so it scans the file once and stops after the last row asked for.
 */
export async function linesOfRows(file: string, rows: readonly number[]): Promise<Map<number, number>> {
  const wanted = new Set(rows);
  const result = new Map<number, number>();
  if (wanted.size === 0) return result;
  const last = Math.max(...rows);
  let line = 1;
  let rowsEnded = 0; // unquoted line ends seen: the header's, then one per data row
  let quoted = false;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) quoted = !quoted;
      else if (b === 0x0a) {
        line++;
        if (!quoted) {
          const startingRow = rowsEnded; // row 0 starts after the header's line end
          rowsEnded++;
          if (wanted.has(startingRow)) result.set(startingRow, line);
          if (startingRow >= last) return result;
        }
      }
    }
  }
  return result;
}
