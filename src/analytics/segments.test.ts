import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../test/fixtures.ts';
import { InputError } from '../core/errors.ts';
import { Engine } from '../engine/engine.ts';
import {
  DEFAULT_SEGMENT_MAP,
  loadSegmentMap,
  readSegmentMapFile,
  segmentCaseSql,
  segmentMapSchema,
  segmentOf,
} from './segments.ts';

const nameOf = (r: number, f: number, m = 3) => segmentOf(DEFAULT_SEGMENT_MAP.segments, r, f, m)?.name;

describe('the default segment map', () => {
  it('has the 11 common segments', () => {
    expect(DEFAULT_SEGMENT_MAP.segments.map((s) => s.name).sort()).toEqual(
      [
        'About to Sleep',
        'At Risk',
        "Can't Lose Them",
        'Champions',
        'Hibernating',
        'Lost',
        'Loyal Customers',
        'Need Attention',
        'New Customers',
        'Potential Loyalists',
        'Promising',
      ].sort(),
    );
  });

  it('names known (R, F) pairs as the published grid does', () => {
    const expected: [number, number, string][] = [
      [5, 5, 'Champions'],
      [5, 4, 'Champions'],
      [4, 5, 'Loyal Customers'],
      [3, 4, 'Loyal Customers'],
      [5, 2, 'Potential Loyalists'],
      [4, 3, 'Potential Loyalists'],
      [5, 1, 'New Customers'],
      [4, 1, 'Promising'],
      [3, 3, 'Need Attention'],
      [3, 1, 'About to Sleep'],
      [3, 2, 'About to Sleep'],
      [2, 5, "Can't Lose Them"],
      [1, 5, "Can't Lose Them"],
      [2, 3, 'At Risk'],
      [1, 4, 'At Risk'],
      [1, 1, 'Lost'],
      [2, 1, 'Hibernating'],
      [1, 2, 'Hibernating'],
      [2, 2, 'Hibernating'],
    ];
    for (const [r, f, name] of expected) expect(nameOf(r, f), `R${r} F${f}`).toBe(name);
  });

  it('ignores M', () => {
    for (let m = 1; m <= 5; m++) expect(nameOf(5, 5, m)).toBe('Champions');
  });

  it('assigns in SQL exactly what the map says, for all 125 score triples', async () => {
    const engine = await Engine.memory();
    try {
      const rows = await engine.all<{ r: number; f: number; m: number; s: string }>(
        `SELECT r, f, m, ${segmentCaseSql(DEFAULT_SEGMENT_MAP, 'r', 'f', 'm')} AS s
           FROM (SELECT a.r::INTEGER AS r, b.f::INTEGER AS f, c.m::INTEGER AS m
                   FROM range(1, 6) a(r), range(1, 6) b(f), range(1, 6) c(m))`,
      );
      expect(rows).toHaveLength(125);
      for (const row of rows) expect(row.s, `${row.r}${row.f}${row.m}`).toBe(nameOf(row.r, row.f, row.m));
      const [nul] = await engine.all<{ s: string | null }>(
        `SELECT ${segmentCaseSql(DEFAULT_SEGMENT_MAP, 'r', 'f', 'm')} AS s FROM (SELECT NULL::INTEGER r, 1 f, 1 m)`,
      );
      expect(nul?.s).toBeNull();
    } finally {
      engine.close();
    }
  });
});

describe('custom segment maps', () => {
  const dir = tempDir('olist-segmap-');
  afterAll(() => removeDir(dir));

  it('reads a YAML map with an M condition and first-match-wins order', () => {
    const file = path.join(dir, 'map.yml');
    writeFileSync(
      file,
      `segments:
  - name: Big spenders
    m: 5
    action: treat them like VIPs
  - name: Recent
    r: [4, 5]
  - name: Everyone else
`,
    );
    const map = loadSegmentMap(file);
    expect(map.segments.map((s) => s.name)).toEqual(['Big spenders', 'Recent', 'Everyone else']);
    expect(segmentOf(map.segments, 1, 1, 5)?.name).toBe('Big spenders');
    expect(segmentOf(map.segments, 5, 1, 4)?.name).toBe('Recent');
    expect(segmentOf(map.segments, 3, 5, 4)?.name).toBe('Everyone else');
    // The raw form passes validation again, and so does the parsed form (idempotent).
    expect(segmentMapSchema.parse(readSegmentMapFile(file))).toEqual(map);
    expect(segmentMapSchema.parse(map)).toEqual(map);
  });

  it('rejects a map that leaves score combinations without a segment, naming them', () => {
    const r = segmentMapSchema.safeParse({
      segments: [
        { name: 'Top', r: 5 },
        { name: 'Low', r: [1, 3] },
      ],
    });
    expect(r.success).toBe(false);
    const msg = r.error?.issues.map((i) => i.message).join('\n') ?? '';
    // R = 4 is uncovered: 5 F × 5 M = 25 combinations.
    expect(msg).toMatch(/25 score combination\(s\) match no segment: R4 F1 M1, R4 F1 M2/);
  });

  it('rejects duplicate names, inverted ranges and scores outside 1-5', () => {
    expect(
      segmentMapSchema.safeParse({ segments: [{ name: 'A' }, { name: 'A' }] }).error?.issues[0]?.message,
    ).toMatch(/duplicate segment "A"/);
    expect(segmentMapSchema.safeParse({ segments: [{ name: 'A', r: [5, 1] }, { name: 'B' }] }).success).toBe(
      false,
    );
    expect(segmentMapSchema.safeParse({ segments: [{ name: 'A', f: 6 }, { name: 'B' }] }).success).toBe(
      false,
    );
    expect(segmentMapSchema.safeParse({ segments: [{ name: 'A', x: 1 }] }).success).toBe(false);
  });

  it('reports an unreadable or invalid file as an input error with the location', () => {
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, 'segments:\n  - name: Only recent\n    r: 5\n');
    expect(() => loadSegmentMap(bad)).toThrow(InputError);
    try {
      loadSegmentMap(bad);
    } catch (err) {
      expect((err as InputError).details[0]?.location).toBe('segments');
    }
    expect(() => loadSegmentMap(path.join(dir, 'missing.yml'))).toThrow(/cannot read the segment map/);
  });
});
