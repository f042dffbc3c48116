import { hasRole } from '../api/client.ts';
import { PROFILE_TABLES, profilePath } from '../api/paths.ts';
import type {
  ColumnProfile,
  Dataset,
  DatasetDetail,
  DatasetProfile,
  QualityReport,
  QualityRule,
  Result,
} from '../api/types.ts';
import { client, navigate, useApp } from '../app.tsx';
import { ApiExport } from '../components/ApiExport.tsx';
import { axis, Chart, tooltip } from '../components/Chart.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { KpiCard } from '../components/KpiCard.tsx';
import { Async, Empty, ErrorState, Loading } from '../components/States.tsx';
import { decimal, integer, percent, profileValue } from '../format.ts';
import { useGet, usePost } from '../state/api.ts';
import { formatHash } from '../state/filters.ts';
import { useQuery } from '../state/query.ts';

export default function Quality() {
  const { route, session } = useApp();
  const list = useGet<{ datasets: Dataset[] }>('/datasets');
  const published = (list.data?.datasets ?? [])
    .filter((d) => d.status === 'published')
    .sort((a, b) => a.version - b.version);
  const current = published.find((d) => d.is_current) ?? published.at(-1);
  const chosen = Number(route.params.get('version')) || current?.version;
  const detail = useGet<DatasetDetail>(chosen ? `/datasets/${chosen}` : null);
  const analyst = hasRole(session?.user.role, 'analyst');
  const needRun = detail.data !== undefined && detail.data.quality_report === null && analyst;
  const run = usePost<QualityReport>(needRun ? '/analysis/quality' : null, { dataset_version: chosen });
  const versions = published.map((d) => d.version);
  const history = useQuery(versions.length ? `quality-history ${versions.join(',')}` : null, () =>
    Promise.all(versions.map((v) => client.get<DatasetDetail>(`/datasets/${v}`))),
  );
  const report = detail.data?.quality_report ?? run.data ?? null;
  const profileTables = (route.params.get('tables') ?? 'orders')
    .split(',')
    .filter((t) => (PROFILE_TABLES as readonly string[]).includes(t));
  const profile = useGet<Result<DatasetProfile>>(
    chosen && profileTables.length ? profilePath(chosen, profileTables) : null,
  );
  const setProfileTables = (tables: string[]) => {
    const p = new URLSearchParams(route.params);
    p.set('tables', tables.join(','));
    navigate(formatHash(route.path, p));
  };

  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Data quality</h1>
        {published.length > 0 && (
          <div className="field">
            <label htmlFor="q-version">Data set version</label>
            <select
              id="q-version"
              className="input"
              value={chosen ?? ''}
              onChange={(e) => {
                const p = new URLSearchParams(route.params);
                p.set('version', e.target.value);
                navigate(formatHash(route.path, p));
              }}
            >
              {published.map((d) => (
                <option key={d.version} value={d.version}>
                  v{d.version}
                  {d.is_current ? ' (current)' : ''} · {d.created_at.slice(0, 10)}
                </option>
              ))}
            </select>
          </div>
        )}
        {chosen !== undefined && <ApiExport analysis="quality" query={`?dataset_version=${chosen}`} />}
      </div>
      <p className="muted">
        Global filters do not apply here: quality is measured on whole data set versions.
      </p>
      <Async q={list} empty={(l) => !l.datasets.some((d) => d.status === 'published')}>
        {() =>
          detail.error ? (
            <ErrorState error={detail.error} onRetry={detail.reload} />
          ) : run.error ? (
            <ErrorState error={run.error} onRetry={run.reload} />
          ) : report ? (
            <ReportView r={report} stored={detail.data?.quality_report != null} />
          ) : detail.data && !analyst ? (
            <Empty>No quality report is stored with this version; an analyst can run one.</Empty>
          ) : (
            <Loading label="Checking data quality" />
          )
        }
      </Async>
      {chosen !== undefined && (
        <section className="card" aria-labelledby="profiles-title">
          <h2 id="profiles-title">Column profiles</h2>
          <fieldset className="form-row">
            <legend>Tables to profile</legend>
            {PROFILE_TABLES.map((t) => (
              <label key={t} className="check">
                <input
                  type="checkbox"
                  checked={profileTables.includes(t)}
                  onChange={(e) =>
                    setProfileTables(
                      e.target.checked ? [...profileTables, t] : profileTables.filter((x) => x !== t),
                    )
                  }
                />{' '}
                {t}
              </label>
            ))}
          </fieldset>
          {profileTables.length === 0 ? (
            <Empty>Choose a table to see its column profiles.</Empty>
          ) : (
            <Async q={profile}>
              {({ data }) => (
                <>
                  {data.tables.map((t) => (
                    <ColumnProfiles key={t.table} table={t.table} rows={t.rows} columns={t.columns} />
                  ))}
                </>
              )}
            </Async>
          )}
        </section>
      )}
      {history.data && history.data.length > 0 && (
        <Chart
          title="Quality score across versions"
          description={`overall quality score of ${history.data.length} data set versions`}
          data={{
            columns: ['version', 'created_at', 'score', 'status'],
            rows: history.data.map((d) => [
              d.version,
              d.created_at,
              d.quality_report?.scores.overall.score ?? null,
              d.quality_report?.status ?? 'not run',
            ]),
          }}
          option={(c) => ({
            tooltip: tooltip(c, { trigger: 'axis', valueFormatter: (v: number) => decimal(v, 1) }),
            grid: { left: 56, right: 16, top: 16, bottom: 28 },
            xAxis: { type: 'category', data: history.data!.map((d) => `v${d.version}`), ...axis(c) },
            yAxis: {
              type: 'value',
              min: 0,
              max: 100,
              name: 'Score (0–100)',
              ...axis(c),
            },
            series: [
              {
                name: 'Score',
                type: 'line',
                symbolSize: 8,
                connectNulls: false,
                data: history.data!.map((d) => d.quality_report?.scores.overall.score ?? null),
              },
            ],
          })}
        />
      )}
    </section>
  );
}

function ReportView({ r, stored }: { r: QualityReport; stored: boolean }) {
  const failed = r.results.filter((x) => !x.passed && x.status !== 'skipped');
  const dims = Object.entries(r.scores.overall).filter(([k]) => k !== 'score');
  const ruleCols: Column<QualityRule>[] = [
    {
      key: 'severity',
      label: 'Severity',
      value: (x) => x.severity,
      render: (x) => <span className={`tag tag-${x.severity}`}>{x.severity}</span>,
    },
    { key: 'table', label: 'Table', value: (x) => x.table },
    { key: 'rule', label: 'Rule', value: (x) => x.description },
    {
      key: 'failing',
      label: 'Failing rows',
      numeric: true,
      value: (x) => x.failing_count,
      render: (x) => integer(x.failing_count),
    },
    {
      key: 'share',
      label: 'Share',
      numeric: true,
      value: (x) => x.failing_share,
      render: (x) => percent(x.failing_share, 2),
    },
    {
      key: 'examples',
      label: 'Examples',
      sortable: false,
      value: (x) => x.examples.join('; '),
      render: (x) => <code>{x.examples.slice(0, 3).join(', ') || '—'}</code>,
    },
  ];
  type T = QualityReport['tables'][number];
  const tableCols: Column<T>[] = [
    { key: 'table', label: 'Table', value: (t) => t.table },
    { key: 'rows', label: 'Rows', numeric: true, value: (t) => t.rows, render: (t) => integer(t.rows) },
    {
      key: 'nulls',
      label: 'Null cells',
      numeric: true,
      value: (t) => (t.cells ? (t.null_cells ?? 0) / t.cells : null),
      render: (t) => (t.cells ? percent((t.null_cells ?? 0) / t.cells, 2) : '—'),
    },
    {
      key: 'score',
      label: 'Score',
      numeric: true,
      value: (t) => r.scores.tables[t.table]?.score ?? null,
      render: (t) => decimal(r.scores.tables[t.table]?.score ?? null, 1),
    },
    { key: 'rules', label: 'Rules', numeric: true, value: (t) => t.rules },
    { key: 'errors', label: 'Failed errors', numeric: true, value: (t) => t.failed_errors },
    { key: 'warnings', label: 'Failed warnings', numeric: true, value: (t) => t.failed_warnings },
  ];
  return (
    <>
      <p>
        <span className={`tag tag-${r.status}`}>{r.status}</span> {r.summary.passed} of {r.summary.rules}{' '}
        rules passed · {r.summary.failed_errors} errors, {r.summary.failed_warnings} warnings · as of{' '}
        {r.as_of}
        {stored ? '' : ' (computed now, not stored)'}
      </p>
      <div className="kpis">
        <KpiCard
          id="quality-score"
          label="Overall score (0–100)"
          kind="points"
          value={r.scores.overall.score}
          hint="Weighted pass rate, 0–100"
        />
        {dims.map(([k, v]) => (
          <KpiCard
            key={k}
            id={`quality-${k}`}
            label={k[0]!.toUpperCase() + k.slice(1)}
            kind="points"
            value={v}
            hint={`${k} dimension, 0–100`}
          />
        ))}
      </div>
      <DataTable title="Failed rules" rows={failed} columns={ruleCols} rowKey={(x) => x.id} />
      <DataTable
        title="Table profiles"
        rows={r.tables}
        columns={tableCols}
        rowKey={(t) => t.table}
        searchable={false}
      />
      <p className="muted" style={{ fontSize: '0.85rem' }}>
        Column-level profiles of the chosen tables are below (GET /datasets/{'{version}'}/profile).
      </p>
    </>
  );
}

const PROFILE_COLUMNS: Column<ColumnProfile>[] = [
  { key: 'name', label: 'Column', value: (c) => c.name, render: (c) => <code>{c.name}</code> },
  { key: 'type', label: 'Type', value: (c) => c.type },
  {
    key: 'null_share',
    label: 'Null share',
    numeric: true,
    value: (c) => c.null_share,
    render: (c) => percent(c.null_share, 2),
  },
  {
    key: 'distinct',
    label: 'Distinct',
    numeric: true,
    value: (c) => c.distinct,
    render: (c) => `${c.distinct_exact ? '' : '≈ '}${integer(c.distinct)}`,
  },
  { key: 'min', label: 'Min', value: (c) => c.min, render: (c) => <Clipped text={profileValue(c.min)} /> },
  { key: 'max', label: 'Max', value: (c) => c.max, render: (c) => <Clipped text={profileValue(c.max)} /> },
  {
    key: 'mean',
    label: 'Mean',
    numeric: true,
    value: (c) => c.numeric?.mean ?? null,
    render: (c) => profileValue(c.numeric?.mean ?? null),
  },
  {
    key: 'top',
    label: 'Top values',
    sortable: false,
    value: (c) => (c.text?.top_values ?? []).map((v) => `${v.value} (${v.count})`).join('; '),
    render: (c) =>
      c.text?.top_values.length ? (
        <Clipped
          text={c.text.top_values
            .slice(0, 3)
            .map((v) => `${v.value} (${integer(v.count)})`)
            .join(', ')}
        />
      ) : (
        '—'
      ),
  },
];

/** Long ids and values on one line, cut with an ellipsis; the whole text in the tooltip. */
function Clipped({ text }: { text: string }) {
  return (
    <span className="clipped" title={text}>
      {text}
    </span>
  );
}

function ColumnProfiles({ table, rows, columns }: { table: string; rows: number; columns: ColumnProfile[] }) {
  return (
    <DataTable
      title={`${table} (${integer(rows)} rows)`}
      caption={`Column profiles of ${table}`}
      rows={columns}
      columns={PROFILE_COLUMNS}
      rowKey={(c) => c.name}
      searchable={false}
      paginate={false}
    />
  );
}
