import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { buildReport, formatTerminal, type QualityReport, renderHtml } from './report.ts';
import { runRules } from './run.ts';
import { createTable, datasetRef, rowsOf } from './testTables.ts';
import { Validator } from './validator.ts';

const ds = datasetRef(1);
let engine: Engine;
let report: QualityReport;

const EVIL = `<script>alert("x&y")</script>'`;

beforeAll(async () => {
  engine = await Engine.memory();
  // 1,000 payments: 600 with a negative value (an error), type "pix" on 3 rows (a warning).
  await createTable(
    engine,
    ds,
    'order_payments',
    rowsOf(1000, (i) => ({
      order_id: i === 0 ? EVIL : `o${String(i).padStart(4, '0')}`,
      payment_sequential: 1,
      payment_type: i % 400 === 1 ? 'pix' : 'credit_card',
      payment_value: i < 600 ? -1 : 10,
    })),
  );
  await createTable(
    engine,
    ds,
    'orders',
    rowsOf(10, (i) => ({ order_id: `o${String(i).padStart(4, '0')}` })),
  );
  const rules = [
    ...new Validator('order_payments')
      .range('payment_value', 0, null, { id: 'pay.value' })
      .inSet('payment_type', ['credit_card', 'boleto'], { id: 'pay.type', severity: 'warning' })
      .notNull('order_id', { id: 'pay.order_present' })
      .range('payment_value', 0, null, { id: 'pay.value_tolerant', severity: 'warning', mostly: 0.3 })
      .rules(),
    ...new Validator('orders').rowCount(100, null, { id: 'orders.enough', severity: 'warning' }).rules(),
  ];
  const run = await runRules(engine, rules, { ds, asOf: '2018-09-01' });
  report = buildReport(run, { suite: 'test', datasetVersion: 1, previousVersion: null, source: '/data/x' });
});
afterAll(() => engine.close());

describe('JSON report', () => {
  it('has the documented, stable schema', () => {
    expect(Object.keys(report).sort()).toEqual(
      [
        'as_of',
        'dataset_version',
        'generated_at',
        'kind',
        'passed',
        'previous_version',
        'results',
        'schema_version',
        'scores',
        'source',
        'status',
        'suite',
        'summary',
        'tables',
        'timings_ms',
      ].sort(),
    );
    expect(report.schema_version).toBe(1);
    expect(Object.keys(report.summary).sort()).toEqual(
      [
        'errored',
        'failed',
        'failed_errors',
        'failed_warnings',
        'passed',
        'passed_within_tolerance',
        'rules',
        'skipped',
      ].sort(),
    );
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(
        [
          'description',
          'dimension',
          'examples',
          'expected',
          'failing_count',
          'failing_share',
          'id',
          'kind',
          'message',
          'mostly',
          'observed',
          'pass_rate',
          'passed',
          'severity',
          'sql_ms',
          'status',
          'table',
          'total_count',
        ].sort(),
      );
    }
    expect(Object.keys(report.scores.overall).sort()).toEqual(
      ['completeness', 'consistency', 'score', 'timeliness', 'uniqueness', 'validity'].sort(),
    );
    // Round-trips through JSON unchanged (what the catalog stores).
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('summarises: an error-severity failure fails the report', () => {
    expect(report.status).toBe('failed');
    expect(report.passed).toBe(false);
    // pay.value (error) fails; pay.type and orders.enough (warnings) fail; pay.value_tolerant passes within tolerance.
    expect(report.summary).toEqual({
      rules: 5,
      passed: 2,
      passed_within_tolerance: 1,
      failed: 3,
      failed_errors: 1,
      failed_warnings: 2,
      skipped: 0,
      errored: 0,
    });
    const value = report.results.find((r) => r.id === 'pay.value')!;
    expect(value).toMatchObject({ failing_count: 600, total_count: 1000, failing_share: 0.6 });
    expect(value.examples).toHaveLength(5);
    expect(report.tables.map((t) => [t.table, t.rows, t.failed_errors, t.failed_warnings])).toEqual([
      ['order_payments', 1000, 1, 1],
      ['orders', 10, 0, 1],
    ]);
  });

  it('is "warnings" when only warnings fail, "passed" when nothing fails', async () => {
    const warnOnly = await runRules(
      engine,
      new Validator('orders').rowCount(100, null, { severity: 'warning' }).rules(),
      {
        ds,
      },
    );
    expect(buildReport(warnOnly)).toMatchObject({ status: 'warnings', passed: true });
    const clean = await runRules(engine, new Validator('orders').rowCount(1).rules(), { ds });
    expect(buildReport(clean)).toMatchObject({ status: 'passed', passed: true });
  });
});

describe('terminal report', () => {
  it('has one line per failed rule, grouped by table with errors first, never more', () => {
    const text = formatTerminal(report);
    const lines = text.split('\n');
    for (const id of ['pay.value', 'pay.type', 'orders.enough']) {
      expect(
        lines.filter((l) => l.includes(id)),
        id,
      ).toHaveLength(1);
    }
    for (const id of ['pay.order_present', 'pay.value_tolerant']) {
      expect(
        lines.some((l) => l.includes(id)),
        id,
      ).toBe(false);
    }
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('order_payments · 1,000 rows')).toBeLessThan(at('ERROR pay.value'));
    expect(at('ERROR pay.value')).toBeLessThan(at('WARN  pay.type'));
    expect(at('WARN  pay.type')).toBeLessThan(at('orders · 10 rows'));
    expect(lines[at('ERROR pay.value')]).toContain('600 of 1,000 rows (60.0 %) fail');
    expect(lines[at('WARN  pay.type')]).toContain('3 of 1,000 rows (0.30 %) fail');
    expect(lines[at('orders.enough')]).toContain('10 rows (expected ≥ 100)');
    // 600 failing rows, five example keys.
    const examples = lines[at('ERROR pay.value')]!.split('e.g. ')[1]!.split(', ');
    expect(examples).toHaveLength(5);
    expect(lines[0]).toContain('FAILED');
    expect(lines.length).toBeLessThan(30);
  });
});

describe('HTML report', () => {
  it('is a self-contained page: no external resources, no scripts', () => {
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    for (const banned of ['http://', 'https://', '<script', '<link', ' src=', '@import', 'url(']) {
      expect(html.includes(banned), banned).toBe(false);
    }
  });

  it('escapes keys and text', () => {
    const html = renderHtml(report);
    // The key with markup is the first (smallest) example of the negative values.
    expect(report.results.find((r) => r.id === 'pay.value')!.examples[0]).toBe(`${EVIL} | 1`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39; | 1');
    expect(html).not.toContain('alert("x');
  });

  it('lists failed rules once each, and every rule in the details table', () => {
    const html = renderHtml(report);
    const findings = html.slice(html.indexOf('<h2>Failed rules</h2>'), html.indexOf('<details>'));
    expect(findings.match(/<code>pay\.value<\/code>/g)).toHaveLength(1);
    expect(findings).not.toContain('pay.order_present');
    const details = html.slice(html.indexOf('<details>'));
    for (const r of report.results) expect(details).toContain(`<code>${r.id}</code>`);
  });
});
