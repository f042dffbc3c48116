/**
 * XLSX exports with ExcelJS's streaming WorkbookWriter: rows are committed as they arrive, so a
 * per-customer sheet never sits whole in memory. One workbook per analysis: a Summary sheet
 * (title, data set version, generated-at, parameters, KPIs, findings, recommendations, warnings,
 * definitions), then one sheet per table with typed cells (numbers as numbers, dates as dates,
 * BRL currency and percent formats), a frozen header row, an autofilter and column widths.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralise } from './csv.ts';
import type { Cell, ColumnSpec, ColumnType, ExportDoc, Row, TableSpec } from './types.ts';

export const NUM_FMT: Record<ColumnType, string | undefined> = {
  text: undefined,
  int: '#,##0',
  number: '#,##0.00',
  currency: '"R$" #,##0.00',
  percent: '0.0%',
  date: 'yyyy-mm-dd',
};

const BASE_WIDTH: Record<ColumnType, number> = {
  text: 14,
  int: 10,
  number: 12,
  currency: 15,
  percent: 10,
  date: 12,
};

/** Excel's row limit is 1,048,576 including the header: longer tables continue on a new sheet. */
export const MAX_SHEET_ROWS = 1_048_575;

/** A cell as ExcelJS wants it: numbers as numbers, dates as Date (UTC midnight), text neutralised. */
export function xlsxCell(value: Cell, col: ColumnSpec): string | number | Date | null {
  if (value === null || value === undefined) return null;
  switch (col.type) {
    case 'text':
      return neutralise(String(value));
    case 'date': {
      const s = String(value).slice(0, 10);
      const d = new Date(`${s}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? neutralise(String(value)) : d;
    }
    default:
      return typeof value === 'number' ? (Number.isFinite(value) ? value : null) : Number(value);
  }
}

/** Excel sheet names: at most 31 characters, none of []:*?/\ ; unique in the workbook. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replaceAll(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
  let n = base;
  for (let i = 2; used.has(n.toLowerCase()); i++) n = `${base.slice(0, 27)} (${i})`;
  used.add(n.toLowerCase());
  return n;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

function widthsFor(table: TableSpec, sample: readonly Row[]): number[] {
  return table.columns.map((c) => {
    let w = Math.max(BASE_WIDTH[c.type], c.name.length + 2);
    if (c.type === 'text') {
      for (const r of sample.slice(0, 200)) w = Math.max(w, String(r[c.name] ?? '').length + 2);
    }
    return Math.min(w, 60);
  });
}

/** The writable side of a Node or readable-stream stream: how much it holds and whether it asked for a drain. */
type PipeTarget = NodeJS.EventEmitter & {
  destroyed?: boolean;
  _writableState?: { length: number; needDrain: boolean };
};

/**
 * Waits while the zip entry behind a sheet is backed up. ExcelJS's sheet stream writes to the
 * archiver's entry stream without heeding backpressure, and the archiver reaches a sheet only
 * after the entries before it, so a fast producer would otherwise pile the whole sheet up in
 * memory. The entry stream in turn waits for the compressor and the destination (`out`).
 */
async function zipBackpressure(ws: ExcelJS.Worksheet): Promise<void> {
  const pipes = (ws as unknown as { stream?: { pipes?: PipeTarget[] } }).stream?.pipes ?? [];
  for (const p of pipes) {
    const state = p._writableState;
    if (state?.needDrain && state.length > 0 && !p.destroyed) await once(p, 'drain');
  }
}

async function writeTable(wb: ExcelJS.stream.xlsx.WorkbookWriter, table: TableSpec, used: Set<string>) {
  const cols = table.columns;
  let sheet: ExcelJS.Worksheet | null = null;
  let rowsInSheet = 0;
  let total = 0;
  let part = 1;
  const open = (sample: readonly Row[]) => {
    const title = part === 1 ? table.name : `${table.name} ${part}`;
    const ws = wb.addWorksheet(sheetName(title, used), {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    const widths = widthsFor(table, sample);
    ws.columns = cols.map((c, i) => ({
      header: c.name,
      key: c.name,
      width: widths[i] ?? 12,
      ...(NUM_FMT[c.type] ? { style: { numFmt: NUM_FMT[c.type] as string } } : {}),
    }));
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
    const header = ws.getRow(1);
    header.eachCell((cell) => {
      cell.fill = HEADER_FILL;
      cell.font = HEADER_FONT;
      cell.numFmt = '@';
    });
    header.commit();
    part++;
    rowsInSheet = 0;
    return ws;
  };
  for await (const chunk of table.rows()) {
    for (const r of chunk) {
      if (!sheet || rowsInSheet >= MAX_SHEET_ROWS) {
        sheet?.commit();
        sheet = open(chunk);
      }
      sheet.addRow(cols.map((c) => xlsxCell(r[c.name], c))).commit();
      rowsInSheet++;
      total++;
    }
    if (sheet) await zipBackpressure(sheet);
  }
  if (!sheet) sheet = open([]);
  sheet.commit();
  return total;
}

function writeSummary(wb: ExcelJS.stream.xlsx.WorkbookWriter, doc: ExportDoc, used: Set<string>) {
  const ws = wb.addWorksheet(sheetName('Summary', used));
  ws.columns = [{ width: 34 }, { width: 110 }];
  const add = (a: string | number | Date | null, b: string | number | Date | null = null, bold = false) => {
    const row = ws.addRow([a, b]);
    if (bold) row.font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  };
  const heading = (text: string) => {
    add(null);
    const row = ws.addRow([text]);
    row.font = { bold: true, size: 13, color: { argb: 'FF1F4E79' } };
    row.commit();
  };
  const title = ws.addRow([doc.title]);
  title.font = { bold: true, size: 16, color: { argb: 'FF1F4E79' } };
  title.commit();
  add(doc.subtitle);
  add(null);
  add('Analysis', doc.analysis, true);
  add('Data set version', doc.datasetVersion, true);
  const gen = new Date(doc.generatedAt);
  const genRow = ws.addRow(['Generated at (UTC)', gen]);
  genRow.getCell(1).font = { bold: true };
  genRow.getCell(2).numFmt = 'yyyy-mm-dd hh:mm:ss';
  genRow.getCell(2).alignment = { horizontal: 'left' };
  genRow.commit();
  heading('Parameters');
  const params = Object.entries(doc.params).filter(([, v]) => v !== undefined);
  if (!params.length) add('(defaults)');
  for (const [k, v] of params) add(k, neutralise(typeof v === 'string' ? v : JSON.stringify(v)));
  if (doc.kpis.length) {
    heading('Key figures');
    for (const k of doc.kpis) add(k.label, neutralise(k.value));
  }
  if (doc.findings.length) {
    heading('Findings');
    for (const f of doc.findings) add('•', neutralise(f));
  }
  if (doc.recommendations.length) {
    heading('Recommendations');
    for (const r of doc.recommendations) add('•', neutralise(r));
  }
  if (doc.warnings.length) {
    heading('Warnings');
    for (const w of doc.warnings) add('!', neutralise(w));
  }
  heading('Definitions');
  for (const [k, v] of Object.entries(doc.definitions)) add(k, neutralise(v));
  heading('Sheets');
  for (const t of tablesOf(doc)) add(t.name, t.title);
  ws.commit();
}

/** Every distinct table of the document: the primary first, then those of the sections. */
export function tablesOf(doc: ExportDoc): TableSpec[] {
  const out: TableSpec[] = [];
  for (const t of [doc.primary, ...doc.sections.flatMap((s) => s.tables ?? [])]) {
    if (t && !out.some((o) => o.name === t.name)) out.push(t);
  }
  return out;
}

/** Writes the workbook to `out` and ends it. Returns rows written per sheet table. */
export async function writeXlsx(out: Writable, doc: ExportDoc): Promise<Record<string, number>> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Olist Analytics';
  wb.created = new Date(doc.generatedAt);
  const used = new Set<string>();
  writeSummary(wb, doc, used);
  const rows: Record<string, number> = {};
  for (const t of tablesOf(doc)) rows[t.name] = await writeTable(wb, t, used);
  await wb.commit();
  return rows;
}
