/**
 * Fast formatting of the generator's values into Olist's CSV text: timestamps as `YYYY-MM-DD HH:MM:SS`
 * (Brazil local wall-clock time, no zone), money from integer cents, zip prefixes as 5 digits, and
 * RFC 4180 quoting. Times are integer seconds since 2016-01-01 00:00:00 ("generator seconds"), kept as
 * plain numbers so no Date objects are created per row.
 */

const EPOCH_MS = Date.UTC(2016, 0, 1);
export const DAY = 86_400;
export const HOUR = 3_600;

/** Two-digit strings 00..99. */
export const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

/** 'YYYY-MM-DD ' for days 0..(CACHED_DAYS-1) after 2016-01-01: covers 2016..2030. */
const CACHED_DAYS = 5_480;
const DAY_PREFIX: readonly string[] = Array.from({ length: CACHED_DAYS }, (_, d) => isoDay(d));

function isoDay(day: number): string {
  const date = new Date(EPOCH_MS + day * DAY * 1000);
  return `${date.getUTCFullYear()}-${PAD2[date.getUTCMonth() + 1]}-${PAD2[date.getUTCDate()]} `;
}

/** Generator seconds of a `YYYY-MM-DD[ HH:MM:SS]` string. */
export function parseTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) throw new Error(`bad timestamp: ${text}`);
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  return (ms - EPOCH_MS) / 1000;
}

/** Generator seconds of a calendar date. */
export function timeOf(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - EPOCH_MS) / 1000;
}

/** Day of week of generator seconds, Monday = 0. */
export function weekday(seconds: number): number {
  // 2016-01-01 was a Friday (index 4).
  return (Math.floor(seconds / DAY) + 4) % 7;
}

/** `YYYY-MM-DD HH:MM:SS` of whole generator seconds. */
export function formatTime(seconds: number): string {
  const day = Math.floor(seconds / DAY);
  let rest = seconds - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const prefix = day >= 0 && day < CACHED_DAYS ? DAY_PREFIX[day]! : isoDay(day);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}`;
}

/** Start (00:00:00) of the day of generator seconds. */
export function startOfDay(seconds: number): number {
  return Math.floor(seconds / DAY) * DAY;
}

/** Cents as a fixed two-decimal number, like the payments file: 541.00, 0.00, 99.33. */
export function money2(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${PAD2[cents - whole * 100]}`;
}

/** Cents as the shortest decimal with at least one decimal, like the items file: 35.0, 54.9, 12.43. */
export function moneyShort(cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  if (frac % 10 === 0) return `${whole}.${frac / 10}`;
  return `${whole}.${PAD2[frac]}`;
}

/** A zip prefix as the 5-character string Olist uses ("01037"). */
export function zip5(zip: number): string {
  return zip < 10_000 ? `0${zip}` : `${zip}`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: quote a field when it holds a comma, quote or line break; double embedded quotes. */
export function csvField(value: string): string {
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * The quoting of the original sellers/products/payments files: a value that starts with a digit is
 * quoted (the writer quoted anything that could pass for a number), others only when RFC 4180 needs it.
 */
export function quoteNumericLooking(value: string): string {
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57) return `"${value.replaceAll('"', '""')}"`;
  return csvField(value);
}

/** A header line with every name quoted, as in the sellers/products/payments originals. */
export function quotedHeader(names: readonly string[]): string {
  return `${names.map((n) => `"${n}"`).join(',')}\n`;
}

/** A plain header line. */
export function plainHeader(names: readonly string[]): string {
  return `${names.join(',')}\n`;
}
