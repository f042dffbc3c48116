/** API paths built in the browser (pure). */

export const PAGE_SIZE = 25;

/** Sort columns of GET /analysis/customers (ties broken by customer_unique_id on the server). */
export const CUSTOMER_SORTS = [
  'customer_unique_id',
  'recency_days',
  'frequency',
  'monetary',
  'rfm_score',
  'segment',
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export function isCustomerSort(s: string | null | undefined): s is CustomerSort {
  return (CUSTOMER_SORTS as readonly (string | null | undefined)[]).includes(s);
}

/**
 * The customers query: a segment, an id prefix (`search`), a sort over every customer (not only
 * the page) and a page by offset. The server sorts and searches; keyset `after` is not used since
 * it only works with the default sort.
 */
export function customersPath(
  filterQuery: string,
  o: {
    segment?: string | null;
    page?: number;
    prefix?: string | null;
    limit?: number;
    sort?: CustomerSort | null;
    order?: 'asc' | 'desc' | null;
  },
): string {
  const p = new URLSearchParams(filterQuery.replace(/^\?/, ''));
  p.set('limit', String(o.limit ?? PAGE_SIZE));
  if (o.segment) p.set('segment', o.segment);
  if (o.prefix) p.set('search', o.prefix);
  if (o.sort && o.sort !== 'customer_unique_id') p.set('sort', o.sort);
  if (o.sort && o.order === 'desc') p.set('order', 'desc');
  if (o.page) p.set('offset', String(o.page * (o.limit ?? PAGE_SIZE)));
  return `/analysis/customers?${p}`;
}

/** The Olist tables a data set version holds (GET /datasets/{version}/profile?table=…). */
export const PROFILE_TABLES = [
  'customers',
  'geolocation',
  'order_items',
  'order_payments',
  'order_reviews',
  'orders',
  'products',
  'sellers',
  'category_translation',
] as const;

/** Column profiles of some tables of a version (known names only, each once, in the list's order). */
export function profilePath(version: number, tables: readonly string[]): string {
  const known = PROFILE_TABLES.filter((t) => tables.includes(t));
  return `/datasets/${version}/profile${known.length ? `?table=${known.join(',')}` : ''}`;
}
