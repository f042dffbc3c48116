import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealData } from '../../../test/fixtures.ts';
import { EXPORT_ANALYSES, EXPORTS } from '../../reports/registry.ts';
import { createHarness, type Harness } from '../testHarness.ts';

const describeData = hasRealData ? describe : describe.skip;

const TYPES = {
  csv: /^text\/csv; charset=utf-8$/,
  xlsx: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet$/,
  pdf: /^application\/pdf$/,
};

describeData('export endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const lastExport = () =>
    h.state.audit.query({ action: 'export', limit: 1, offset: 0, order: 'desc' }).entries[0];

  for (const analysis of EXPORT_ANALYSES) {
    for (const format of EXPORTS[analysis].formats) {
      it(`GET /exports/${analysis}.${format}: 200, content type, safe file name, audited`, async () => {
        const res = await h.inject({
          url: `/api/v1/exports/${analysis}.${format}`,
          headers: h.as('analyst'),
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        expect(res.headers['content-type']).toMatch(TYPES[format]);
        expect(res.headers['content-disposition']).toMatch(
          new RegExp(`^attachment; filename="olist-${analysis}-v1-\\d{4}-\\d{2}-\\d{2}\\.${format}"$`),
        );
        const body = res.rawPayload;
        if (format === 'pdf') expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        if (format === 'xlsx') expect(body.subarray(0, 2).toString('latin1')).toBe('PK');
        if (format === 'csv') expect(body.length).toBeGreaterThan(20);
        const entry = lastExport();
        expect(entry).toMatchObject({ actor: 'analyst-user', outcome: 'success' });
        expect(entry?.params).toMatchObject({ export: `${analysis}.${format}` });
      }, 60_000);
    }
  }

  it('takes the analysis filters and names the file after the as-of date', async () => {
    const res = await h.inject({
      url: '/api/v1/exports/rfm.xlsx?states=SP&as_of=2018-06-01',
      headers: h.as('admin'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="olist-rfm-v1-2018-06-01.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const csv = await h.inject({
      url: '/api/v1/exports/rfm.csv?states=SP&as_of=2018-06-01',
      headers: h.as('admin'),
    });
    const csvRows = csv.body.trim().split('\r\n').length - 1;
    expect((wb.getWorksheet('Customers')?.rowCount ?? 0) - 1).toBe(csvRows);
    expect(lastExport()?.params).toMatchObject({ params: { states: 'SP', as_of: '2018-06-01' } });
  });

  it('adds a BOM to CSV on request', async () => {
    const res = await h.inject({ url: '/api/v1/exports/segments.csv?bom=true', headers: h.as('analyst') });
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('401 anonymous, 403 viewer', async () => {
    expect((await h.inject({ url: '/api/v1/exports/rfm.pdf' })).statusCode).toBe(401);
    expect((await h.inject({ url: '/api/v1/exports/rfm.pdf', headers: h.as('viewer') })).statusCode).toBe(
      403,
    );
  });

  it('problem+json on bad parameters, 404 for a format an analysis does not have', async () => {
    for (const url of [
      '/api/v1/exports/rfm.csv?as_of=2018-02-30',
      '/api/v1/exports/overview.pdf?from=2018-05-01&to=2018-01-01',
      '/api/v1/exports/cohort.xlsx?nonsense=1',
      '/api/v1/exports/clv.csv?horizon=-1',
    ]) {
      const res = await h.inject({ url, headers: h.as('analyst') });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
    const res = await h.app.inject({ url: '/api/v1/exports/health.csv', headers: h.as('analyst') });
    expect(res.statusCode).toBe(404);
  });
});
