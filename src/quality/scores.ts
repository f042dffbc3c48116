/**
 * Quality scores, 0–100, per table and overall, in five dimensions (docs/quality.md):
 * each dimension's score is 100 × the mean "pass rate" of the table's checks in that dimension.
 * - A row rule's pass rate is its passing share (1 − failing ÷ rows checked).
 * - A table-level rule (row count, drift) counts 1 when it passes and 0 when it fails; a freshness
 *   rule is graded: 1 within the limit, falling linearly to 0 at twice the limit.
 * - A rule whose SQL failed counts 0; skipped rules do not count.
 * - Completeness also counts the table's cell completeness: 1 − null cells ÷ (rows × columns).
 * A dimension without checks is null (not applicable), never a free 100. A table's score is the
 * mean of its non-null dimensions; an overall dimension is the mean over tables; the overall
 * score is the mean of the overall dimensions.
 */
import type { TableName } from '../olist/tables.ts';
import { DIMENSIONS, type Dimension } from './rules.ts';
import type { RuleResult, TableStats } from './run.ts';

export type ScoreSet = { readonly score: number | null } & { readonly [D in Dimension]: number | null };

export interface Scores {
  readonly overall: ScoreSet;
  readonly tables: Partial<Record<TableName, ScoreSet>>;
}

const mean = (xs: readonly number[]): number | null =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function scoreSet(byDimension: Record<Dimension, number | null>): ScoreSet {
  const present = DIMENSIONS.map((d) => byDimension[d]).filter((x): x is number => x !== null);
  const out = { score: round1(mean(present)) } as { score: number | null } & Record<Dimension, number | null>;
  for (const d of DIMENSIONS) out[d] = round1(byDimension[d]);
  return out;
}

export function computeScores(
  results: readonly RuleResult[],
  tables: Partial<Record<TableName, TableStats>>,
): Scores {
  const names = [...new Set([...results.map((r) => r.table), ...(Object.keys(tables) as TableName[])])];
  const perTable: Partial<Record<TableName, Record<Dimension, number | null>>> = {};
  for (const table of names) {
    const dims = {} as Record<Dimension, number | null>;
    for (const d of DIMENSIONS) {
      const rates = results
        .filter((r) => r.table === table && r.dimension === d && r.status !== 'skipped')
        .map((r) => (r.status === 'error' ? 0 : r.pass_rate));
      const stats = tables[table];
      if (d === 'completeness' && stats && stats.cells > 0) rates.push(1 - stats.null_cells / stats.cells);
      const m = mean(rates);
      dims[d] = m === null ? null : 100 * m;
    }
    perTable[table] = dims;
  }
  const overall = {} as Record<Dimension, number | null>;
  for (const d of DIMENSIONS) {
    overall[d] = mean(
      Object.values(perTable)
        .map((dims) => dims[d])
        .filter((x): x is number => x !== null),
    );
  }
  const tableScores: Partial<Record<TableName, ScoreSet>> = {};
  for (const [t, dims] of Object.entries(perTable) as [TableName, Record<Dimension, number | null>][]) {
    tableScores[t] = scoreSet(dims);
  }
  // The overall score is the mean of the (unrounded) overall dimensions.
  return { overall: scoreSet(overall), tables: tableScores };
}
