/** Table logic (pure): column definitions and sorting. */

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly value: (row: T) => string | number | null;
  readonly render?: (row: T) => unknown;
  readonly numeric?: boolean;
  readonly sortable?: boolean;
}

export type Sort = { key: string; dir: 'asc' | 'desc' } | null;

/** Sorted copy; nulls last in either direction; numbers numerically, text by locale. */
export function sortRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: Sort): T[] {
  if (!sort) return [...rows];
  const col = columns.find((c) => c.key === sort.key);
  if (!col) return [...rows];
  const m = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * m;
  });
}

/** Rows with any column containing `query` (case-insensitive). */
export function searchRows<T>(rows: readonly T[], columns: readonly Column<T>[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter((r) =>
    columns.some((c) =>
      String(c.value(r) ?? '')
        .toLowerCase()
        .includes(q),
    ),
  );
}
