/**
 * The dashboard in a real browser (Debian's Chromium via playwright-core) against the real server
 * over a generated 5,000-customer data set: sign-in, every page's numbers equal the API's, filters in
 * the URL, drill-down, exports, roles, expired sessions, dark mode, phone width, axe-core per page.
 * Screenshots go to test-artifacts/dashboard/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/appstate/users.ts';
import { decimal, integer, money, percent } from '../../web/src/format.ts';
import { defaultCalibrationEnd } from '../../web/src/ltvMath.ts';
import {
  axeSerious,
  browserAvailable,
  type DashboardServer,
  describeViolations,
  launchBrowser,
  PASSWORDS,
  screenshot,
  startDashboardServer,
} from './harness.ts';

// Globals of the page, for the callbacks that run in the browser (the Node tsconfig has no DOM lib).
declare const window: { location: { hash: string }; innerWidth: number };
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  documentElement: { dataset: Record<string, string | undefined>; scrollWidth: number };
  body: object;
};
declare const localStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
};
declare function getComputedStyle(el: object): { backgroundColor: string };

const run = browserAvailable();

interface CustomerDetailBody {
  data: { state: string; orders: unknown[]; clv: { p_alive: number } | null };
}

interface Kpis {
  revenue: number;
  orders: number;
  customers: number;
  avg_order_value: number | null;
  repeat_customer_rate: number | null;
  avg_review_score: number | null;
  on_time_rate: number | null;
}

describe.skipIf(!run)('dashboard in Chromium', () => {
  let srv: DashboardServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const cspErrors: string[] = [];

  beforeAll(async () => {
    srv = await startDashboardServer({ customers: 5000 });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await srv?.close();
  }, 60_000);

  async function newPage(
    viewport = { width: 1280, height: 900 },
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<Page> {
    const ctx = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    page.setDefaultNavigationTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return page;
  }

  async function signIn(page: Page, role: Role, hash = ''): Promise<void> {
    await page.goto(`${srv.url}/${hash}`);
    await page.getByLabel('Username').fill(`${role}-user`);
    await page.getByLabel('Password').fill(PASSWORDS[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user').waitFor({ state: 'attached' });
  }

  async function go(page: Page, hash: string): Promise<void> {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
  }

  async function checkA11y(page: Page, name: string): Promise<void> {
    const v = await axeSerious(page);
    expect(v, `${name}: ${describeViolations(v)}`).toEqual([]);
  }

  /** Waits until no chart is still drawing and no loading state is shown. */
  async function settled(page: Page): Promise<void> {
    await page.waitForFunction(() => !document.querySelector('.state-loading'), undefined, {
      timeout: 45_000,
    });
  }

  it('signs in, keeps the session over a reload, signs out', async () => {
    const page = await newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(`${srv.url}/`);
    await page.waitForURL(/#\/login\?next=%2Foverview/);
    await page.getByLabel('Username').waitFor();
    // Code splitting: the sign-in page loads neither the chart library nor the other pages.
    expect(scripts.filter((u) => /echarts|Customers|Cohorts|Ltv|Admin/.test(u))).toEqual([]);
    await checkA11y(page, 'sign-in');
    await screenshot(page, '00-sign-in');
    await page.getByLabel('Username').fill('viewer-user');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/invalid|credentials|password/i);
    await page.getByLabel('Password').fill(PASSWORDS.viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/#\/overview$/);
    await page.getByTestId('kpi-revenue').waitFor();
    await page.waitForSelector('.chart canvas');
    expect(scripts.some((u) => u.includes('/assets/echarts-'))).toBe(true);
    await page.reload();
    await page.getByTestId('kpi-revenue').waitFor();
    expect(await page.getByTestId('user').textContent()).toContain('viewer-user');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/#\/login/);
    expect(await page.evaluate(() => localStorage.getItem('olist.session'))).toBeNull();
  });

  it('overview: KPI cards equal the API, filters change the numbers and the URL', async () => {
    const page = await newPage();
    await signIn(page, 'viewer');
    const api = await srv.api<{ data: { kpis: Kpis } }>('viewer', '/analysis/overview');
    const k = api.data.kpis;
    await settled(page);
    expect(await page.getByTestId('kpi-revenue').textContent()).toBe(money(k.revenue));
    expect(await page.getByTestId('kpi-orders').textContent()).toBe(integer(k.orders));
    expect(await page.getByTestId('kpi-customers').textContent()).toBe(integer(k.customers));
    expect(await page.getByTestId('kpi-avg_order_value').textContent()).toBe(money(k.avg_order_value));
    expect(await page.getByTestId('kpi-repeat_customer_rate').textContent()).toBe(
      percent(k.repeat_customer_rate),
    );
    expect(await page.getByTestId('kpi-avg_review_score').textContent()).toBe(decimal(k.avg_review_score));
    expect(await page.getByTestId('kpi-on_time_rate').textContent()).toBe(percent(k.on_time_rate));
    expect(await page.locator('.kpi-delta').count()).toBe(7);
    expect(await page.getByTestId('findings').locator('li').count()).toBeGreaterThanOrEqual(3);
    await page.waitForSelector('.chart canvas');
    await checkA11y(page, 'overview');
    await screenshot(page, '01-overview');

    await page.getByLabel('Customer state').selectOption('SP');
    await page.waitForURL(/states=SP/);
    const sp = await srv.api<{ data: { kpis: Kpis } }>('viewer', '/analysis/overview?states=SP');
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="kpi-revenue"]')?.textContent === want,
      money(sp.data.kpis.revenue),
      { timeout: 20_000 },
    );
    expect(sp.data.kpis.revenue).toBeLessThan(k.revenue);
    expect(await page.getByTestId('kpi-orders').textContent()).toBe(integer(sp.data.kpis.orders));

    await page.getByLabel('From').fill('2017-06-01');
    await page.waitForURL(/from=2017-06-01/);
    const ranged = await srv.api<{ data: { kpis: Kpis } }>(
      'viewer',
      '/analysis/overview?states=SP&from=2017-06-01',
    );
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="kpi-orders"]')?.textContent === want,
      integer(ranged.data.kpis.orders),
      { timeout: 20_000 },
    );
    // A shared link restores the same view.
    const shared = page.url();
    const other = await newPage();
    await signIn(other, 'viewer', `#${shared.split('#')[1]}`);
    await other.waitForFunction(
      (want) => document.querySelector('[data-testid="kpi-orders"]')?.textContent === want,
      integer(ranged.data.kpis.orders),
      { timeout: 20_000 },
    );
    expect(await other.getByLabel('Customer state').inputValue()).toBe('SP');
  });

  it('customers: segments equal the API, drill-down keeps the filters, customer page', async () => {
    const page = await newPage();
    await signIn(page, 'analyst', '#/customers?states=SP');
    const seg = await srv.api<{
      data: { customers: number; segments: { segment: string; customers: number }[] };
    }>('viewer', '/analysis/segments?states=SP');
    await page.getByTestId('rfm-total').waitFor();
    expect(await page.getByTestId('rfm-total').textContent()).toContain(
      `${integer(seg.data.customers)} customers`,
    );
    await settled(page);
    await page.waitForSelector('.chart canvas');
    await checkA11y(page, 'customers');
    await screenshot(page, '02-customers');

    // Clicking a chart element drills down with the filters kept: the treemap's first (largest) tile.
    const treemap = page.getByRole('img', { name: /^Segments by customers/ });
    await treemap.click({ position: { x: 25, y: 25 } });
    await page.waitForURL(/#\/customers\/list\?.*segment=/);
    expect(page.url()).toContain('states=SP');
    await page.getByRole('heading', { name: /^Customers: / }).waitFor();
    await page.goBack();
    await page.getByTestId('rfm-total').waitFor();
    await settled(page);

    const target = seg.data.segments
      .filter((s) => s.customers > 0)
      .sort((a, b) => b.customers - a.customers)[0]!;
    await page
      .getByRole('region', { name: 'Segments' })
      .getByRole('link', { name: target.segment, exact: true })
      .click();
    await page.waitForURL(/#\/customers\/list\?/);
    const url = new URL(page.url().replace('#/', '/'));
    expect(url.searchParams.get('states')).toBe('SP');
    expect(url.searchParams.get('segment')).toBe(target.segment);
    await settled(page);
    const cells = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(cells.length).toBe(Math.min(25, target.customers));
    expect(new Set(cells)).toEqual(new Set([target.segment]));
    const apiPage = await srv.api<{ data: { rows: { customer_unique_id: string; monetary: number }[] } }>(
      'viewer',
      `/analysis/customers?states=SP&segment=${encodeURIComponent(target.segment)}&limit=25`,
    );
    const first = apiPage.data.rows[0]!;
    expect(await page.locator('tbody tr').first().locator('td').nth(4).textContent()).toBe(
      money(first.monetary, true),
    );
    await checkA11y(page, 'customer list');
    await screenshot(page, '03-customer-list');

    // Sort by spend (descending) over every customer of the segment, on the server.
    await page.getByRole('button', { name: 'Spend' }).click();
    await page.waitForURL(/sort=monetary/);
    expect(page.url()).toContain('order=desc');
    await settled(page);
    const bySpend = await srv.api<{ data: { rows: { customer_unique_id: string; monetary: number }[] } }>(
      'viewer',
      `/analysis/customers?states=SP&segment=${encodeURIComponent(target.segment)}&limit=25&sort=monetary&order=desc`,
    );
    const topSpend = Math.max(...apiPage.data.rows.map((r) => r.monetary));
    expect(bySpend.data.rows[0]!.monetary).toBeGreaterThanOrEqual(topSpend);
    await expect
      .poll(() => page.locator('tbody tr').first().locator('td').nth(4).textContent())
      .toBe(money(bySpend.data.rows[0]!.monetary, true));
    expect(await page.locator('tbody tr').first().locator('td').first().textContent()).toContain(
      bySpend.data.rows[0]!.customer_unique_id.slice(0, 12),
    );
    expect(await page.getByRole('columnheader', { name: /Spend/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );

    // Next page keeps the sort: the second page by spend starts where the API's does.
    if (target.customers > 25) {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForURL(/page=1/);
      expect(page.url()).toContain('sort=monetary');
      await settled(page);
      const second = await srv.api<{ data: { rows: { customer_unique_id: string }[] } }>(
        'viewer',
        `/analysis/customers?states=SP&segment=${encodeURIComponent(target.segment)}&limit=25&sort=monetary&order=desc&offset=25`,
      );
      await expect
        .poll(() => page.locator('tbody tr').first().locator('td').first().textContent())
        .toContain(second.data.rows[0]!.customer_unique_id.slice(0, 12));
    }

    // Search by id prefix, then the customer page.
    await go(page, `#/customers/list?states=SP&segment=${encodeURIComponent(target.segment)}`);
    await settled(page);
    await page.getByLabel('Customer id starts with').fill(first.customer_unique_id.slice(0, 6));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=/);
    await settled(page);
    // The search runs on the server: every row shown starts with the prefix.
    const ids = await page.locator('tbody tr td:first-child').allTextContents();
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((t) => t.startsWith(first.customer_unique_id.slice(0, 6)))).toBe(true);
    await page.locator('tbody tr').first().getByRole('link').click();
    await page.waitForURL(/#\/customer\?/);
    await page.getByTestId('customer-rfm').waitFor();
    expect(await page.getByTestId('customer-rfm').textContent()).toContain(money(first.monetary, true));
    expect(page.url()).toContain('states=SP');
    // Orders, payments, reviews, CLV and P(alive) from the customer endpoint (or a clear message without it).
    const res = await srv.raw('viewer', `/analysis/customers/${first.customer_unique_id}`);
    process.stdout.write(`GET /analysis/customers/{id}: ${res.status}\n`);
    if (res.ok) {
      const d = ((await res.json()) as CustomerDetailBody).data;
      await page.getByRole('region', { name: 'Orders' }).waitFor();
      expect(await page.getByRole('region', { name: 'Orders' }).locator('tbody tr').count()).toBe(
        Math.min(10, d.orders.length),
      );
      expect(await page.getByTestId('customer-place').textContent()).toContain(d.state);
      if (d.clv) expect(await page.getByTestId('kpi-cust-alive').textContent()).toBe(percent(d.clv.p_alive));
    } else {
      await page.getByTestId('customer-detail-missing').waitFor();
    }
    await settled(page);
    await checkA11y(page, 'customer');
    await screenshot(page, '04-customer');
  });

  it('exports: all customers as CSV via the API and a chart as PNG', async () => {
    const page = await newPage();
    await signIn(page, 'analyst', '#/customers/list');
    await settled(page);
    const [csv] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('export-all').click(),
    ]);
    expect(csv.suggestedFilename()).toBe('rfm-customers.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\n')[0]).toContain('customer_unique_id');
    expect(text.trim().split('\n').length).toBeGreaterThan(1000);

    await go(page, '#/overview');
    await settled(page);
    const png = page.getByRole('button', { name: 'Download Monthly revenue and orders as PNG' });
    await expect.poll(() => png.isEnabled(), { timeout: 20_000 }).toBe(true);
    const [img] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), png.click()]);
    expect(img.suggestedFilename()).toBe('monthly-revenue-and-orders.png');
    const bytes = readFileSync((await img.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    const [table] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Download Monthly revenue and orders as CSV' }).click(),
    ]);
    expect(readFileSync((await table.path())!, 'utf8').split('\r\n')[0]).toBe(
      'month,revenue,orders,customers',
    );

    // The page's analysis as Excel and PDF through GET /exports/{analysis}.{ext}, with the page's filters.
    await page.getByLabel('Customer state').selectOption('SP');
    await page.waitForURL(/states=SP/);
    await settled(page);
    for (const [ext, magic] of [
      ['xlsx', 'PK'],
      ['pdf', '%PDF'],
    ] as const) {
      const api = await srv.raw('analyst', `/exports/overview.${ext}?states=SP`);
      process.stdout.write(`GET /exports/overview.${ext}: ${api.status}\n`);
      if (api.ok) {
        const [file] = await Promise.all([
          page.waitForEvent('download', { timeout: 60_000 }),
          page.getByTestId(`export-overview-${ext}`).click(),
        ]);
        expect(file.suggestedFilename()).toMatch(/^olist-overview.*\.(xlsx|pdf)$/);
        expect(file.suggestedFilename().endsWith(ext)).toBe(true);
        expect(
          readFileSync((await file.path())!)
            .subarray(0, magic.length)
            .toString(),
        ).toBe(magic);
      } else {
        await page.getByTestId(`export-overview-${ext}`).click();
        await page.locator('.export-error').waitFor();
      }
    }
  });

  it('cohorts, lifetime value, data quality and marketplace render the API numbers', async () => {
    const page = await newPage();
    await signIn(page, 'analyst', '#/cohorts');
    await settled(page);
    await page.waitForSelector('.chart canvas');
    await page.getByText('Blank cells are periods not observed yet').waitFor();
    await page.getByRole('button', { name: 'Revenue', exact: true }).click();
    await page.waitForURL(/metric=revenue/);
    await page.getByRole('button', { name: 'Weekly' }).click();
    await page.waitForURL(/period=week/);
    await settled(page);
    await page.getByRole('heading', { name: 'Cohort revenue by week' }).waitFor();
    await checkA11y(page, 'cohorts');
    await screenshot(page, '05-cohorts');

    await go(page, '#/ltv');
    const ltv = await srv.api<{ data: { totals: { customers: number; clv: number | null } } }>(
      'analyst',
      '/analysis/ltv',
      {
        method: 'POST',
        body: { model: 'bgnbd', horizon: 52, unit: 'weeks', sort: 'clv', limit: 25 },
      },
    );
    await page.getByTestId('kpi-ltv-customers').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('kpi-ltv-customers').textContent()).toBe(
      integer(ltv.data.totals.customers),
    );
    expect(await page.getByTestId('kpi-ltv-clv').textContent()).toBe(money(ltv.data.totals.clv));
    await page.getByTestId('fit-summary').waitFor();
    // The model's exact matrices from POST /analysis/ltv/plots.
    await page.getByRole('img', { name: /^P\(alive\) by frequency and recency/ }).waitFor();
    await page
      .getByRole('img', { name: /^Expected purchases in 52 weeks by frequency and recency/ })
      .waitFor();
    // Calibration vs holdout, by default about 60% through the data's purchase dates.
    const ov = await srv.api<{ data: { first_purchase: string | null; last_purchase: string | null } }>(
      'viewer',
      '/analysis/overview',
    );
    const cal = defaultCalibrationEnd(ov.data.first_purchase, ov.data.last_purchase)!;
    type Validation = {
      data: {
        calibration_end: string;
        models: { metrics: { mae: number | null; rmse: number | null }; groups: unknown[] }[];
      };
    };
    const validateApi = (calibration_end: string) =>
      srv.api<Validation>('analyst', '/analysis/ltv/validate', {
        method: 'POST',
        body: { models: ['bgnbd'], unit: 'weeks', calibration_end },
      });
    const v1 = await validateApi(cal);
    await page.getByTestId('holdout-mae').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('holdout-calibration-end').textContent()).toBe(cal);
    expect(await page.getByLabel('Calibration end').inputValue()).toBe(cal);
    expect(await page.getByTestId('holdout-mae').textContent()).toBe(
      decimal(v1.data.models[0]!.metrics.mae, 4),
    );
    expect(await page.getByTestId('holdout-rmse').textContent()).toBe(
      decimal(v1.data.models[0]!.metrics.rmse, 4),
    );
    await page.getByRole('img', { name: /^Holdout purchases by calibration frequency/ }).waitFor();
    // Another calibration end, applied with the button, is kept in the address.
    const earlier = defaultCalibrationEnd(ov.data.first_purchase, ov.data.last_purchase, 0.5)!;
    await page.getByLabel('Calibration end').fill(earlier);
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.waitForURL(new RegExp(`cal=${earlier}`));
    const v2 = await validateApi(earlier);
    await expect
      .poll(() => page.getByTestId('holdout-calibration-end').textContent(), { timeout: 60_000 })
      .toBe(earlier);
    expect(await page.getByTestId('holdout-mae').textContent()).toBe(
      decimal(v2.data.models[0]!.metrics.mae, 4),
    );
    await settled(page);
    await checkA11y(page, 'ltv');
    await screenshot(page, '06-ltv');

    await go(page, '#/quality');
    await page.getByTestId('kpi-quality-score').waitFor({ timeout: 60_000 });
    const q = await srv.api<{ scores: { overall: { score: number | null } } }>(
      'analyst',
      '/analysis/quality',
      {
        method: 'POST',
        body: { dataset_version: 1 },
      },
    );
    expect(await page.getByTestId('kpi-quality-score').textContent()).toBe(
      decimal(q.scores.overall.score, 1),
    );
    // Column profiles from GET /datasets/{version}/profile: orders by default, more tables on demand.
    const prof = await srv.api<{
      data: { tables: { table: string; rows: number; columns: { name: string; null_share: number }[] }[] };
    }>('viewer', '/datasets/1/profile?table=customers,orders');
    const ordersProfile = prof.data.tables.find((t) => t.table === 'orders')!;
    const ordersTable = page.getByRole('region', { name: `orders (${integer(ordersProfile.rows)} rows)` });
    await ordersTable.waitFor({ timeout: 60_000 });
    expect(await ordersTable.locator('tbody tr').count()).toBe(ordersProfile.columns.length);
    expect(await ordersTable.locator('tbody tr td:first-child').allTextContents()).toEqual(
      ordersProfile.columns.map((c) => c.name),
    );
    await page.getByRole('checkbox', { name: 'customers' }).check();
    await page.waitForURL(/tables=orders%2Ccustomers|tables=orders,customers/);
    const customersProfile = prof.data.tables.find((t) => t.table === 'customers')!;
    await page
      .getByRole('region', { name: `customers (${integer(customersProfile.rows)} rows)` })
      .waitFor({ timeout: 60_000 });
    await settled(page);
    await checkA11y(page, 'quality');
    await screenshot(page, '07-quality');

    await go(page, '#/marketplace?categories=cama_mesa_banho');
    const mk = await srv.api<{
      data: { delivery: { overall: { delivered_orders: number; late_share: number | null } } };
    }>('viewer', '/analysis/marketplace?categories=cama_mesa_banho&top_sellers=20');
    await page.getByTestId('kpi-mk-delivered').waitFor();
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="kpi-mk-delivered"]')?.textContent === want,
      integer(mk.data.delivery.overall.delivered_orders),
      { timeout: 20_000 },
    );
    expect(await page.getByTestId('kpi-mk-late').textContent()).toBe(
      percent(mk.data.delivery.overall.late_share),
    );
    await settled(page);
    await checkA11y(page, 'marketplace');
    await screenshot(page, '08-marketplace');
  });

  it('roles: a viewer sees no admin page nor analyst analyses; an admin manages users', async () => {
    const page = await newPage();
    await signIn(page, 'viewer', '#/overview');
    expect(
      await page
        .getByRole('navigation', { name: 'Pages', exact: true })
        .getByRole('link', { name: 'Admin' })
        .count(),
    ).toBe(0);
    await go(page, '#/admin');
    await page.getByText('This page needs the admin role').waitFor();
    await go(page, '#/cohorts');
    await page.locator('.state-forbidden').waitFor();
    expect(await page.locator('.state-forbidden').textContent()).toMatch(/analyst role/);
    await screenshot(page, '09-viewer-forbidden');
    // The R×F heatmap comes with GET /analysis/segments: a viewer sees it too.
    await go(page, '#/customers');
    await page.getByTestId('rfm-total').waitFor();
    await page.getByRole('img', { name: /^Recency × frequency \(customers\)/ }).waitFor();
    await settled(page);
    expect(await page.getByText('needs the analyst role').count()).toBe(0);
    const grid = await srv.api<{ data: { grid: { customers: number }[]; customers: number } }>(
      'viewer',
      '/analysis/segments',
    );
    const inGrid = grid.data.grid.reduce((a, g) => a + g.customers, 0);
    expect(inGrid).toBeGreaterThan(0);
    expect(inGrid).toBeLessThanOrEqual(grid.data.customers);

    const admin = await newPage();
    await signIn(admin, 'admin', '#/admin');
    await admin.getByRole('cell', { name: 'viewer-user', exact: true }).waitFor();
    await admin.getByLabel('Username').fill('new-analyst');
    await admin.getByLabel('Password').fill('new-analyst-pw-1');
    await admin.getByLabel('Role', { exact: true }).selectOption('analyst');
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.getByText('user new-analyst created').waitFor();
    await admin.getByRole('cell', { name: 'new-analyst', exact: true }).waitFor();
    await checkA11y(admin, 'admin users');
    await screenshot(admin, '10-admin-users');
    await admin.getByRole('button', { name: 'API keys', exact: true }).click();
    await admin.getByLabel('Name').fill('reporting');
    await admin.getByRole('button', { name: 'Create key' }).click();
    await admin.getByText('New key (shown once').waitFor();
    expect(await admin.locator('.notice code').textContent()).toMatch(/^olk_/);
    for (const tab of ['API keys', 'Data sets', 'Audit log']) {
      await admin.getByRole('button', { name: tab, exact: true }).click();
      await settled(admin);
      await admin.locator('tbody tr').first().waitFor();
      await checkA11y(admin, `admin ${tab}`);
    }
    expect(await admin.locator('tbody').textContent()).toContain('user.create');

    // Upload the nine CSV files as a new version, without making it current.
    await admin.getByRole('button', { name: 'Data sets', exact: true }).click();
    const files = readdirSync(srv.csvDir).map((f) => path.join(srv.csvDir, f));
    expect(files).toHaveLength(9);
    await admin.getByLabel('Olist CSV files (all nine)').setInputFiles(files);
    await admin.getByLabel('Make current').uncheck();
    await admin.getByRole('button', { name: 'Upload' }).click();
    await admin.getByText('uploaded as version 2').waitFor({ timeout: 120_000 });
    await admin.getByRole('button', { name: 'Make current version 2' }).waitFor();
    const versions = await srv.api<{ datasets: { version: number; is_current: boolean }[] }>(
      'admin',
      '/datasets',
    );
    expect(versions.datasets.map((d) => [d.version, d.is_current])).toEqual(
      expect.arrayContaining([
        [1, true],
        [2, false],
      ]),
    );
    await screenshot(admin, '11-admin-audit');
  });

  it('an expired session leads to sign-in and back to the same page', async () => {
    const page = await newPage();
    await signIn(page, 'viewer', '#/marketplace?states=RJ');
    await page.getByTestId('kpi-mk-delivered').waitFor();
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('olist.session')!);
      localStorage.setItem(
        'olist.session',
        JSON.stringify({ ...s, access_token: 'expired', refresh_token: 'spent' }),
      );
    });
    await go(page, '#/overview?states=RJ');
    await page.waitForURL(/#\/login\?next=/);
    await page.getByText('Your session ended').waitFor();
    await page.getByLabel('Username').fill('viewer-user');
    await page.getByLabel('Password').fill(PASSWORDS.viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/#\/overview\?states=RJ$/);
    await page.getByTestId('kpi-revenue').waitFor();
  });

  it('dark theme: toggled, persisted, accessible', async () => {
    const page = await newPage();
    await signIn(page, 'analyst', '#/overview');
    await settled(page);
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.getByTestId('kpi-revenue').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(15, 18, 22)');
    await settled(page);
    await page.waitForSelector('.chart canvas');
    await checkA11y(page, 'overview dark');
    await screenshot(page, '12-overview-dark');
    await go(page, '#/customers');
    await settled(page);
    await page.waitForSelector('.chart canvas');
    await checkA11y(page, 'customers dark');
    await screenshot(page, '13-customers-dark');

    // The system preference is the default.
    const sys = await newPage(undefined, 'dark');
    await sys.goto(`${srv.url}/`);
    expect(await sys.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('phone width: menu, no horizontal scrolling, accessible', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page, 'viewer', '#/overview');
    await settled(page);
    const nav = page.getByRole('navigation', { name: 'Pages', exact: true });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    expect(await nav.isVisible()).toBe(true);
    await screenshot(page, '14-phone-menu');
    await nav.getByRole('link', { name: 'Marketplace' }).click();
    await page.getByTestId('kpi-mk-delivered').waitFor();
    await settled(page);
    expect(await nav.isVisible()).toBe(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await checkA11y(page, 'marketplace phone');
    await screenshot(page, '15-phone-marketplace');
  });

  it('ran under the real Content-Security-Policy without violations', () => {
    expect(cspErrors).toEqual([]);
  });
});
