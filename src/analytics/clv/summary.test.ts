import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../../test/fixtures.ts';
import { InputError } from '../../core/errors.ts';
import { Engine } from '../../engine/engine.ts';
import { summaryFromFile, summaryFromTransactions } from './summary.ts';
import {
  CDNOW_SAMPLE,
  CDNOW_SUMMARY,
  CDNOW_WITH_TX,
  cdnowSkipReason,
  hasCdnow,
  readCdnowSummary,
  readCdnowWithTransactions,
  roundDecimal,
} from './testFixtures.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await Engine.memory();
  dir = tempDir('olist-clv-summary-');
});
afterAll(() => {
  engine.close();
  removeDir(dir);
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe.skipIf(!hasCdnow)('the CDNOW summary rebuilt from CDNOW_sample.txt', () => {
  it(`matches cdnow_customers_summary(_with_transactions).csv exactly to their 2 decimals ${hasCdnow ? '' : cdnowSkipReason}`, async () => {
    // Procedure of ../shared/data/README.md: column 2 is the customer id, same-day purchases merged,
    // calibration ends 1997-09-30 inclusive, unit = days / 7.
    const s = await summaryFromTransactions(
      engine,
      { file: CDNOW_SAMPLE, customerCol: '2', dateCol: '3', valueCol: '5', dateFormat: '%Y%m%d' },
      { unit: 'weeks', calibrationEnd: '1997-09-30', observationEnd: '1998-06-30' },
    );
    const ref = readCdnowWithTransactions();
    const plain = readCdnowSummary();
    expect(s.ids.length).toBe(2357);
    for (let i = 0; i < ref.id.length; i++) {
      expect(Number(s.ids[i])).toBe(ref.id[i]);
      expect(s.frequency[i]).toBe(ref.frequency[i]);
      expect(roundDecimal(s.recency[i]!, 2)).toBe(ref.recency[i]);
      expect(roundDecimal(s.T[i]!, 2)).toBe(ref.T[i]);
      expect(roundDecimal(s.monetary![i]!, 2)).toBe(ref.monetary![i]);
      expect([s.frequency[i], roundDecimal(s.recency[i]!, 2), roundDecimal(s.T[i]!, 2)]).toEqual([
        plain.frequency[i],
        plain.recency[i],
        plain.T[i],
      ]);
    }
    // The 39-week holdout: BTYD's walkthrough counts 1,882 repeat purchase days after 1997-09-30.
    expect(s.holdout?.duration).toBe(39);
    expect(s.holdout!.frequency.reduce((a, b) => a + b, 0)).toBe(1882);
    // Customer 1 bought on 1997-12-12 for 26.48 in the holdout.
    expect([s.holdout!.frequency[0], s.holdout!.value![0]]).toEqual([1, 26.48]);
  });

  it('reads the whitespace-aligned file without a date format (YYYYMMDD detected)', async () => {
    const s = await summaryFromTransactions(
      engine,
      { file: CDNOW_SAMPLE, customerCol: '2', dateCol: '3' },
      { unit: 'days', calibrationEnd: '1997-09-30' },
    );
    expect(s.ids.length).toBe(2357);
    expect([s.frequency[0], s.recency[0], s.T[0]]).toEqual([2, 213, 272]); // 1997-01-01 → 08-02 and → 09-30
    expect(s.monetary).toBeNull();
  });

  it('reads summary files with any id column name and either spelling of the columns', async () => {
    const a = await summaryFromFile(engine, CDNOW_SUMMARY);
    expect(a.idColumn).toBe('ID');
    expect(a.ids.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(Array.from(a.frequency.slice(0, 3))).toEqual([2, 1, 0]);
    expect(a.monetary).toBeNull();
    const b = await summaryFromFile(engine, CDNOW_WITH_TX);
    expect(b.monetary![0]).toBe(22.35);
    expect(b.definitions.columns).toMatch(/frequency=x, recency=t_x, T=T, monetary_value=zbar, id=ID/);
  });
});

describe('summaries from small transaction logs', () => {
  it('merges same-day purchases, counts repeat purchase days and averages repeat values', async () => {
    const file = write(
      'log.csv',
      [
        'cust,when,amount',
        'a,2020-01-01,10',
        'a,2020-01-01,5', // same day: one purchase of 15
        'a,2020-01-08,20',
        'a,2020-01-15 18:30:00,40',
        'b,2020-01-10,7',
        'c,2020-02-01,9', // first purchase after the calibration end: not summarised
        'b,2020-02-05,3', // holdout
      ].join('\n'),
    );
    const s = await summaryFromTransactions(
      engine,
      { file, customerCol: 'cust', dateCol: 'when', valueCol: 'amount' },
      { unit: 'days', calibrationEnd: '2020-01-31', observationEnd: '2020-02-29' },
    );
    expect(s.ids).toEqual(['a', 'b']);
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recency)).toEqual([14, 0]);
    expect(Array.from(s.T)).toEqual([30, 21]);
    expect(Array.from(s.monetary!)).toEqual([30, 0]); // mean of 20 and 40; the first day (15) excluded
    expect(Array.from(s.holdout!.frequency)).toEqual([0, 1]);
    expect(Array.from(s.holdout!.value!)).toEqual([0, 3]);
    expect(s.holdout!.duration).toBe(29);
    // Weeks are days / 7.
    const w = await summaryFromTransactions(
      engine,
      { file, customerCol: 'cust', dateCol: 'when', valueCol: 'amount' },
      { unit: 'weeks', calibrationEnd: '2020-01-31' },
    );
    expect(w.recency[0]).toBe(2);
    expect(w.T[0]).toBeCloseTo(30 / 7, 14);
  });

  it('end dates are inclusive and the observation end defaults to the latest purchase day', async () => {
    const file = write('log2.csv', 'id,d\nx,2021-03-01\nx,2021-03-10\ny,2021-03-10\n');
    const s = await summaryFromTransactions(
      engine,
      { file, customerCol: 'id', dateCol: 'd' },
      { unit: 'days' },
    );
    expect(s.observationEnd).toBe('2021-03-10');
    expect(Array.from(s.T)).toEqual([9, 0]);
    expect(Array.from(s.frequency)).toEqual([1, 0]);
  });

  it('names unreadable dates and values, and unknown columns', async () => {
    const bad = write('bad.csv', 'id,d,v\nx,2021-03-01,1\nx,not a date,2\n');
    await expect(
      summaryFromTransactions(engine, { file: bad, customerCol: 'id', dateCol: 'd' }, { unit: 'days' }),
    ).rejects.toThrow(/1 of 2 rows .* unreadable date/);
    const badValue = write('badv.csv', 'id,d,v\nx,2021-03-01,1\nx,2021-03-02,abc\n');
    await expect(
      summaryFromTransactions(
        engine,
        { file: badValue, customerCol: 'id', dateCol: 'd', valueCol: 'v' },
        { unit: 'days' },
      ),
    ).rejects.toThrow(/non-numeric value/);
    await expect(
      summaryFromTransactions(engine, { file: bad, customerCol: 'nope', dateCol: 'd' }, { unit: 'days' }),
    ).rejects.toBeInstanceOf(InputError);
    const summary = write('sum.csv', 'customer,frequency,recency\n1,2,3\n');
    await expect(summaryFromFile(engine, summary)).rejects.toThrow(/lacks column\(s\) T/);
    const inconsistent = write('sum2.csv', 'frequency,recency,T\n2,30,20\n');
    await expect(summaryFromFile(engine, inconsistent)).rejects.toThrow(/invalid row/);
  });
});
