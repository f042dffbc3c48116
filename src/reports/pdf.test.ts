import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromArray } from './chunks.ts';
import { writePdf } from './pdf/report.ts';
import { winAnsi } from './pdf/winAnsi.ts';
import { hasPoppler, mustRunPdfTools, pdfFonts, pdfPages, pdfText, renderPage } from './testUtil.ts';
import type { ExportDoc, Row } from './types.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'olist-pdf-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows: Row[] = Array.from({ length: 180 }, (_, i) => ({
  city: i % 3 === 0 ? 'São Paulo' : i % 3 === 1 ? 'Florianópolis' : 'Não informado',
  orders: i + 1,
  revenue: 1000 + i * 12.34,
  share: i / 180,
  label: `row-${String(i + 1).padStart(3, '0')}`,
}));

const doc: ExportDoc = {
  analysis: 'test',
  title: 'Relatório de teste',
  subtitle: 'Ação e coração: São Paulo, Não, R$',
  datasetVersion: 7,
  generatedAt: '2018-10-18T12:00:00.000Z',
  params: { states: ['SP'], as_of: '2018-10-18' },
  definitions: { customer: 'customer_unique_id', 'order value': 'sum of payment_value ≥ 0' },
  warnings: [],
  kpis: [
    { label: 'Receita', value: 'R$ 1.234,56' },
    { label: 'Clientes', value: '3,958' },
  ],
  findings: ['São Paulo brings the most revenue.'],
  recommendations: ['Não compre: reconnect lapsed customers.'],
  primary: null,
  sections: [
    {
      heading: 'Charts',
      charts: [
        {
          kind: 'bar',
          title: 'Revenue by city',
          labels: ['São Paulo', 'Não'],
          values: [10, 5],
          format: 'currency',
        },
        { kind: 'line', title: 'Trend', labels: ['a', 'b', 'c'], values: [1, null, 3], format: 'int' },
        {
          kind: 'heatmap',
          title: 'Retention',
          rowLabels: ['2018-01', '2018-02'],
          colLabels: ['0', '1'],
          values: [
            [1, 0.1],
            [1, null],
          ],
        },
      ],
    },
    {
      heading: 'A long table',
      tables: [
        {
          name: 'Long',
          title: 'Every row',
          columns: [
            { name: 'label', type: 'text' },
            { name: 'city', type: 'text' },
            { name: 'orders', type: 'int' },
            { name: 'revenue', type: 'currency' },
            { name: 'share', type: 'percent' },
          ],
          rows: fromArray(rows, 50),
        },
      ],
    },
  ],
};

describe('winAnsi', () => {
  it('keeps Portuguese and R$, spells out signs Helvetica cannot encode', () => {
    expect(winAnsi('São Paulo, Não, ação, R$ 10 — “ok” …')).toBe('São Paulo, Não, ação, R$ 10 — “ok” …');
    expect(winAnsi('x ≥ 3 → y − 1 ≤ 2')).toBe('x >= 3 -> y - 1 <= 2');
    expect(winAnsi('日本')).toBe('??');
  });
});

describe.skipIf(!mustRunPdfTools)('PDF report (poppler)', () => {
  const file = path.join(dir, 'report.pdf');

  it('writes a multi-page report with a paginated table', async () => {
    const pages = await writePdf(createWriteStream(file), doc);
    expect(pages).toBeGreaterThan(3);
    expect(hasPoppler).toBe(true);
    expect(pdfPages(file)).toBe(pages);
  });

  it('renders Portuguese names and R$ with the built-in Helvetica (no system font)', () => {
    const text = pdfText(file);
    for (const s of [
      'São Paulo',
      'Não informado',
      'Florianópolis',
      'R$ 1.234,56',
      'Relatório de teste',
      'Ação e coração',
    ])
      expect(text).toContain(s);
    expect(text).toContain('>= 0');
    const fonts = pdfFonts(file);
    expect(fonts).toMatch(/Helvetica\s+Type 1\s+WinAnsi/);
    expect(fonts).not.toMatch(/DejaVu|Liberation|TrueType/);
  });

  it('prints every row of the long table, repeating its header under "continued" on each page', () => {
    const text = pdfText(file);
    for (const r of rows) expect(text).toContain(r.label as string);
    expect(text).toContain('R$ 3,208.86'); // the last row's revenue: 1000 + 179 × 12.34
    expect(text).toContain('180 rows, all shown.');
    const n = pdfPages(file);
    const continued = Array.from({ length: n }, (_, i) => pdfText(file, i + 1)).filter((t) =>
      t.includes('Every row (continued)'),
    );
    expect(continued.length).toBeGreaterThanOrEqual(2);
    for (const t of continued) expect(t).toMatch(/label\s+city\s+orders\s+revenue\s+share/);
  });

  it('numbers every page "Page N of M"', () => {
    const n = pdfPages(file);
    for (let i = 1; i <= n; i++) expect(pdfText(file, i)).toContain(`Page ${i} of ${n}`);
  });

  it('renders the title page and a table page to non-blank images', () => {
    const n = pdfPages(file);
    for (const page of [1, Math.ceil(n / 2), n - 1]) {
      const img = renderPage(file, page);
      expect(img.width).toBeGreaterThan(350);
      expect(img.height).toBeGreaterThan(500);
      // Text and rules render as dark pixels; a blank page would have none.
      expect(img.dark, `page ${page}`).toBeGreaterThan(0.005);
    }
  });
});
