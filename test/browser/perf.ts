/**
 * Dashboard performance in Chromium (navigation timing), on the 100k-customer demo data:
 *  - first load to a usable overview with a cold browser cache (KPIs shown, charts drawn);
 *  - page switches once each page's data is cached.
 * Usage: npm run bench:web [-- --customers 100000 --runs 5]
 * The generated data set is kept in $TMPDIR/olist-web-perf-<customers> between runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../../src/api/server.ts';
import { openAppState } from '../../src/appstate/index.ts';
import { TEST_SCRYPT_COST } from '../../src/appstate/passwords.ts';
import { ingestDirectory } from '../../src/ingest/ingest.ts';
import { generateDataset } from '../../src/olist/generate/index.ts';
import { removeDir, tempDir, testContext } from '../fixtures.ts';
import { browserAvailable, ensureWebBuilt, launchBrowser, TEST_SECRET, WEB_DIST } from './harness.ts';

declare const document: { querySelector(s: string): { textContent: string | null } | null };
declare const performance: {
  now(): number;
  getEntriesByType(t: string): { responseStart: number; domContentLoadedEventEnd: number }[];
};
declare const localStorage: { setItem(k: string, v: string): void };

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const customers = arg('customers', 100_000);
const runs = arg('runs', 5);

const PAGES = [
  { hash: '#/overview', title: 'Overview' },
  { hash: '#/customers', title: 'Customers (RFM)' },
  { hash: '#/cohorts', title: 'Cohorts' },
  { hash: '#/marketplace', title: 'Marketplace' },
  { hash: '#/quality', title: 'Data quality' },
  { hash: '#/ltv', title: 'Lifetime value' },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** In the page: from now until the page's heading shows and nothing is loading any more (charts drawn). */
async function untilSettled(page: Page, title: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (t) =>
      document.querySelector('h1')?.textContent === t &&
      !document.querySelector('.state-loading, .state-error'),
    title,
    { timeout: timeoutMs, polling: 'raf' },
  );
}

async function main() {
  if (!browserAvailable()) return;
  ensureWebBuilt();
  const csvDir = path.join(os.tmpdir(), `olist-web-perf-${customers}`);
  if (!existsSync(path.join(csvDir, 'olist_orders_dataset.csv'))) {
    mkdirSync(csvDir, { recursive: true });
    process.stdout.write(`generating ${customers} customers into ${csvDir}…\n`);
    await generateDataset({ customers, seed: 1, outDir: csvDir });
  }
  const dataDir = tempDir('olist-web-perf-');
  const ctx = await testContext(dataDir);
  let t = performance.now();
  await ingestDirectory(ctx.engine, ctx.catalog, { dir: csvDir });
  process.stdout.write(`ingested in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  const state = openAppState({ dataDir, refreshTokenTtlSeconds: 3600, scryptCost: TEST_SCRYPT_COST });
  await state.users.create({ username: 'perf', password: 'perf-password-1', role: 'analyst' });
  const server = await startServer(ctx, {
    host: '127.0.0.1',
    port: 0,
    handleSignals: false,
    staticDir: WEB_DIST,
    state,
    jwtSecret: TEST_SECRET,
    scryptCost: TEST_SCRYPT_COST,
    rateLimit: { requestsPerMinute: 100_000, burst: 10_000 },
  });
  const url = `http://127.0.0.1:${server.port}`;
  let browser: Browser | undefined;
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'perf', password: 'perf-password-1' }),
    });
    const tok = (await login.json()) as { access_token: string; refresh_token: string; user: unknown };
    const session = JSON.stringify({
      access_token: tok.access_token,
      refresh_token: tok.refresh_token,
      user: tok.user,
    });
    browser = await launchBrowser();

    // Warm the server's result cache for every page (the first computation is the API's, not the page's).
    const warm = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await warm.addInitScript((s) => localStorage.setItem('olist.session', s), session);
    const wp = await warm.newPage();
    const serverCold: Record<string, number> = {};
    for (const p of PAGES) {
      t = performance.now();
      await wp.goto(`${url}/${p.hash}`);
      await untilSettled(wp, p.title, 300_000);
      serverCold[p.title] = performance.now() - t;
    }
    await warm.close();

    // Cold browser cache (a new context each run), server cache warm: first load to a usable overview.
    const firstLoad: { kpis: number; usable: number; ttfb: number; dcl: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const c = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await c.addInitScript((s) => localStorage.setItem('olist.session', s), session);
      const page = await c.newPage();
      await page.goto(`${url}/#/overview`, { waitUntil: 'commit' });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="kpi-revenue"]') !== null,
        undefined,
        {
          timeout: 30_000,
          polling: 'raf',
        },
      );
      const kpis = await page.evaluate(() => performance.now());
      await untilSettled(page, 'Overview', 30_000);
      const usable = await page.evaluate(() => performance.now());
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0]!;
        return { ttfb: n.responseStart, dcl: n.domContentLoadedEventEnd };
      });
      firstLoad.push({ kpis, usable, ...nav });

      if (i === 0) {
        // Page switches once data is cached: visit each page once, then switch around by the nav links.
        for (const p of PAGES) {
          await page.evaluate((h) => {
            (globalThis as unknown as { location: { hash: string } }).location.hash = h;
          }, p.hash);
          await untilSettled(page, p.title, 60_000);
        }
        const switches: Record<string, number[]> = {};
        for (let round = 0; round < runs; round++) {
          for (const p of PAGES) {
            // A string, not a function: tsx would wrap inner functions in a helper the page lacks.
            const ms = (await page.evaluate(`new Promise((resolve) => {
              const t0 = performance.now();
              location.hash = ${JSON.stringify(`${p.hash}?r=${round}`)};
              const check = () => {
                if (document.querySelector('h1')?.textContent === ${JSON.stringify(p.title)} &&
                    !document.querySelector('.state-loading')) resolve(performance.now() - t0);
                else requestAnimationFrame(check);
              };
              requestAnimationFrame(check);
            })`)) as number;
            const list = switches[p.title] ?? [];
            list.push(ms);
            switches[p.title] = list;
          }
        }
        process.stdout.write(
          '\n| page | server-cold first visit (ms) | cached page switch, median (ms) | max (ms) |\n|---|---|---|---|\n',
        );
        for (const p of PAGES) {
          const s = switches[p.title]!;
          process.stdout.write(
            `| ${p.title} | ${serverCold[p.title]!.toFixed(0)} | ${median(s).toFixed(0)} | ${Math.max(...s).toFixed(0)} |\n`,
          );
        }
      }
      await c.close();
    }
    process.stdout.write(
      `\nFirst load, cold browser cache (${runs} runs, ${customers} customers): ` +
        `TTFB median ${median(firstLoad.map((f) => f.ttfb)).toFixed(0)} ms, ` +
        `DOMContentLoaded ${median(firstLoad.map((f) => f.dcl)).toFixed(0)} ms, ` +
        `KPIs shown ${median(firstLoad.map((f) => f.kpis)).toFixed(0)} ms, ` +
        `usable (charts drawn) median ${median(firstLoad.map((f) => f.usable)).toFixed(0)} ms, ` +
        `max ${Math.max(...firstLoad.map((f) => f.usable)).toFixed(0)} ms\n`,
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
    state.close();
    removeDir(dataDir);
  }
}

await main();
