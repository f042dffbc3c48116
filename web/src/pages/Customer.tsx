import { customersPath } from '../api/paths.ts';
import type { CustomersPage } from '../api/types.ts';
import { useApp } from '../app.tsx';
import { Async, Empty } from '../components/States.tsx';
import { decimal, money } from '../format.ts';
import { useGet } from '../state/api.ts';
import { apiQuery, linkKeepingFilters } from '../state/filters.ts';

/** One customer: the RFM row from the API (found by keyset right before the id). */
export default function Customer() {
  const { filters, route } = useApp();
  const id = route.params.get('id') ?? '';
  const q = useGet<CustomersPage>(
    id ? customersPath(apiQuery(filters, { dates: false }), { prefix: id.slice(0, -1), limit: 20 }) : null,
  );
  const row = q.data?.data.rows.find((r) => r.customer_unique_id === id);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Customer</h1>
        <code>{id}</code>
        <a href={linkKeepingFilters('/customers/list', route.params, { segment: row?.segment })}>
          ← {row ? `${row.segment} customers` : 'Customers'}
        </a>
      </div>
      {!id ? (
        <Empty>No customer id in the address.</Empty>
      ) : (
        <Async q={q}>
          {() =>
            !row ? (
              <Empty>This customer has no purchases matching the filters.</Empty>
            ) : (
              <div className="grid">
                <section className="card" aria-labelledby="rfm-title">
                  <h2 id="rfm-title" style={{ marginTop: 0 }}>
                    RFM
                  </h2>
                  <dl className="dl" data-testid="customer-rfm">
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
                </section>
                <section className="card" aria-labelledby="more-title">
                  <h2 id="more-title" style={{ marginTop: 0 }}>
                    Orders, payments, reviews, CLV, P(alive)
                  </h2>
                  <p className="notice">
                    The API has no per-customer endpoint yet (orders, payments, reviews, and CLV / P(alive)
                    for one customer), so this page shows the customer's RFM row only. The Lifetime value page
                    lists the top customers by predicted value with their P(alive).
                  </p>
                </section>
              </div>
            )
          }
        </Async>
      )}
    </section>
  );
}
