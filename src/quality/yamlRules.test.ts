import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import { ConfigError } from '../core/errors.ts';
import { Engine } from '../engine/engine.ts';
import { runRules } from './run.ts';
import { suiteRules } from './suite.ts';
import { createTable, datasetRef } from './testTables.ts';
import { Validator } from './validator.ts';
import { loadRulesFile, parseRules } from './yamlRules.ts';

const YAML = `
- table: order_payments
  kind: range
  column: payment_value
  min: 0
  max: 100000
- id: payments.type
  table: order_payments
  kind: in_set
  column: payment_type
  values: [credit_card, boleto]
  severity: warning
  mostly: 0.5
- table: order_payments
  kind: unique
  columns: [order_id, payment_sequential]
- table: order_payments
  kind: foreign_key
  columns: order_id
  ref_table: orders
- table: orders
  kind: predicate
  predicate: order_delivered_customer_date >= order_purchase_timestamp
  where: order_status = 'delivered'
- table: orders
  kind: drift
  metric: null_rate
  column: order_approved_at
  max: 0.05
`;

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('declarative YAML rules', () => {
  it('parse into the same rules the builder makes, with defaults', () => {
    const rules = parseRules(parseYaml(YAML) as unknown[]);
    expect(rules.map((r) => r.id)).toEqual([
      'config.1.order_payments.range',
      'payments.type',
      'config.3.order_payments.unique',
      'config.4.order_payments.foreign_key',
      'config.5.orders.predicate',
      'config.6.orders.drift',
    ]);
    const built = new Validator('order_payments')
      .range('payment_value', 0, 100000, { id: 'config.1.order_payments.range' })
      .inSet('payment_type', ['credit_card', 'boleto'], {
        id: 'payments.type',
        severity: 'warning',
        mostly: 0.5,
      })
      .unique(['order_id', 'payment_sequential'], { id: 'config.3.order_payments.unique' })
      .references('order_id', 'orders', 'order_id', { id: 'config.4.order_payments.foreign_key' })
      .rules();
    expect(rules.slice(0, 4)).toEqual(built);
    expect(rules[4]).toMatchObject({ severity: 'error', mostly: 1, where: `order_status = 'delivered'` });
  });

  it('reports every problem with its location', () => {
    const err = caught(() =>
      parseRules([
        { table: 'orders', kind: 'not_null', column: 'nope' },
        { table: 'orders', kind: 'sometimes', column: 'order_id' },
        { table: 'orders', kind: 'not_null', column: 'order_id', mostly: 1.5 },
        { table: 'orders', kind: 'not_null', column: 'order_id', colour: 'red' },
        { table: 'shops', kind: 'row_count', min: 1 },
        { id: 'x', table: 'orders', kind: 'row_count', min: 1 },
        { id: 'x', table: 'orders', kind: 'row_count', max: 9 },
        { table: 'orders', kind: 'drift', metric: 'ks', max: 0.1 },
      ]),
    );
    const where = err.details.map((d) => `${d.location}: ${d.message}`);
    expect(where[0]).toBe('quality.rules[0]: orders has no column "nope"');
    expect(where.some((w) => w.startsWith('quality.rules[1].kind'))).toBe(true);
    expect(where.some((w) => w.startsWith('quality.rules[2].mostly'))).toBe(true);
    expect(where).toContain('quality.rules[3]: unknown key(s): colour');
    expect(where.some((w) => w.startsWith('quality.rules[4].table'))).toBe(true);
    expect(where).toContain('quality.rules[6].id: duplicate rule id "x"');
    expect(where).toContain('quality.rules[7]: drift metric ks needs a column');
    expect(err.exitCode).toBe(2);
  });

  it('run like any rule', async () => {
    const engine = await Engine.memory();
    const ds = datasetRef(1);
    try {
      await createTable(engine, ds, 'order_payments', [
        { order_id: 'a', payment_sequential: 1, payment_type: 'credit_card', payment_value: 10 },
        { order_id: 'a', payment_sequential: 1, payment_type: 'voucher', payment_value: -1 },
      ]);
      await createTable(engine, ds, 'orders', [{ order_id: 'a', order_status: 'delivered' }]);
      const out = await runRules(engine, parseRules(parseYaml(YAML) as unknown[]), { ds });
      expect(out.results.map((r) => [r.id, r.status, r.failing_count])).toEqual([
        ['config.1.order_payments.range', 'fail', 1],
        ['payments.type', 'pass', 1],
        ['config.3.order_payments.unique', 'fail', 1],
        ['config.4.order_payments.foreign_key', 'pass', 0],
        ['config.5.orders.predicate', 'pass', 0],
        ['config.6.orders.drift', 'skipped', 0],
      ]);
    } finally {
      engine.close();
    }
  });

  describe('from the configuration and from a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = tempDir('olist-rules-');
    });
    afterAll(() => removeDir(dir));

    it('config quality.rules are added to the built-in suite', async () => {
      const ctx = await testContext(path.join(dir, 'data'));
      try {
        const base = suiteRules(ctx).length;
        const withConfig = suiteRules({
          loaded: {
            ...ctx.loaded,
            config: {
              ...ctx.loaded.config,
              quality: { rules: parseYaml(YAML) as Record<string, unknown>[] },
            },
          },
        });
        expect(withConfig.length).toBe(base + 6);
        expect(() =>
          suiteRules({
            loaded: {
              ...ctx.loaded,
              config: {
                ...ctx.loaded.config,
                quality: { rules: [{ id: 'orders.fresh', table: 'orders', kind: 'row_count' }] },
              },
            },
          }),
        ).toThrow(ConfigError);
      } finally {
        await ctx.close();
      }
    });

    it('a rules file holds a list or a mapping with "rules"', () => {
      const list = path.join(dir, 'list.yml');
      const map = path.join(dir, 'map.yml');
      writeFileSync(list, YAML);
      writeFileSync(map, `rules:\n${YAML.replace(/^/gm, '  ')}`);
      expect(loadRulesFile(list)).toEqual(loadRulesFile(map).map((r) => ({ ...r })));
      writeFileSync(list, 'just: text');
      expect(() => loadRulesFile(list)).toThrow(/expected a list of rules/);
    });
  });
});
