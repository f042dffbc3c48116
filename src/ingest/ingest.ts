import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ErrorDetail, IngestError, InputError } from '../core/errors.ts';
import { type Logger, silentLogger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { noProgress, type Progress } from '../core/progress.ts';
import type { DatasetCatalog } from '../datasets/catalog.ts';
import { type DatasetRef, tableRef } from '../datasets/ref.ts';
import { Engine, ident, literal } from '../engine/engine.ts';
import { ALL_TABLES, type TableDef, type TableName } from '../olist/tables.ts';
import { combineChecksums, sha256File } from './checksum.ts';
import { type CsvHeader, readCsvHeader } from './csvHeader.ts';
import { linesOfRows } from './lineOfRow.ts';
import { EXPECTED, SQL_TYPE, TIMESTAMP_FORMAT } from './sqlTypes.ts';

/** Decides whether a loaded (not yet published) version may be published; the quality suite plugs in here. */
export type VersionGate = (ds: DatasetRef) => Promise<{
  publish: boolean;
  warnings: readonly string[];
  reason?: string;
  details?: readonly ErrorDetail[];
}>;

export interface IngestOptions {
  readonly dir: string;
  /** Make the new version current once published (default true). */
  readonly makeCurrent?: boolean;
  readonly gate?: VersionGate;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly progress?: Progress;
  readonly maxErrors?: number;
}

export interface IngestResult {
  readonly version: number;
  readonly schema: string;
  readonly source: string;
  readonly checksum: string;
  readonly rowCounts: Record<TableName, number>;
  readonly warnings: readonly string[];
  readonly ms: number;
}

interface PlannedTable {
  readonly def: TableDef;
  readonly file: string;
  readonly header: CsvHeader | undefined;
}

/**
 * Loads the nine Olist CSV files of `dir` as a new immutable data set version and publishes it
 * only when every file loaded cleanly (and the gate agrees). On any error nothing is published
 * and the previous current version keeps serving; the error names file, line, column and what
 * was expected.
 */
export async function ingestDirectory(
  engine: Engine,
  catalog: DatasetCatalog,
  opts: IngestOptions,
): Promise<IngestResult> {
  const logger = opts.logger ?? silentLogger();
  const progress = opts.progress ?? noProgress;
  const maxErrors = opts.maxErrors ?? 20;
  const started = performance.now();
  const dir = path.resolve(opts.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`not a directory: ${dir}`, [
      { location: dir, message: 'expected a folder of Olist CSV files' },
    ]);
  }

  const abandoned = await catalog.cleanupAbandoned();
  if (abandoned.length)
    logger.warn({ abandoned }, `cleaned up interrupted ingest(s): version ${abandoned.join(', ')}`);

  const warnings: string[] = [];
  const { planned, errors } = await planTables(dir, warnings);
  if (errors.length) throw new IngestError(`${dir}: the files cannot be loaded`, errors.slice(0, maxErrors));

  const present = planned.filter((p) => p.header !== undefined);
  const checksumPromise = Promise.all(
    present.map(async (p) => [p.def.file, await sha256File(p.file)] as const),
  );
  // Keep the checksum's rejection handled even if loading fails first.
  checksumPromise.catch(() => undefined);

  const ds = await catalog.begin(dir);
  logger.info({ version: ds.version, dir }, `ingest: loading ${dir} as version ${ds.version}`);
  const rowCounts = {} as Record<TableName, number>;
  const loadErrors: ErrorDetail[] = [];
  try {
    await engine.withConnection(async (conn) => {
      await conn.run(`CREATE SCHEMA ${ident(ds.schema)}`);
      progress.start(planned.length, 'ingest');
      let done = 0;
      for (const p of planned) {
        progress.update(done, `ingest ${p.def.name}`);
        const result = await loadTable(conn, ds, p, maxErrors);
        rowCounts[p.def.name] = result.rows;
        loadErrors.push(...result.errors);
        opts.metrics?.rowsIngested.inc({ table: p.def.name }, result.rows);
        logger.debug({ table: p.def.name, rows: result.rows }, `ingest: ${p.def.name} ${result.rows} rows`);
        done++;
      }
      progress.update(done);
      progress.stop();
    });
  } catch (err) {
    await catalog.finish(ds, failedOutcome(warnings, rowCounts, (err as Error).message, started));
    throw new IngestError(`${dir}: load failed: ${(err as Error).message}`, [], { cause: err });
  }

  if (loadErrors.length) {
    const message = `${dir}: ${loadErrors.length === maxErrors ? 'at least ' : ''}${loadErrors.length} problem(s); nothing was published`;
    await catalog.finish(ds, failedOutcome(warnings, rowCounts, message, started));
    throw new IngestError(message, loadErrors.slice(0, maxErrors));
  }

  const checksum = combineChecksums(Object.fromEntries(await checksumPromise));
  if (opts.gate) {
    const verdict = await opts.gate(ds);
    warnings.push(...verdict.warnings);
    if (!verdict.publish) {
      const message = `${dir}: rejected by validation: ${verdict.reason ?? 'an error-severity rule failed'}`;
      await catalog.finish(ds, { ...failedOutcome(warnings, rowCounts, message, started), checksum });
      throw new IngestError(message, verdict.details ?? []);
    }
  }
  const ms = performance.now() - started;
  await catalog.finish(ds, {
    status: 'published',
    checksum,
    rowCounts,
    warnings,
    loadMs: ms,
    makeCurrent: opts.makeCurrent ?? true,
  });
  logger.info(
    { version: ds.version, rows: rowCounts, ms: Math.round(ms) },
    `ingest: published version ${ds.version}`,
  );
  return { version: ds.version, schema: ds.schema, source: dir, checksum, rowCounts, warnings, ms };
}

function failedOutcome(
  warnings: readonly string[],
  rowCounts: Record<string, number>,
  error: string,
  started: number,
) {
  return {
    status: 'rejected' as const,
    checksum: null,
    rowCounts,
    warnings,
    error,
    loadMs: performance.now() - started,
    makeCurrent: false,
  };
}

/** Checks presence, emptiness, encoding and columns of every file before anything is loaded. */
async function planTables(
  dir: string,
  warnings: string[],
): Promise<{ planned: PlannedTable[]; errors: ErrorDetail[] }> {
  const errors: ErrorDetail[] = [];
  const planned: PlannedTable[] = [];
  for (const def of ALL_TABLES) {
    const file = path.join(dir, def.file);
    if (!existsSync(file)) {
      if (def.optional) {
        warnings.push(`${def.file}: absent; the ${def.name} table is empty`);
        planned.push({ def, file, header: undefined });
      } else {
        errors.push({ location: def.file, message: `required file is missing from ${dir}` });
      }
      continue;
    }
    let header: CsvHeader | undefined;
    try {
      header = await readCsvHeader(file);
    } catch {
      errors.push({ location: `${def.file}:1`, message: 'the header line is not valid UTF-8' });
      continue;
    }
    const expectedHeader = def.columns.map((c) => c.name).join(',');
    if (!header || header.columns.length === 0) {
      errors.push({
        location: def.file,
        message: `file is empty; expected a header line: ${expectedHeader}`,
      });
      continue;
    }
    const seen = new Set<string>();
    for (const c of header.columns) {
      if (seen.has(c))
        errors.push({ location: `${def.file}:1`, message: `column "${c}" appears twice in the header` });
      seen.add(c);
    }
    const missing = def.columns.filter((c) => !seen.has(c.name));
    for (const c of missing) {
      errors.push({
        location: `${def.file}:1`,
        message: `missing column "${c.name}" (expected header: ${expectedHeader})`,
      });
    }
    const known = new Set(def.columns.map((c) => c.name));
    for (const c of header.columns.filter((h) => !known.has(h))) {
      warnings.push(`${def.file}: unknown column "${c}" ignored`);
    }
    if (!header.hasRows && !def.optional) {
      errors.push({
        location: def.file,
        message: 'file has a header but no data rows (truncated or empty file?)',
      });
      continue;
    }
    if (!header.hasRows) warnings.push(`${def.file}: no data rows`);
    if (missing.length === 0) planned.push({ def, file, header });
  }
  return { planned, errors };
}

interface LoadResult {
  rows: number;
  errors: ErrorDetail[];
}

async function loadTable(
  conn: DuckDBConnection,
  ds: DatasetRef,
  p: PlannedTable,
  maxErrors: number,
): Promise<LoadResult> {
  const target = tableRef(ds, p.def.name);
  const ddl = p.def.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`).join(', ');
  await conn.run(`CREATE TABLE ${target} (${ddl})`);
  if (!p.header?.hasRows) return { rows: 0, errors: [] };

  const known = new Map(p.def.columns.map((c) => [c.name, c]));
  // Read with the file's own column order; unknown extra columns are read as text and dropped.
  const columnSpec = p.header.columns
    .map((name) => {
      const c = known.get(name);
      return `${literal(name)}: ${literal(c ? SQL_TYPE[c.type] : 'VARCHAR')}`;
    })
    .join(', ');
  const select = p.def.columns
    .map((c) => {
      const col = ident(c.name);
      return c.type === 'zip'
        ? `CASE WHEN regexp_full_match(${col}, '[0-9]{1,4}') THEN lpad(${col}, 5, '0') ELSE ${col} END`
        : col;
    })
    .join(', ');
  const rej = `rejects_${p.def.name}`;
  await conn.run(`DROP TABLE IF EXISTS ${rej}; DROP TABLE IF EXISTS ${rej}_scan`);
  await conn.run(
    `INSERT INTO ${target} SELECT ${select} FROM read_csv(${literal(p.file)},
       auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
       columns = {${columnSpec}}, timestampformat = ${literal(TIMESTAMP_FORMAT)},
       store_rejects = true, rejects_table = ${literal(rej)}, rejects_scan = ${literal(`${rej}_scan`)},
       rejects_limit = ${maxErrors})`,
  );
  const errors: ErrorDetail[] = [];
  const rejects = await Engine.allOn<{
    line: number;
    column_name: string | null;
    error_type: string;
    msg: string;
  }>(
    conn,
    `SELECT line::INTEGER AS line, column_name, error_type, error_message AS msg FROM ${rej} ORDER BY line LIMIT ${maxErrors}`,
  );
  for (const r of rejects) {
    const c = r.column_name ? known.get(r.column_name) : undefined;
    const expected = c ? `; expected ${EXPECTED[c.type]}` : '';
    const what =
      r.error_type === 'INVALID ENCODING' ? 'invalid UTF-8 (the file must be UTF-8 encoded)' : r.msg;
    errors.push({
      location: `${p.def.file}:${r.line}${r.column_name ? ` column ${r.column_name}` : ''}`,
      message: `${what}${r.error_type === 'CAST' ? expected : ''}`,
    });
  }
  await conn.run(`DROP TABLE IF EXISTS ${rej}; DROP TABLE IF EXISTS ${rej}_scan`);
  const [count] = await Engine.allOn<{ n: number }>(conn, `SELECT count(*)::INTEGER AS n FROM ${target}`);
  const rows = count!.n;
  if (errors.length) return { rows, errors };

  errors.push(...(await checkRequiredValues(conn, target, p, maxErrors)));
  errors.push(...(await checkZips(conn, target, p, maxErrors)));
  errors.push(...(await checkPrimaryKey(conn, target, p, maxErrors)));
  return { rows, errors: errors.slice(0, maxErrors) };
}

async function checkRequiredValues(
  conn: DuckDBConnection,
  target: string,
  p: PlannedTable,
  maxErrors: number,
): Promise<ErrorDetail[]> {
  const required = p.def.columns.filter((c) => !c.nullable);
  const counts = required.map(
    (c) => `count(*) FILTER (WHERE ${ident(c.name)} IS NULL)::INTEGER AS ${ident(c.name)}`,
  );
  const [row] = await Engine.allOn<Record<string, number>>(
    conn,
    `SELECT ${counts.join(', ')} FROM ${target}`,
  );
  const errors: ErrorDetail[] = [];
  for (const c of required) {
    const n = row?.[c.name] ?? 0;
    if (n === 0) continue;
    const examples = await Engine.allOn<{ r: number }>(
      conn,
      `SELECT rowid::INTEGER AS r FROM ${target} WHERE ${ident(c.name)} IS NULL ORDER BY rowid LIMIT 3`,
    );
    const lines = await linesOfRows(
      p.file,
      examples.map((e) => e.r),
    );
    const where = examples.map((e) => lines.get(e.r) ?? `row ${e.r + 1}`).join(', ');
    errors.push({
      location: `${p.def.file}:${lines.get(examples[0]!.r) ?? '?'} column ${c.name}`,
      message: `${n} empty value(s) in a required column (lines ${where}${n > 3 ? ', …' : ''}); expected ${EXPECTED[c.type]}`,
    });
    if (errors.length >= maxErrors) break;
  }
  return errors;
}

async function checkZips(
  conn: DuckDBConnection,
  target: string,
  p: PlannedTable,
  maxErrors: number,
): Promise<ErrorDetail[]> {
  const errors: ErrorDetail[] = [];
  for (const c of p.def.columns.filter((col) => col.type === 'zip')) {
    const bad = await Engine.allOn<{ r: number; v: string }>(
      conn,
      `SELECT rowid::INTEGER AS r, ${ident(c.name)} AS v FROM ${target}
        WHERE ${ident(c.name)} IS NOT NULL AND NOT regexp_full_match(${ident(c.name)}, '[0-9]{5}')
        ORDER BY rowid LIMIT 3`,
    );
    if (!bad.length) continue;
    const lines = await linesOfRows(
      p.file,
      bad.map((b) => b.r),
    );
    errors.push({
      location: `${p.def.file}:${lines.get(bad[0]!.r) ?? '?'} column ${c.name}`,
      message: `"${bad[0]!.v}" is not ${EXPECTED.zip}`,
    });
    if (errors.length >= maxErrors) break;
  }
  return errors;
}

async function checkPrimaryKey(
  conn: DuckDBConnection,
  target: string,
  p: PlannedTable,
  maxErrors: number,
): Promise<ErrorDetail[]> {
  if (p.def.primaryKey.length === 0) return [];
  const key = p.def.primaryKey.map(ident).join(', ');
  const [total] = await Engine.allOn<{ n: number }>(
    conn,
    `SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM ${target} GROUP BY ${key} HAVING count(*) > 1)`,
  );
  if (!total || total.n === 0) return [];
  const examples = await Engine.allOn<{ k: string; first: number; second: number }>(
    conn,
    `SELECT concat_ws(', ', ${p.def.primaryKey.map((k) => `${ident(k)}::VARCHAR`).join(', ')}) AS k,
            min(rowid)::INTEGER AS first, max(rowid)::INTEGER AS second
       FROM ${target} GROUP BY ${key} HAVING count(*) > 1 ORDER BY min(rowid) LIMIT ${Math.min(3, maxErrors)}`,
  );
  const lines = await linesOfRows(
    p.file,
    examples.flatMap((e) => [e.first, e.second]),
  );
  return examples.map((e) => ({
    location: `${p.def.file}:${lines.get(e.second) ?? '?'} column ${p.def.primaryKey.join('+')}`,
    message: `duplicate primary key (${e.k}), first seen on line ${lines.get(e.first) ?? '?'}${
      total.n > examples.length ? `; ${total.n} duplicated keys in all` : ''
    }`,
  }));
}
