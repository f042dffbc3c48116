/**
 * The fluent rule builder:
 *
 *   new Validator('order_payments')
 *     .notNull('order_id')
 *     .range('payment_value', 0, 100000)
 *     .inSet('payment_type', PAYMENT_TYPES, { severity: 'warning' })
 *
 * Every method adds one rule (plain data, see rules.ts) and returns the validator; `rules()`
 * returns them and `run()` evaluates them on a data set version.
 */
import type { DatasetRef } from '../datasets/ref.ts';
import type { Engine } from '../engine/engine.ts';
import type { TableName } from '../olist/tables.ts';
import type { DriftMetric } from './drift.ts';
import {
  checkRule,
  type Dimension,
  type NumberOrText,
  type ParseType,
  type Rule,
  type RuleKind,
  type Severity,
} from './rules.ts';
import { type RuleResult, type RunOptions, runRules } from './run.ts';

/** Options every builder method accepts. */
export interface RuleOptions {
  readonly id?: string;
  readonly severity?: Severity;
  /** Share of rows that must pass (0–1), default 1. */
  readonly mostly?: number;
  readonly description?: string;
  /** SQL condition restricting the rows the rule applies to. */
  readonly where?: string;
  /** Columns shown as example keys. */
  readonly key?: readonly string[];
  readonly dimension?: Dimension;
}

export interface ValidatorDefaults {
  readonly severity?: Severity;
  readonly mostly?: number;
}

type Body<K extends RuleKind> = Omit<
  Extract<Rule, { kind: K }>,
  'kind' | 'id' | 'table' | 'severity' | 'mostly' | 'description' | 'where' | 'key' | 'dimension'
>;

/** A readable description of a rule, used when none is given. */
export function describeRule(rule: Rule): string {
  const where = rule.where ? ` (where ${rule.where})` : '';
  switch (rule.kind) {
    case 'not_null':
      return `${rule.column} is present${where}`;
    case 'unique':
      return `${rule.columns.join(' + ')} is unique${where}`;
    case 'range': {
      const [lo, hi] = rule.strict ? ['>', '<'] : ['≥', '≤'];
      const parts = [
        rule.min === undefined ? '' : `${lo} ${rule.min}`,
        rule.max === undefined ? '' : `${hi} ${rule.max}`,
      ].filter(Boolean);
      return `${rule.column} ${parts.join(' and ') || 'in any range'}${where}`;
    }
    case 'in_set': {
      const shown = rule.values.slice(0, 8).join(', ');
      return `${rule.column} is one of ${shown}${rule.values.length > 8 ? ', …' : ''}${where}`;
    }
    case 'regex':
      return `${rule.column} ${rule.negate ? 'does not match' : 'matches'} /${rule.pattern}/${where}`;
    case 'type':
      return `${rule.column} parses as ${rule.type}${where}`;
    case 'foreign_key':
      return `${rule.table}.${rule.columns.join(' + ')} → ${rule.ref_table}.${rule.ref_columns.join(' + ')}${where}`;
    case 'predicate':
      return `${rule.predicate}${where}`;
    case 'row_count':
      return `row count ${[
        rule.min === undefined ? '' : `≥ ${rule.min}`,
        rule.max === undefined ? '' : `≤ ${rule.max}`,
      ]
        .filter(Boolean)
        .join(' and ')}${where}`;
    case 'freshness':
      return `latest ${rule.column} at most ${rule.max_age_days} days old${where}`;
    case 'drift':
      return rule.metric === 'row_count'
        ? `row count changes by at most ${100 * rule.max} % from the previous version${where}`
        : rule.metric === 'null_rate'
          ? `${rule.column} null share changes by at most ${100 * rule.max} points from the previous version${where}`
          : `${rule.column} distribution shift (${rule.metric.toUpperCase()}) ≤ ${rule.max} vs the previous version${where}`;
  }
}

function defaultId(table: string, kind: RuleKind, body: Record<string, unknown>): string {
  const cols = body.column ?? body.columns ?? body.metric;
  const suffix = Array.isArray(cols) ? cols.join('_') : typeof cols === 'string' ? cols : '';
  return [table, kind, suffix].filter(Boolean).join('.');
}

export class Validator {
  private readonly list: Rule[] = [];

  constructor(
    readonly table: TableName,
    private readonly defaults: ValidatorDefaults = {},
  ) {}

  private add<K extends RuleKind>(kind: K, body: Body<K>, opts: RuleOptions = {}): this {
    const { id, severity, mostly, description, ...rest } = opts;
    const draft = {
      ...body,
      ...rest,
      kind,
      table: this.table,
      id: id ?? defaultId(this.table, kind, body as Record<string, unknown>),
      severity: severity ?? this.defaults.severity ?? 'error',
      mostly: mostly ?? this.defaults.mostly ?? 1,
      description: '',
    } as unknown as Rule;
    let ruleId = draft.id;
    for (let n = 2; this.list.some((r) => r.id === ruleId); n++) ruleId = `${draft.id}#${n}`;
    const rule = { ...draft, id: ruleId, description: description ?? describeRule(draft) } as Rule;
    const problems = checkRule(rule);
    if (problems.length) throw new Error(`rule ${rule.id}: ${problems.join('; ')}`);
    this.list.push(rule);
    return this;
  }

  /** The column has a value in every row. */
  notNull(column: string, opts?: RuleOptions): this {
    return this.add('not_null', { column }, opts);
  }

  /** One column or a compound key is unique (rows with a NULL key part are left out). */
  unique(columns: string | readonly string[], opts?: RuleOptions): this {
    return this.add('unique', { columns: typeof columns === 'string' ? [columns] : columns }, opts);
  }

  /** Values lie between `min` and `max` (inclusive; `strict` for exclusive; null for no bound). */
  range(
    column: string,
    min: NumberOrText | null,
    max: NumberOrText | null,
    opts?: RuleOptions & { strict?: boolean },
  ): this {
    const { strict, ...rest } = opts ?? {};
    return this.add(
      'range',
      {
        column,
        ...(min === null ? {} : { min }),
        ...(max === null ? {} : { max }),
        ...(strict ? { strict } : {}),
      },
      rest,
    );
  }

  /** Values are members of a set. */
  inSet(column: string, values: readonly NumberOrText[], opts?: RuleOptions): this {
    return this.add('in_set', { column, values: [...values] }, opts);
  }

  /** Values match a regular expression as a whole (`negate`: must not match). */
  regex(column: string, pattern: string, opts?: RuleOptions & { negate?: boolean }): this {
    const { negate, ...rest } = opts ?? {};
    return this.add('regex', { column, pattern, ...(negate ? { negate } : {}) }, rest);
  }

  /** Values (as text) parse as a type. */
  parses(column: string, type: ParseType, opts?: RuleOptions): this {
    return this.add('type', { column, type }, opts);
  }

  /** Every row's key finds a row in another table (referential integrity); reports the join success rate. */
  references(
    columns: string | readonly string[],
    refTable: TableName,
    refColumns?: string | readonly string[],
    opts?: RuleOptions,
  ): this {
    const cols = typeof columns === 'string' ? [columns] : [...columns];
    const refs =
      refColumns === undefined ? cols : typeof refColumns === 'string' ? [refColumns] : [...refColumns];
    return this.add('foreign_key', { columns: cols, ref_table: refTable, ref_columns: refs }, opts);
  }

  /** A business rule as an SQL condition every row must satisfy (optionally over a derived relation `from`). */
  satisfies(predicate: string, opts?: RuleOptions & { from?: string }): this {
    const { from, ...rest } = opts ?? {};
    return this.add('predicate', { predicate, ...(from ? { from } : {}) }, rest);
  }

  /** The table's row count lies within bounds. */
  rowCount(min: number | null, max: number | null = null, opts?: RuleOptions): this {
    return this.add(
      'row_count',
      { ...(min === null ? {} : { min }), ...(max === null ? {} : { max }) },
      opts,
    );
  }

  /** The latest timestamp of a column is at most `maxAgeDays` before the as-of date. */
  freshness(column: string, maxAgeDays: number, opts?: RuleOptions & { asOf?: string }): this {
    const { asOf, ...rest } = opts ?? {};
    return this.add(
      'freshness',
      { column, max_age_days: maxAgeDays, ...(asOf ? { as_of: asOf } : {}) },
      rest,
    );
  }

  /** Row count changes by at most `maxChange` (relative, 0.5 = ±50 %) from the previous version. */
  rowCountDrift(maxChange: number, opts?: RuleOptions): this {
    return this.add('drift', { metric: 'row_count', max: maxChange }, opts);
  }

  /** A column's null share changes by at most `maxChange` (absolute, 0.05 = 5 points). */
  nullRateDrift(column: string, maxChange: number, opts?: RuleOptions): this {
    return this.add('drift', { metric: 'null_rate', column, max: maxChange }, opts);
  }

  /** A numeric column's distribution shifts by at most `max` measured by KS D or PSI. */
  distributionDrift(
    column: string,
    statistic: Extract<DriftMetric, 'ks' | 'psi'>,
    max: number,
    opts?: RuleOptions & { bins?: number },
  ): this {
    const { bins, ...rest } = opts ?? {};
    return this.add(
      'drift',
      { metric: statistic, column, max, ...(bins ? { bins } : {}) },
      {
        id: `${this.table}.drift.${statistic}.${column}`,
        ...rest,
      },
    );
  }

  rules(): Rule[] {
    return [...this.list];
  }

  /** Runs the rules on a data set version. */
  async run(engine: Engine, ds: DatasetRef, opts: Omit<RunOptions, 'ds'> = {}): Promise<RuleResult[]> {
    return (await runRules(engine, this.list, { ...opts, ds })).results;
  }
}
