import { useId, useState } from 'react';
import { hasRole } from '../api/client.ts';
import { customersPath, isCustomerSort, PAGE_SIZE } from '../api/paths.ts';
import type { CustomersPage, Result, RfmRow, SegmentsView } from '../api/types.ts';
import { client, navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { type Column, DataTable, Pager } from '../components/DataTable.tsx';
import { saveFile } from '../components/download.ts';
import { Async, errorMessage } from '../components/States.tsx';
import { decimal, integer, money } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, formatHash, linkKeepingFilters } from '../state/filters.ts';

export default function CustomerList() {
  const { filters, route, session } = useApp();
  const segment = route.params.get('segment');
  const page = Math.max(0, Number(route.params.get('page')) || 0);
  const prefix = route.params.get('q')?.trim().toLowerCase() || null;
  const sortParam = route.params.get('sort');
  const sortKey = isCustomerSort(sortParam) ? sortParam : null;
  const order = route.params.get('order') === 'asc' ? 'asc' : 'desc';
  const fq = apiQuery(filters, { dates: false });
  const q = useGet<CustomersPage>(customersPath(fq, { segment, page, prefix, sort: sortKey, order }));
  const segs = useGet<Result<SegmentsView>>(`/analysis/segments${fq}`);
  const [search, setSearch] = useState(prefix ?? '');
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const id = useId();
  const total = segment
    ? segs.data?.data.segments.find((s) => s.segment === segment)?.customers
    : segs.data?.data.customers;
  // With a search the number of matches is unknown: the pager only offers "Next" on full pages.
  const pages = total !== undefined && !prefix ? Math.max(1, Math.ceil(total / PAGE_SIZE)) : undefined;

  const go = (extra: Record<string, string | undefined>) =>
    navigate(
      linkKeepingFilters('/customers/list', route.params, {
        segment: segment ?? undefined,
        q: prefix ?? undefined,
        sort: sortKey ?? undefined,
        order: sortKey ? order : undefined,
        ...extra,
      }),
    );

  const exportAll = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const res = await client.fetchRaw(`/exports/rfm-customers.csv${fq}`);
      saveFile(await res.blob(), 'rfm-customers.csv');
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const columns: Column<RfmRow>[] = [
    {
      key: 'customer_unique_id',
      label: 'Customer',
      value: (r) => r.customer_unique_id,
      render: (r) => (
        <a href={linkKeepingFilters('/customer', route.params, { id: r.customer_unique_id })}>
          <code>{r.customer_unique_id.slice(0, 12)}…</code>
        </a>
      ),
    },
    { key: 'segment', label: 'Segment', value: (r) => r.segment },
    {
      key: 'recency_days',
      label: 'Recency (days)',
      numeric: true,
      value: (r) => r.recency_days,
      render: (r) => decimal(r.recency_days, 0),
    },
    { key: 'frequency', label: 'Orders', numeric: true, value: (r) => r.frequency },
    {
      key: 'monetary',
      label: 'Spend',
      numeric: true,
      value: (r) => r.monetary,
      render: (r) => money(r.monetary, true),
    },
    { key: 'rfm_score', label: 'RFM', value: (r) => r.rfm_score },
  ];

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">{segment ? `Customers: ${segment}` : 'All customers'}</h1>
        <a href={linkKeepingFilters('/customers', route.params)}>← Segments</a>
        {segment && (
          <a
            href={formatHash(
              '/customers/list',
              new URLSearchParams(apiQuery(filters, { dates: false }).slice(1)),
            )}
          >
            All segments
          </a>
        )}
        <ApiExport analysis="rfm" label="Export RFM" query={fq} />
      </div>
      <search>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: search.trim().toLowerCase() || undefined, page: undefined });
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-q`}>Customer id starts with</label>
            <input
              id={`${id}-q`}
              className="input"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <button type="submit" className="btn">
            Search
          </button>
          {prefix && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                setSearch('');
                go({ q: undefined, page: undefined });
              }}
            >
              Clear search
            </button>
          )}
          {hasRole(session?.user.role, 'analyst') && (
            <button
              type="button"
              className="btn"
              onClick={exportAll}
              disabled={exporting}
              data-testid="export-all"
            >
              {exporting ? 'Exporting…' : 'Export all rows (CSV)'}
            </button>
          )}
        </form>
      </search>
      {exportError && (
        <p className="state state-error" role="alert">
          {exportError}
        </p>
      )}
      <Async q={q}>
        {({ data }) => (
          <>
            <DataTable
              title={segment ? `${segment} customers` : 'Customers'}
              caption="Click a column header to sort all customers"
              rows={data.rows}
              columns={columns}
              rowKey={(r) => r.customer_unique_id}
              paginate={false}
              searchable={false}
              sort={sortKey ? { key: sortKey, dir: order } : null}
              onSort={(s) =>
                go({
                  sort: s && isCustomerSort(s.key) ? s.key : undefined,
                  order: s && isCustomerSort(s.key) ? s.dir : undefined,
                  page: undefined,
                })
              }
            />
            <Pager
              page={page}
              {...(pages !== undefined ? { pages } : {})}
              hasNext={data.rows.length === PAGE_SIZE && (pages === undefined || page < pages - 1)}
              onPage={(p) => go({ page: p ? String(p) : undefined })}
              label="Customers"
              {...(total !== undefined && !prefix ? { total } : {})}
            />
            <p className="muted" style={{ fontSize: '0.82rem' }}>
              {`Sorting and search apply to every customer${prefix ? ` (ids starting with “${prefix}”)` : ''}: `}
              click a column header to sort. {integer(data.total_customers)} customers in total.
            </p>
          </>
        )}
      </Async>
    </section>
  );
}
