/**
 * Executes rules: scan checks are grouped by the relation they read, and each group is ONE
 * aggregate query (many rules' counts with `count(*) FILTER (WHERE …)` in a single scan, plus the
 * table's row and null-cell counts for the completeness score). Query checks (drift) run on their
 * own. Example keys (five at most) come from the same queries.
 */
import type { DatasetRef } from '../datasets/ref.ts';
import { tableRef } from '../datasets/ref.ts';
import type { Engine, JsonValue } from '../engine/engine.ts';
import { TABLES, type TableName } from '../olist/tables.ts';
import {
  type AggregateValues,
  type Compiled,
  compileRule,
  DEFAULT_DIMENSION,
  type Dimension,
  num,
  type Outcome,
  type Rule,
  type RuleKind,
  type RunEnv,
  type ScanCheck,
  type Severity,
} from './rules.ts';

export interface RunOptions {
  readonly ds: DatasetRef;
  /** Previous version for drift rules; without it they are skipped. */
  readonly previous?: DatasetRef | undefined;
  /** YYYY-MM-DD reference date for freshness (default: today, UTC). */
  readonly asOf?: string | undefined;
  /** Example keys per failing rule (default 5, at most 5 in reports). */
  readonly examples?: number;
  /** Queries run at the same time (default 2). */
  readonly concurrency?: number;
  /** Count rows and null cells of every table a rule names (default true). */
  readonly tableStats?: boolean;
}

export const RULE_STATUSES = ['pass', 'fail', 'skipped', 'error'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** The result of one rule: one line of a report. */
export interface RuleResult {
  readonly id: string;
  readonly table: TableName;
  readonly kind: RuleKind;
  readonly severity: Severity;
  readonly dimension: Dimension;
  readonly description: string;
  /** pass; fail; skipped (could not be evaluated, e.g. no previous version); error (the rule's SQL failed). */
  readonly status: RuleStatus;
  /** status is pass or skipped. */
  readonly passed: boolean;
  readonly failing_count: number;
  readonly total_count: number;
  /** failing_count ÷ total_count (0 when total_count is 0). */
  readonly failing_share: number;
  readonly mostly: number;
  /** 0–1 quality of this check used by the scores: the passing share, graded for freshness, 0/1 for table-level rules. */
  readonly pass_rate: number;
  /** Measured value of table-level rules (row count, latest timestamp, drift statistic, join success rate). */
  readonly observed: number | string | null;
  readonly expected: string | null;
  readonly message: string | null;
  /** Up to five keys of failing rows (distinct, sorted). */
  readonly examples: string[];
  /** Time of the query that evaluated the rule (shared by all the rules of one scan). */
  readonly sql_ms: number;
}

export interface TableStats {
  readonly rows: number;
  readonly cells: number;
  readonly null_cells: number;
}

export interface RunOutput {
  readonly results: RuleResult[];
  readonly tables: Partial<Record<TableName, TableStats>>;
  readonly asOf: string;
  readonly timings_ms: { readonly total: number; readonly checks: number };
  readonly queries: number;
}

/** Runs `fn` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

interface Evaluated {
  outcome?: Outcome;
  error?: string;
  ms: number;
}

interface Group {
  readonly source: string;
  readonly members: { index: number; check: ScanCheck }[];
  stats?: TableName;
}

const errorText = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'error';

function statsSelect(table: TableName): string {
  const cols = TABLES[table].columns;
  const nonNull = cols.map((c) => `count("${c.name}")`).join(' + ');
  return `count(*)::DOUBLE AS "__rows", (count(*) * ${cols.length} - (${nonNull}))::DOUBLE AS "__nulls"`;
}

async function runGroup(
  engine: Engine,
  group: Group,
  evaluated: Evaluated[],
  tables: Partial<Record<TableName, TableStats>>,
): Promise<number> {
  const select = (members: Group['members'], withStats: boolean) => {
    const parts = members.flatMap(({ index, check }) =>
      Object.entries(check.aggregates).map(([name, expr]) => `${expr} AS "r${index}_${name}"`),
    );
    if (withStats && group.stats) parts.push(statsSelect(group.stats));
    return `SELECT ${parts.join(',\n  ')} FROM ${group.source} AS t`;
  };
  const apply = (row: Record<string, JsonValue>, members: Group['members'], ms: number) => {
    for (const { index, check } of members) {
      const values: Record<string, JsonValue | undefined> = {};
      for (const name of Object.keys(check.aggregates)) values[name] = row[`r${index}_${name}`];
      try {
        evaluated[index] = { outcome: check.evaluate(values as AggregateValues), ms };
      } catch (err) {
        evaluated[index] = { error: errorText(err), ms };
      }
    }
    if (group.stats && row.__rows !== undefined) {
      const rows = num(row.__rows);
      tables[group.stats] = {
        rows,
        cells: rows * TABLES[group.stats].columns.length,
        null_cells: num(row.__nulls),
      };
    }
  };
  let queries = 1;
  const started = performance.now();
  try {
    const [row] = await engine.all<Record<string, JsonValue>>(select(group.members, true));
    apply(row ?? {}, group.members, performance.now() - started);
    return queries;
  } catch (err) {
    if (group.members.length <= 1 && !group.stats) {
      for (const m of group.members)
        evaluated[m.index] = { error: errorText(err), ms: performance.now() - started };
      return queries;
    }
  }
  // One bad rule (e.g. a YAML predicate naming an unknown column) must not sink the others: retry one by one.
  for (const m of group.members) {
    const t = performance.now();
    queries++;
    try {
      const [row] = await engine.all<Record<string, JsonValue>>(select([m], false));
      apply(row ?? {}, [m], performance.now() - t);
    } catch (err) {
      evaluated[m.index] = { error: errorText(err), ms: performance.now() - t };
    }
  }
  if (group.stats) {
    queries++;
    try {
      const [row] = await engine.all<Record<string, JsonValue>>(select([], true));
      apply(row ?? {}, [], 0);
    } catch {
      // The table itself is unreadable; its rules already carry the error.
    }
  }
  return queries;
}

function resultOf(rule: Rule, ev: Evaluated): RuleResult {
  const base = {
    id: rule.id,
    table: rule.table,
    kind: rule.kind,
    severity: rule.severity,
    dimension: rule.dimension ?? DEFAULT_DIMENSION[rule.kind],
    description: rule.description,
    mostly: rule.mostly,
    sql_ms: Math.round(ev.ms),
  };
  const o = ev.outcome;
  if (!o) {
    return {
      ...base,
      status: 'error',
      passed: false,
      failing_count: 0,
      total_count: 0,
      failing_share: 0,
      pass_rate: 0,
      observed: null,
      expected: null,
      message: `the rule could not be evaluated: ${ev.error ?? 'unknown error'}`,
      examples: [],
    };
  }
  const share = o.total > 0 ? o.failing / o.total : 0;
  let status: RuleStatus;
  if (o.skipped) status = 'skipped';
  else if (o.passed !== undefined) status = o.passed ? 'pass' : 'fail';
  else status = o.failing === 0 || (o.total > 0 && 1 - share >= rule.mostly - 1e-12) ? 'pass' : 'fail';
  const passRate = o.passRate ?? (o.passed !== undefined ? (o.passed ? 1 : 0) : 1 - share);
  return {
    ...base,
    status,
    passed: status === 'pass' || status === 'skipped',
    failing_count: o.failing,
    total_count: o.total,
    failing_share: share,
    pass_rate: passRate,
    observed: o.observed ?? null,
    expected: o.expected ?? null,
    message: o.skipped ? `skipped: ${o.skipped}` : (o.message ?? null),
    examples: status === 'skipped' ? [] : [...(o.examples ?? [])],
  };
}

/** Evaluates rules on a data set version. Rule ids must be unique. */
export async function runRules(engine: Engine, rules: readonly Rule[], opts: RunOptions): Promise<RunOutput> {
  const started = performance.now();
  const env: RunEnv = {
    ds: opts.ds,
    previous: opts.previous,
    asOf: opts.asOf ?? todayUtc(),
    examples: Math.max(0, Math.min(opts.examples ?? 5, 5)),
  };
  const concurrency = opts.concurrency ?? 2;
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new Error(`duplicate rule id: ${r.id}`);
    seen.add(r.id);
  }

  const evaluated: Evaluated[] = rules.map(() => ({ ms: 0 }));
  const compiled: (Compiled | undefined)[] = rules.map((rule, i) => {
    try {
      return compileRule(rule, env);
    } catch (err) {
      evaluated[i] = { error: errorText(err), ms: 0 };
      return undefined;
    }
  });

  const groups = new Map<string, Group>();
  const queryChecks: { index: number; run: (e: Engine) => Promise<Outcome> }[] = [];
  compiled.forEach((c, index) => {
    if (!c) return;
    if (c.mode === 'query') {
      queryChecks.push({ index, run: c.run });
      return;
    }
    const g = groups.get(c.source) ?? { source: c.source, members: [] };
    g.members.push({ index, check: c });
    groups.set(c.source, g);
  });
  if (opts.tableStats ?? true) {
    for (const table of new Set(rules.map((r) => r.table))) {
      const source = tableRef(opts.ds, table);
      const g = groups.get(source) ?? { source, members: [] };
      g.stats = table;
      groups.set(source, g);
    }
  }

  const tables: Partial<Record<TableName, TableStats>> = {};
  type Task = () => Promise<number>;
  const tasks: Task[] = [
    ...[...groups.values()].map((g) => () => runGroup(engine, g, evaluated, tables)),
    ...queryChecks.map((q) => async () => {
      const t = performance.now();
      try {
        const outcome = await q.run(engine);
        evaluated[q.index] = { outcome, ms: performance.now() - t };
        return outcome.queries ?? 1;
      } catch (err) {
        evaluated[q.index] = { error: errorText(err), ms: performance.now() - t };
        return 1;
      }
    }),
  ];
  const checksStarted = performance.now();
  const queries = (await mapLimit(tasks, concurrency, (task) => task())).reduce((a, b) => a + b, 0);
  const checksMs = performance.now() - checksStarted;

  const results = rules.map((rule, i) => resultOf(rule, evaluated[i] ?? { ms: 0 }));
  return {
    results,
    tables,
    asOf: env.asOf,
    timings_ms: { total: Math.round(performance.now() - started), checks: Math.round(checksMs) },
    queries,
  };
}
