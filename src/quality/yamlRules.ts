/**
 * Declarative rules from YAML (config `quality.rules`, or a rules file given to `olist validate`),
 * validated once into typed rules. Keys are those of the Rule type (rules.ts); `severity`
 * defaults to error, `mostly` to 1, `id` and `description` are derived when absent.
 *
 *   quality:
 *     rules:
 *       - { table: order_payments, kind: range, column: payment_value, min: 0, max: 100000 }
 *       - table: orders
 *         kind: predicate
 *         predicate: order_delivered_customer_date >= order_purchase_timestamp
 *         severity: warning
 *         mostly: 0.99
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ErrorDetail } from '../core/errors.ts';
import { TABLE_NAMES } from '../olist/tables.ts';
import { DRIFT_METRICS } from './drift.ts';
import { checkRule, DIMENSIONS, PARSE_TYPES, type Rule, SEVERITIES } from './rules.ts';
import { describeRule } from './validator.ts';

const name = z.string().min(1);
const numberOrText = z.union([z.number(), z.string()]);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const common = {
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.#-]+$/, 'letters, digits and _ . # - only')
    .optional(),
  table: z.enum(TABLE_NAMES),
  severity: z.enum(SEVERITIES).default('error'),
  mostly: z.number().min(0).max(1).default(1),
  description: z.string().min(1).optional(),
  where: z.string().min(1).optional(),
  key: z.array(name).min(1).optional(),
  dimension: z.enum(DIMENSIONS).optional(),
};

const oneOrMore = z.union([name.transform((s) => [s]), z.array(name).min(1)]);

export const yamlRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('not_null'), column: name }),
  z.strictObject({ ...common, kind: z.literal('unique'), columns: oneOrMore }),
  z.strictObject({
    ...common,
    kind: z.literal('range'),
    column: name,
    min: numberOrText.optional(),
    max: numberOrText.optional(),
    strict: z.boolean().optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('in_set'),
    column: name,
    values: z.array(numberOrText).min(1),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('regex'),
    column: name,
    pattern: z.string().min(1),
    negate: z.boolean().optional(),
  }),
  z.strictObject({ ...common, kind: z.literal('type'), column: name, type: z.enum(PARSE_TYPES) }),
  z.strictObject({
    ...common,
    kind: z.literal('foreign_key'),
    columns: oneOrMore,
    ref_table: z.enum(TABLE_NAMES),
    ref_columns: oneOrMore.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('predicate'),
    predicate: z.string().min(1),
    from: z.string().min(1).optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('row_count'),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('freshness'),
    column: name,
    max_age_days: z.number().positive(),
    as_of: date.optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('drift'),
    metric: z.enum(DRIFT_METRICS),
    column: name.optional(),
    max: z.number().min(0),
    bins: z.number().int().min(2).max(100).optional(),
  }),
]);

export type YamlRule = z.infer<typeof yamlRuleSchema>;

function toRule(parsed: YamlRule, index: number): Rule {
  const base = {
    ...parsed,
    id: parsed.id ?? `config.${index + 1}.${parsed.table}.${parsed.kind}`,
    description: '',
  };
  const rule = (
    parsed.kind === 'foreign_key' ? { ...base, ref_columns: parsed.ref_columns ?? parsed.columns } : base
  ) as Rule;
  return { ...rule, description: parsed.description ?? describeRule(rule) };
}

/**
 * Validates declarative rules; every problem is reported at once with its location
 * (`<where>[i].field`). Throws ConfigError.
 */
export function parseRules(raw: readonly unknown[], where = 'quality.rules'): Rule[] {
  const details: ErrorDetail[] = [];
  const rules: { rule: Rule; index: number }[] = [];
  raw.forEach((item, i) => {
    const result = yamlRuleSchema.safeParse(item);
    if (!result.success) {
      for (const issue of result.error.issues) {
        details.push({
          location: [`${where}[${i}]`, ...issue.path.map(String)].join('.'),
          message:
            issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message,
        });
      }
      return;
    }
    const rule = toRule(result.data, i);
    for (const p of checkRule(rule)) details.push({ location: `${where}[${i}]`, message: p });
    rules.push({ rule, index: i });
  });
  const ids = new Set<string>();
  for (const { rule, index } of rules) {
    if (ids.has(rule.id))
      details.push({ location: `${where}[${index}].id`, message: `duplicate rule id "${rule.id}"` });
    ids.add(rule.id);
  }
  if (details.length) throw new ConfigError(`invalid quality rules (${where})`, details);
  return rules.map((r) => r.rule);
}

/** Reads a YAML file holding a list of rules, or a mapping with a `rules:` list. */
export function loadRulesFile(file: string): Rule[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read rules: ${(err as Error).message}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { rules?: unknown }).rules)
      ? (parsed as { rules: unknown[] }).rules
      : undefined;
  if (!list) throw new ConfigError(`${file}: expected a list of rules (or a mapping with a "rules" list)`);
  return parseRules(list, file);
}
