import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeText } from '../../test/fixtures.ts';
import { readCsvHeader, splitCsvLine } from './csvHeader.ts';
import { linesOfRows } from './lineOfRow.ts';

describe('CSV header', () => {
  it('splits quoted and plain fields', () => {
    expect(splitCsvLine('"a","b ""x""",c')).toEqual(['a', 'b "x"', 'c']);
  });

  it('strips a BOM and notes CRLF', async () => {
    const f = path.join(tempDir(), 'h.csv');
    writeText(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\r\n1,2\r\n')]));
    expect(await readCsvHeader(f)).toMatchObject({
      columns: ['a', 'b'],
      bom: true,
      crlf: true,
      hasRows: true,
    });
  });

  it('reports an empty file and a header-only file', async () => {
    const d = tempDir();
    writeText(path.join(d, 'e.csv'), '');
    writeText(path.join(d, 'h.csv'), 'a,b\n');
    expect(await readCsvHeader(path.join(d, 'e.csv'))).toBeUndefined();
    expect(await readCsvHeader(path.join(d, 'h.csv'))).toMatchObject({ hasRows: false });
  });
});

describe('linesOfRows', () => {
  it('counts physical lines across quoted line breaks', async () => {
    const f = path.join(tempDir(), 'r.csv');
    // line 1 header; row 0 on line 2; row 1 spans lines 3-4; row 2 on line 5
    writeText(f, 'a,b\n1,x\n2,"multi\nline"\n3,y\n');
    const m = await linesOfRows(f, [0, 1, 2]);
    expect([m.get(0), m.get(1), m.get(2)]).toEqual([2, 3, 5]);
  });
});
