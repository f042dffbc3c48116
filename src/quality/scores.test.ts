import { describe, expect, it } from 'vitest';
import type { RuleResult } from './run.ts';
import { computeScores } from './scores.ts';

function result(over: Partial<RuleResult> & Pick<RuleResult, 'id' | 'table' | 'dimension'>): RuleResult {
  return {
    kind: 'predicate',
    severity: 'warning',
    description: '',
    status: 'pass',
    passed: true,
    failing_count: 0,
    total_count: 0,
    failing_share: 0,
    mostly: 1,
    pass_rate: 1,
    observed: null,
    expected: null,
    message: null,
    examples: [],
    sql_ms: 0,
    ...over,
  };
}

describe('quality scores', () => {
  it('averages pass rates per dimension, adds cell completeness, skips what does not apply', () => {
    const results = [
      result({ id: 'a', table: 'orders', dimension: 'validity', pass_rate: 0.9, status: 'fail' }),
      result({ id: 'b', table: 'orders', dimension: 'validity', pass_rate: 1 }),
      result({ id: 'c', table: 'orders', dimension: 'completeness', pass_rate: 0.5, status: 'fail' }),
      result({ id: 'd', table: 'orders', dimension: 'consistency', status: 'error', pass_rate: 0 }),
      result({ id: 'e', table: 'orders', dimension: 'consistency', pass_rate: 1 }),
      result({ id: 'f', table: 'orders', dimension: 'timeliness', status: 'skipped', pass_rate: 1 }),
      result({ id: 'g', table: 'sellers', dimension: 'uniqueness', pass_rate: 0.8, status: 'fail' }),
    ];
    // orders: 8 columns × 100 rows with 80 null cells → cell completeness 0.9.
    const scores = computeScores(results, {
      orders: { rows: 100, cells: 800, null_cells: 80 },
      sellers: { rows: 10, cells: 40, null_cells: 0 },
    });
    const orders = scores.tables.orders!;
    expect(orders.validity).toBe(95); // (0.9 + 1) / 2
    expect(orders.completeness).toBe(70); // (0.5 + 0.9) / 2
    expect(orders.consistency).toBe(50); // an errored rule counts 0
    expect(orders.uniqueness).toBeNull();
    expect(orders.timeliness).toBeNull(); // skipped rules do not count
    expect(orders.score).toBe(71.7); // (95 + 70 + 50) / 3 = 71.67
    const sellers = scores.tables.sellers!;
    expect(sellers).toEqual({
      score: 90,
      completeness: 100,
      validity: null,
      uniqueness: 80,
      consistency: null,
      timeliness: null,
    });
    // Overall dimensions are means over the tables that have them.
    expect(scores.overall.completeness).toBe(85); // (70 + 100) / 2
    expect(scores.overall.validity).toBe(95);
    expect(scores.overall.uniqueness).toBe(80);
    expect(scores.overall.consistency).toBe(50);
    expect(scores.overall.timeliness).toBeNull();
    expect(scores.overall.score).toBe(77.5); // (85 + 95 + 80 + 50) / 4
  });
});
