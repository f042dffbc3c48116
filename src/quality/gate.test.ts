/**
 * The quality gate on ingest, the validate/profile services and the `olist validate` and
 * `olist profile` commands, on the real sample.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  copyDir,
  hasRealData,
  realSampleDir,
  removeDir,
  skipReason,
  tempDir,
  testContext,
} from '../../test/fixtures.ts';
import type { AppContext } from '../app/context.ts';
import { register as registerProfile } from '../cli/commands/profile.ts';
import { register as registerValidate } from '../cli/commands/validate.ts';
import { exitCodeOf, IngestError, OlistError } from '../core/errors.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { createQualityGate } from './gate.ts';
import type { QualityReport } from './report.ts';
import { validateDataset, validateDirectory } from './service.ts';

if (!hasRealData) console.warn(skipReason);

const AS_OF = '2018-09-15';

/** A copy of a folder where every item price is negative: order_items.price_not_negative (an error) fails. */
function withNegativePrices(src: string): string {
  const dir = copyDir(src);
  const file = path.join(dir, 'olist_order_items_dataset.csv');
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = lines.map((line, i) => {
    if (i === 0 || line === '') return line;
    const cells = line.split(',');
    cells[5] = `-${cells[5]}`;
    return cells.join(',');
  });
  writeFileSync(file, out.join('\n'));
  return dir;
}

describe.skipIf(!hasRealData)('quality gate on ingest', () => {
  let ctx: AppContext;
  let dir: string;
  let bad: string;

  beforeAll(async () => {
    ctx = await testContext();
    dir = realSampleDir();
    bad = withNegativePrices(dir);
  });
  afterAll(async () => {
    await ctx.close();
    removeDir(dir);
    removeDir(bad);
    removeDir(ctx.dataDir);
  });

  it('real Olist data publishes with warnings, and the report is stored with the version', async () => {
    const r = await ingestDirectory(ctx.engine, ctx.catalog, {
      dir,
      gate: createQualityGate(ctx, { asOf: AS_OF }),
    });
    const v = await ctx.catalog.get(r.version);
    expect(v).toMatchObject({ status: 'published', is_current: true });
    const report = (await ctx.catalog.report(r.version, 'quality')) as QualityReport;
    expect(report).toMatchObject({
      status: 'warnings',
      passed: true,
      dataset_version: r.version,
      previous_version: null,
    });
    expect(report.source).toBe(path.resolve(dir));
    // One warning line per failed warning rule is attached to the version.
    const failedWarnings = report.results.filter((x) => x.status === 'fail').map((x) => x.id);
    const attached = v.warnings.filter((w) => w.startsWith('quality warning '));
    expect(attached).toHaveLength(failedWarnings.length);
    expect(attached.some((w) => w.startsWith('quality warning orders.has_items: '))).toBe(true);
  });

  it('the next load is compared with the current version: drift rules run and identical data does not drift', async () => {
    const r = await ingestDirectory(ctx.engine, ctx.catalog, {
      dir,
      gate: createQualityGate(ctx, { asOf: AS_OF }),
    });
    const report = (await ctx.catalog.report(r.version, 'quality')) as QualityReport;
    expect(report.previous_version).toBe(r.version - 1);
    const drift = report.results.filter((x) => x.kind === 'drift');
    expect(drift.length).toBeGreaterThan(5);
    for (const d of drift) expect(d, d.id).toMatchObject({ status: 'pass', observed: 0 });
  });

  it('an error-severity failure rejects the load: nothing is published, the report is kept', async () => {
    const before = await ctx.currentDataset();
    let caught: unknown;
    try {
      await ingestDirectory(ctx.engine, ctx.catalog, {
        dir: bad,
        gate: createQualityGate(ctx, { asOf: AS_OF }),
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IngestError);
    const err = caught as IngestError;
    expect(err.message).toMatch(
      /rejected by validation: 1 error-severity quality rule\(s\) failed \(order_items\.price_not_negative\)/,
    );
    expect(err.details[0]!.location).toBe('order_items · order_items.price_not_negative');
    expect(err.exitCode).toBe(2);
    expect((await ctx.currentDataset()).version).toBe(before.version);
    const rejected = (await ctx.catalog.list({ includeFailed: true })).at(-1)!;
    expect(rejected.status).toBe('rejected');
    const report = (await ctx.catalog.report(rejected.version, 'quality')) as QualityReport;
    expect(report).toMatchObject({ status: 'failed', passed: false, dataset_version: rejected.version });
    const price = report.results.find((x) => x.id === 'order_items.price_not_negative')!;
    expect(price).toMatchObject({ status: 'fail', severity: 'error', failing_share: 1 });
    expect(price.failing_count).toBe(before.row_counts.order_items);
  });

  it('validateDirectory checks a folder without publishing it', async () => {
    const before = await ctx.currentDataset();
    const published = (await ctx.catalog.list()).length;
    const report = await validateDirectory(ctx, bad, { asOf: AS_OF });
    expect(report).toMatchObject({ status: 'failed', previous_version: before.version });
    expect((await ctx.currentDataset()).version).toBe(before.version);
    expect((await ctx.catalog.list()).length).toBe(published);
    const last = (await ctx.catalog.list({ includeFailed: true })).at(-1)!;
    expect(last).toMatchObject({ status: 'rejected', version: report.dataset_version });
    expect(last.error).toContain('validation only');
    // A good folder validates as passing, still without being published.
    const good = await validateDirectory(ctx, dir, { asOf: AS_OF });
    expect(good.passed).toBe(true);
    expect((await ctx.catalog.list()).length).toBe(published);
    await expect(validateDirectory(ctx, '/nonexistent/olist')).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });

  it('validateDataset validates a published version, with drift against the previous published one', async () => {
    const [first, second] = await ctx.catalog.list();
    const r2 = await validateDataset(ctx, second!.version, { asOf: AS_OF });
    expect(r2).toMatchObject({
      dataset_version: second!.version,
      previous_version: first!.version,
      status: 'warnings',
    });
    const r1 = await validateDataset(ctx, first!.version, { asOf: AS_OF });
    expect(r1.previous_version).toBeNull();
    expect(r1.results.filter((x) => x.kind === 'drift').every((x) => x.status === 'skipped')).toBe(true);
    const none = await validateDataset(ctx, second!.version, { asOf: AS_OF, previous: null });
    expect(none.previous_version).toBeNull();
  });
});

describe.skipIf(!hasRealData)('olist validate and olist profile', () => {
  let dataDir: string;
  let dir: string;
  let bad: string;
  let out: string;
  let stdout: string[];

  beforeAll(async () => {
    dataDir = tempDir('olist-cli-');
    dir = realSampleDir();
    bad = withNegativePrices(dir);
    out = tempDir('olist-out-');
    const ctx = await testContext(dataDir);
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    await ctx.close();
  });
  afterAll(() => {
    for (const d of [dataDir, dir, bad, out]) removeDir(d);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Runs the commands like `olist`: returns the exit code main() would give, and captures stdout. */
  async function cli(...args: string[]): Promise<number> {
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    const program = new Command('olist').exitOverride();
    registerValidate(program);
    registerProfile(program);
    try {
      await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
      return 0;
    } catch (err) {
      // As main(): usage errors exit 2, typed errors with their code.
      if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
      return exitCodeOf(err);
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('exits 0 and prints the report when no error-severity rule fails', async () => {
    expect(await cli('validate', '--as-of', AS_OF)).toBe(0);
    const text = stdout.join('');
    expect(text).toContain('Data quality of data set version 1');
    expect(text).toContain('PASSED WITH WARNINGS');
    expect(text).toMatch(/WARN {2}orders\.has_items/);
  });

  it('exits 1 when an error-severity rule fails (folder validated, JSON report)', async () => {
    expect(await cli('validate', bad, '--format', 'json', '--as-of', AS_OF)).toBe(1);
    const report = JSON.parse(stdout.join('')) as QualityReport;
    expect(report).toMatchObject({ status: 'failed', previous_version: 1 });
  });

  it('exits 2 on unusable input', async () => {
    expect(await cli('validate', path.join(out, 'missing-folder'))).toBe(2);
    expect(await cli('validate', '99')).toBe(2);
  });

  it('writes the HTML report to a file', async () => {
    const file = path.join(out, 'report.html');
    expect(
      await cli('validate', '1', '--format', 'html', '--output', file, '--no-drift', '--as-of', AS_OF),
    ).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('<h1>Data quality report</h1>');
    expect(stdout.join('')).toContain(`report written to ${file}`);
  });

  it('profiles a version', async () => {
    expect(await cli('profile', '--table', 'orders')).toBe(0);
    expect(stdout.join('')).toContain('orders · 4,000 rows');
    expect(await cli('profile', '1', '--format', 'json', '--table', 'sellers', '--table', 'orders')).toBe(0);
    const result = JSON.parse(stdout.join('')) as { data: { tables: { table: string; rows: number }[] } };
    expect(result.data.tables.map((t) => [t.table, t.rows])).toEqual([
      ['sellers', 3095],
      ['orders', 4000],
    ]);
    expect(await cli('profile', '--table', 'shops')).toBe(2);
  });

  it('a failed validation is a typed error with exit code 1', () => {
    expect(new OlistError('VALIDATION_FAILED', 'x').exitCode).toBe(1);
  });
});
