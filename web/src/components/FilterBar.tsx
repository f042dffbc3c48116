import { useId } from 'react';
import type { Marketplace, Result } from '../api/types.ts';
import { client, useApp } from '../app.tsx';
import { describeFilters, isIsoDate } from '../state/filters.ts';
import { useQuery } from '../state/query.ts';

/** Global filters: date range, customer state, product category. They live in the URL. */
export function FilterBar() {
  const { filters, setFilters, route } = useApp();
  const id = useId();
  // The choices come from the unfiltered marketplace view (states and categories present in the data).
  const options = useQuery('GET /analysis/marketplace?top_sellers=1', () =>
    client.get<Result<Marketplace>>('/analysis/marketplace?top_sellers=1'),
  );
  const states = [...(options.data?.data.states.map((s) => s.state) ?? [])].sort();
  const categories = [...(options.data?.data.categories ?? [])].sort((a, b) =>
    (a.category_english ?? a.category).localeCompare(b.category_english ?? b.category),
  );
  const noDates = route.path.startsWith('/customers') || route.path === '/cohorts' || route.path === '/ltv';
  const state = filters.states?.length === 1 ? filters.states[0] : filters.states?.length ? '__many' : '';
  const category =
    filters.categories?.length === 1 ? filters.categories[0] : filters.categories?.length ? '__many' : '';
  const active = Boolean(filters.from || filters.to || filters.states || filters.categories);

  return (
    <search className="filters" aria-label="Global filters">
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="date"
          className="input"
          value={filters.from ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            if (v === '' || isIsoDate(v)) setFilters({ ...filters, from: v || undefined });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To (excl.)</label>
        <input
          id={`${id}-to`}
          type="date"
          className="input"
          value={filters.to ?? ''}
          onChange={(e) => {
            const v = e.target.value;
            if (v === '' || isIsoDate(v)) setFilters({ ...filters, to: v || undefined });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-state`}>Customer state</label>
        <select
          id={`${id}-state`}
          className="input"
          value={state}
          onChange={(e) => setFilters({ ...filters, states: e.target.value ? [e.target.value] : undefined })}
        >
          <option value="">All states</option>
          {state === '__many' && <option value="__many">{filters.states?.join(', ')}</option>}
          {state && state !== '__many' && !states.includes(state) && <option value={state}>{state}</option>}
          {states.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-cat`}>Product category</label>
        <select
          id={`${id}-cat`}
          className="input"
          value={category}
          onChange={(e) =>
            setFilters({ ...filters, categories: e.target.value ? [e.target.value] : undefined })
          }
        >
          <option value="">All categories</option>
          {category === '__many' && <option value="__many">{filters.categories?.length} categories</option>}
          {category && category !== '__many' && !categories.some((c) => c.category === category) && (
            <option value={category}>{category}</option>
          )}
          {categories.map((c) => (
            <option key={c.category} value={c.category}>
              {(c.category_english ?? c.category).replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <div className="field filter-summary">
        <span className="muted" aria-live="polite" data-testid="filter-summary">
          {describeFilters(filters)}
          {noDates && (filters.from || filters.to) ? ' (dates do not apply on this page)' : ''}
        </span>
        {active && (
          <button type="button" className="btn btn-small" onClick={() => setFilters({})}>
            Clear filters
          </button>
        )}
      </div>
    </search>
  );
}
