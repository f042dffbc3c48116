import type { DuckDBConnection } from '@duckdb/node-api';
import { Engine } from '../engine/engine.ts';

/**
 * Concentration of a value (revenue) over units (customers, sellers): Lorenz curve, Gini, the
 * share held by the top p% and the share of units that makes a given share of the total.
 *
 * The Lorenz curve L(p) is the share of the total held by the poorest fraction p of units; it is
 * piecewise linear between the points (i/n, cum_i/total) with units sorted ascending, so
 * fractional unit counts interpolate (the top 1% of 4 customers is 0.04 of the top customer).
 * The top-p share is 1 − L(1 − p). Gini = 2·Σ i·x₍ᵢ₎ / (n·Σx) − (n + 1)/n (x ascending, i = 1..n),
 * which equals 1 − 2 × the area under that curve. Ties do not matter: tied units are interchangeable.
 */

export const TOP_SHARES = [0.01, 0.05, 0.1, 0.2] as const;

export interface TopShare {
  /** Fraction of units, e.g. 0.2 for the top 20%. */
  readonly top: number;
  /** Fraction of the total they hold. */
  readonly share: number | null;
}

export interface LorenzPoint {
  readonly population_share: number;
  readonly value_share: number | null;
}

export interface Concentration {
  readonly units: number;
  readonly total: number;
  readonly top_shares: readonly TopShare[];
  /** Smallest fraction of units (the largest ones) that together hold `target_share` of the total. */
  readonly units_share_for_target: number | null;
  readonly target_share: number;
  readonly gini: number | null;
  /** Herfindahl–Hirschman index Σ sᵢ² of the units' shares (0..1). */
  readonly hhi: number | null;
  /** 101 points, population share 0, 0.01, …, 1. */
  readonly lorenz: readonly LorenzPoint[];
}

/**
 * Concentration of `value` over the rows of `source` (a table name or a parenthesised SELECT
 * with a numeric column `value`, one row per unit), computed in SQL on `conn`.
 *
 * Works on the histogram of distinct values (one hash aggregate and a sort of the distinct values,
 * not of every unit): within a group of c equal values x after cb smaller units whose sum is csb,
 * the sum of the k smallest units is csb + (k − cb)·x, exactly the piecewise-linear Lorenz curve,
 * and the group adds x·(c·cb + c(c + 1)/2) to Σ i·x₍ᵢ₎.
 */
export async function concentration(
  conn: DuckDBConnection,
  source: string,
  targetShare = 0.8,
): Promise<Concentration> {
  const h = 'pareto_hist';
  await conn.run(`DROP TABLE IF EXISTS ${h}`);
  await conn.run(
    `CREATE TEMP TABLE ${h} AS
       SELECT x, c, cc - c AS cb, coalesce(csb, 0) AS csb, cc, cs
         FROM (SELECT x, c,
                      sum(c) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS cc,
                      sum(x * c) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS cs,
                      sum(x * c) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS csb
                 FROM (SELECT value::DOUBLE AS x, count(*)::DOUBLE AS c FROM ${source} WHERE value IS NOT NULL GROUP BY 1))`,
  );
  const [agg] = await Engine.allOn<{
    n: number | null;
    total: number | null;
    sx: number | null;
    sxx: number | null;
  }>(
    conn,
    `SELECT sum(c)::DOUBLE AS n, sum(x * c)::DOUBLE AS total,
            sum(x * (c * cb + c * (c + 1) / 2))::DOUBLE AS sx, sum(c * x * x)::DOUBLE AS sxx
       FROM ${h}`,
  );
  const n = agg?.n ?? 0;
  const total = agg?.total ?? 0;
  const positive = n > 0 && total > 0;
  const lorenzRows = positive
    ? await Engine.allOn<{ j: number; l: number }>(
        conn,
        `SELECT p.j, ((h.csb + (p.k - h.cb) * h.x) / $total)::DOUBLE AS l
           FROM (SELECT j::INTEGER AS j, j * $n / 100.0 AS k FROM range(0, 101) t(j)) p
           ASOF JOIN ${h} h ON p.k <= h.cc
          ORDER BY p.j`,
        { n, total },
      )
    : [];
  const lorenz: LorenzPoint[] = Array.from({ length: 101 }, (_, j) => ({
    population_share: j / 100,
    value_share: positive ? (lorenzRows[j]?.l ?? null) : null,
  }));
  lorenz[0] = { population_share: 0, value_share: positive ? 0 : null };
  if (positive) lorenz[100] = { population_share: 1, value_share: 1 };
  const at = (j: number) => lorenz[j]?.value_share ?? null;
  const top_shares = TOP_SHARES.map((top) => {
    const l = at(Math.round((1 - top) * 100));
    return { top, share: l === null ? null : 1 - l };
  });
  let unitsShare: number | null = null;
  if (positive) {
    // The poorest units holding (1 − target) of the total; the rest make the target share.
    const rest = total * (1 - targetShare);
    const [r] = await Engine.allOn<{ cb: number; csb: number; x: number }>(
      conn,
      `SELECT cb, csb, x FROM ${h} WHERE cs >= $rest ORDER BY x LIMIT 1`,
      { rest },
    );
    if (r) unitsShare = 1 - (r.cb + (r.x > 0 ? (rest - r.csb) / r.x : 0)) / n;
  }
  await conn.run(`DROP TABLE IF EXISTS ${h}`);
  return {
    units: n,
    total,
    top_shares,
    units_share_for_target: unitsShare,
    target_share: targetShare,
    gini: positive ? (2 * (agg?.sx ?? 0)) / (n * total) - (n + 1) / n : null,
    hhi: positive ? (agg?.sxx ?? 0) / (total * total) : null,
    lorenz,
  };
}
