/** API paths built in the browser (pure). */

export const PAGE_SIZE = 25;

/** The customers query: a segment, a page (offset) or an id prefix (keyset `after`). */
export function customersPath(
  filterQuery: string,
  o: { segment?: string | null; page?: number; prefix?: string | null; limit?: number },
): string {
  const p = new URLSearchParams(filterQuery.replace(/^\?/, ''));
  p.set('limit', String(o.limit ?? PAGE_SIZE));
  if (o.segment) p.set('segment', o.segment);
  // Ids sort as text: every id starting with a prefix comes right after the prefix itself.
  if (o.prefix) p.set('after', o.prefix);
  else if (o.page) p.set('offset', String(o.page * (o.limit ?? PAGE_SIZE)));
  return `/analysis/customers?${p}`;
}
