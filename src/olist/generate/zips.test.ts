/**
 * Checks of the hand-written zip/city table (zips.ts) and its expansion into zip prefixes (geo.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseZipRanges, ZipTable } from './geo.ts';
import { ZIP_STATES } from './zips.ts';

const table = new ZipTable();

describe('zip table', () => {
  it('covers the 27 states, each city with at least one prefix, about 17,000 prefixes in all', () => {
    expect([...table.states]).toEqual([...table.states].sort());
    expect(table.states.length).toBe(27);
    expect(table.count).toBeGreaterThan(12_000);
    expect(table.count).toBeLessThan(25_000);
    const cities = new Set(table.city.map((c, i) => `${c}|${table.states[table.state[i]!]}`));
    for (const s of ZIP_STATES)
      for (const [city] of s.cities) expect(cities.has(`${city}|${s.state}`)).toBe(true);
  });

  it('gives each zip prefix one city and state, inside the city and state ranges', () => {
    expect(new Set(table.zip).size).toBe(table.count);
    const rangesOf = new Map<string, [number, number][]>();
    for (const s of ZIP_STATES) {
      for (const [city, , , , zips] of s.cities) rangesOf.set(`${city}|${s.state}`, parseZipRanges(zips));
    }
    const bad: string[] = [];
    for (let i = 0; i < table.count; i++) {
      const state = table.states[table.state[i]!]!;
      const z = table.zip[i]!;
      const inState = parseZipRanges(ZIP_STATES[table.state[i]!]!.cep).some(([a, b]) => z >= a && z <= b);
      const inCity = (rangesOf.get(`${table.city[i]}|${state}`) ?? []).some(([a, b]) => z >= a && z <= b);
      const ascending = i === 0 || table.state[i - 1] !== table.state[i] || z > table.zip[i - 1]!;
      if (!inState || !inCity || !ascending || !/^[0-9]{5}$/.test(table.zipText[i]!))
        bad.push(`${table.zipText[i]} ${table.city[i]} ${state}`);
    }
    expect(bad).toEqual([]);
  });

  it('places prefixes a few km around their city centre, inside Brazil', () => {
    const centre = new Map<string, readonly [number, number]>();
    for (const s of ZIP_STATES)
      for (const [city, lat, lng] of s.cities) centre.set(`${city}|${s.state}`, [lat, lng]);
    const bad: string[] = [];
    for (let i = 0; i < table.count; i++) {
      const [lat, lng] = centre.get(`${table.city[i]}|${table.states[table.state[i]!]}`)!;
      const pLat = table.lat[i]!;
      const pLng = table.lng[i]!;
      const km = Math.hypot((pLat - lat) * 111.2, (pLng - lng) * 111.2 * Math.cos((lat * Math.PI) / 180));
      const inBrazil = pLat > -34 && pLat < 5.3 && pLng > -74 && pLng < -34.7;
      if (!(km < 25) || !inBrazil) bad.push(`${table.zipText[i]} ${table.city[i]} ${pLat},${pLng}`);
    }
    expect(bad).toEqual([]);
  });

  it('builds the same table every time and picks cities by weight', () => {
    const again = new ZipTable();
    expect([...again.zip]).toEqual([...table.zip]);
    expect([...again.lat]).toEqual([...table.lat]);
    const sp = table.stateIndex('SP');
    let w = 0;
    let city = 0;
    for (let i = 0; i < table.count; i++) {
      if (table.state[i] !== sp) continue;
      w += table.weight[i]!;
      if (table.cityPlain[i] === 'sao paulo') city += table.weight[i]!;
    }
    // 16 % of all customers over SP's 42 % of them.
    expect(city / w).toBeGreaterThan(0.35);
    expect(city / w).toBeLessThan(0.41);
  });
});
