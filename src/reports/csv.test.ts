import { describe, expect, it } from 'vitest';
import { chunksOf, fromArray } from './chunks.ts';
import { csvCell, neutralise, writeCsvRows } from './csv.ts';
import { Collector, parseCsv } from './testUtil.ts';
import type { ColumnSpec, Row } from './types.ts';

const COLS: ColumnSpec[] = [
  { name: 'name', type: 'text' },
  { name: 'n', type: 'int' },
  { name: 'amount', type: 'currency' },
  { name: 'day', type: 'date' },
];

async function csvOf(rows: readonly Row[], opts = {}): Promise<string> {
  const out = new Collector();
  await writeCsvRows(out, COLS, fromArray(rows, 2)(), opts);
  return out.buffer.toString('utf8');
}

describe('neutralise (formula injection)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+5511999', "'+5511999"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ['São Paulo', 'São Paulo'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutralise(input)).toBe(expected);
  });

  it('leaves numbers alone: a negative number is a number, not a formula', () => {
    expect(csvCell(-12.5, { name: 'x', type: 'number' })).toBe('-12.5');
    expect(csvCell('-12.5', { name: 'x', type: 'text' })).toBe("'-12.5");
  });
});

describe('CSV writer', () => {
  it('writes RFC 4180: header in column order, CRLF, quoting of commas, quotes and line breaks', async () => {
    const rows: Row[] = [
      { name: 'São Paulo, SP', n: 1, amount: 10.5, day: '2018-01-02' },
      { name: 'say "Não"', n: 2, amount: 0, day: null },
      { name: 'two\nlines', n: null, amount: 1234567.891, day: '2018-03-04' },
      { name: '=cmd|calc', n: 4, amount: -3, day: '2018-05-06' },
    ];
    const text = await csvOf(rows);
    expect(text.startsWith('name,n,amount,day\r\n')).toBe(true);
    expect(text).toContain('"São Paulo, SP",1,10.5,2018-01-02\r\n');
    expect(text).toContain('"say ""Não""",2,0,\r\n');
    expect(parseCsv(text)).toEqual([
      ['name', 'n', 'amount', 'day'],
      ['São Paulo, SP', '1', '10.5', '2018-01-02'],
      ['say "Não"', '2', '0', ''],
      ['two\nlines', '', '1234567.891', '2018-03-04'],
      ["'=cmd|calc", '4', '-3', '2018-05-06'],
    ]);
  });

  it('adds a UTF-8 BOM only when asked', async () => {
    const rows: Row[] = [{ name: 'Não', n: 1, amount: 1, day: '2018-01-01' }];
    expect((await csvOf(rows)).charCodeAt(0)).toBe('n'.charCodeAt(0));
    const withBom = await csvOf(rows, { bom: true });
    expect(Buffer.from(withBom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('writes only the header for no rows', async () => {
    expect(await csvOf([])).toBe('name,n,amount,day\r\n');
  });
});

describe('chunksOf (callback producer → async iterable)', () => {
  it('hands over every chunk in order, holding at most one ahead', async () => {
    let produced = 0;
    let maxAhead = 0;
    let consumed = 0;
    const it = chunksOf<number>(async (onRows) => {
      for (let i = 0; i < 5; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        await onRows([i * 2, i * 2 + 1]);
      }
    });
    const seen: number[] = [];
    for await (const chunk of it) {
      await new Promise((r) => setTimeout(r, 2));
      consumed++;
      seen.push(...chunk);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxAhead).toBeLessThanOrEqual(1);
  });

  it('stops the producer when the consumer breaks, and passes producer errors on', async () => {
    let finished = false;
    const it = chunksOf<number>(async (onRows) => {
      for (let i = 0; i < 100; i++) await onRows([i]);
      finished = true;
    });
    for await (const chunk of it) if (chunk[0] === 2) break;
    expect(finished).toBe(false);
    const failing = chunksOf<number>(async (onRows) => {
      await onRows([1]);
      throw new Error('boom');
    });
    await expect(async () => {
      for await (const _ of failing) {
        // drain
      }
    }).rejects.toThrow('boom');
  });
});
