/**
 * Profiling of a data set version, in SQL: per table the row count; per column its type, null
 * count and share, exact distinct count, min/max; for numbers mean, standard deviation,
 * quantiles, zero and negative counts and a histogram; for text the length statistics and the
 * top values with counts; for timestamps the range and a count per month.
 *
 * Per table: one aggregate query for the statistics, one for all histograms and monthly counts
 * (DuckDB's `histogram` aggregate), and one small GROUP BY per text column for the top values.
 */
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import { type Engine, ident, type JsonValue, literal } from '../engine/engine.ts';
import { SQL_TYPE } from '../ingest/sqlTypes.ts';
import { ALL_TABLES, type ColumnDef, type ColumnType, TABLES, type TableName } from '../olist/tables.ts';
import { mapLimit } from './run.ts';

export const QUANTILES = {
  p01: 0.01,
  p05: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
} as const;
export type QuantileName = keyof typeof QUANTILES;

export interface HistogramBin {
  /** Inclusive lower bound. */
  readonly lower: number;
  /** Exclusive upper bound (inclusive for the last bin). */
  readonly upper: number;
  readonly count: number;
}

export interface NumericProfile {
  readonly mean: number | null;
  readonly stddev: number | null;
  readonly quantiles: Record<QuantileName, number | null>;
  /** Quantiles are exact (tables up to `exactUpTo` rows) or t-digest estimates (larger tables). */
  readonly quantiles_exact: boolean;
  readonly zeros: number;
  readonly negatives: number;
  readonly histogram: HistogramBin[];
}

export interface TextProfile {
  readonly length: { readonly min: number | null; readonly mean: number | null; readonly max: number | null };
  /**
   * Most frequent values with exact counts. Identifier columns list only values that repeat; in tables
   * above `exactUpTo` rows their candidates come from approx_top_k (ties may be broken differently).
   */
  readonly top_values: { value: string; count: number }[];
}

export interface TimestampProfile {
  readonly months: number;
  readonly monthly: { month: string; count: number }[];
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: ColumnType;
  readonly sql_type: string;
  readonly nullable: boolean;
  readonly nulls: number;
  readonly null_share: number;
  readonly distinct: number;
  /**
   * Exact distinct count, or a HyperLogLog estimate (approx_count_distinct, a few % off): estimated
   * for number and timestamp columns of tables above `exactUpTo` rows; text columns are always exact.
   */
  readonly distinct_exact: boolean;
  readonly min: number | string | null;
  readonly max: number | string | null;
  readonly numeric?: NumericProfile;
  readonly text?: TextProfile;
  readonly timestamp?: TimestampProfile;
}

export interface TableProfile {
  readonly table: TableName;
  readonly rows: number;
  readonly columns: ColumnProfile[];
  readonly ms: number;
}

export interface DatasetProfile {
  readonly dataset_version: number;
  readonly tables: TableProfile[];
}

export interface ProfileOptions {
  /** Tables to profile (default: all nine). */
  readonly tables?: readonly TableName[];
  /** Top values per text column (default 10). */
  readonly topValues?: number;
  /** Histogram bins for numeric columns (default 20; integer columns with fewer values get one bin per value). */
  readonly bins?: number;
  /** Queries at the same time (default 2). */
  readonly concurrency?: number;
  /**
   * Largest table whose quantiles and number/timestamp distinct counts are exact (default 100,000
   * rows); above, approx_quantile (t-digest) and approx_count_distinct (HyperLogLog) estimate them
   * at a fraction of the cost of sorting and hashing every column.
   */
  readonly exactUpTo?: number;
}

const isNumeric = (t: ColumnType) => t === 'integer' || t === 'double';
const isText = (t: ColumnType) => t === 'id' || t === 'text' || t === 'zip' || t === 'state';

const n = (v: JsonValue | undefined): number =>
  typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);
const nOrNull = (v: JsonValue | undefined): number | null =>
  v === null || v === undefined ? null : typeof v === 'number' ? v : Number(v);

/** Entries of a DuckDB MAP as returned by the JSON reader ({key, value} objects). */
function mapEntries(v: JsonValue | undefined): { key: JsonValue; value: number }[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) =>
    e && typeof e === 'object' && !Array.isArray(e) && 'key' in e
      ? [{ key: e.key ?? null, value: n(e.value) }]
      : [],
  );
}

interface BinPlan {
  readonly expr: string;
  readonly lower: (i: number) => number;
  readonly upper: (i: number) => number;
  readonly count: number;
}

function binPlan(c: ColumnDef, min: number, max: number, bins: number): BinPlan {
  const x = ident(c.name);
  if (c.type === 'integer' && max - min + 1 <= bins) {
    return {
      expr: `(${x} - ${min})::INTEGER`,
      lower: (i) => min + i,
      upper: (i) => min + i + 1,
      count: max - min + 1,
    };
  }
  if (max === min)
    return {
      expr: `CASE WHEN ${x} IS NULL THEN NULL ELSE 0 END`,
      lower: () => min,
      upper: () => max,
      count: 1,
    };
  const width = (max - min) / bins;
  return {
    expr: `least(floor((${x} - ${min}) / ${width}), ${bins - 1})::INTEGER`,
    lower: (i) => min + i * width,
    upper: (i) => (i === bins - 1 ? max : min + (i + 1) * width),
    count: bins,
  };
}

/** Profiles one table of a data set version. */
export async function profileTable(
  engine: Engine,
  ds: DatasetRef,
  table: TableName,
  opts: ProfileOptions = {},
): Promise<TableProfile> {
  const started = performance.now();
  const topN = opts.topValues ?? 10;
  const bins = opts.bins ?? 20;
  const rel = tableRef(ds, table);
  const cols = TABLES[table].columns;
  // The row count first (free: table metadata) decides exact or estimated quantiles.
  const [sized] = await engine.all<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM ${rel}`);
  const exact = (sized?.n ?? 0) <= (opts.exactUpTo ?? 100_000);
  const quantileFn = exact ? 'quantile_cont' : 'approx_quantile';
  const exactDistinct = (c: ColumnDef) => exact || isText(c.type);
  // Identifiers of large tables: approx_top_k proposes the most repeated values, counted exactly afterwards
  // (a GROUP BY over a million distinct ids costs several times more). A one-column primary key never repeats.
  const pk = TABLES[table].primaryKey;
  const topCandidates = (c: ColumnDef) => !exact && c.type === 'id' && !(pk.length === 1 && pk[0] === c.name);

  // 1. Statistics of every column in one scan.
  const parts = ['count(*)::DOUBLE AS "rows"'];
  cols.forEach((c, i) => {
    const x = ident(c.name);
    const distinct = exactDistinct(c) ? `count(DISTINCT ${x})` : `approx_count_distinct(${x})`;
    parts.push(`count(${x})::DOUBLE AS "c${i}_nn"`, `${distinct}::DOUBLE AS "c${i}_d"`);
    if (isNumeric(c.type)) {
      const q = Object.values(QUANTILES).join(', ');
      parts.push(
        `min(${x})::DOUBLE AS "c${i}_min"`,
        `max(${x})::DOUBLE AS "c${i}_max"`,
        `avg(${x})::DOUBLE AS "c${i}_mean"`,
        `stddev_samp(${x})::DOUBLE AS "c${i}_sd"`,
        `${quantileFn}(${x}, [${q}])::DOUBLE[] AS "c${i}_q"`,
        `count(*) FILTER (WHERE ${x} = 0)::DOUBLE AS "c${i}_zero"`,
        `count(*) FILTER (WHERE ${x} < 0)::DOUBLE AS "c${i}_neg"`,
      );
    } else if (c.type === 'timestamp') {
      parts.push(
        `strftime(min(${x}), '%Y-%m-%d %H:%M:%S') AS "c${i}_min"`,
        `strftime(max(${x}), '%Y-%m-%d %H:%M:%S') AS "c${i}_max"`,
      );
    } else {
      if (topCandidates(c)) parts.push(`approx_top_k(${x}, ${topN}) AS "c${i}_atk"`);
      parts.push(
        `min(${x}) AS "c${i}_min"`,
        `max(${x}) AS "c${i}_max"`,
        `min(length(${x}))::DOUBLE AS "c${i}_lmin"`,
        `avg(length(${x}))::DOUBLE AS "c${i}_lmean"`,
        `max(length(${x}))::DOUBLE AS "c${i}_lmax"`,
      );
    }
  });
  const [stats = {}] = await engine.all<Record<string, JsonValue>>(`SELECT ${parts.join(', ')} FROM ${rel}`);
  const rows = n(stats.rows);

  // 2. Histograms and monthly counts in one scan.
  const plans = new Map<number, BinPlan>();
  const histParts: string[] = [];
  cols.forEach((c, i) => {
    const min = nOrNull(stats[`c${i}_min`]);
    const max = nOrNull(stats[`c${i}_max`]);
    if (isNumeric(c.type) && min !== null && max !== null) {
      const plan = binPlan(c, min, max, bins);
      plans.set(i, plan);
      histParts.push(`histogram(${plan.expr}) FILTER (WHERE ${ident(c.name)} IS NOT NULL) AS "h${i}"`);
    } else if (c.type === 'timestamp' && stats[`c${i}_min`] !== null) {
      histParts.push(`histogram(date_trunc('month', ${ident(c.name)})) AS "h${i}"`);
    }
  });
  const [hist = {}] = histParts.length
    ? await engine.all<Record<string, JsonValue>>(`SELECT ${histParts.join(', ')} FROM ${rel}`)
    : [];

  // 3. Top values of text columns (identifiers: only repeated values, when there are any).
  const textCols = cols
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => {
      if (!isText(c.type) || n(stats[`c${i}_nn`]) === 0) return false;
      return c.type !== 'id' || n(stats[`c${i}_d`]) < n(stats[`c${i}_nn`]);
    });
  const tops = await mapLimit(textCols, opts.concurrency ?? 2, async ({ c, i }) => {
    const x = ident(c.name);
    const having = c.type === 'id' ? 'HAVING count(*) > 1' : '';
    const candidates = stats[`c${i}_atk`];
    const only = topCandidates(c)
      ? `AND ${x} IN (${(Array.isArray(candidates) ? candidates : []).map((v) => literal(String(v))).join(', ') || 'NULL'})`
      : '';
    return engine.all<{ value: string; count: number }>(
      `SELECT ${x} AS value, count(*)::DOUBLE AS count FROM ${rel} WHERE ${x} IS NOT NULL ${only}
        GROUP BY ${x} ${having} ORDER BY count DESC, value LIMIT ${topN}`,
    );
  });
  const topByColumn = new Map(textCols.map(({ i }, k) => [i, tops[k] ?? []]));

  const columns = cols.map((c, i): ColumnProfile => {
    const nonNull = n(stats[`c${i}_nn`]);
    const base = {
      name: c.name,
      type: c.type,
      sql_type: SQL_TYPE[c.type],
      nullable: c.nullable,
      nulls: rows - nonNull,
      null_share: rows ? (rows - nonNull) / rows : 0,
      distinct: n(stats[`c${i}_d`]),
      distinct_exact: exactDistinct(c),
      min: (stats[`c${i}_min`] ?? null) as number | string | null,
      max: (stats[`c${i}_max`] ?? null) as number | string | null,
    };
    if (isNumeric(c.type)) {
      const q = Array.isArray(stats[`c${i}_q`]) ? (stats[`c${i}_q`] as JsonValue[]) : [];
      const quantiles = Object.fromEntries(
        (Object.keys(QUANTILES) as QuantileName[]).map((name, k) => [name, nOrNull(q[k])]),
      ) as Record<QuantileName, number | null>;
      const plan = plans.get(i);
      const counts = new Map(mapEntries(hist[`h${i}`]).map((e) => [n(e.key), e.value]));
      const histogram = plan
        ? Array.from({ length: plan.count }, (_, b) => ({
            lower: plan.lower(b),
            upper: plan.upper(b),
            count: counts.get(b) ?? 0,
          }))
        : [];
      return {
        ...base,
        numeric: {
          mean: nOrNull(stats[`c${i}_mean`]),
          stddev: nOrNull(stats[`c${i}_sd`]),
          quantiles,
          quantiles_exact: exact,
          zeros: n(stats[`c${i}_zero`]),
          negatives: n(stats[`c${i}_neg`]),
          histogram,
        },
      };
    }
    if (c.type === 'timestamp') {
      const monthly = mapEntries(hist[`h${i}`])
        .map((e) => ({ month: String(e.key).slice(0, 7), count: e.value }))
        .sort((a, b) => a.month.localeCompare(b.month));
      return { ...base, timestamp: { months: monthly.length, monthly } };
    }
    return {
      ...base,
      text: {
        length: {
          min: nOrNull(stats[`c${i}_lmin`]),
          mean: nOrNull(stats[`c${i}_lmean`]),
          max: nOrNull(stats[`c${i}_lmax`]),
        },
        top_values: (topByColumn.get(i) ?? []).map((t) => ({ value: String(t.value), count: n(t.count) })),
      },
    };
  });
  return { table, rows, columns, ms: Math.round(performance.now() - started) };
}

/** Profiles the tables of a data set version (all nine by default). */
export async function profileTables(
  engine: Engine,
  ds: DatasetRef,
  opts: ProfileOptions = {},
): Promise<DatasetProfile> {
  const tables = opts.tables ?? ALL_TABLES.map((t) => t.name);
  const out = await mapLimit(tables, opts.concurrency ?? 2, (t) => profileTable(engine, ds, t, opts));
  return { dataset_version: ds.version, tables: out };
}

const fmt = (v: number | string | null | undefined, digits = 2): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return Number.isInteger(v)
    ? v.toLocaleString('en-US')
    : v.toLocaleString('en-US', { maximumFractionDigits: digits });
};

/** One row per column, for a terminal table or CSV. */
export function profileRows(profile: DatasetProfile): Record<string, string | number | null>[] {
  return profile.tables.flatMap((t) =>
    t.columns.map((c) => ({
      table: t.table,
      rows: t.rows,
      column: c.name,
      type: c.type,
      nulls: c.nulls,
      null_pct: Math.round(c.null_share * 10000) / 100,
      distinct: c.distinct,
      min: c.min === null ? null : fmt(c.min),
      max: c.max === null ? null : fmt(c.max),
      mean: c.numeric?.mean ?? null,
      p50: c.numeric?.quantiles.p50 ?? null,
      avg_len: c.text?.length.mean ?? null,
      top:
        c.text?.top_values
          .slice(0, 3)
          .map((v) => `${v.value} (${v.count})`)
          .join(', ') ?? (c.timestamp ? `${c.timestamp.months} months` : null),
    })),
  );
}
