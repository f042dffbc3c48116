/**
 * Exports on the real 4,000-order sample: every CSV and XLSX read back and compared with the
 * service's result; PDFs parsed back with poppler (text, page count) and rendered to images.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData, realSampleDir, removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import { predictClv } from '../analytics/clv/service.ts';
import { cohorts, marketplace, overview, rfmCustomers, rfmSummary } from '../analytics/service.ts';
import type { AppContext } from '../app/context.ts';
import { ingestDirectory } from '../ingest/ingest.ts';
import { validateDataset } from '../quality/service.ts';
import { neutralise } from './csv.ts';
import { fmtBrl, fmtInteger } from './format.ts';
import { cohortRows, EXPORT_ANALYSES, EXPORTS, type ExportAnalysis } from './registry.ts';
import { exportAnalysis, exportFileName, prepareExport } from './service.ts';
import {
  Collector,
  mustRunPdfTools,
  parseCsv,
  pdfPages,
  pdfText,
  renderPage,
  renderPng,
} from './testUtil.ts';
import type { ColumnSpec, ExportFormat, Row } from './types.ts';

const describeData = hasRealData ? describe : describe.skip;

describeData('exports on the real sample', () => {
  let ctx: AppContext;
  let dataDir: string;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'olist-exports-'));

  beforeAll(async () => {
    dataDir = tempDir('olist-exports-data-');
    ctx = await testContext(dataDir);
    const dir = realSampleDir();
    await ingestDirectory(ctx.engine, ctx.catalog, { dir });
    removeDir(dir);
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
    removeDir(dataDir);
    rmSync(outDir, { recursive: true, force: true });
  });

  async function run(analysis: ExportAnalysis, format: ExportFormat, params: Record<string, unknown> = {}) {
    const out = new Collector();
    const r = await exportAnalysis(ctx, analysis, format, params, out);
    return { r, buffer: out.buffer };
  }

  /** What the service says each CSV export holds, as rows. */
  async function expectedRows(analysis: ExportAnalysis): Promise<readonly Row[]> {
    switch (analysis) {
      case 'rfm':
        return (await rfmCustomers(ctx, {}, { limit: 10_000 })).data.rows;
      case 'segments':
        return (await rfmSummary(ctx)).data.segments as unknown as Row[];
      case 'cohort':
        return cohortRows((await cohorts(ctx)).data);
      case 'overview':
        return (await overview(ctx)).data.trend as unknown as Row[];
      case 'marketplace':
        return (await marketplace(ctx)).data.categories as unknown as Row[];
      case 'clv':
        return (await predictClv(ctx, { horizon: 52 })).data.customers;
      case 'quality':
        return (await validateDataset(ctx)).results.map((x) => ({
          ...x,
          examples: x.examples.join(', '),
        })) as unknown as Row[];
      case 'health':
        throw new Error('no csv');
    }
  }

  const csvAnalyses = EXPORT_ANALYSES.filter((a) => EXPORTS[a].formats.includes('csv'));

  describe('CSV', () => {
    for (const analysis of csvAnalyses) {
      it(`${analysis}: round-trips to the service's rows (names, order, values)`, async () => {
        const { r, buffer } = await run(analysis, 'csv');
        const doc = await prepareExport(ctx, analysis, 'csv', {});
        const columns = doc.primary?.columns as readonly ColumnSpec[];
        const records = parseCsv(buffer.toString('utf8'));
        expect(records[0]).toEqual(columns.map((c) => c.name));
        const expected = await expectedRows(analysis);
        expect(r.rows).toBe(expected.length);
        expect(records.length - 1).toBe(expected.length);
        expected.forEach((row, i) => {
          const got = records[i + 1] as string[];
          columns.forEach((c, j) => {
            const v = row[c.name];
            const cell = got[j];
            if (v === null || v === undefined) expect(cell, `${c.name} row ${i}`).toBe('');
            else if (typeof v === 'number') expect(Number(cell), `${c.name} row ${i}`).toBe(v);
            else expect(cell, `${c.name} row ${i}`).toBe(neutralise(String(v)));
          });
        });
      }, 60_000);
    }

    it('rfm: streams filtered rows and names the file after the data set and as-of date', async () => {
      const { r, buffer } = await run('rfm', 'csv', { states: 'SP', as_of: '2018-06-01' });
      const page = await rfmCustomers(ctx, { states: 'SP', as_of: '2018-06-01' }, { limit: 10_000 });
      expect(r.rows).toBe(page.data.rows.length);
      expect(parseCsv(buffer.toString('utf8')).length - 1).toBe(page.data.rows.length);
      expect(r.fileName).toBe('olist-rfm-v1-2018-06-01.csv');
    });

    it('BOM on request', async () => {
      const out = new Collector();
      await exportAnalysis(ctx, 'segments', 'csv', {}, out, { bom: true });
      expect(out.buffer.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    });

    it('refuses a format an analysis does not have, and bad parameters', async () => {
      await expect(run('health', 'csv')).rejects.toThrow(/no csv format/);
      await expect(run('rfm', 'csv', { as_of: '2018-02-30' })).rejects.toThrow(/invalid RFM parameters/);
    });
  });

  describe('XLSX', () => {
    for (const analysis of EXPORT_ANALYSES) {
      it(`${analysis}: typed sheets with frozen header, filter and formats; summary with version and parameters`, async () => {
        const { r, buffer } = await run(analysis, 'xlsx');
        const doc = await prepareExport(ctx, analysis, 'xlsx', {});
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(buffer as unknown as ArrayBuffer);
        const summary = wb.getWorksheet('Summary');
        expect(summary).toBeDefined();
        const cells = new Map<string, unknown>();
        summary?.eachRow((row) => cells.set(String(row.getCell(1).value), row.getCell(2).value));
        expect(cells.get('Data set version')).toBe(1);
        expect(cells.get('Generated at (UTC)')).toBeInstanceOf(Date);
        expect(cells.has('Definitions') || [...cells.keys()].includes('Definitions')).toBe(true);

        const sheets = r.sheets ?? {};
        expect(Object.keys(sheets).length).toBeGreaterThan(0);
        for (const [name, count] of Object.entries(sheets)) {
          const ws = wb.getWorksheet(name);
          expect(ws, name).toBeDefined();
          if (!ws) continue;
          expect(ws.rowCount - 1, name).toBe(count);
          expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
          expect(ws.autoFilter).toBeTruthy();
          const table = [doc.primary, ...doc.sections.flatMap((s) => s.tables ?? [])].find(
            (t) => t?.name === name,
          );
          const header = (ws.getRow(1).values as unknown[]).slice(1);
          expect(header).toEqual(table?.columns.map((c) => c.name));
          table?.columns.forEach((c, j) => {
            const width = ws.getColumn(j + 1).width ?? 0;
            expect(width).toBeGreaterThanOrEqual(8);
            if (ws.rowCount < 2) return;
            const cell = ws.getRow(2).getCell(j + 1);
            if (cell.value === null || cell.value === undefined) return;
            if (c.type === 'text') expect(typeof cell.value, `${name}.${c.name}`).toBe('string');
            else if (c.type === 'date') expect(cell.value, `${name}.${c.name}`).toBeInstanceOf(Date);
            else expect(typeof cell.value, `${name}.${c.name}`).toBe('number');
            if (c.type === 'currency') expect(cell.numFmt).toContain('R$');
            if (c.type === 'percent') expect(cell.numFmt).toContain('%');
            if (c.type === 'date') expect(cell.numFmt).toBe('yyyy-mm-dd');
          });
        }
      }, 60_000);
    }

    it('rfm: the customers sheet equals the service rows', async () => {
      const { buffer } = await run('rfm', 'xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buffer as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('Customers');
      if (!ws) throw new Error('no Customers sheet');
      const rows = (await rfmCustomers(ctx, {}, { limit: 10_000 })).data.rows;
      expect(ws.rowCount - 1).toBe(rows.length);
      const names = (ws.getRow(1).values as string[]).slice(1);
      rows.forEach((row, i) => {
        const values = (ws.getRow(i + 2).values as unknown[]).slice(1);
        expect(Object.fromEntries(names.map((n, j) => [n, values[j]]))).toEqual({ ...row });
      });
    }, 60_000);

    it('cohort: cohort_start cells are dates', async () => {
      const { buffer } = await run('cohort', 'xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(buffer as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('Cohorts');
      const d = (await cohorts(ctx)).data;
      const v = ws?.getRow(2).getCell(2).value;
      expect(v).toBeInstanceOf(Date);
      expect((v as Date).toISOString().slice(0, 10)).toBe(d.cohorts[0]?.cohort_start);
    });
  });

  describe.skipIf(!mustRunPdfTools)('PDF (poppler)', () => {
    async function pdf(analysis: ExportAnalysis, params: Record<string, unknown> = {}) {
      const { r, buffer } = await run(analysis, 'pdf', params);
      const file = path.join(outDir, `${analysis}.pdf`);
      writeFileSync(file, buffer);
      return { r, file, text: pdfText(file) };
    }

    for (const analysis of EXPORT_ANALYSES) {
      it(`${analysis}: a multi-page report with title, numbered pages and definitions`, async () => {
        const { r, file, text } = await pdf(analysis);
        const pages = pdfPages(file);
        expect(pages).toBe(r.pages);
        expect(pages).toBeGreaterThan(1);
        expect(text).toContain(
          EXPORTS[analysis].title === 'Data quality' ? 'Data quality report' : 'Olist Analytics',
        );
        expect(text).toContain(`Page 1 of ${pages}`);
        expect(text).toContain(`Page ${pages} of ${pages}`);
        expect(text).toContain('Data set, parameters and definitions');
        if (analysis !== 'quality') expect(text).toContain('R$');
      }, 60_000);
    }

    it('marketplace: São Paulo and R$ render; every state appears', async () => {
      const { text } = await pdf('marketplace');
      const m = (await marketplace(ctx)).data;
      expect(text).toContain('São Paulo');
      expect(text).toContain(fmtBrl(m.revenue));
      for (const c of m.categories) expect(text).toContain(c.category.slice(0, 12));
    }, 60_000);

    it('overview and health: the KPI values of the service appear', async () => {
      const k = (await overview(ctx)).data.kpis;
      for (const analysis of ['overview', 'health'] as const) {
        const { text } = await pdf(analysis);
        expect(text).toContain(fmtBrl(k.revenue));
        expect(text).toContain(fmtInteger(k.orders));
        expect(text).toContain(fmtInteger(k.customers));
      }
      const { text } = await pdf('health');
      const q = await validateDataset(ctx);
      expect(text).toContain((q.scores.overall.score ?? 0).toFixed(1));
      expect(text).toContain('Retention by cohort and period');
      expect(text).toContain('Customer lifetime value');
    }, 120_000);

    it('cohort: the long table continues over pages and its last row is printed', async () => {
      const { file, text } = await pdf('cohort');
      const rows = cohortRows((await cohorts(ctx)).data);
      expect(text).toContain(`${fmtInteger(rows.length)} rows, all shown.`);
      expect(text).toContain('Cohort × period (continued)');
      const last = rows[rows.length - 1] as Row;
      const lastPage = pdfText(file, pdfPages(file) - 1);
      expect(lastPage).toContain(String(last.cohort));
      expect(pdfPages(file)).toBeGreaterThan(3);
    }, 60_000);

    it('renders page 1 and a middle page of the health report to non-blank PNGs', async () => {
      const { file } = await pdf('health');
      const pages = pdfPages(file);
      for (const page of [1, Math.ceil(pages / 2)]) {
        const png = renderPng(file, page, path.join(outDir, `health-${page}`));
        expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(png.length, `page ${page} PNG size`).toBeGreaterThan(8_000);
        const img = renderPage(file, page);
        expect(img.dark, `page ${page} dark pixels`).toBeGreaterThan(0.005);
      }
    }, 60_000);
  });

  it('file names are safe and carry analysis, version and date', async () => {
    for (const analysis of EXPORT_ANALYSES) {
      const format = EXPORTS[analysis].formats[0] as ExportFormat;
      const doc = await prepareExport(ctx, analysis, format, {});
      expect(exportFileName(doc, format)).toMatch(
        new RegExp(`^olist-${analysis}-v1-\\d{4}-\\d{2}-\\d{2}\\.${format}$`),
      );
    }
  }, 120_000);
});
