import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasRealData, realSampleDir, removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import { register } from '../cli/commands/export.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { parseCsv } from './testUtil.ts';

const describeData = hasRealData ? describe : describe.skip;

describeData('olist export (CLI)', () => {
  let dataDir: string;
  let out: string;
  beforeAll(async () => {
    dataDir = tempDir('olist-export-cli-');
    out = tempDir('olist-export-out-');
    const ctx = await testContext(dataDir);
    const dir = realSampleDir();
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    removeDir(dir);
    await ctx.close();
  }, 120_000);
  afterAll(() => {
    removeDir(dataDir);
    removeDir(out);
  });

  async function run(...args: string[]): Promise<string> {
    const program = new Command('olist').exitOverride();
    register(program);
    let text = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    });
    try {
      await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    return text;
  }

  it('writes CSV with filters, XLSX and PDF files', async () => {
    const csv = path.join(out, 'rfm.csv');
    expect(await run('export', 'rfm', '--format', 'csv', '--out', csv, '--state', 'SP', '--bom')).toMatch(
      /Exported rfm \(data set v1\) as csv .* rows\)/,
    );
    const text = readFileSync(csv, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const records = parseCsv(text.slice(1));
    expect(records[0]?.[0]).toBe('customer_unique_id');
    expect(records.length).toBeGreaterThan(100);

    const xlsx = path.join(out, 'cohort.xlsx');
    await run('export', 'cohort', '--format', 'xlsx', '--out', xlsx, '--period', 'week');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.getWorksheet('Cohorts')?.rowCount).toBeGreaterThan(100);

    const pdf = path.join(out, 'health.pdf');
    expect(await run('export', 'health', '--format', 'pdf', '--out', pdf)).toMatch(/\d+ pages/);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 120_000);

  it('refuses a format the analysis lacks and bad parameters, leaving no file', async () => {
    await expect(
      run('export', 'health', '--format', 'csv', '--out', path.join(out, 'h.csv')),
    ).rejects.toThrow(/no csv format/);
    await expect(
      run('export', 'overview', '--format', 'pdf', '--out', path.join(out, 'o.pdf'), '--period', 'week'),
    ).rejects.toThrow(/invalid overview parameters/);
    expect(existsSync(path.join(out, 'o.pdf'))).toBe(false);
    expect(existsSync(path.join(out, 'h.csv'))).toBe(false);
  }, 60_000);
});
