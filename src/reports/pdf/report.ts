import type { Writable } from 'node:stream';
import type { ExportDoc } from '../types.ts';
import { COLORS, ReportPdf } from './document.ts';

function paramText(params: Record<string, unknown>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join('; ') : '(defaults)';
}

/** Writes the designed PDF report of `doc` to `out` (ended). Returns the page count. */
export async function writePdf(out: Writable, doc: ExportDoc): Promise<number> {
  const version = doc.datasetVersion === null ? 'n/a' : `v${doc.datasetVersion}`;
  const r = new ReportPdf(out, {
    title: doc.title,
    footer: `Olist Analytics · ${doc.title} · data set ${version} · generated ${doc.generatedAt.slice(0, 10)}`,
  });
  r.titlePage({
    title: doc.title,
    subtitle: doc.subtitle,
    lines: [
      ['Data set version', version],
      ['Generated at (UTC)', doc.generatedAt.replace('T', ' ').slice(0, 19)],
      ['Parameters', paramText(doc.params)],
    ],
    kpis: doc.kpis,
  });
  if (doc.findings.length || doc.recommendations.length) {
    r.pdf.moveDown(0.5);
    if (doc.findings.length) {
      r.heading('Key findings', 2);
      r.bullets(doc.findings);
    }
    if (doc.recommendations.length) {
      r.heading('Recommendations', 2);
      r.bullets(doc.recommendations);
    }
  }
  for (const s of doc.sections) {
    r.pdf.addPage();
    r.heading(s.heading);
    for (const p of s.paragraphs ?? []) r.paragraph(p);
    if (s.kpis?.length) r.kpiTiles(s.kpis);
    for (const c of s.charts ?? []) r.chart(c, c.kind === 'heatmap' ? 260 : 200);
    if (s.bullets?.length) r.bullets(s.bullets);
    for (const t of s.tables ?? []) {
      if (t.inPdf === false) {
        r.heading(t.title, 2);
        r.paragraph(t.pdfNote ?? 'This table is in the CSV and XLSX exports.', { color: COLORS.muted });
        continue;
      }
      await r.table(t.title, t.columns, t.rows());
    }
  }
  r.pdf.addPage();
  r.heading('Data set, parameters and definitions');
  r.paragraph(
    `Data set version ${version}; generated ${doc.generatedAt}. Parameters: ${paramText(doc.params)}.`,
  );
  if (doc.warnings.length) {
    r.heading('Warnings', 2);
    r.bullets(doc.warnings);
  }
  r.heading('Definitions', 2);
  r.bullets(Object.entries(doc.definitions).map(([k, v]) => `${k}: ${v}`));
  return r.finish(out);
}
