import { useId, useMemo, useState } from 'react';
import { slug, toCsv } from '../format.ts';
import { type Column, type Sort, searchRows, sortRows } from '../table.ts';
import { saveFile } from './download.ts';
import { Empty } from './States.tsx';

export type { Column };

/**
 * A table with sorting, search, paging and CSV export of every row (not only the page shown).
 * With `onSort` the sort is the caller's (e.g. done by the server): the rows are shown as given.
 */
export function DataTable<T>({
  title,
  rows,
  columns,
  pageSize = 10,
  searchable = true,
  paginate = true,
  caption,
  actions,
  rowKey,
  sort: controlledSort,
  onSort,
}: {
  title: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  pageSize?: number;
  searchable?: boolean;
  paginate?: boolean;
  caption?: string;
  actions?: React.ReactNode;
  rowKey: (row: T) => string;
  sort?: Sort;
  onSort?: (sort: Sort) => void;
}) {
  const [localSort, setSort] = useState<Sort>(null);
  const sort = onSort ? (controlledSort ?? null) : localSort;
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const searchId = useId();

  const filtered = useMemo(() => {
    const found = searchRows(rows, columns, query);
    return onSort ? found : sortRows(found, columns, sort);
  }, [rows, columns, query, sort, onSort]);
  const pages = paginate ? Math.max(1, Math.ceil(filtered.length / pageSize)) : 1;
  const current = Math.min(page, pages - 1);
  const shown = paginate ? filtered.slice(current * pageSize, (current + 1) * pageSize) : filtered;

  const toggle = (key: string) => {
    const next: Sort =
      sort?.key !== key ? { key, dir: 'desc' } : sort.dir === 'desc' ? { key, dir: 'asc' } : null;
    if (onSort) onSort(next);
    else setSort(next);
    setPage(0);
  };
  const csv = () =>
    saveFile(
      new Blob(
        [
          toCsv(
            columns.map((c) => c.label),
            filtered.map((r) => columns.map((c) => c.value(r))),
          ),
        ],
        { type: 'text/csv' },
      ),
      `${slug(title)}.csv`,
    );

  return (
    <section className="card table-card" aria-label={title}>
      <div className="card-head">
        <h3>{title}</h3>
        <div className="card-actions">
          {searchable && (
            <>
              <label htmlFor={searchId} className="sr-only">
                Search {title}
              </label>
              <input
                id={searchId}
                type="search"
                className="input input-small"
                placeholder="Search…"
                value={query}
                onChange={(e) => {
                  setQuery(e.target.value);
                  setPage(0);
                }}
              />
            </>
          )}
          {actions}
          <button
            type="button"
            className="btn btn-small"
            onClick={csv}
            aria-label={`Download ${title} as CSV`}
          >
            CSV
          </button>
        </div>
      </div>
      {filtered.length === 0 ? (
        <Empty>{query ? 'No rows match the search.' : 'No rows.'}</Empty>
      ) : (
        <div className="table-scroll">
          <table>
            {caption && <caption className="sr-only">{caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => {
                  const dir = sort?.key === c.key ? sort.dir : null;
                  return (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.numeric ? 'num' : undefined}
                      aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}
                    >
                      {c.sortable === false ? (
                        c.label
                      ) : (
                        <button type="button" className="th-sort" onClick={() => toggle(c.key)}>
                          {c.label}
                          <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                        </button>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={rowKey(r)}>
                  {columns.map((c) => (
                    <td key={c.key} className={c.numeric ? 'num' : undefined}>
                      {c.render ? (c.render(r) as React.ReactNode) : (c.value(r) ?? '—')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {paginate && pages > 1 && (
        <Pager page={current} pages={pages} onPage={setPage} label={title} total={filtered.length} />
      )}
    </section>
  );
}

export function Pager({
  page,
  pages,
  onPage,
  label,
  total,
  hasNext,
}: {
  page: number;
  pages?: number;
  onPage: (p: number) => void;
  label: string;
  total?: number;
  hasNext?: boolean;
}) {
  const next = hasNext ?? (pages !== undefined && page < pages - 1);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="btn btn-small" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span aria-live="polite">
        Page {page + 1}
        {pages !== undefined ? ` of ${pages}` : ''}
        {total !== undefined ? ` · ${total.toLocaleString('en-US')} rows` : ''}
      </span>
      <button type="button" className="btn btn-small" disabled={!next} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
