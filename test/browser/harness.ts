/**
 * Browser-test support: builds the dashboard when web/dist is missing, serves it with the API on
 * 127.0.0.1 (ephemeral port) over a generated data set with one user per role, and launches
 * Debian's Chromium through playwright-core (never a downloaded browser).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/api/server.ts';
import { openAppState } from '../../src/appstate/index.ts';
import { TEST_SCRYPT_COST } from '../../src/appstate/passwords.ts';
import type { Role } from '../../src/appstate/users.ts';
import { ingestDirectory } from '../../src/ingest/ingest.ts';
import { generateDataset } from '../../src/olist/generate/index.ts';
import { removeDir, tempDir, testContext } from '../fixtures.ts';

// Globals of the page, for the callbacks that run in the browser (the Node tsconfig has no DOM lib).
declare const window: object;
declare const document: object;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'dashboard');
export const CHROMIUM = '/usr/lib/chromium/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const TEST_SECRET = new TextEncoder().encode('browser-test-secret-long-enough-for-hs256-0123');
export const PASSWORDS: Record<Role, string> = {
  admin: 'admin-password-1',
  analyst: 'analyst-password-1',
  viewer: 'viewer-password-1',
};

/** Whether the browser tests can run here; under CI=true a missing Chromium is a failure. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `\n${'!'.repeat(78)}\n!! Chromium not found at ${CHROMIUM}: the dashboard browser tests are SKIPPED.\n!! Install Debian's chromium package to run them.\n${'!'.repeat(78)}\n`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(msg);
  return false;
}

/** Builds web/dist with Vite when it is missing or older than its sources (web/ensure-built.mjs). */
export function ensureWebBuilt(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'web/ensure-built.mjs')], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 180_000,
  });
  if (r.status !== 0 || !existsSync(path.join(WEB_DIST, 'index.html')))
    throw new Error(`building the dashboard failed:\n${r.stdout}\n${r.stderr}`);
}

export interface DashboardServer {
  readonly server: RunningServer;
  readonly url: string;
  /** The generated CSV files (an upload's content). */
  readonly csvDir: string;
  /** A raw API response for a role (downloads, optional endpoints). */
  raw(role: Role, pathAndQuery: string): Promise<Response>;
  /** Calls the API as a role (the numbers the pages must show). */
  api<T>(role: Role, pathAndQuery: string, init?: { method?: string; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

export async function startDashboardServer(opts: { customers?: number } = {}): Promise<DashboardServer> {
  ensureWebBuilt();
  const dataDir = tempDir('olist-web-');
  const csvDir = path.join(dataDir, 'csv');
  await generateDataset({ customers: opts.customers ?? 5000, seed: 1, outDir: csvDir });
  const ctx = await testContext(dataDir);
  await ingestDirectory(ctx.engine, ctx.catalog, { dir: csvDir });
  const state = openAppState({
    dataDir,
    refreshTokenTtlSeconds: ctx.loaded.config.security.refresh_token_ttl_seconds,
    scryptCost: TEST_SCRYPT_COST,
  });
  for (const role of ['admin', 'analyst', 'viewer'] as const)
    await state.users.create({ username: `${role}-user`, password: PASSWORDS[role], role });
  const server = await startServer(ctx, {
    host: '127.0.0.1',
    port: 0,
    handleSignals: false,
    staticDir: WEB_DIST,
    state,
    jwtSecret: TEST_SECRET,
    scryptCost: TEST_SCRYPT_COST,
    rateLimit: { requestsPerMinute: 100_000, burst: 10_000 },
    loginAttemptsPerMinute: 1000,
  });
  const url = `http://127.0.0.1:${server.port}`;
  const tokens = new Map<Role, string>();
  const tokenOf = async (role: Role) => {
    let t = tokens.get(role);
    if (!t) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `${role}-user`, password: PASSWORDS[role] }),
        signal: AbortSignal.timeout(10_000),
      });
      t = ((await res.json()) as { access_token: string }).access_token;
      tokens.set(role, t);
    }
    return t;
  };
  return {
    server,
    url,
    csvDir,
    async raw(role: Role, p: string) {
      return fetch(`${url}/api/v1${p}`, {
        headers: { authorization: `Bearer ${await tokenOf(role)}` },
        signal: AbortSignal.timeout(60_000),
      });
    },
    async api<T>(role: Role, p: string, init: { method?: string; body?: unknown } = {}) {
      const res = await fetch(`${url}/api/v1${p}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${await tokenOf(role)}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async close() {
      await server.close();
      state.close();
      removeDir(dataDir);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary profile (user-data dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, timeout: 15_000 });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  description: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.1 A/AA) in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays in force.
  if (!loaded) await page.evaluate(readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations;
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(v: readonly AxeViolation[]): string {
  return v
    .map(
      (x) =>
        `${x.impact} ${x.id}: ${x.description}\n  ${x.nodes
          .slice(0, 5)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`)
          .join('\n  ')}`,
    )
    .join('\n');
}
