import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../datasets/ref.ts';
import { Engine } from '../engine/engine.ts';
import type { Definitions } from './definitions.ts';
import { purchaseFactsSql, stagePurchaseFacts } from './orderFacts.ts';
import { createTestDataset } from './testData.ts';

const DEFS: Definitions = { excludedStatuses: ['canceled', 'unavailable'], orderValue: 'payments' };

describe('per-order facts: one review per order, delivery outcome', () => {
  let engine: Engine;
  let ds: DatasetRef;
  beforeAll(async () => {
    engine = await Engine.memory();
    ds = await createTestDataset(engine, {
      orders: [
        {
          id: 'a',
          customer: 'A',
          at: '2018-01-10 08:00:00',
          value: 1,
          delivered: '2018-01-20 18:00:00', // during the estimated day: on time
          estimated: '2018-01-20',
          reviews: [
            { score: 2, created: '2018-01-19', answered: '2018-01-30' },
            { score: 1, created: '2018-01-21', answered: '2018-01-22' },
            { score: 4, created: '2018-01-21', answered: '2018-01-25' }, // latest creation, then latest answer
          ],
        },
        {
          id: 'b',
          customer: 'B',
          at: '2018-01-10 08:00:00',
          value: 1,
          delivered: '2018-01-21 01:00:00',
          estimated: '2018-01-20',
        },
        { id: 'c', customer: 'C', at: '2018-01-10', value: 1 },
      ],
    });
  });
  afterAll(() => engine.close());

  it('keeps the latest review of each order and classifies deliveries by date', async () => {
    const rows = await engine.all<{
      order_id: string;
      review_score: number | null;
      delivered: boolean;
      on_time: boolean | null;
      days_late: number | null;
      delivery_days: number | null;
    }>(
      `SELECT order_id, review_score, delivered, on_time, days_late::INTEGER AS days_late, delivery_days
         FROM (${purchaseFactsSql(ds, DEFS, {})}) ORDER BY order_id`,
    );
    expect(rows).toEqual([
      // 10 Jan 08:00 → 20 Jan 18:00 = 10 days 10 hours.
      {
        order_id: 'a',
        review_score: 4,
        delivered: true,
        on_time: true,
        days_late: 0,
        delivery_days: 10 + 10 / 24,
      },
      // 10 Jan 08:00 → 21 Jan 01:00 = 10 days 17 hours; one calendar day after the estimate.
      {
        order_id: 'b',
        review_score: null,
        delivered: true,
        on_time: false,
        days_late: 1,
        delivery_days: 10 + 17 / 24,
      },
      {
        order_id: 'c',
        review_score: null,
        delivered: false,
        on_time: null,
        days_late: null,
        delivery_days: null,
      },
    ]);
  });

  it('stages the same rows in temporary tables for large data, and drops them', async () => {
    const direct = await engine.all(`SELECT * FROM (${purchaseFactsSql(ds, DEFS, {})}) ORDER BY order_id`);
    const staged = await engine.withConnection(async (conn) => {
      const facts = await stagePurchaseFacts(conn, 'facts_test', ds, DEFS, {});
      const rows = await Engine.allOn(conn, `SELECT * FROM (${facts.sql}) ORDER BY order_id`);
      await conn.run(facts.drop);
      const left = await Engine.allOn<{ n: number }>(
        conn,
        "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE 'facts_test%'",
      );
      return { rows, left: left[0]?.n };
    });
    expect(direct).toHaveLength(3);
    expect(staged.rows).toEqual(direct);
    expect(staged.left).toBe(0);
  });
});
