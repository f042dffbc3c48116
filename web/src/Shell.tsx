import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { hasRole, type Role } from './api/client.ts';
import { client, navigate, useApp } from './app.tsx';
import { preloadCharts } from './components/Chart.tsx';
import { FilterBar } from './components/FilterBar.tsx';
import { Loading } from './components/States.tsx';
import Overview from './pages/Overview.tsx';
import { formatHash, linkKeepingFilters } from './state/filters.ts';
import { clearQueryCache } from './state/query.ts';

const pages = {
  // The landing page is in the main chunk (no extra round trip); the others load when visited.
  overview: Overview,
  customers: lazy(() => import('./pages/Customers.tsx')),
  customerList: lazy(() => import('./pages/CustomerList.tsx')),
  customer: lazy(() => import('./pages/Customer.tsx')),
  cohorts: lazy(() => import('./pages/Cohorts.tsx')),
  ltv: lazy(() => import('./pages/Ltv.tsx')),
  quality: lazy(() => import('./pages/Quality.tsx')),
  marketplace: lazy(() => import('./pages/Marketplace.tsx')),
  admin: lazy(() => import('./pages/Admin.tsx')),
};

interface NavItem {
  path: string;
  label: string;
  role: Role;
}
export const NAV: readonly NavItem[] = [
  { path: '/overview', label: 'Overview', role: 'viewer' },
  { path: '/customers', label: 'Customers', role: 'viewer' },
  { path: '/cohorts', label: 'Cohorts', role: 'viewer' },
  { path: '/ltv', label: 'Lifetime value', role: 'viewer' },
  { path: '/quality', label: 'Data quality', role: 'viewer' },
  { path: '/marketplace', label: 'Marketplace', role: 'viewer' },
  { path: '/admin', label: 'Admin', role: 'admin' },
];

function pageFor(path: string) {
  if (path === '/overview') return pages.overview;
  if (path === '/customers') return pages.customers;
  if (path === '/customers/list') return pages.customerList;
  if (path === '/customer') return pages.customer;
  if (path === '/cohorts') return pages.cohorts;
  if (path === '/ltv') return pages.ltv;
  if (path === '/quality') return pages.quality;
  if (path === '/marketplace') return pages.marketplace;
  if (path === '/admin') return pages.admin;
  return null;
}

export function Shell() {
  const { route, session, theme, setTheme } = useApp();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const role = session?.user.role;
  const Page = pageFor(route.path);
  const item =
    NAV.find((n) => route.path === n.path || route.path.startsWith(`${n.path}/`)) ??
    (route.path === '/customer' ? NAV[1] : undefined);
  const allowed = !item || hasRole(role, item.role);

  useEffect(() => preloadCharts(), []);
  useEffect(() => {
    document.title = `${item?.label ?? 'Not found'} · Olist Analytics`;
    setMenuOpen(false);
  }, [item]);

  const signOut = async () => {
    await client.logout();
    clearQueryCache();
    navigate(formatHash('/login'));
  };

  return (
    <div className="shell">
      <button type="button" className="skip-link btn" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-icon menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Menu</span>
        </button>
        <a className="brand" href={linkKeepingFilters('/overview', route.params)}>
          Olist Analytics
        </a>
        <div className="topbar-right">
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={theme === 'dark'}
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            data-testid="theme-toggle"
          >
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          <span className="user" data-testid="user">
            {session?.user.username} <span className="badge">{role}</span>
          </span>
          <button type="button" className="btn btn-small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Pages">
        <ul>
          {NAV.filter((n) => hasRole(role, n.role)).map((n) => {
            const current = item?.path === n.path;
            return (
              <li key={n.path}>
                <a
                  href={linkKeepingFilters(n.path, route.params)}
                  aria-current={current ? 'page' : undefined}
                >
                  {n.label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <FilterBar />
        {!Page ? (
          <section className="page">
            <h1>Page not found</h1>
            <p>
              <a href={linkKeepingFilters('/overview', route.params)}>Go to the overview</a>
            </p>
          </section>
        ) : !allowed ? (
          <section className="page">
            <h1>{item?.label}</h1>
            <div className="state state-error state-forbidden" role="alert">
              This page needs the {item?.role} role; you are signed in as {role}.
            </div>
          </section>
        ) : (
          <Suspense fallback={<Loading label="Loading page" />}>
            <Page />
          </Suspense>
        )}
      </main>
    </div>
  );
}
