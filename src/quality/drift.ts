/**
 * Drift of a data set version against the previous one, computed in SQL over both versions'
 * schemas: row count change, null-rate change, and the shift of a numeric column's distribution
 * measured by the two-sample Kolmogorov–Smirnov statistic (KS D) or the population stability
 * index (PSI over quantile bins of the previous version).
 */
import { tableRef } from '../datasets/ref.ts';
import { type Engine, ident } from '../engine/engine.ts';
import type { TableName } from '../olist/tables.ts';
import type { Outcome, RuleOf, RunEnv } from './rules.ts';

export const DRIFT_METRICS = ['row_count', 'null_rate', 'ks', 'psi'] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

/** Smallest bin share used by PSI, so that an empty bin gives a large but finite term. */
export const PSI_EPSILON = 1e-4;

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

const filterOf = (where: string | undefined) => (where ? `(${where})` : 'TRUE');

export interface KsResult {
  /** max |F_current(x) − F_previous(x)| over all values x, 0–1. */
  readonly d: number;
  readonly nCurrent: number;
  readonly nPrevious: number;
}

/**
 * Two-sample KS statistic between a column of two relations (NULLs left out). Ties are merged
 * first (GROUP BY value), then both empirical CDFs are running sums over the distinct values.
 */
export async function ksStatistic(
  engine: Engine,
  current: string,
  previous: string,
  column: string,
  where?: string,
): Promise<KsResult> {
  const c = `t.${ident(column)}`;
  const pop = `${filterOf(where)} AND ${c} IS NOT NULL`;
  const row = await engine.one<{ d: number | null; nc: number | null; np: number | null }>(
    `WITH v AS (
       SELECT x, sum(a) AS a, sum(b) AS b FROM (
         SELECT ${c} AS x, 1 AS a, 0 AS b FROM ${current} AS t WHERE ${pop}
         UNION ALL
         SELECT ${c} AS x, 0 AS a, 1 AS b FROM ${previous} AS t WHERE ${pop}
       ) GROUP BY x),
     n AS (SELECT sum(a)::DOUBLE AS nc, sum(b)::DOUBLE AS np FROM v)
     SELECT max(abs(fa - fb))::DOUBLE AS d, any_value(nc) AS nc, any_value(np) AS np FROM (
       SELECT sum(v.a) OVER w / nullif(n.nc, 0) AS fa, sum(v.b) OVER w / nullif(n.np, 0) AS fb, n.nc, n.np
         FROM v, n WINDOW w AS (ORDER BY v.x ROWS UNBOUNDED PRECEDING))`,
  );
  return { d: toNumber(row?.d), nCurrent: toNumber(row?.nc), nPrevious: toNumber(row?.np) };
}

export interface PsiBin {
  /** Upper bound of the bin (inclusive); null for the last, open bin. */
  readonly upper: number | null;
  readonly previousShare: number;
  readonly currentShare: number;
}

export interface PsiResult {
  readonly psi: number;
  readonly bins: readonly PsiBin[];
  readonly nCurrent: number;
  readonly nPrevious: number;
}

/**
 * Population stability index of a numeric column: bins are the previous version's quantiles
 * (deciles by default; equal cut points merge, so a discrete column has fewer bins), and
 * PSI = Σ (current − previous) · ln(current / previous) over the bins' shares, each share at
 * least PSI_EPSILON. Rule of thumb: < 0.1 stable, 0.1–0.25 some shift, > 0.25 a large shift.
 */
export async function populationStabilityIndex(
  engine: Engine,
  current: string,
  previous: string,
  column: string,
  bins = 10,
  where?: string,
): Promise<PsiResult> {
  const x = `t.${ident(column)}::DOUBLE`;
  const pop = `${filterOf(where)} AND t.${ident(column)} IS NOT NULL`;
  const fractions = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
  const cutRow = await engine.one<{ q: number[] | null; n: number }>(
    `SELECT quantile_disc(${x}, [${fractions.join(', ')}]) AS q, count(*)::DOUBLE AS n FROM ${previous} AS t WHERE ${pop}`,
  );
  const cuts = [...new Set((cutRow?.q ?? []).map(toNumber))].sort((a, b) => a - b);
  const bucket = cuts.length
    ? `CASE ${cuts.map((cut, i) => `WHEN ${x} <= ${cut} THEN ${i}`).join(' ')} ELSE ${cuts.length} END`
    : '0';
  const rows = await engine.all<{ b: number; a: number; p: number }>(
    `SELECT b, sum(a)::DOUBLE AS a, sum(p)::DOUBLE AS p FROM (
       SELECT ${bucket} AS b, 1 AS a, 0 AS p FROM ${current} AS t WHERE ${pop}
       UNION ALL
       SELECT ${bucket} AS b, 0 AS a, 1 AS p FROM ${previous} AS t WHERE ${pop}
     ) GROUP BY b ORDER BY b`,
  );
  const nCurrent = rows.reduce((s, r) => s + r.a, 0);
  const nPrevious = rows.reduce((s, r) => s + r.p, 0);
  const byBin = new Map(rows.map((r) => [r.b, r]));
  const out: PsiBin[] = [];
  let psi = 0;
  for (let i = 0; i <= cuts.length; i++) {
    const r = byBin.get(i);
    const cur = nCurrent ? (r?.a ?? 0) / nCurrent : 0;
    const prev = nPrevious ? (r?.p ?? 0) / nPrevious : 0;
    const a = Math.max(cur, PSI_EPSILON);
    const e = Math.max(prev, PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
    out.push({ upper: cuts[i] ?? null, previousShare: prev, currentShare: cur });
  }
  return { psi, bins: out, nCurrent, nPrevious };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Evaluates a drift rule; skipped when there is no previous version. */
export async function driftOutcome(engine: Engine, rule: RuleOf<'drift'>, env: RunEnv): Promise<Outcome> {
  const expected = `≤ ${rule.max}`;
  if (!env.previous)
    return { total: 0, failing: 0, expected, skipped: 'no previous data set version to compare with' };
  const table: TableName = rule.table;
  const cur = tableRef(env.ds, table);
  const prev = tableRef(env.previous, table);
  const vs = `version ${env.previous.version}`;
  const decide = (value: number, message: string): Outcome => {
    const passed = Number.isFinite(value) && Math.abs(value) <= rule.max;
    return { total: 1, failing: passed ? 0 : 1, passed, observed: round(value), expected, message };
  };

  if (rule.metric === 'row_count') {
    const row = await engine.one<{ c: number; p: number }>(
      `SELECT (SELECT count(*) FROM ${cur} AS t WHERE ${filterOf(rule.where)})::DOUBLE AS c,
              (SELECT count(*) FROM ${prev} AS t WHERE ${filterOf(rule.where)})::DOUBLE AS p`,
    );
    const c = toNumber(row?.c);
    const p = toNumber(row?.p);
    const change = p === 0 ? (c === 0 ? 0 : Number.POSITIVE_INFINITY) : (c - p) / p;
    return decide(change, `${c} rows vs ${p} in ${vs} (${change >= 0 ? '+' : ''}${pct(change)})`);
  }

  const column = rule.column ?? '';
  if (rule.metric === 'null_rate') {
    const c = `t.${ident(column)}`;
    const share = (rel: string) =>
      `(SELECT (count(*) FILTER (WHERE ${c} IS NULL))::DOUBLE / nullif(count(*), 0) FROM ${rel} AS t WHERE ${filterOf(rule.where)})`;
    const row = await engine.one<{ c: number | null; p: number | null }>(
      `SELECT ${share(cur)}::DOUBLE AS c, ${share(prev)}::DOUBLE AS p`,
    );
    if (row?.c === null || row?.p === null || !row) {
      return { total: 0, failing: 0, expected, skipped: `${table} is empty in this or the previous version` };
    }
    const delta = row.c - row.p;
    return decide(delta, `${column} null share ${pct(row.c)} vs ${pct(row.p)} in ${vs}`);
  }

  if (rule.metric === 'ks') {
    const ks = await ksStatistic(engine, cur, prev, column, rule.where);
    if (!ks.nCurrent || !ks.nPrevious) {
      return {
        total: 0,
        failing: 0,
        expected,
        skipped: `no ${column} values in this or the previous version`,
      };
    }
    return decide(
      ks.d,
      `KS D = ${round(ks.d)} for ${column} (n = ${ks.nCurrent} vs ${ks.nPrevious} in ${vs})`,
    );
  }

  const psi = await populationStabilityIndex(engine, cur, prev, column, rule.bins ?? 10, rule.where);
  if (!psi.nCurrent || !psi.nPrevious) {
    return { total: 0, failing: 0, expected, skipped: `no ${column} values in this or the previous version` };
  }
  return decide(
    psi.psi,
    `PSI = ${round(psi.psi)} for ${column} over ${psi.bins.length} bins of ${vs} (n = ${psi.nCurrent} vs ${psi.nPrevious})`,
  );
}
