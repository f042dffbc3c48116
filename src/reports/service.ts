/**
 * The export service: one path for the CLI and the API. `prepareExport` runs the analysis
 * (validating its parameters, so errors surface before any byte is written); `writeExport`
 * streams the chosen format to a Writable and ends it.
 */
import type { Writable } from 'node:stream';
import type { AppContext } from '../app/context.ts';
import { InputError } from '../core/errors.ts';
import { writeCsv } from './csv.ts';
import { writePdf } from './pdf/report.ts';
import { EXPORTS, type ExportAnalysis } from './registry.ts';
import type { ExportDoc, ExportFormat } from './types.ts';
import { writeXlsx } from './xlsx.ts';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export interface ExportOptions {
  /** CSV: start with a UTF-8 byte-order mark. */
  readonly bom?: boolean;
}

export interface ExportOutcome {
  readonly analysis: ExportAnalysis;
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly datasetVersion: number | null;
  /** CSV: data rows; XLSX: rows per sheet table; PDF: pages. */
  readonly rows?: number;
  readonly sheets?: Record<string, number>;
  readonly pages?: number;
}

export function checkFormat(analysis: ExportAnalysis, format: ExportFormat): void {
  if (!EXPORTS[analysis].formats.includes(format)) {
    throw new InputError(`the ${analysis} export has no ${format} format`, [
      { location: 'format', message: `one of ${EXPORTS[analysis].formats.join(', ')}` },
    ]);
  }
}

/** Runs the analysis and shapes it for the writers (parameter errors throw here). */
export async function prepareExport(
  ctx: AppContext,
  analysis: ExportAnalysis,
  format: ExportFormat,
  params: Record<string, unknown>,
): Promise<ExportDoc> {
  checkFormat(analysis, format);
  return EXPORTS[analysis].load(ctx, params);
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 40);

/** A safe download name, e.g. olist-rfm-v1-2018-10-18.xlsx (the as-of date, else the generation date). */
export function exportFileName(doc: ExportDoc, format: ExportFormat): string {
  const p = doc.params as Record<string, unknown>;
  const date = [p.as_of, p.to, doc.generatedAt].find(
    (x): x is string => typeof x === 'string' && /^\d{4}-\d{2}-\d{2}/.test(x),
  );
  const parts = [
    'olist',
    slug(doc.analysis),
    doc.datasetVersion === null ? null : `v${doc.datasetVersion}`,
    date ? date.slice(0, 10) : null,
  ].filter((x): x is string => !!x);
  return `${parts.join('-')}.${format}`;
}

/** Writes a prepared document in `format` to `out` and ends it. */
export async function writeExport(
  doc: ExportDoc,
  analysis: ExportAnalysis,
  format: ExportFormat,
  out: Writable,
  opts: ExportOptions = {},
): Promise<ExportOutcome> {
  const common = {
    analysis,
    format,
    fileName: exportFileName(doc, format),
    datasetVersion: doc.datasetVersion,
  };
  if (format === 'csv') {
    if (!doc.primary) throw new InputError(`the ${analysis} export has no csv format`);
    const rows = await writeCsv(out, doc.primary, opts);
    await endStream(out);
    return { ...common, rows };
  }
  if (format === 'xlsx') {
    const sheets = await writeXlsx(out, doc);
    await finished(out);
    return { ...common, sheets };
  }
  const pages = await writePdf(out, doc);
  return { ...common, pages };
}

/** exportAnalysis = prepareExport + writeExport. */
export async function exportAnalysis(
  ctx: AppContext,
  analysis: ExportAnalysis,
  format: ExportFormat,
  params: Record<string, unknown>,
  out: Writable,
  opts: ExportOptions = {},
): Promise<ExportOutcome> {
  const doc = await prepareExport(ctx, analysis, format, params);
  return writeExport(doc, analysis, format, out, opts);
}

function finished(out: Writable): Promise<void> {
  if (out.writableFinished) return Promise.resolve();
  return new Promise((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });
}

function endStream(out: Writable): Promise<void> {
  const done = finished(out);
  out.end();
  return done;
}
