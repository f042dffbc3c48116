/**
 * Customer summaries for the CLV models, built in SQL (DuckDB, through the Engine):
 *
 * - frequency  = number of distinct purchase days − 1 (repeat purchase days; same-day purchases merged),
 * - recency    = last purchase day − first purchase day,
 * - T          = end of the (calibration) period − first purchase day,
 * - monetary_value = mean value of the repeat purchase days (the first day excluded; 0 when frequency = 0),
 *
 * in days or weeks (days / 7). End dates are inclusive: purchases on the end day count. With
 * a calibration end, only customers whose first purchase is on or before it are summarised
 * and the holdout columns count their purchase days (and value) after it, up to the
 * observation end.
 *
 * Sources: any transaction log file (CSV or whitespace-aligned text such as CDNOW's), a
 * ready summary file (`frequency,recency,T[,monetary_value]` plus an optional id column, or
 * the `x,t_x,T,zbar` spelling), or the loaded Olist data set under the architecture's purchase
 * definitions (src/analytics/purchases.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors.ts';
import type { DatasetRef } from '../../datasets/ref.ts';
import { Engine, ident, literal } from '../../engine/engine.ts';
import type { Definitions } from '../definitions.ts';
import { purchasesSql } from '../purchases.ts';
import type { TimeUnit } from './data.ts';

export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7 };

/** Plain-English statement of the CLV summary definitions, carried into every output's metadata. */
export const CLV_DEFINITIONS: Readonly<Record<string, string>> = {
  frequency:
    'repeat purchase days: distinct purchase days − 1 (purchases on the same calendar day are merged)',
  recency: 'time from the first to the last purchase day (0 for one-time buyers)',
  T: 'time from the first purchase day to the end of the observation (calibration) period',
  monetary_value: 'mean value of the repeat purchase days (first purchase excluded; 0 when frequency = 0)',
  end_dates: 'end dates are inclusive: purchases on the end day count',
  holdout: 'purchase days (and their value) after the calibration end, up to the observation end',
};

export interface TransactionLogSpec {
  readonly file: string;
  /** Column name, or its 1-based position when the file has no header. */
  readonly customerCol: string;
  readonly dateCol: string;
  readonly valueCol?: string;
  /** strptime format of the date column, e.g. %Y%m%d; default: ISO dates/timestamps or YYYYMMDD. */
  readonly dateFormat?: string;
  /** ',', ';', '\t', '|', 'whitespace', or undefined to detect. */
  readonly delimiter?: string;
  /** Whether the first line is a header; undefined to detect. */
  readonly header?: boolean;
}

export interface SummaryPeriod {
  readonly unit: TimeUnit;
  /** Inclusive calibration end, YYYY-MM-DD: T is measured to it and holdout purchases come after it. */
  readonly calibrationEnd?: string;
  /** Inclusive observation end, YYYY-MM-DD. Default: the latest purchase day of the source. */
  readonly observationEnd?: string;
}

export interface HoldoutSummary {
  /** Purchase days after the calibration end, up to the observation end. */
  readonly frequency: Float64Array;
  /** Sum of their values (null without a value column). */
  readonly value: Float64Array | null;
  /** observation end − calibration end, in the unit. */
  readonly duration: number;
}

/** A per-customer summary with what it was built from. */
export interface ClvSummary {
  readonly unit: TimeUnit;
  readonly idColumn: string;
  readonly ids: string[];
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array | null;
  /** Day of each customer's first purchase as days since `origin` (transaction sources only). */
  readonly firstDay: Int32Array | null;
  readonly origin: string | null;
  /** The date T is measured to (calibration end, else observation end). */
  readonly periodEnd: string | null;
  readonly calibrationEnd: string | null;
  readonly observationEnd: string | null;
  readonly holdout: HoldoutSummary | null;
  /**
   * Repeat purchase days of the summarised customers per day since `origin`, through the
   * observation end (calibration and holdout), for tracking plots. Null for summary files.
   */
  readonly repeatsByDay: { readonly day: Int32Array; readonly count: Float64Array } | null;
  readonly source: string;
  readonly definitions: Record<string, string>;
  readonly warnings: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(name: string, v: string | undefined): void {
  if (v !== undefined && (!ISO_DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) {
    throw new InputError(`${name} must be a date YYYY-MM-DD, got "${v}"`);
  }
}

interface FileLayout {
  readonly whitespace: boolean;
  readonly delimiter: string | null;
  readonly header: boolean | null;
}

/** Looks at the first lines: whitespace-aligned text (as CDNOW's) or a delimited file. */
export function sniffLayout(
  file: string,
  spec: Pick<TransactionLogSpec, 'delimiter' | 'header'>,
): FileLayout {
  let head = '';
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const n = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const lines = head
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new InputError(`${file} is empty`);
  const first = lines[0] as string;
  const d = spec.delimiter;
  const whitespace =
    d === 'whitespace' || (d === undefined && !/[,;\t|]/.test(first) && /\S\s+\S/.test(first.trim()));
  let header: boolean | null = spec.header ?? null;
  if (whitespace && header === null) {
    header = first
      .trim()
      .split(/\s+/)
      .some((tok) => !/^[-+]?[\d.:/-]+$/.test(tok));
  }
  const delimiter = whitespace ? null : d === undefined ? null : d === '\\t' || d === 'tab' ? '\t' : d;
  return { whitespace, delimiter, header };
}

type Conn = DuckDBConnection;

/** Small result sets as JSON rows on one connection. */
function rowsOf<T extends object>(conn: Conn, sql: string): Promise<T[]> {
  return Engine.allOn<T>(conn, sql);
}

/**
 * Large result sets column by column (about 3x faster than row objects for a million rows).
 * The only place this module reads DuckDB results directly; everything else goes through Engine.
 */
async function columnsOf(conn: Conn, sql: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getColumnsJS() as unknown[][];
}

/** SQL of the raw file rows, with the file's column names (or column1…columnN without a header). */
async function rawSourceSql(
  conn: Conn,
  spec: TransactionLogSpec,
): Promise<{ sql: string; columns: string[]; types: string[] }> {
  const layout = sniffLayout(spec.file, spec);
  const file = literal(spec.file);
  if (layout.whitespace) {
    const lines = `read_csv(${file}, columns={'line': 'VARCHAR'}, header=false, delim='\\x01', quote='', escape='', auto_detect=false)`;
    const split = `SELECT regexp_split_to_array(trim(line), '\\s+') AS parts, row_number() OVER () AS rn FROM ${lines} WHERE trim(line) <> ''`;
    const widthRow = await rowsOf<{ n: number | null }>(
      conn,
      `SELECT max(len(parts))::INTEGER AS n FROM (${split})`,
    );
    const width = widthRow[0]?.n ?? 0;
    if (width === 0) throw new InputError(`${spec.file} has no rows`);
    let names = Array.from({ length: width }, (_, i) => `column${i + 1}`);
    if (layout.header) {
      const h = await rowsOf<{ parts: string[] }>(conn, `SELECT parts FROM (${split}) WHERE rn = 1`);
      const hp = h[0]?.parts ?? [];
      names = names.map((n, i) => hp[i] ?? n);
    }
    const cols = names.map((n, i) => `parts[${i + 1}] AS ${ident(n)}`).join(', ');
    return {
      sql: `SELECT ${cols} FROM (${split})${layout.header ? ' WHERE rn > 1' : ''}`,
      columns: names,
      types: names.map(() => 'VARCHAR'),
    };
  }
  const opts: string[] = [];
  if (layout.delimiter) opts.push(`delim=${literal(layout.delimiter)}`);
  if (layout.header !== null) opts.push(`header=${layout.header}`);
  const sql = `SELECT * FROM read_csv(${file}${opts.length ? `, ${opts.join(', ')}` : ''})`;
  let described: { column_name: string; column_type: string }[];
  try {
    described = await rowsOf<{ column_name: string; column_type: string }>(conn, `DESCRIBE ${sql}`);
  } catch (err) {
    throw new InputError(`cannot read ${spec.file} as CSV: ${(err as Error).message}`);
  }
  const names = described.map((r) => r.column_name);
  const types = described.map((r) => r.column_type);
  // Headerless CSVs come back as column0…: expose them 1-based like the whitespace reader.
  if (names.every((n, i) => n === `column${i}` || n === `column${String(i).padStart(2, '0')}`)) {
    const cols = names.map((n, i) => `${ident(n)} AS ${ident(`column${i + 1}`)}`).join(', ');
    return { sql: `SELECT ${cols} FROM (${sql})`, columns: names.map((_, i) => `column${i + 1}`), types };
  }
  return { sql, columns: names, types };
}

function resolveColumn(spec: string, columns: readonly string[], what: string, file: string): string {
  if (columns.includes(spec)) return spec;
  const lower = columns.filter((c) => c.toLowerCase() === spec.toLowerCase());
  if (lower.length === 1) return lower[0] as string;
  if (/^\d+$/.test(spec)) {
    const k = Number(spec);
    if (k >= 1 && k <= columns.length) return columns[k - 1] as string;
  }
  throw new InputError(`${what} column "${spec}" not found in ${file}`, [
    { location: file, message: `columns: ${columns.join(', ')} (or a 1-based position)` },
  ]);
}

const DAYS_TABLE = 'clv_days';
const SUMMARY_TABLE = 'clv_summary';

/**
 * Reads a transaction log once into the connection's TEMP table clv_days
 * (customer_id VARCHAR, purchase_date DATE, value DOUBLE; one row per customer and day, values
 * summed). Fails on unparseable dates or values, naming an example.
 */
async function loadTransactionDays(
  conn: Conn,
  spec: TransactionLogSpec,
): Promise<{ hasValue: boolean; warnings: string[] }> {
  const raw = await rawSourceSql(conn, spec);
  const cName = resolveColumn(spec.customerCol, raw.columns, 'customer', spec.file);
  const dName = resolveColumn(spec.dateCol, raw.columns, 'date', spec.file);
  const vName = spec.valueCol ? resolveColumn(spec.valueCol, raw.columns, 'value', spec.file) : null;
  const typeOf = (name: string) => (raw.types[raw.columns.indexOf(name)] ?? 'VARCHAR').toUpperCase();
  const c = ident(cName);
  const d = ident(dName);
  const v = vName ? ident(vName) : null;
  const dType = typeOf(dName);
  const dateExpr = spec.dateFormat
    ? `try_strptime(CAST(${d} AS VARCHAR), ${literal(spec.dateFormat)})::DATE`
    : dType === 'DATE'
      ? d
      : dType.startsWith('TIMESTAMP')
        ? `CAST(${d} AS DATE)`
        : /INT/.test(dType)
          ? `try_strptime(CAST(${d} AS VARCHAR), '%Y%m%d')::DATE`
          : `coalesce(TRY_CAST(${d} AS TIMESTAMP)::DATE, try_strptime(CAST(${d} AS VARCHAR), '%Y%m%d')::DATE)`;
  const numeric =
    vName !== null &&
    /^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)/.test(
      typeOf(vName),
    );
  const valueExpr = v ? (numeric ? `CAST(${v} AS DOUBLE)` : `TRY_CAST(${v} AS DOUBLE)`) : '0::DOUBLE';
  // One pass over the file: rows are grouped by (customer, day) straight away; rows whose date,
  // value or customer cannot be read land in groups flagged for the checks below.
  try {
    await conn.run(`CREATE OR REPLACE TEMP TABLE clv_groups AS
      SELECT customer_id, purchase_date, sum(coalesce(value, 0))::DOUBLE AS value, count(*)::BIGINT AS n,
        count(*) FILTER (WHERE raw_v IS NOT NULL AND value IS NULL AND trim(CAST(raw_v AS VARCHAR)) <> '')::BIGINT AS bad_v,
        any_value(CAST(raw_v AS VARCHAR)) FILTER (WHERE raw_v IS NOT NULL AND value IS NULL AND trim(CAST(raw_v AS VARCHAR)) <> '') AS bad_v_example,
        any_value(CAST(raw_d AS VARCHAR)) FILTER (WHERE purchase_date IS NULL) AS bad_d_example
      FROM (SELECT CAST(${c} AS VARCHAR) AS customer_id, ${dateExpr} AS purchase_date, ${valueExpr} AS value,
          ${d} AS raw_d, ${v ?? 'NULL'} AS raw_v
        FROM (${raw.sql}))
      GROUP BY customer_id, purchase_date`);
  } catch (err) {
    throw new InputError(`cannot read ${spec.file}: ${(err as Error).message}`);
  }
  const [check] = await rowsOf<{
    n: number | null;
    no_customer: number | null;
    bad_date: number | null;
    bad_date_example: string | null;
    bad_value: number | null;
    bad_value_example: string | null;
  }>(
    conn,
    `SELECT sum(n)::INTEGER AS n,
      sum(n) FILTER (WHERE customer_id IS NULL OR trim(customer_id) = '')::INTEGER AS no_customer,
      sum(n) FILTER (WHERE purchase_date IS NULL)::INTEGER AS bad_date,
      any_value(bad_d_example) FILTER (WHERE purchase_date IS NULL) AS bad_date_example,
      sum(bad_v)::INTEGER AS bad_value,
      any_value(bad_v_example) FILTER (WHERE bad_v > 0) AS bad_value_example
    FROM clv_groups`,
  );
  if (!check?.n) throw new InputError(`${spec.file} has no transactions`);
  if (check.bad_date) {
    throw new InputError(`${check.bad_date} of ${check.n} rows of ${spec.file} have an unreadable date`, [
      {
        location: `${spec.file}: column ${spec.dateCol}`,
        message: `e.g. "${check.bad_date_example ?? ''}"${spec.dateFormat ? ` (format ${spec.dateFormat})` : '; pass --date-format'}`,
      },
    ]);
  }
  if (check.bad_value) {
    throw new InputError(`${check.bad_value} of ${check.n} rows of ${spec.file} have a non-numeric value`, [
      {
        location: `${spec.file}: column ${spec.valueCol ?? ''}`,
        message: `e.g. "${check.bad_value_example ?? ''}"`,
      },
    ]);
  }
  const warnings: string[] = [];
  if (check.no_customer) warnings.push(`${check.no_customer} rows without a customer id were skipped`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${DAYS_TABLE} AS
    SELECT customer_id, purchase_date, value FROM clv_groups
    WHERE customer_id IS NOT NULL AND trim(customer_id) <> '' AND purchase_date IS NOT NULL;
    DROP TABLE clv_groups`);
  return { hasValue: v !== null, warnings };
}

/** Purchase days of the loaded data set under the architecture's definitions (same columns as clv_days). */
export function datasetDaysSql(ds: DatasetRef, defs: Definitions, before?: string): string {
  return `SELECT customer_unique_id AS customer_id, purchase_date, sum(order_value)::DOUBLE AS value
    FROM (${purchasesSql(ds, defs, before ? { to: before } : {})})
    GROUP BY customer_unique_id, purchase_date`;
}

interface ResolvedPeriod {
  readonly periodEnd: string;
  readonly calibrationEnd: string | null;
  readonly observationEnd: string;
  readonly origin: string;
}

async function resolvePeriod(conn: Conn, period: SummaryPeriod): Promise<ResolvedPeriod> {
  checkDate('calibration end', period.calibrationEnd);
  checkDate('observation end', period.observationEnd);
  const [r] = await rowsOf<{ lo: string | null; hi: string | null }>(
    conn,
    `SELECT strftime(min(purchase_date), '%Y-%m-%d') AS lo, strftime(max(purchase_date), '%Y-%m-%d') AS hi FROM ${DAYS_TABLE}`,
  );
  if (!r?.lo || !r.hi) throw new InputError('no purchases to summarise');
  const observationEnd = period.observationEnd ?? r.hi;
  const cal = period.calibrationEnd ?? null;
  if (cal && cal > observationEnd) {
    throw new InputError(`calibration end ${cal} is after the observation end ${observationEnd}`);
  }
  if (cal && cal < r.lo)
    throw new InputError(`calibration end ${cal} is before the first purchase (${r.lo})`);
  if (observationEnd < r.lo)
    throw new InputError(`observation end ${observationEnd} is before the first purchase (${r.lo})`);
  return { periodEnd: cal ?? observationEnd, calibrationEnd: cal, observationEnd, origin: r.lo };
}

/**
 * SQL of the per-customer summary in days over a purchase-days relation: customer_id,
 * first_day (days since origin), frequency, recency_days, t_days, monetary_value, and
 * frequency_holdout / value_holdout (purchase days and value after the period end).
 */
export function summarySql(daysRelation: string, p: ResolvedPeriod): string {
  const end = `DATE ${literal(p.periodEnd)}`;
  const obs = `DATE ${literal(p.observationEnd)}`;
  return `WITH days AS (SELECT * FROM ${daysRelation} WHERE purchase_date <= ${obs}),
  firsts AS (SELECT customer_id, min(purchase_date) AS first_date FROM days GROUP BY customer_id)
  SELECT d.customer_id,
    date_diff('day', DATE ${literal(p.origin)}, f.first_date)::INTEGER AS first_day,
    (count(*) FILTER (WHERE d.purchase_date <= ${end}) - 1)::INTEGER AS frequency,
    date_diff('day', f.first_date, max(d.purchase_date) FILTER (WHERE d.purchase_date <= ${end}))::INTEGER AS recency_days,
    date_diff('day', f.first_date, ${end})::INTEGER AS t_days,
    coalesce(avg(d.value) FILTER (WHERE d.purchase_date <= ${end} AND d.purchase_date > f.first_date), 0)::DOUBLE AS monetary_value,
    (count(*) FILTER (WHERE d.purchase_date > ${end}))::INTEGER AS frequency_holdout,
    coalesce(sum(d.value) FILTER (WHERE d.purchase_date > ${end}), 0)::DOUBLE AS value_holdout
  FROM days d JOIN firsts f USING (customer_id)
  WHERE f.first_date <= ${end}
  GROUP BY d.customer_id, f.first_date`;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

/** Summarises the connection's clv_days table. */
async function summarizeDays(
  conn: Conn,
  hasValue: boolean,
  period: SummaryPeriod,
  source: string,
  definitions: Record<string, string>,
  warnings: string[],
): Promise<ClvSummary> {
  const p = await resolvePeriod(conn, period);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${SUMMARY_TABLE} AS ${summarySql(DAYS_TABLE, p)}`);
  const cols = await columnsOf(
    conn,
    `SELECT customer_id, first_day, frequency, recency_days, t_days, monetary_value, frequency_holdout, value_holdout
     FROM ${SUMMARY_TABLE} ORDER BY TRY_CAST(customer_id AS BIGINT) NULLS LAST, customer_id`,
  );
  const [idC, firstC, fC, rC, tC, mC, hfC, hvC] = cols as [
    string[],
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const n = idC.length;
  if (n === 0) throw new InputError('no customers made their first purchase within the period');
  const daily = await rowsOf<{ day: number; n: number }>(
    conn,
    `SELECT date_diff('day', DATE ${literal(p.origin)}, d.purchase_date)::INTEGER AS day, count(*)::DOUBLE AS n
    FROM ${DAYS_TABLE} d JOIN ${SUMMARY_TABLE} s USING (customer_id)
    WHERE date_diff('day', DATE ${literal(p.origin)}, d.purchase_date) > s.first_day
      AND d.purchase_date <= DATE ${literal(p.observationEnd)}
    GROUP BY 1 ORDER BY 1`,
  );
  await conn.run(`DROP TABLE ${SUMMARY_TABLE}`);
  const u = DAYS_PER_UNIT[period.unit];
  const recency = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    recency[i] = (rC[i] as number) / u;
    T[i] = (tC[i] as number) / u;
  }
  return {
    unit: period.unit,
    idColumn: 'customer_id',
    ids: idC,
    frequency: Float64Array.from(fC),
    recency,
    T,
    monetary: hasValue ? Float64Array.from(mC) : null,
    firstDay: Int32Array.from(firstC),
    origin: p.origin,
    periodEnd: p.periodEnd,
    calibrationEnd: p.calibrationEnd,
    observationEnd: p.observationEnd,
    holdout: p.calibrationEnd
      ? {
          frequency: Float64Array.from(hfC),
          value: hasValue ? Float64Array.from(hvC) : null,
          duration: dayDiff(p.calibrationEnd, p.observationEnd) / u,
        }
      : null,
    repeatsByDay: { day: Int32Array.from(daily, (r) => r.day), count: Float64Array.from(daily, (r) => r.n) },
    source,
    definitions,
    warnings,
  };
}

/** Summary (and holdout summary with a calibration end) from a transaction log file. */
export async function summaryFromTransactions(
  engine: Engine,
  log: TransactionLogSpec,
  period: SummaryPeriod,
): Promise<ClvSummary> {
  const defs: Record<string, string> = {
    ...CLV_DEFINITIONS,
    customer: `column ${log.customerCol} of ${log.file}`,
    purchase_value: log.valueCol
      ? `column ${log.valueCol}, summed per customer and day`
      : 'none (no value column)',
  };
  return engine.withConnection(async (conn) => {
    const { hasValue, warnings } = await loadTransactionDays(conn, log);
    return summarizeDays(conn, hasValue, period, `transactions: ${log.file}`, defs, warnings);
  });
}

/** Options for summaries of the loaded data set. */
export interface DatasetSummaryOptions extends SummaryPeriod {
  /** As-of date (YYYY-MM-DD): purchases before it; the default observation end. */
  readonly asOf: string;
}

/**
 * Summary of the loaded data set: customer = customer_unique_id, purchases and order values
 * under the architecture's definitions, purchases before the as-of date; T measured to the
 * calibration end or, by default, to the as-of date.
 */
export async function summaryFromDataset(
  engine: Engine,
  ds: DatasetRef,
  defs: Definitions,
  describedDefinitions: Record<string, string>,
  options: DatasetSummaryOptions,
): Promise<ClvSummary> {
  checkDate('as-of date', options.asOf);
  return engine.withConnection(async (conn) => {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${DAYS_TABLE} AS ${datasetDaysSql(ds, defs, options.asOf)}`);
    return summarizeDays(
      conn,
      true,
      { ...options, observationEnd: options.observationEnd ?? options.asOf },
      `data set version ${ds.version}`,
      { ...describedDefinitions, ...CLV_DEFINITIONS },
      [],
    );
  });
}

/** Spelling of summary-file columns accepted for each quantity (first match wins). */
const SUMMARY_ALIASES = {
  frequency: ['frequency', 'x', 'frequency_cal'],
  recency: ['recency', 't_x', 'tx', 'recency_cal'],
  T: ['T', 'T_cal', 'age'],
  monetary: ['monetary_value', 'zbar', 'monetary', 'monetary_value_cal', 'm'],
} as const;

function pick(columns: readonly string[], names: readonly string[]): string | null {
  for (const n of names) if (columns.includes(n)) return n;
  for (const n of names) {
    const hit = columns.find((c) => c.toLowerCase() === n.toLowerCase());
    if (hit) return hit;
  }
  return null;
}

export interface SummaryFileOptions {
  readonly unit?: TimeUnit;
  /** The id column; default: the first column that is not a summary quantity, if any. */
  readonly idCol?: string;
}

/** Reads a summary file: `frequency,recency,T[,monetary_value]` (or `x,t_x,T,zbar`) and an optional id column. */
export async function summaryFromFile(
  engine: Engine,
  file: string,
  options: SummaryFileOptions = {},
): Promise<ClvSummary> {
  const src = `read_csv(${literal(file)}, header=true)`;
  return engine.withConnection(async (conn) => {
    let cols: string[];
    try {
      cols = (await rowsOf<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM ${src}`)).map(
        (r) => r.column_name,
      );
    } catch (err) {
      throw new InputError(`cannot read the summary file ${file}: ${(err as Error).message}`);
    }
    const f = pick(cols, SUMMARY_ALIASES.frequency);
    const r = pick(cols, SUMMARY_ALIASES.recency);
    const t = pick(cols, SUMMARY_ALIASES.T);
    const m = pick(cols, SUMMARY_ALIASES.monetary);
    const missing = [f ? null : 'frequency', r ? null : 'recency', t ? null : 'T'].filter((v) => v !== null);
    if (missing.length > 0 || !f || !r || !t) {
      throw new InputError(`summary file ${file} lacks column(s) ${missing.join(', ')}`, [
        {
          location: file,
          message: `columns: ${cols.join(', ')}; expected frequency,recency,T[,monetary_value]`,
        },
      ]);
    }
    const used = new Set([f, r, t, m].filter((v): v is string => v !== null));
    if (options.idCol && !cols.includes(options.idCol))
      throw new InputError(`id column "${options.idCol}" not in ${file}`);
    const idCol = options.idCol ?? cols.find((c) => !used.has(c)) ?? null;
    const data = await columnsOf(
      conn,
      `SELECT ${idCol ? `CAST(${ident(idCol)} AS VARCHAR)` : 'NULL::VARCHAR'} AS id,
        TRY_CAST(${ident(f)} AS DOUBLE) AS f, TRY_CAST(${ident(r)} AS DOUBLE) AS r, TRY_CAST(${ident(t)} AS DOUBLE) AS t,
        ${m ? `TRY_CAST(${ident(m)} AS DOUBLE)` : 'NULL::DOUBLE'} AS m
      FROM ${src}`,
    );
    const [idC, fC, rC, tC, mC] = data as [
      (string | null)[],
      (number | null)[],
      (number | null)[],
      (number | null)[],
      (number | null)[],
    ];
    const n = fC.length;
    if (n === 0) throw new InputError(`summary file ${file} has no rows`);
    const ids = new Array<string>(n);
    const frequency = new Float64Array(n);
    const recency = new Float64Array(n);
    const T = new Float64Array(n);
    const monetary = m ? new Float64Array(n) : null;
    const bad: { location: string; message: string }[] = [];
    for (let i = 0; i < n; i++) {
      ids[i] = idC[i] ?? String(i + 1);
      const fv = fC[i] ?? null;
      const rv = rC[i] ?? null;
      const tv = tC[i] ?? null;
      if (fv === null || rv === null || tv === null) {
        bad.push({ location: `${file}: line ${i + 2}`, message: 'frequency, recency and T must be numbers' });
        continue;
      }
      if (fv < 0 || rv < 0 || tv < 0 || rv > tv + 1e-9 || !Number.isInteger(fv) || (fv === 0 && rv !== 0)) {
        bad.push({
          location: `${file}: line ${i + 2}`,
          message: `need integer frequency >= 0, 0 <= recency <= T and recency 0 when frequency is 0 (got ${fv}, ${rv}, ${tv})`,
        });
        continue;
      }
      frequency[i] = fv;
      recency[i] = rv;
      T[i] = tv;
      if (monetary) monetary[i] = mC[i] ?? 0;
    }
    if (bad.length > 0)
      throw new InputError(`summary file ${file} has ${bad.length} invalid row(s)`, bad.slice(0, 50));
    return {
      unit: options.unit ?? 'weeks',
      idColumn: idCol ?? 'row',
      ids,
      frequency,
      recency,
      T,
      monetary,
      firstDay: null,
      origin: null,
      periodEnd: null,
      calibrationEnd: null,
      observationEnd: null,
      holdout: null,
      repeatsByDay: null,
      source: `summary: ${file}`,
      definitions: {
        ...CLV_DEFINITIONS,
        columns: `frequency=${f}, recency=${r}, T=${t}${m ? `, monetary_value=${m}` : ''}${idCol ? `, id=${idCol}` : ''}`,
      },
      warnings: [],
    };
  });
}
