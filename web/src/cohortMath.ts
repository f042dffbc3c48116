/** Browser-side cohort helpers (pure). */

/** Running sums along each row; null (not yet observed) cells stay null. */
export function cumulativeRows(m: readonly (readonly (number | null)[])[]): (number | null)[][] {
  return m.map((row) => {
    let sum = 0;
    return row.map((v) => {
      if (v === null) return null;
      sum += v;
      return sum;
    });
  });
}

/** Heatmap cells [period, cohortIndex, value] for the observed cells only: censored ones stay empty. */
export function heatmapCells(m: readonly (readonly (number | null)[])[]): [number, number, number][] {
  const out: [number, number, number][] = [];
  m.forEach((row, y) => {
    row.forEach((v, x) => {
      if (v !== null && Number.isFinite(v)) out.push([x, y, v]);
    });
  });
  return out;
}
