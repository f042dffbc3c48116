/**
 * The shape every export is built from: typed columns shared by the CSV, XLSX and PDF writers,
 * tables whose rows arrive in chunks (so per-customer data streams), and the narrative parts
 * (KPIs, charts, findings) that the workbook summary and the PDF report show.
 */

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const COLUMN_TYPES = ['text', 'int', 'number', 'currency', 'percent', 'date'] as const;
/** text: a string; int/number: plain numbers; currency: BRL; percent: a share 0–1; date: YYYY-MM-DD. */
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  /** Stable name: the CSV header and the row key. */
  readonly name: string;
  readonly type: ColumnType;
  /** Human label for the PDF and the workbook's definitions (default: the name). */
  readonly label?: string;
}

export type Cell = string | number | boolean | null | undefined;
export type Row = Readonly<Record<string, Cell>>;

export interface TableSpec {
  /** Sheet / section name (short). */
  readonly name: string;
  readonly title: string;
  readonly columns: readonly ColumnSpec[];
  /** Rows in chunks; a function so each writer can iterate afresh. */
  readonly rows: () => AsyncIterable<readonly Row[]>;
  /** Included in the PDF (false for per-customer tables that belong in CSV/XLSX; the PDF says so). */
  readonly inPdf?: boolean;
  /** Sentence shown instead of the table in the PDF when inPdf is false. */
  readonly pdfNote?: string;
}

export interface Kpi {
  readonly label: string;
  readonly value: string;
}

export type ChartSpec =
  | {
      readonly kind: 'bar';
      readonly title: string;
      readonly labels: readonly string[];
      readonly values: readonly number[];
      readonly format: 'currency' | 'percent' | 'int' | 'number';
    }
  | {
      readonly kind: 'line';
      readonly title: string;
      readonly labels: readonly string[];
      readonly values: readonly (number | null)[];
      readonly format: 'currency' | 'percent' | 'int' | 'number';
    }
  | {
      readonly kind: 'heatmap';
      readonly title: string;
      readonly rowLabels: readonly string[];
      readonly colLabels: readonly string[];
      /** Values 0–1 (shares); null = not observable. */
      readonly values: readonly (readonly (number | null)[])[];
    };

export interface Section {
  readonly heading: string;
  readonly kpis?: readonly Kpi[];
  readonly charts?: readonly ChartSpec[];
  readonly paragraphs?: readonly string[];
  readonly bullets?: readonly string[];
  readonly tables?: readonly TableSpec[];
}

/** A loaded analysis ready to write in any format. */
export interface ExportDoc {
  readonly analysis: string;
  readonly title: string;
  readonly subtitle: string;
  readonly datasetVersion: number | null;
  readonly generatedAt: string;
  readonly params: Record<string, unknown>;
  readonly definitions: Record<string, string>;
  readonly warnings: readonly string[];
  /** Headline KPIs (title page / summary sheet). */
  readonly kpis: readonly Kpi[];
  readonly findings: readonly string[];
  readonly recommendations: readonly string[];
  /** The table a CSV export writes (tabular analyses only). */
  readonly primary: TableSpec | null;
  /** PDF body, in order. XLSX writes every table found in the sections (and the primary). */
  readonly sections: readonly Section[];
}
