/**
 * The quality report: a stable JSON document (schema in docs/quality.md), a terminal rendering
 * and a self-contained HTML file. Every format shows one line per failed rule with counts,
 * shares and at most five example keys, grouped by table and severity: never thousands of lines.
 */
import { TABLE_NAMES, type TableName } from '../olist/tables.ts';
import { DIMENSIONS } from './rules.ts';
import type { RuleResult, RunOutput } from './run.ts';
import { computeScores, type ScoreSet, type Scores } from './scores.ts';

export const REPORT_SCHEMA_VERSION = 1;

export type ReportStatus = 'passed' | 'warnings' | 'failed';

export interface ReportSummary {
  readonly rules: number;
  readonly passed: number;
  /** Passed although some rows failed, thanks to their `mostly` tolerance. */
  readonly passed_within_tolerance: number;
  readonly failed: number;
  readonly failed_errors: number;
  readonly failed_warnings: number;
  readonly skipped: number;
  /** Rules whose SQL could not run (counted in failed). */
  readonly errored: number;
}

export interface TableSummary {
  readonly table: TableName;
  readonly rows: number | null;
  readonly cells: number | null;
  readonly null_cells: number | null;
  readonly rules: number;
  readonly failed_errors: number;
  readonly failed_warnings: number;
}

export interface QualityReport {
  readonly schema_version: typeof REPORT_SCHEMA_VERSION;
  readonly kind: 'quality';
  readonly suite: string;
  readonly dataset_version: number | null;
  /** The version drift rules compared with (null: none, drift rules skipped). */
  readonly previous_version: number | null;
  readonly source: string | null;
  readonly as_of: string;
  readonly generated_at: string;
  /** failed: an error-severity rule failed; warnings: only warning rules failed; passed: nothing failed. */
  readonly status: ReportStatus;
  /** No error-severity rule failed: the version may be published. */
  readonly passed: boolean;
  readonly summary: ReportSummary;
  readonly scores: Scores;
  readonly tables: readonly TableSummary[];
  readonly results: readonly RuleResult[];
  readonly timings_ms: { readonly total: number; readonly checks: number };
}

export interface ReportMeta {
  readonly suite?: string;
  readonly datasetVersion?: number | null;
  readonly previousVersion?: number | null;
  readonly source?: string | null;
}

const failed = (r: RuleResult) => r.status === 'fail' || r.status === 'error';

export function buildReport(run: RunOutput, meta: ReportMeta = {}): QualityReport {
  const results = run.results;
  const failedErrors = results.filter((r) => failed(r) && r.severity === 'error').length;
  const failedWarnings = results.filter((r) => failed(r) && r.severity === 'warning').length;
  const order = (t: TableName) => TABLE_NAMES.indexOf(t);
  const tableNames = [
    ...new Set([...results.map((r) => r.table), ...(Object.keys(run.tables) as TableName[])]),
  ].sort((a, b) => order(a) - order(b));
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    kind: 'quality',
    suite: meta.suite ?? 'custom',
    dataset_version: meta.datasetVersion ?? null,
    previous_version: meta.previousVersion ?? null,
    source: meta.source ?? null,
    as_of: run.asOf,
    generated_at: new Date().toISOString(),
    status: failedErrors ? 'failed' : failedWarnings ? 'warnings' : 'passed',
    passed: failedErrors === 0,
    summary: {
      rules: results.length,
      passed: results.filter((r) => r.status === 'pass').length,
      passed_within_tolerance: results.filter((r) => r.status === 'pass' && r.failing_count > 0).length,
      failed: failedErrors + failedWarnings,
      failed_errors: failedErrors,
      failed_warnings: failedWarnings,
      skipped: results.filter((r) => r.status === 'skipped').length,
      errored: results.filter((r) => r.status === 'error').length,
    },
    scores: computeScores(results, run.tables),
    tables: tableNames.map((table) => {
      const own = results.filter((r) => r.table === table);
      const stats = run.tables[table];
      return {
        table,
        rows: stats?.rows ?? null,
        cells: stats?.cells ?? null,
        null_cells: stats?.null_cells ?? null,
        rules: own.length,
        failed_errors: own.filter((r) => failed(r) && r.severity === 'error').length,
        failed_warnings: own.filter((r) => failed(r) && r.severity === 'warning').length,
      };
    }),
    results,
    timings_ms: run.timings_ms,
  };
}

// ---------------------------------------------------------------------------------------------
// Shared wording

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatShare(share: number): string {
  const p = 100 * share;
  if (p === 0) return '0 %';
  if (p < 0.01) return '<0.01 %';
  return `${p < 10 ? p.toFixed(2) : p.toFixed(1)} %`;
}

const STATUS_TEXT: Record<ReportStatus, string> = {
  passed: 'PASSED',
  warnings: 'PASSED WITH WARNINGS',
  failed: 'FAILED',
};

/** The finding of one rule in words: counts and share, or the measured value. */
export function findingText(r: RuleResult): string {
  if (r.status === 'error') return r.message ?? 'could not be evaluated';
  const tableLevel = r.kind === 'row_count' || r.kind === 'freshness' || r.kind === 'drift';
  if (tableLevel) return `${r.message ?? `observed ${String(r.observed)}`}; expected ${r.expected ?? '—'}`;
  const tolerance = r.mostly < 1 ? `, must pass ${formatShare(r.mostly)}` : '';
  const extra = r.kind === 'foreign_key' && r.message ? `; ${r.message}` : '';
  return `${int(r.failing_count)} of ${int(r.total_count)} rows (${formatShare(r.failing_share)}) fail${tolerance}${extra}`;
}

/** Failed rules grouped by table (data model order), errors before warnings. */
export function failedByTable(
  report: QualityReport,
): { table: TableName; rows: number | null; failed: RuleResult[] }[] {
  return report.tables
    .map((t) => ({
      table: t.table,
      rows: t.rows,
      failed: report.results
        .filter((r) => r.table === t.table && failed(r))
        .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)),
    }))
    .filter((g) => g.failed.length > 0);
}

function headline(report: QualityReport): string {
  const v = report.dataset_version === null ? 'data set' : `data set version ${report.dataset_version}`;
  const drift =
    report.previous_version === null ? 'no previous version' : `drift vs version ${report.previous_version}`;
  return `Data quality of ${v} (${drift}; as of ${report.as_of}): ${STATUS_TEXT[report.status]}`;
}

function summaryLine(report: QualityReport): string {
  const s = report.summary;
  return (
    `${s.rules} rules: ${s.passed} passed (${s.passed_within_tolerance} within tolerance), ` +
    `${s.failed_errors} error${s.failed_errors === 1 ? '' : 's'} and ${s.failed_warnings} warning${
      s.failed_warnings === 1 ? '' : 's'
    } failed, ${s.skipped} skipped` +
    `${s.errored ? `, ${s.errored} could not run` : ''} · ${(report.timings_ms.total / 1000).toFixed(1)} s`
  );
}

const scoreText = (x: number | null) => (x === null ? '—' : x.toFixed(1));

// ---------------------------------------------------------------------------------------------
// Terminal

/**
 * The report for a terminal: a headline, the scores, then per table one line per failed rule
 * (ERROR before WARN) with counts, share and up to five example keys.
 */
export function formatTerminal(report: QualityReport): string {
  const lines = [headline(report), summaryLine(report), ''];
  const heads = ['score', 'overall', ...DIMENSIONS];
  const rows: string[][] = [
    ['overall', ...scoreRow(report.scores.overall)],
    ...report.tables.map((t) => {
      const s = report.scores.tables[t.table];
      return [t.table, ...(s ? scoreRow(s) : heads.slice(1).map(() => '—'))];
    }),
  ];
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(heads), ...rows.map(fmt), '');

  const groups = failedByTable(report);
  if (!groups.length) lines.push('No rule failed.');
  for (const g of groups) {
    lines.push(`${g.table}${g.rows === null ? '' : ` · ${int(g.rows)} rows`}`);
    const idWidth = Math.max(...g.failed.map((r) => r.id.length));
    for (const r of g.failed) {
      const sev = r.severity === 'error' ? 'ERROR' : 'WARN ';
      const examples = r.examples.length ? ` · e.g. ${r.examples.slice(0, 5).join(', ')}` : '';
      lines.push(`  ${sev} ${r.id.padEnd(idWidth)}  ${findingText(r)} — ${r.description}${examples}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function scoreRow(s: ScoreSet): string[] {
  return [scoreText(s.score), ...DIMENSIONS.map((d) => scoreText(s[d]))];
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d2433}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}h3{font-size:1rem;margin:1.25rem 0 .4rem}
.meta{color:#5b6475;margin:.2rem 0}.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600}
.passed{background:#dcf5e3;color:#12602b}.warnings{background:#fff1cc;color:#7a5300}.failed{background:#fde0de;color:#9b1c14}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}
th{background:#f5f6f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev-error{color:#9b1c14;font-weight:700}.sev-warning{color:#7a5300;font-weight:700}code{font-size:12px;word-break:break-all}
.ex code{display:inline-block;margin:0 .3rem .1rem 0;background:#f5f6f9;padding:0 .25rem;border-radius:3px}
details{margin:1.5rem 0}summary{cursor:pointer;font-weight:600}.st-pass{color:#12602b}.st-fail,.st-error{color:#9b1c14}.st-skipped{color:#5b6475}
`;

/** A self-contained HTML page (inline CSS, no scripts, no external resources); every value is escaped. */
export function renderHtml(report: QualityReport): string {
  const e = escapeHtml;
  const scoreHead = ['', 'overall', ...DIMENSIONS].map((h) => `<th>${e(h)}</th>`).join('');
  const scoreLine = (name: string, s: ScoreSet | undefined) =>
    `<tr><th>${e(name)}</th>${[s?.score ?? null, ...DIMENSIONS.map((d) => s?.[d] ?? null)]
      .map((x) => `<td class="n">${e(scoreText(x))}</td>`)
      .join('')}</tr>`;
  const scores = [
    scoreLine('overall', report.scores.overall),
    ...report.tables.map((t) => scoreLine(t.table, report.scores.tables[t.table])),
  ].join('\n');

  const findingRow = (r: RuleResult) =>
    `<tr><td class="sev-${e(r.severity)}">${e(r.severity.toUpperCase())}</td><td><code>${e(r.id)}</code></td>` +
    `<td>${e(r.description)}</td><td>${e(findingText(r))}</td>` +
    `<td class="ex">${r.examples
      .slice(0, 5)
      .map((k) => `<code>${e(k)}</code>`)
      .join('')}</td></tr>`;
  const groups = failedByTable(report)
    .map(
      (g) =>
        `<h3>${e(g.table)}${g.rows === null ? '' : ` <span class="meta">· ${e(int(g.rows))} rows</span>`}</h3>
<table><thead><tr><th>severity</th><th>rule</th><th>what</th><th>finding</th><th>example keys</th></tr></thead>
<tbody>${g.failed.map(findingRow).join('\n')}</tbody></table>`,
    )
    .join('\n');

  const allRows = report.results
    .map(
      (r) =>
        `<tr><td><code>${e(r.id)}</code></td><td>${e(r.severity)}</td><td class="st-${e(r.status)}">${e(r.status)}</td>` +
        `<td class="n">${e(int(r.failing_count))}</td><td class="n">${e(int(r.total_count))}</td>` +
        `<td class="n">${e(formatShare(r.failing_share))}</td><td class="n">${e(String(r.mostly))}</td>` +
        `<td>${e(r.message ?? r.description)}</td><td class="n">${e(String(r.sql_ms))}</td></tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(headline(report))}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Data quality report</h1>
<p><span class="badge ${e(report.status)}">${e(STATUS_TEXT[report.status])}</span></p>
<p class="meta">${e(headline(report))}</p>
<p class="meta">${e(summaryLine(report))}</p>
<p class="meta">Suite ${e(report.suite)} · source ${e(report.source ?? '—')} · generated ${e(report.generated_at)}</p>
<h2>Scores (0–100)</h2>
<table><thead><tr>${scoreHead}</tr></thead><tbody>
${scores}
</tbody></table>
<h2>Failed rules</h2>
${groups || '<p>No rule failed.</p>'}
<details><summary>All ${e(String(report.results.length))} rules</summary>
<table><thead><tr><th>rule</th><th>severity</th><th>status</th><th>failing</th><th>checked</th><th>share</th><th>mostly</th><th>finding</th><th>ms</th></tr></thead>
<tbody>
${allRows}
</tbody></table>
</details>
</body>
</html>
`;
}
