/** Browser-side summaries of CLV predictions (pure). */

export type Row = Record<string, string | number | null>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Histogram of a column with `bins` equal-width bins between 0 and the 99th percentile (the rest in the last bin). */
export function histogram(rows: readonly Row[], col: string, bins = 20): { label: string; count: number }[] {
  const vals = rows
    .map((r) => num(r[col]))
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  if (!vals.length) return [];
  const hi = vals[Math.min(vals.length - 1, Math.floor(vals.length * 0.99))]!;
  const lo = Math.min(0, vals[0]!);
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of vals) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]! += 1;
  return counts.map((count, i) => ({
    label: `${Math.round(lo + i * width)}${i === bins - 1 ? '+' : `–${Math.round(lo + (i + 1) * width)}`}`,
    count,
  }));
}

/**
 * A default calibration end `share` of the way from the first to the last purchase day (ISO dates or
 * timestamps), as an ISO date; null when the range is unknown or empty.
 */
export function defaultCalibrationEnd(
  first: string | null | undefined,
  last: string | null | undefined,
  share = 0.6,
): string | null {
  if (!first || !last) return null;
  const a = Date.parse(`${first.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${last.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) return null;
  const days = Math.round(((b - a) / 86_400_000) * share);
  return new Date(a + days * 86_400_000).toISOString().slice(0, 10);
}

/** Cells [frequency index, recency index, value] of a model matrix (values[i][j]: recency i, frequency j). */
export function matrixCells(m: {
  frequency: readonly number[];
  recency: readonly number[];
  values: readonly (readonly (number | null)[])[];
}): [number, number, number][] {
  const cells: [number, number, number][] = [];
  m.recency.forEach((_, i) => {
    m.frequency.forEach((_, j) => {
      const v = m.values[i]?.[j];
      if (typeof v === 'number' && Number.isFinite(v)) cells.push([j, i, v]);
    });
  });
  return cells;
}
