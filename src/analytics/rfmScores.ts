import type { DuckDBConnection } from '@duckdb/node-api';
import { Engine, ident } from '../engine/engine.ts';

/**
 * Tie-safe 1–5 scores.
 *
 * Quintiles by `NTILE(5)` split customers with identical values across scores: in Olist ~97% of
 * customers have frequency 1 and NTILE hands them F = 1, 2, 3, 4 and part of 5 by row order. Here a
 * score is a property of the value, never of the row:
 *
 * 1. Distinct values are put in "goodness" order (ascending for frequency and monetary,
 *    descending for recency days: the most recent customers are the best).
 * 2. Bins are filled greedily from the worst end. For the next score, with `remaining` customers
 *    not yet scored and `b` scores left, the target size is `remaining / b`; the bin ends at the
 *    boundary between two distinct values whose cumulative count is nearest that target (on a
 *    tie, the larger bin). A bin always holds at least one distinct value, and a value is never split.
 * 3. So bins adapt: a value shared by 97% of customers fills score 1 alone and the remaining 3%
 *    are re-split among scores 2–5. A metric with k < 5 distinct values gets scores 1..k (empty
 *    bins collapse; the best value gets score k, not 5). With no ties it is plain quintiles.
 *
 * The result is the list of bins actually used, `[{score, min, max, customers}]`, in natural units.
 */

export type Direction = 'asc' | 'desc';

export interface ScoreBin {
  readonly score: number;
  /** Smallest metric value in the bin (natural units, e.g. days). */
  readonly min: number;
  /** Largest metric value in the bin. */
  readonly max: number;
  readonly customers: number;
}

/**
 * Finds, among the cumulative counts of the distinct values (goodness order), the smallest one
 * with `cum - lo >= target` (`over`) and the largest one with `lo < cum` and `cum - lo < target`
 * (`under`, null when none).
 */
export type CumulativeLocator = (
  lo: number,
  target: number,
) => Promise<{ under: number | null; over: number | null }>;

/**
 * The cumulative counts (in goodness order) at which each bin ends, at most `scores` of them; the
 * last is always `total`. Empty when `total` is 0.
 */
export async function greedyCuts(
  total: number,
  scores: number,
  locate: CumulativeLocator,
): Promise<number[]> {
  const cuts: number[] = [];
  let lo = 0;
  for (let left = scores; left >= 1 && lo < total; left--) {
    if (left === 1) {
      cuts.push(total);
      break;
    }
    const target = (total - lo) / left;
    const { under, over } = await locate(lo, target);
    // `over` exists: the last distinct value has cum = total and total - lo >= target.
    let end = over ?? total;
    if (under !== null && target - (under - lo) < end - lo - target) end = under;
    cuts.push(end);
    lo = end;
  }
  return cuts;
}

/** A locator over an in-memory ascending list of cumulative counts (for tests and small histograms). */
export function arrayLocator(cums: readonly number[]): CumulativeLocator {
  return async (lo, target) => {
    let under: number | null = null;
    let over: number | null = null;
    for (const c of cums) {
      if (c <= lo) continue;
      if (c - lo >= target) {
        over = c;
        break;
      }
      under = c;
    }
    return { under, over };
  };
}

/** Bins of a list of values, computed in memory: the reference implementation the SQL path must match. */
export async function binsOfValues(
  values: readonly number[],
  direction: Direction,
  scores = 5,
): Promise<ScoreBin[]> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => (direction === 'asc' ? a - b : b - a));
  const cums: number[] = [];
  let cum = 0;
  for (const v of distinct) {
    cum += counts.get(v)!;
    cums.push(cum);
  }
  const cuts = await greedyCuts(values.length, scores, arrayLocator(cums));
  const bins: ScoreBin[] = [];
  let i = 0;
  let lo = 0;
  cuts.forEach((end, k) => {
    const members: number[] = [];
    while (i < distinct.length && cums[i]! <= end) members.push(distinct[i++]!);
    bins.push({ score: k + 1, min: Math.min(...members), max: Math.max(...members), customers: end - lo });
    lo = end;
  });
  return bins;
}

/**
 * Bins of a numeric column of a table, computed in SQL on `conn` (the table may be TEMP):
 * one GROUP BY for the histogram, then at most 2 × scores small look-ups on it.
 */
export async function binsOfColumn(
  conn: DuckDBConnection,
  table: string,
  column: string,
  direction: Direction,
  scores = 5,
): Promise<ScoreBin[]> {
  const hist = ident(`hist_${column}`);
  const goodness = direction === 'asc' ? ident(column) : `-${ident(column)}`;
  await conn.run(`DROP TABLE IF EXISTS ${hist}`);
  await conn.run(
    `CREATE TEMP TABLE ${hist} AS
       SELECT ${ident(column)}::DOUBLE AS x, count(*)::BIGINT AS n,
              (sum(count(*)) OVER (ORDER BY ${goodness}))::BIGINT AS cum
         FROM ${table} WHERE ${ident(column)} IS NOT NULL GROUP BY ${ident(column)}`,
  );
  const [tot] = await Engine.allOn<{ total: number }>(
    conn,
    `SELECT coalesce(sum(n), 0)::DOUBLE AS total FROM ${hist}`,
  );
  const total = tot?.total ?? 0;
  const locate: CumulativeLocator = async (lo, target) => {
    const [r] = await Engine.allOn<{ under: number | null; over: number | null }>(
      conn,
      `SELECT (SELECT min(cum) FROM ${hist} WHERE cum - $lo >= $target)::DOUBLE AS over,
              (SELECT max(cum) FROM ${hist} WHERE cum > $lo AND cum - $lo < $target)::DOUBLE AS under`,
      { lo, target },
    );
    return { under: r?.under ?? null, over: r?.over ?? null };
  };
  const cuts = await greedyCuts(total, scores, locate);
  if (!cuts.length) return [];
  const binCase = `CASE ${cuts.map((c, k) => `WHEN cum <= ${c} THEN ${k + 1}`).join(' ')} END`;
  const rows = await Engine.allOn<ScoreBin>(
    conn,
    `SELECT ${binCase}::INTEGER AS score, min(x)::DOUBLE AS min, max(x)::DOUBLE AS max, sum(n)::DOUBLE AS customers
       FROM ${hist} GROUP BY 1 ORDER BY 1`,
  );
  await conn.run(`DROP TABLE IF EXISTS ${hist}`);
  return rows;
}

/** The SQL literal of a double that round-trips exactly. */
export function doubleLiteral(x: number): string {
  return `CAST('${String(x)}' AS DOUBLE)`;
}

/**
 * SQL CASE that maps a metric expression to its score with the given bins. Values beyond the
 * observed range fall into the nearest end bin. NULL when there are no bins (no customers).
 */
export function scoreCaseSql(expr: string, bins: readonly ScoreBin[], direction: Direction): string {
  if (!bins.length) return 'NULL::INTEGER';
  const last = bins[bins.length - 1]!;
  const whens = bins
    .slice(0, -1)
    .map((b) =>
      direction === 'asc'
        ? `WHEN ${expr} <= ${doubleLiteral(b.max)} THEN ${b.score}`
        : `WHEN ${expr} >= ${doubleLiteral(b.min)} THEN ${b.score}`,
    );
  return whens.length ? `(CASE ${whens.join(' ')} ELSE ${last.score} END)` : `${last.score}`;
}
