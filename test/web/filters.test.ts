import { describe, expect, it } from 'vitest';
import { customersPath, isCustomerSort, profilePath } from '../../web/src/api/paths.ts';
import {
  apiBody,
  apiQuery,
  describeFilters,
  filterParams,
  filtersFromParams,
  formatHash,
  linkKeepingFilters,
  monthRange,
  parseHash,
  safeNext,
  withFilters,
} from '../../web/src/state/filters.ts';

describe('filters ↔ URL', () => {
  it('parses valid filters and drops invalid ones', () => {
    const p = new URLSearchParams('from=2017-01-01&to=2018-01-01&states=sp,RJ,xyz,SP&categories=a,b');
    expect(filtersFromParams(p)).toEqual({
      from: '2017-01-01',
      to: '2018-01-01',
      states: ['SP', 'RJ'],
      categories: ['a', 'b'],
    });
    expect(filtersFromParams(new URLSearchParams('from=2017-02-30&to=nope'))).toEqual({});
    // `to` not after `from` is dropped.
    expect(filtersFromParams(new URLSearchParams('from=2018-01-01&to=2017-01-01'))).toEqual({
      from: '2018-01-01',
    });
  });

  it('round-trips through the hash, keeping other parameters', () => {
    const route = parseHash('#/customers/list?segment=Lost&page=2');
    const params = withFilters(route.params, { states: ['SP'], from: '2017-01-01' });
    expect(params.get('segment')).toBe('Lost');
    const hash = formatHash(route.path, params);
    expect(hash).toBe('#/customers/list?segment=Lost&page=2&from=2017-01-01&states=SP');
    expect(filtersFromParams(parseHash(hash).params)).toEqual({ from: '2017-01-01', states: ['SP'] });
    expect(withFilters(params, {}).toString()).toBe('segment=Lost&page=2');
  });

  it('parses paths: empty is the overview, slashes trimmed', () => {
    expect(parseHash('').path).toBe('/overview');
    expect(parseHash('#/').path).toBe('/overview');
    expect(parseHash('#customers/').path).toBe('/customers');
    expect(parseHash('#/login?next=%2Fcohorts%3Fperiod%3Dweek').params.get('next')).toBe(
      '/cohorts?period=week',
    );
  });

  it('drill-down links keep only the filters plus what the target needs', () => {
    const current = new URLSearchParams('states=SP&metric=revenue&from=2017-01-01');
    expect(linkKeepingFilters('/customers/list', current, { segment: 'At Risk', empty: '' })).toBe(
      '#/customers/list?from=2017-01-01&states=SP&segment=At+Risk',
    );
    expect(filterParams(current).toString()).toBe('from=2017-01-01&states=SP');
  });

  it('builds API queries and bodies', () => {
    const f = { from: '2017-01-01', states: ['SP', 'RJ'], categories: ['cama_mesa_banho'] };
    expect(apiQuery(f)).toBe('?from=2017-01-01&states=SP%2CRJ&categories=cama_mesa_banho');
    expect(apiQuery(f, { dates: false })).toBe('?states=SP%2CRJ&categories=cama_mesa_banho');
    expect(apiQuery({})).toBe('');
    expect(apiBody(f)).toEqual({ states: ['SP', 'RJ'], categories: ['cama_mesa_banho'] });
    expect(apiBody({})).toEqual({});
  });

  it('month ranges and descriptions', () => {
    expect(monthRange('2017-12')).toEqual({ from: '2017-12-01', to: '2018-01-01' });
    expect(monthRange('2017-03')).toEqual({ from: '2017-03-01', to: '2017-04-01' });
    expect(monthRange('2017-13')).toBeNull();
    expect(describeFilters({})).toBe('All data');
    expect(describeFilters({ from: '2017-01-01', states: ['SP'], categories: ['a', 'b'] })).toBe(
      '2017-01-01 → end · SP · 2 categories',
    );
  });
});

describe('paths', () => {
  it('pages customers by offset, by segment, searched by id prefix and sorted on the server', () => {
    expect(customersPath('?states=SP', { segment: 'At Risk', page: 2 })).toBe(
      '/analysis/customers?states=SP&limit=25&segment=At+Risk&offset=50',
    );
    expect(customersPath('', { prefix: 'abc', page: 3 })).toBe(
      '/analysis/customers?limit=25&search=abc&offset=75',
    );
    expect(customersPath('', { limit: 10 })).toBe('/analysis/customers?limit=10');
    expect(customersPath('', { sort: 'monetary', order: 'desc', page: 1 })).toBe(
      '/analysis/customers?limit=25&sort=monetary&order=desc&offset=25',
    );
    expect(customersPath('', { sort: 'segment', order: 'asc' })).toBe(
      '/analysis/customers?limit=25&sort=segment',
    );
    expect(customersPath('', { sort: 'customer_unique_id', order: 'desc' })).toBe(
      '/analysis/customers?limit=25&order=desc',
    );
    expect(isCustomerSort('rfm_score')).toBe(true);
    expect(isCustomerSort('nonsense')).toBe(false);
    expect(isCustomerSort(null)).toBe(false);
  });

  it('asks for the column profiles of known tables only, in table order', () => {
    expect(profilePath(2, ['orders', 'customers'])).toBe('/datasets/2/profile?table=customers,orders');
    expect(profilePath(1, ['orders', 'nonsense', 'orders'])).toBe('/datasets/1/profile?table=orders');
    expect(profilePath(1, [])).toBe('/datasets/1/profile');
  });

  it('returns after sign-in only to paths inside the app', () => {
    expect(safeNext('/customers?states=SP')).toBe('/customers?states=SP');
    expect(safeNext('//evil.example')).toBe('/overview');
    expect(safeNext('https://evil.example')).toBe('/overview');
    expect(safeNext('/login?next=x')).toBe('/overview');
    expect(safeNext(null)).toBe('/overview');
  });
});
