/**
 * Global filters and the route, both kept in the URL hash (`#/customers?from=2017-01-01&states=SP`),
 * so a view can be shared and reloaded. Pure functions: no DOM here (tested under test/web).
 */

export interface Filters {
  /** First purchase day included, YYYY-MM-DD. */
  readonly from?: string;
  /** First purchase day excluded, YYYY-MM-DD. */
  readonly to?: string;
  /** Customer states (two-letter codes). */
  readonly states?: readonly string[];
  /** Product categories (as named in the data). */
  readonly categories?: readonly string[];
}

export const FILTER_KEYS = ['from', 'to', 'states', 'categories'] as const;

export interface Route {
  /** e.g. `/overview`, `/customers/segment`. */
  readonly path: string;
  /** Every query parameter, filters included. */
  readonly params: URLSearchParams;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATE = /^[A-Z]{2}$/;

export function isIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function list(v: string | null): string[] {
  if (!v) return [];
  return [
    ...new Set(
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The filters in a query string; invalid values are dropped rather than sent to the API. */
export function filtersFromParams(params: URLSearchParams): Filters {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const states = [
    ...new Set(
      list(params.get('states'))
        .map((s) => s.toUpperCase())
        .filter((s) => STATE.test(s)),
    ),
  ];
  const categories = list(params.get('categories'));
  const okFrom = isIsoDate(from);
  const okTo = isIsoDate(to) && (!okFrom || from < to);
  return {
    ...(okFrom ? { from } : {}),
    ...(okTo ? { to } : {}),
    ...(states.length ? { states } : {}),
    ...(categories.length ? { categories } : {}),
  };
}

/** Writes filters into a copy of `params` (other parameters kept, empty filters removed). */
export function withFilters(params: URLSearchParams, f: Filters): URLSearchParams {
  const out = new URLSearchParams(params);
  for (const k of FILTER_KEYS) out.delete(k);
  if (f.from) out.set('from', f.from);
  if (f.to) out.set('to', f.to);
  if (f.states?.length) out.set('states', f.states.join(','));
  if (f.categories?.length) out.set('categories', f.categories.join(','));
  return out;
}

/** Only the filter parameters of `params` (what a drill-down keeps). */
export function filterParams(params: URLSearchParams): URLSearchParams {
  return withFilters(new URLSearchParams(), filtersFromParams(params));
}

/** The query string of the API call for these filters (`from`/`to` only where the view takes dates). */
export function apiQuery(
  f: Filters,
  opts: { dates?: boolean; extra?: Record<string, string | number | undefined> } = {},
): string {
  const p = new URLSearchParams();
  if (opts.dates !== false) {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  if (f.states?.length) p.set('states', f.states.join(','));
  if (f.categories?.length) p.set('categories', f.categories.join(','));
  for (const [k, v] of Object.entries(opts.extra ?? {})) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Filters as a JSON body for POST analyses (they take states and categories, not dates). */
export function apiBody(f: Filters): { states?: string[]; categories?: string[] } {
  return {
    ...(f.states?.length ? { states: [...f.states] } : {}),
    ...(f.categories?.length ? { categories: [...f.categories] } : {}),
  };
}

/** Parses a location hash (`#/path?query`). */
export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const rawPath = q >= 0 ? h.slice(0, q) : h;
  const path = `/${rawPath.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  return {
    path: path === '/' ? '/overview' : path,
    params: new URLSearchParams(q >= 0 ? h.slice(q + 1) : ''),
  };
}

/** The hash for a route. */
export function formatHash(path: string, params?: URLSearchParams): string {
  const s = params?.toString() ?? '';
  return `#${path}${s ? `?${s}` : ''}`;
}

/** A link to `path` keeping the current filters, plus `extra` parameters. */
export function linkKeepingFilters(
  path: string,
  current: URLSearchParams,
  extra: Record<string, string | undefined> = {},
): string {
  const p = filterParams(current);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') p.set(k, v);
  return formatHash(path, p);
}

/** The month `YYYY-MM` as a [from, to) date range. */
export function monthRange(month: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/** A human description of active filters, e.g. "2017-01-01 → 2018-01-01 · SP, RJ · 2 categories". */
export function describeFilters(f: Filters): string {
  const parts: string[] = [];
  if (f.from || f.to) parts.push(`${f.from ?? 'start'} → ${f.to ?? 'end'}`);
  if (f.states?.length) parts.push(f.states.join(', '));
  if (f.categories?.length)
    parts.push(f.categories.length === 1 ? f.categories[0]! : `${f.categories.length} categories`);
  return parts.length ? parts.join(' · ') : 'All data';
}

/** Where to go after signing in: only a path inside the app (never another site). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/overview';
}
