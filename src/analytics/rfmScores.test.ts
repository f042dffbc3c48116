import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { binsOfColumn, binsOfValues, type Direction, type ScoreBin, scoreCaseSql } from './rfmScores.ts';

const rep = (value: number, times: number) => Array.from({ length: times }, () => value);

describe('tie-safe adaptive bins (in memory)', () => {
  it('gives every customer the same score when all values are equal', async () => {
    expect(await binsOfValues(rep(1, 50), 'asc')).toEqual([{ score: 1, min: 1, max: 1, customers: 50 }]);
  });

  it('keeps a dominant value in one bin and re-splits the rest (Olist-like frequency)', async () => {
    // 100 customers: 90×1, 6×2, 2×3, 1×4, 1×7.
    // Score 1: target 100/5 = 20; the first value already holds 90 → bin {1}.
    // Score 2: 10 left over 4 scores, target 2.5; value 2 holds 6 → bin {2}.
    // Score 3: 4 left over 3, target 1.33; value 3 holds 2 → {3}. Score 4: 2 left over 2, target 1 → {4}. Score 5: {7}.
    const values = [...rep(1, 90), ...rep(2, 6), ...rep(3, 2), 4, 7];
    expect(await binsOfValues(values, 'asc')).toEqual([
      { score: 1, min: 1, max: 1, customers: 90 },
      { score: 2, min: 2, max: 2, customers: 6 },
      { score: 3, min: 3, max: 3, customers: 2 },
      { score: 4, min: 4, max: 4, customers: 1 },
      { score: 5, min: 7, max: 7, customers: 1 },
    ]);
  });

  it('is plain quintiles without ties', async () => {
    const values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(await binsOfValues(values, 'asc')).toEqual([
      { score: 1, min: 1, max: 2, customers: 2 },
      { score: 2, min: 3, max: 4, customers: 2 },
      { score: 3, min: 5, max: 6, customers: 2 },
      { score: 4, min: 7, max: 8, customers: 2 },
      { score: 5, min: 9, max: 10, customers: 2 },
    ]);
  });

  it('scores recency in reverse: the fewest days get the highest score', async () => {
    const bins = await binsOfValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'desc');
    expect(bins[0]).toEqual({ score: 1, min: 9, max: 10, customers: 2 });
    expect(bins[4]).toEqual({ score: 5, min: 1, max: 2, customers: 2 });
  });

  it('collapses empty bins when there are fewer than 5 distinct values', async () => {
    // [5, 5, 8]: score 1 target 0.6 → value 5 (2 customers); score 2 → value 8; nothing left.
    expect(await binsOfValues([5, 8, 5], 'asc')).toEqual([
      { score: 1, min: 5, max: 5, customers: 2 },
      { score: 2, min: 8, max: 8, customers: 1 },
    ]);
  });

  it('ends each bin at the value boundary nearest the target (ties: the larger bin)', async () => {
    // 7 distinct values 1..7, one customer each.
    // s1: target 7/5 = 1.4 → boundary after 1 (distance 0.4) beats after 2 (0.6) → {1}.
    // s2: 6 left / 4 = 1.5 → after 2 (0.5) ties after 3 (0.5) → larger → {2,3}.
    // s3: 4 left / 3 = 1.33 → after 4 (0.33) beats after 5 (0.67) → {4}.
    // s4: 3 left / 2 = 1.5 → tie → larger → {5,6}.   s5: {7}.
    expect((await binsOfValues([1, 2, 3, 4, 5, 6, 7], 'asc')).map((b) => [b.min, b.max])).toEqual([
      [1, 1],
      [2, 3],
      [4, 4],
      [5, 6],
      [7, 7],
    ]);
  });

  it('never splits a tie group straddling a quantile', async () => {
    // 1, 2, 3, ten 4s, 5, 6 (15 customers). s1: target 3 → {1,2,3} exactly.
    // s2: 12 left / 4 = 3; the 4s (10) are the next group → {4}. s3: 2 left / 3 → {5}. s4: 1 left / 2 → {6}.
    const bins = await binsOfValues([1, 2, 3, ...rep(4, 10), 5, 6], 'asc');
    expect(bins).toEqual([
      { score: 1, min: 1, max: 3, customers: 3 },
      { score: 2, min: 4, max: 4, customers: 10 },
      { score: 3, min: 5, max: 5, customers: 1 },
      { score: 4, min: 6, max: 6, customers: 1 },
    ]);
  });

  it('returns no bins for no customers', async () => {
    expect(await binsOfValues([], 'asc')).toEqual([]);
  });
});

describe('tie-safe adaptive bins (SQL)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.memory();
  });
  afterAll(() => engine.close());

  async function sqlBins(values: readonly number[], direction: Direction): Promise<ScoreBin[]> {
    return engine.withConnection(async (conn) => {
      await conn.run('CREATE OR REPLACE TEMP TABLE t (v DOUBLE)');
      if (values.length) await conn.run(`INSERT INTO t VALUES ${values.map((v) => `(${v})`).join(', ')}`);
      return binsOfColumn(conn, 't', 'v', direction);
    });
  }

  it('matches the in-memory reference on many random data sets with heavy ties', async () => {
    // A small deterministic generator (LCG) so the case list is fixed.
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 25; trial++) {
      const n = 1 + Math.floor(rnd() * 200);
      const distinct = 1 + Math.floor(rnd() * 12);
      const skew = rnd() * 4;
      const values = Array.from({ length: n }, () => Math.floor(distinct * rnd() ** (1 + skew)));
      for (const dir of ['asc', 'desc'] as const) {
        expect(await sqlBins(values, dir), `trial ${trial} ${dir}`).toEqual(await binsOfValues(values, dir));
      }
    }
  });

  it('handles the empty table', async () => {
    expect(await sqlBins([], 'asc')).toEqual([]);
  });

  it('scores through the generated CASE exactly as the bins say, equal values always together', async () => {
    const values = [0, 40, 50.5, 60, 80, 300, 300, 500, 0.1 + 0.2];
    const bins = await binsOfValues(values, 'asc');
    const rows = await engine.withConnection(async (conn) => {
      await conn.run('CREATE OR REPLACE TEMP TABLE s (v DOUBLE)');
      await conn.run(`INSERT INTO s VALUES ${values.map((v) => `(${v})`).join(', ')}`);
      return Engine.allOn<{ v: number; score: number }>(
        conn,
        `SELECT v, ${scoreCaseSql('v', bins, 'asc')}::INTEGER AS score FROM s ORDER BY v`,
      );
    });
    for (const r of rows) {
      const bin = bins.find((b) => r.v >= b.min && r.v <= b.max);
      expect(r.score, String(r.v)).toBe(bin?.score);
    }
    expect(scoreCaseSql('x', [], 'asc')).toBe('NULL::INTEGER');
  });
});
