import { stringify } from 'csv-stringify/sync';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type Cell = string | number | boolean | null | undefined;

function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

/** Rows as an aligned text table (numbers right-aligned). */
export function formatTable(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (!cols.length) return '(no rows)\n';
  const text = rows.map((r) => cols.map((c) => cellText(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const numeric = cols.map(
    (c) => rows.length > 0 && rows.every((r) => r[c] === null || typeof r[c] === 'number'),
  );
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const lines = [cols.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const t of text) lines.push(t.map(pad).join('  ').trimEnd());
  return `${lines.join('\n')}\n`;
}

/** Rows as RFC 4180 CSV with a header line. */
export function formatCsv(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return stringify(
    rows.map((r) => cols.map((c) => r[c] ?? null)),
    { header: true, columns: [...cols], cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

/** Writes rows in the chosen format to stdout. */
export function printRows(
  rows: readonly Record<string, Cell>[],
  format: OutputFormat,
  columns?: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
): void {
  if (format === 'json') out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === 'csv') out.write(formatCsv(rows, columns));
  else out.write(formatTable(rows, columns));
}

export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
