import { customersPath } from '../api/paths.ts';
import type { CustomerDetail, CustomersPage, Result, RfmRow } from '../api/types.ts';
import { useApp } from '../app.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../components/States.tsx';
import { decimal, money } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, linkKeepingFilters } from '../state/filters.ts';

type Order = CustomerDetail['orders'][number];
type Payment = CustomerDetail['payments'][number];
type Review = CustomerDetail['reviews'][number];

const day = (s: string | null) => (s ? s.slice(0, 10) : '—');

/**
 * One customer: orders, payments, reviews, RFM, CLV and P(alive) from
 * GET /analysis/customers/{id}; the RFM row within the current filters from the customer list.
 */
export default function Customer() {
  const { filters, route } = useApp();
  const id = route.params.get('id') ?? '';
  const detail = useGet<Result<CustomerDetail>>(id ? `/analysis/customers/${encodeURIComponent(id)}` : null);
  // Ids sort as text: the keyset right before the id returns it first.
  const list = useGet<CustomersPage>(
    id ? customersPath(apiQuery(filters, { dates: false }), { prefix: id.slice(0, -1), limit: 20 }) : null,
  );
  const filtered = list.data?.data.rows.find((r) => r.customer_unique_id === id);
  const d = detail.data?.data;
  const segment = filtered?.segment ?? d?.rfm?.segment;

  const orderCols: Column<Order>[] = [
    { key: 'date', label: 'Purchased', value: (o) => day(o.purchased_at) },
    { key: 'status', label: 'Status', value: (o) => o.order_status },
    { key: 'items', label: 'Items', numeric: true, value: (o) => o.items },
    {
      key: 'paid',
      label: 'Paid',
      numeric: true,
      value: (o) => o.payment_value,
      render: (o) => money(o.payment_value, true),
    },
    { key: 'delivered', label: 'Delivered', value: (o) => day(o.delivered_at) },
    { key: 'estimated', label: 'Estimated', value: (o) => day(o.estimated_delivery) },
    { key: 'review', label: 'Review', numeric: true, value: (o) => o.review_score },
  ];
  const paymentCols: Column<Payment>[] = [
    {
      key: 'order',
      label: 'Order',
      value: (p) => p.order_id,
      render: (p) => <code>{p.order_id.slice(0, 10)}…</code>,
    },
    { key: 'seq', label: '#', numeric: true, value: (p) => p.payment_sequential },
    { key: 'type', label: 'Type', value: (p) => p.payment_type.replaceAll('_', ' ') },
    { key: 'inst', label: 'Instalments', numeric: true, value: (p) => p.payment_installments },
    {
      key: 'value',
      label: 'Value',
      numeric: true,
      value: (p) => p.payment_value,
      render: (p) => money(p.payment_value, true),
    },
  ];
  const reviewCols: Column<Review>[] = [
    { key: 'date', label: 'Date', value: (r) => day(r.review_creation_date) },
    { key: 'score', label: 'Score', numeric: true, value: (r) => r.review_score },
    { key: 'title', label: 'Title', value: (r) => r.review_comment_title },
    { key: 'message', label: 'Comment', value: (r) => r.review_comment_message },
  ];

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Customer</h1>
        <code>{id}</code>
        <a href={linkKeepingFilters('/customers/list', route.params, { segment })}>
          ← {segment ? `${segment} customers` : 'Customers'}
        </a>
      </div>
      {!id ? (
        <Empty>No customer id in the address.</Empty>
      ) : (
        <>
          {d && (
            <p className="muted" data-testid="customer-place">
              {d.city}, {d.state} · first purchase {day(d.first_purchase)} · last {day(d.last_purchase)}
            </p>
          )}
          {d?.clv && (
            <div className="kpis">
              <KpiCard
                id="cust-alive"
                label="P(alive)"
                kind="rate"
                value={d.clv.p_alive}
                hint="Probability the customer is still active (BG/NBD)"
              />
              <KpiCard
                id="cust-purchases"
                label={`Expected purchases, ${d.clv.horizon_weeks} wk`}
                kind="score"
                value={d.clv.expected_purchases}
                hint="Over the horizon"
              />
              <KpiCard
                id="cust-clv"
                label={`CLV, ${d.clv.horizon_weeks} wk`}
                kind="money"
                value={d.clv.clv}
                hint="Discounted expected value"
              />
            </div>
          )}
          <div className="grid">
            <RfmCard
              title="RFM within the filters"
              row={filtered}
              loading={list.loading}
              error={list.error}
              testId="customer-rfm"
            />
            {d?.rfm && (
              <RfmCard
                title="RFM on all data"
                row={d.rfm}
                loading={false}
                error={null}
                testId="customer-rfm-all"
              />
            )}
          </div>
          {detail.error ? (
            <p className="notice" role="status" data-testid="customer-detail-missing">
              Orders, payments, reviews and CLV are not available: {errorMessage(detail.error)}
            </p>
          ) : !d ? (
            <Loading label="Loading the customer's orders" />
          ) : (
            <>
              <DataTable
                title="Orders"
                rows={d.orders}
                columns={orderCols}
                rowKey={(o) => o.order_id}
                searchable={false}
              />
              <div className="grid">
                <DataTable
                  title="Payments"
                  rows={d.payments}
                  columns={paymentCols}
                  rowKey={(p) => `${p.order_id}-${p.payment_sequential}`}
                  searchable={false}
                />
                <DataTable
                  title="Reviews"
                  rows={d.reviews}
                  columns={reviewCols}
                  rowKey={(r) => `${r.order_id}-${r.review_id}`}
                  searchable={false}
                />
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function RfmCard({
  title,
  row,
  loading,
  error,
  testId,
}: {
  title: string;
  row: RfmRow | undefined;
  loading: boolean;
  error: unknown;
  testId: string;
}) {
  return (
    <section className="card" aria-label={title}>
      <h2 style={{ marginTop: 0 }}>{title}</h2>
      {error ? (
        <ErrorState error={error} />
      ) : loading ? (
        <Loading />
      ) : !row ? (
        <Empty>No purchases matching the filters.</Empty>
      ) : (
        <dl className="dl" data-testid={testId}>
          <dt>Segment</dt>
          <dd>{row.segment}</dd>
          <dt>Recency</dt>
          <dd>{decimal(row.recency_days, 0)} days</dd>
          <dt>Orders</dt>
          <dd>{row.frequency}</dd>
          <dt>Spend</dt>
          <dd>{money(row.monetary, true)}</dd>
          <dt>Scores (R, F, M)</dt>
          <dd>
            {row.r_score}, {row.f_score}, {row.m_score} ({row.rfm_score})
          </dd>
        </dl>
      )}
    </section>
  );
}
