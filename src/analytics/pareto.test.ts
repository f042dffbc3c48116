import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { type Concentration, concentration } from './pareto.ts';

describe('concentration (Pareto, Lorenz, Gini)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.memory();
  });
  afterAll(() => engine.close());

  const run = (values: readonly number[]): Promise<Concentration> =>
    engine.withConnection(async (conn) => {
      await conn.run('CREATE OR REPLACE TEMP TABLE v (value DOUBLE)');
      if (values.length) await conn.run(`INSERT INTO v VALUES ${values.map((x) => `(${x})`).join(', ')}`);
      return concentration(conn, 'v');
    });

  it('revenues 1, 1, 1, 7: the top 25% hold 70%, half the customers make 80%, Gini 0.45', async () => {
    const c = await run([1, 7, 1, 1]);
    expect(c.units).toBe(4);
    expect(c.total).toBe(10);
    // Top 20% = 0.8 customers = 0.8 × 7 = 5.6 of 10.   Top 1% = 0.04 × 7 = 0.28 of 10.
    const top = Object.fromEntries(c.top_shares.map((t) => [t.top, t.share]));
    expect(top[0.2]).toBeCloseTo(0.56, 12);
    expect(top[0.01]).toBeCloseTo(0.028, 12);
    expect(top[0.05]).toBeCloseTo(0.14, 12); // 0.2 × 7 / 10
    expect(top[0.1]).toBeCloseTo(0.28, 12); // 0.4 × 7 / 10
    // Lorenz: L(0.25) = 0.1, L(0.5) = 0.2, L(0.75) = 0.3 → top 25% = 1 − 0.3 = 70%.
    expect(c.lorenz[25]?.value_share).toBeCloseTo(0.1, 12);
    expect(c.lorenz[50]?.value_share).toBeCloseTo(0.2, 12);
    expect(1 - (c.lorenz[75]?.value_share ?? 0)).toBeCloseTo(0.7, 12);
    expect(c.lorenz[0]).toEqual({ population_share: 0, value_share: 0 });
    expect(c.lorenz[100]?.value_share).toBeCloseTo(1, 12);
    // 80% of 10 = 8: the top customer (7) plus one of the others (1) → 2 of 4 customers.
    expect(c.units_share_for_target).toBeCloseTo(0.5, 12);
    // Gini = 2 Σ i·x(i) / (n Σx) − (n+1)/n = 2 (1 + 2 + 3 + 4·7) / (4·10) − 5/4 = 68/40 − 1.25 = 0.45.
    expect(c.gini).toBeCloseTo(0.45, 12);
    // HHI = (1 + 1 + 1 + 49) / 100.
    expect(c.hhi).toBeCloseTo(0.52, 12);
  });

  it('perfect equality: Gini 0, the top p% hold p%', async () => {
    const c = await run([5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(c.gini).toBeCloseTo(0, 12);
    for (const t of c.top_shares) expect(t.share).toBeCloseTo(t.top, 12);
    expect(c.units_share_for_target).toBeCloseTo(0.8, 12);
  });

  it('one unit holds everything: Gini (n − 1)/n', async () => {
    const c = await run([0, 0, 0, 0, 10]);
    // 2 (5·10) / (5·10) − 6/5 = 2 − 1.2 = 0.8 = (5 − 1)/5.
    expect(c.gini).toBeCloseTo(0.8, 12);
    // 80% of 10 = 8 → 0.8 of the top unit → 0.8 / 5 = 16% of units.
    expect(c.units_share_for_target).toBeCloseTo(0.16, 12);
  });

  it('returns nulls, not NaN, when there is nothing to share', async () => {
    for (const values of [[], [0, 0]]) {
      const c = await run(values);
      expect(c.gini).toBeNull();
      expect(c.units_share_for_target).toBeNull();
      expect(c.top_shares.every((t) => t.share === null)).toBe(true);
      expect(c.lorenz.every((p) => p.value_share === null)).toBe(true);
    }
  });
});
