/** Number formatting for the dashboard (Brazilian reais, English labels). Pure. */

const brl = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'BRL', maximumFractionDigits: 0 });
const brl2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'BRL', maximumFractionDigits: 2 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const DASH = '—';

export function money(v: number | null | undefined, cents = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return (cents ? brl2 : brl).format(v);
}

export function integer(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return int.format(v);
}

export function decimal(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (digits === 2) return dec2.format(v);
  return v.toFixed(digits);
}

/** A share 0–1 as a percentage. */
export function percent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return `${(v * 100).toFixed(digits)}%`;
}

/** A profile's min or max: numbers grouped (two decimals unless whole), text and dates as they are. */
export function profileValue(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return DASH;
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? integer(v) : decimal(v);
}

export function compactNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return compact.format(v);
}

/** Relative change from `prev` to `cur` (null when there is no meaningful base). */
export function change(cur: number | null | undefined, prev: number | null | undefined): number | null {
  if (cur === null || cur === undefined || prev === null || prev === undefined) return null;
  if (!Number.isFinite(cur) || !Number.isFinite(prev) || prev === 0) return null;
  return (cur - prev) / Math.abs(prev);
}

/** "+12.3%" / "−4.0%" / "0.0%". */
export function signedPercent(v: number | null, digits = 1): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  const s = (Math.abs(v) * 100).toFixed(digits);
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`;
  return `${v > 0 ? '+' : '−'}${s}%`;
}

/** Change in percentage points between two rates. */
export function signedPoints(cur: number | null | undefined, prev: number | null | undefined): string {
  if (cur === null || cur === undefined || prev === null || prev === undefined) return DASH;
  const d = (cur - prev) * 100;
  const s = Math.abs(d).toFixed(1);
  if (Number(s) === 0) return '0.0 pp';
  return `${d > 0 ? '+' : '−'}${s} pp`;
}

/** CSV text of rows (RFC 4180 quoting). */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** A file-system friendly name: "Revenue by state" → "revenue-by-state". */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'export'
  );
}
