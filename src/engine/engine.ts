import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** A value DuckDB's JSON readers produce: numbers, strings, booleans, null, arrays and objects of them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type Row = Record<string, JsonValue>;
export type Params = Record<string, string | number | boolean | null>;

export interface EngineOptions {
  /** Database file, or ':memory:'. */
  readonly path: string;
  readonly threads: number;
  /** DuckDB memory limit, e.g. '4GB'. */
  readonly memoryLimit: string;
  /** Spill directory for queries larger than memory. */
  readonly tempDirectory?: string;
}

/**
 * The only module that talks to the analytical database (DuckDB, embedded).
 * Files are opened through the instance cache: two instances of one file in a process lose writes.
 * Queries return JSON-safe rows (BIGINT and DECIMAL arrive as strings unless cast in SQL: cast them).
 */
export class Engine {
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
  ) {}

  static async open(opts: EngineOptions): Promise<Engine> {
    const settings: Record<string, string> = {
      threads: String(opts.threads),
      memory_limit: opts.memoryLimit,
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (opts.tempDirectory) settings.temp_directory = opts.tempDirectory;
    const instance =
      opts.path === ':memory:'
        ? await DuckDBInstance.create(':memory:', settings)
        : await DuckDBInstance.fromCache(opts.path, settings);
    return new Engine(instance, opts.path);
  }

  /** An in-memory engine for tests and for one-off reads of CSV files. */
  static memory(threads = 2): Promise<Engine> {
    return Engine.open({ path: ':memory:', threads, memoryLimit: '2GB' });
  }

  /** Runs `fn` on a fresh connection and closes it afterwards, whatever happens. */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('engine is closed');
    const conn = await this.instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /**
   * Rows of one statement as JSON-safe objects. The caller states the row type; the SQL
   * must produce it (cast BIGINT/HUGEINT/DECIMAL to INTEGER or DOUBLE where numbers are wanted).
   */
  async all<T extends object = Row>(sql: string, params?: Params): Promise<T[]> {
    return this.withConnection((c) => Engine.allOn<T>(c, sql, params));
  }

  /** First row of one statement, or undefined. */
  async one<T extends object = Row>(sql: string, params?: Params): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /** Runs one or more statements without parameters (DDL, COPY, scripts). */
  async run(sql: string, params?: Params): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run(sql, params);
    });
  }

  static async allOn<T extends object = Row>(
    conn: DuckDBConnection,
    sql: string,
    params?: Params,
  ): Promise<T[]> {
    const reader = await conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
  }
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes an SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
