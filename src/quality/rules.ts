/**
 * Rule kinds of the data-quality validator and their compilation to SQL.
 *
 * A rule is plain data (a discriminated union on `kind`), so the same value comes from the
 * fluent builder (validator.ts), from YAML (yamlRules.ts) or from the built-in Olist suite.
 * Each kind compiles to either
 * - a *scan* check: aggregate expressions (`count(*) FILTER (WHERE …)`, `max(…)`, and the five
 *   smallest example keys of failing rows with `min(key, 5) FILTER (WHERE …)`) that run.ts folds,
 *   with every other rule on the same relation, into ONE aggregate query per relation; or
 * - a *query* check: one query of its own, also returning counts and example keys together
 *   (uniqueness: one GROUP BY; referential integrity: one anti-join; drift: both versions).
 * Nothing is evaluated row by row in JavaScript, and no second query is needed for examples.
 */
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import { type Engine, ident, type JsonValue, literal } from '../engine/engine.ts';
import { TABLE_NAMES, TABLES, type TableName } from '../olist/tables.ts';
import { type DriftMetric, driftOutcome } from './drift.ts';

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The quality dimensions scored 0–100 (docs/quality.md). */
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const RULE_KINDS = [
  'not_null',
  'unique',
  'range',
  'in_set',
  'regex',
  'type',
  'foreign_key',
  'predicate',
  'row_count',
  'freshness',
  'drift',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Types a `type` rule checks that a value parses as (TRY_CAST of its text). */
export const PARSE_TYPES = [
  'integer',
  'bigint',
  'double',
  'decimal',
  'date',
  'timestamp',
  'boolean',
] as const;
export type ParseType = (typeof PARSE_TYPES)[number];

const PARSE_SQL: Readonly<Record<ParseType, string>> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  decimal: 'DECIMAL(38, 10)',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  boolean: 'BOOLEAN',
};

/** The dimension each kind counts towards unless the rule names another. */
export const DEFAULT_DIMENSION: Readonly<Record<RuleKind, Dimension>> = {
  not_null: 'completeness',
  row_count: 'completeness',
  unique: 'uniqueness',
  range: 'validity',
  in_set: 'validity',
  regex: 'validity',
  type: 'validity',
  foreign_key: 'consistency',
  predicate: 'consistency',
  drift: 'consistency',
  freshness: 'timeliness',
};

interface RuleCommon {
  /** Unique within a suite; shown in reports, e.g. `orders.delivered_has_delivery_date`. */
  readonly id: string;
  /** The table the rule is about (the report groups by it). */
  readonly table: TableName;
  readonly severity: Severity;
  /** Share of rows (0–1) that must pass for the rule to pass; 1 = every row. Row rules only. */
  readonly mostly: number;
  readonly description: string;
  /** SQL condition restricting the rows the rule applies to (e.g. `order_status = 'delivered'`). */
  readonly where?: string;
  /** Columns shown as example keys of failing rows (default: the table's key). */
  readonly key?: readonly string[];
  readonly dimension?: Dimension;
}

export type NumberOrText = number | string;

export type Rule =
  | (RuleCommon & { readonly kind: 'not_null'; readonly column: string })
  | (RuleCommon & { readonly kind: 'unique'; readonly columns: readonly string[] })
  | (RuleCommon & {
      readonly kind: 'range';
      readonly column: string;
      readonly min?: NumberOrText;
      readonly max?: NumberOrText;
      /** Exclusive bounds (min < x < max) instead of inclusive. */
      readonly strict?: boolean;
    })
  | (RuleCommon & {
      readonly kind: 'in_set';
      readonly column: string;
      readonly values: readonly NumberOrText[];
    })
  | (RuleCommon & {
      readonly kind: 'regex';
      readonly column: string;
      /** Must match the whole value (regexp_full_match); with `negate` it must NOT match. */
      readonly pattern: string;
      readonly negate?: boolean;
    })
  | (RuleCommon & { readonly kind: 'type'; readonly column: string; readonly type: ParseType })
  | (RuleCommon & {
      readonly kind: 'foreign_key';
      readonly columns: readonly string[];
      readonly ref_table: TableName;
      readonly ref_columns: readonly string[];
    })
  | (RuleCommon & {
      readonly kind: 'predicate';
      /** A row fails when this SQL condition is FALSE (NULL, i.e. unknown, passes). */
      readonly predicate: string;
      /** Optional relation to evaluate over instead of the table: an SQL SELECT where `{table}` names a table of the data set. */
      readonly from?: string;
    })
  | (RuleCommon & { readonly kind: 'row_count'; readonly min?: number; readonly max?: number })
  | (RuleCommon & {
      readonly kind: 'freshness';
      readonly column: string;
      readonly max_age_days: number;
      /** Reference date YYYY-MM-DD (default: the run's as-of date, i.e. today). */
      readonly as_of?: string;
    })
  | (RuleCommon & {
      readonly kind: 'drift';
      readonly metric: DriftMetric;
      /** The column (null_rate, ks, psi). */
      readonly column?: string;
      /** Largest accepted value: relative row count change, absolute null-share change, KS D or PSI. */
      readonly max: number;
      /** PSI bins (quantiles of the previous version), default 10. */
      readonly bins?: number;
    });

export type RuleOf<K extends RuleKind> = Extract<Rule, { kind: K }>;

/** What a rule is checked against. */
export interface RunEnv {
  readonly ds: DatasetRef;
  /** The previous version, for drift rules (skipped without one). */
  readonly previous?: DatasetRef | undefined;
  /** YYYY-MM-DD, the reference date of freshness rules. */
  readonly asOf: string;
  /** Example keys to collect per rule (0–5). */
  readonly examples: number;
}

/** The raw outcome of a check, before tolerance and severity are applied. */
export interface Outcome {
  readonly total: number;
  readonly failing: number;
  /** Set by rules that decide themselves (row count, freshness, drift); row rules use `mostly`. */
  readonly passed?: boolean;
  /** 0–1 quality of this check for the scores, when not simply the passing share. */
  readonly passRate?: number;
  readonly observed?: number | string | null;
  readonly expected?: string;
  readonly message?: string;
  /** Why the rule could not be evaluated (e.g. no previous version); a skipped rule neither passes nor fails. */
  readonly skipped?: string;
  /** Keys of failing rows, sorted, at most RunEnv.examples. */
  readonly examples?: readonly string[];
  /** Queries the check ran (query checks; default 1). */
  readonly queries?: number;
}

export type AggregateValues = Readonly<Record<string, JsonValue | undefined>>;

export interface ScanCheck {
  readonly mode: 'scan';
  /** Relation scanned (aliased `t`); checks with the same source share one aggregate query. */
  readonly source: string;
  /** Aggregate SQL expressions this check adds to the shared scan, by local name. */
  readonly aggregates: Readonly<Record<string, string>>;
  readonly evaluate: (values: AggregateValues) => Outcome;
}

export interface QueryCheck {
  readonly mode: 'query';
  readonly run: (engine: Engine) => Promise<Outcome>;
}

export type Compiled = ScanCheck | QueryCheck;

type Compiler<K extends RuleKind> = (rule: RuleOf<K>, env: RunEnv) => Compiled;

/** Columns identifying a row of each table in examples: its primary key, or the closest thing. */
export function exampleKey(table: TableName): readonly string[] {
  const pk = TABLES[table].primaryKey;
  if (pk.length) return pk;
  if (table === 'order_reviews') return ['review_id', 'order_id'];
  if (table === 'geolocation') return ['geolocation_zip_code_prefix'];
  return [TABLES[table].columns[0]!.name];
}

/** Replaces `{table}` placeholders of an SQL text with the data set's table references. */
export function bindTables(sql: string, ds: DatasetRef): string {
  return sql.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    (TABLE_NAMES as readonly string[]).includes(name) ? tableRef(ds, name as TableName) : whole,
  );
}

export const num = (v: JsonValue | undefined): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') return Number(v);
  return 0;
};

const col = (name: string) => `t.${ident(name)}`;

/** Example keys as returned by `min(key, n)`: a sorted list, or NULL when no row failed. */
export function keyList(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((k) => k !== null).map(String) : [];
}

/**
 * Aggregate collecting the `n` smallest distinct keys of the rows matching `cond`. DISTINCT is left
 * out when the key is known to be unique (a table's primary key), which makes it a cheap top-n.
 */
function examplesAggregate(key: string, cond: string, n: number, unique: boolean): string | undefined {
  if (n <= 0) return undefined;
  // CASE builds the key text only for failing rows (an aggregate's input is otherwise computed for every row).
  const input = cond === 'TRUE' ? key : `CASE WHEN ${cond} THEN ${key} END`;
  return `min(${unique ? '' : 'DISTINCT '}${input}, ${n})${cond === 'TRUE' ? '' : ` FILTER (WHERE ${cond})`}`;
}

/** The rule shows the table's own primary key, which ingest guarantees unique. */
const showsPrimaryKey = (rule: RuleCommon, derived: boolean) =>
  !derived && rule.key === undefined && TABLES[rule.table].primaryKey.length > 0;

/** Text of one or more columns as a single example key. */
export function keyExpr(columns: readonly string[], alias = 't'): string {
  const parts = columns.map((c) => `coalesce(${alias}.${ident(c)}::VARCHAR, 'NULL')`);
  return parts.length === 1 ? parts[0]! : `concat_ws(' | ', ${parts.join(', ')})`;
}

function sqlValue(v: NumberOrText): string {
  return typeof v === 'number' ? String(v) : literal(v);
}

const population = (rule: RuleCommon): string => (rule.where ? `(${rule.where})` : 'TRUE');

/**
 * A check over rows: the rule applies to the rows of `population` (NULLs of the checked column are
 * left out for value rules) and fails on rows where `fail` holds.
 */
function rowCheck(
  source: string,
  rule: RuleCommon,
  env: RunEnv,
  applies: string,
  fail: string,
  derived = false,
): ScanCheck {
  const pop = `${population(rule)} AND ${applies}`;
  const key = keyExpr(rule.key ?? exampleKey(rule.table));
  const ex = examplesAggregate(key, `${pop} AND (${fail})`, env.examples, showsPrimaryKey(rule, derived));
  return {
    mode: 'scan',
    source,
    aggregates: {
      total: `count(*) FILTER (WHERE ${pop})::DOUBLE`,
      failing: `count(*) FILTER (WHERE ${pop} AND (${fail}))::DOUBLE`,
      ...(ex ? { ex } : {}),
    },
    evaluate: (v) => ({ total: num(v.total), failing: num(v.failing), examples: keyList(v.ex) }),
  };
}

const notNullOf = (columns: readonly string[]) => columns.map((c) => `${col(c)} IS NOT NULL`).join(' AND ');

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export const COMPILERS: { readonly [K in RuleKind]: Compiler<K> } = {
  not_null: (rule, env) =>
    rowCheck(tableRef(env.ds, rule.table), rule, env, 'TRUE', `${col(rule.column)} IS NULL`),

  range: (rule, env) => {
    const c = col(rule.column);
    const conds: string[] = [];
    if (rule.min !== undefined) conds.push(`${c} ${rule.strict ? '>' : '>='} ${sqlValue(rule.min)}`);
    if (rule.max !== undefined) conds.push(`${c} ${rule.strict ? '<' : '<='} ${sqlValue(rule.max)}`);
    const ok = conds.length ? conds.join(' AND ') : 'TRUE';
    return rowCheck(tableRef(env.ds, rule.table), rule, env, `${c} IS NOT NULL`, `NOT (${ok})`);
  },

  in_set: (rule, env) => {
    const c = col(rule.column);
    const list = rule.values.length ? rule.values.map(sqlValue).join(', ') : 'NULL';
    return rowCheck(tableRef(env.ds, rule.table), rule, env, `${c} IS NOT NULL`, `${c} NOT IN (${list})`);
  },

  regex: (rule, env) => {
    const c = col(rule.column);
    const match = `regexp_full_match(${c}::VARCHAR, ${literal(rule.pattern)})`;
    return rowCheck(
      tableRef(env.ds, rule.table),
      rule,
      env,
      `${c} IS NOT NULL`,
      rule.negate ? match : `NOT ${match}`,
    );
  },

  type: (rule, env) => {
    const c = col(rule.column);
    const fail = `TRY_CAST(trim(${c}::VARCHAR) AS ${PARSE_SQL[rule.type]}) IS NULL`;
    return rowCheck(tableRef(env.ds, rule.table), rule, env, `${c} IS NOT NULL`, fail);
  },

  predicate: (rule, env) => {
    const source = rule.from ? `(${bindTables(rule.from, env.ds)})` : tableRef(env.ds, rule.table);
    return rowCheck(
      source,
      rule,
      env,
      'TRUE',
      `(${bindTables(rule.predicate, env.ds)}) IS FALSE`,
      !!rule.from,
    );
  },

  foreign_key: (rule, env) => {
    const child = tableRef(env.ds, rule.table);
    const parent = tableRef(env.ds, rule.ref_table);
    const pop = `${population(rule)} AND ${notNullOf(rule.columns)}`;
    const match = rule.columns
      .map((c, i) => `p.${ident(rule.ref_columns[i] ?? c)} = ${col(c)}`)
      .join(' AND ');
    const key = keyExpr(rule.key ?? rule.columns);
    const ex = examplesAggregate(key, 'TRUE', env.examples, false);
    // The orphans come from one hash anti-join (the explicit ANTI JOIN plans better than NOT EXISTS),
    // the rows checked from a plain count.
    const sql = `SELECT (SELECT count(*) FROM ${child} AS t WHERE ${pop})::DOUBLE AS total,
         (SELECT count(*) FROM ${parent})::DOUBLE AS ref_rows, a.*
       FROM (SELECT count(*)::DOUBLE AS failing${ex ? `, ${ex} AS ex` : ''}
               FROM (SELECT * FROM ${child} AS t WHERE ${pop}) AS t
               ANTI JOIN ${parent} AS p ON ${match}) AS a`;
    return {
      mode: 'query',
      run: async (engine) => {
        const v = (await engine.one<Record<string, JsonValue>>(sql)) ?? {};
        const total = num(v.total);
        const failing = num(v.failing);
        const joined = total ? (total - failing) / total : 1;
        const message = `join success rate ${(100 * joined).toFixed(2)} % to ${rule.ref_table}`;
        const base = { total, failing, observed: round(joined, 6), message, examples: keyList(v.ex) };
        if (num(v.ref_rows) === 0 && total > 0) return { ...base, skipped: `${rule.ref_table} is empty` };
        return { ...base, expected: `≥ ${rule.mostly}` };
      },
    };
  },

  unique: (rule, env) => {
    const source = tableRef(env.ds, rule.table);
    const pop = `${population(rule)} AND ${notNullOf(rule.columns)}`;
    const cols = rule.columns.map(col);
    // Failing rows are the extra copies: rows − distinct keys (814 for Olist's review ids).
    const counts =
      cols.length === 1
        ? `SELECT count(*)::DOUBLE AS total, count(DISTINCT ${cols[0]})::DOUBLE AS keys FROM ${source} AS t WHERE ${pop}`
        : `SELECT coalesce(sum(n), 0)::DOUBLE AS total, count(*)::DOUBLE AS keys
             FROM (SELECT count(*) AS n FROM ${source} AS t WHERE ${pop} GROUP BY ${cols.join(', ')})`;
    const key = keyExpr(rule.key ?? rule.columns);
    const ex = examplesAggregate('k', 'TRUE', env.examples, rule.key === undefined);
    // Example keys only when there are duplicates: one more GROUP BY, restricted to repeated keys.
    const examples = `SELECT ${ex} AS ex FROM (SELECT any_value(${key}) AS k FROM ${source} AS t WHERE ${pop}
        GROUP BY ${cols.join(', ')} HAVING count(*) > 1)`;
    return {
      mode: 'query',
      run: async (engine) => {
        const v = (await engine.one<Record<string, JsonValue>>(counts)) ?? {};
        const total = num(v.total);
        const failing = total - num(v.keys);
        const found = failing > 0 && ex ? await engine.one<Record<string, JsonValue>>(examples) : undefined;
        return { total, failing, examples: keyList(found?.ex), queries: found ? 2 : 1 };
      },
    };
  },

  row_count: (rule, env) => ({
    mode: 'scan',
    source: tableRef(env.ds, rule.table),
    aggregates: { n: `count(*) FILTER (WHERE ${population(rule)})::DOUBLE` },
    evaluate: (v) => {
      const n = num(v.n);
      const passed = (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
      const expected = [
        rule.min === undefined ? '' : `≥ ${rule.min}`,
        rule.max === undefined ? '' : `≤ ${rule.max}`,
      ]
        .filter(Boolean)
        .join(' and ');
      return {
        total: 1,
        failing: passed ? 0 : 1,
        passed,
        observed: n,
        expected,
        message: `${n} rows (expected ${expected || 'any'})`,
      };
    },
  }),

  freshness: (rule, env) => {
    const asOf = rule.as_of ?? env.asOf;
    const c = col(rule.column);
    return {
      mode: 'scan',
      source: tableRef(env.ds, rule.table),
      aggregates: {
        latest: `strftime(max(${c}) FILTER (WHERE ${population(rule)}), '%Y-%m-%d %H:%M:%S')`,
        age: `((epoch(TIMESTAMP ${literal(asOf)}) - epoch(max(${c}) FILTER (WHERE ${population(rule)})))
                / 86400.0)::DOUBLE`,
      },
      evaluate: (v) => {
        const expected = `latest ${rule.column} at most ${rule.max_age_days} days before ${asOf}`;
        if (v.latest === null || v.latest === undefined) {
          return { total: 0, failing: 0, observed: null, expected, skipped: `no ${rule.column} values` };
        }
        const age = num(v.age);
        const passed = age <= rule.max_age_days;
        // Graded for the timeliness score: 1 within the limit, falling to 0 at twice the limit.
        const passRate = passed
          ? 1
          : Math.max(0, 1 - (age - rule.max_age_days) / Math.max(rule.max_age_days, 1));
        return {
          total: 1,
          failing: passed ? 0 : 1,
          passed,
          passRate,
          observed: String(v.latest),
          expected,
          message: `latest ${rule.column} ${String(v.latest)} is ${round(age, 1)} days before ${asOf} (limit ${rule.max_age_days})`,
        };
      },
    };
  },

  drift: (rule, env) => ({
    mode: 'query',
    run: (engine) => driftOutcome(engine, rule, env),
  }),
};

/** Compiles any rule with its kind's compiler. */
export function compileRule(rule: Rule, env: RunEnv): Compiled {
  const compile = COMPILERS[rule.kind] as (r: Rule, e: RunEnv) => Compiled;
  return compile(rule, env);
}

/** Columns a rule names, to check against the data model (derived relations are not checked). */
export function columnsOf(rule: Rule): { table: TableName; columns: readonly string[] }[] {
  const own = (columns: readonly string[]) => [
    { table: rule.table, columns: [...columns, ...(rule.key ?? [])] },
  ];
  switch (rule.kind) {
    case 'not_null':
    case 'range':
    case 'in_set':
    case 'regex':
    case 'type':
    case 'freshness':
      return own([rule.column]);
    case 'unique':
      return own(rule.columns);
    case 'foreign_key':
      return [...own(rule.columns), { table: rule.ref_table, columns: rule.ref_columns }];
    case 'drift':
      return own(rule.column ? [rule.column] : []);
    case 'predicate':
      return rule.from ? [] : own([]);
    case 'row_count':
      return own([]);
  }
}

/** Problems with a rule's structure (unknown columns, bad bounds), as messages; empty when fine. */
export function checkRule(rule: Rule): string[] {
  const problems: string[] = [];
  for (const { table, columns } of columnsOf(rule)) {
    const known = new Set(TABLES[table].columns.map((c) => c.name));
    for (const c of columns) if (!known.has(c)) problems.push(`${table} has no column "${c}"`);
  }
  if (!(rule.mostly >= 0 && rule.mostly <= 1)) problems.push('mostly must be between 0 and 1');
  if (rule.kind === 'foreign_key' && rule.columns.length !== rule.ref_columns.length) {
    problems.push('columns and ref_columns must have the same length');
  }
  if ((rule.kind === 'unique' || rule.kind === 'foreign_key') && rule.columns.length === 0) {
    problems.push('at least one column is needed');
  }
  if (rule.kind === 'drift' && rule.metric !== 'row_count' && !rule.column) {
    problems.push(`drift metric ${rule.metric} needs a column`);
  }
  if (rule.kind === 'freshness' && rule.as_of !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(rule.as_of)) {
    problems.push('as_of must be a date YYYY-MM-DD');
  }
  return problems;
}
