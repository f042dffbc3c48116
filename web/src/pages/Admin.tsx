import { useId, useState } from 'react';
import type { ApiKey, AuditEntry, Dataset, User } from '../api/types.ts';
import { client, navigate, useApp } from '../app.tsx';
import { type Column, DataTable, Pager } from '../components/DataTable.tsx';
import { Async, errorMessage } from '../components/States.tsx';
import { integer } from '../format.ts';
import { useGet } from '../state/api.ts';
import { formatHash } from '../state/filters.ts';
import { clearQueryCache } from '../state/query.ts';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'API keys' },
  { id: 'datasets', label: 'Data sets' },
  { id: 'audit', label: 'Audit log' },
] as const;

function useAction() {
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<string>, after?: () => void) => {
    setBusy(true);
    setMsg(null);
    try {
      setMsg({ kind: 'ok', text: await fn() });
      after?.();
    } catch (err) {
      setMsg({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const view = msg ? (
    <p
      className={msg.kind === 'ok' ? 'notice' : 'state state-error'}
      role={msg.kind === 'ok' ? 'status' : 'alert'}
    >
      {msg.text}
    </p>
  ) : null;
  return { run, busy, view };
}

export default function Admin() {
  const { route } = useApp();
  const tab = TABS.find((t) => t.id === route.params.get('tab'))?.id ?? 'users';
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Admin</h1>
      </div>
      <nav className="form-row" aria-label="Admin sections">
        <div className="segmented">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              aria-pressed={tab === t.id}
              onClick={() => navigate(formatHash('/admin', new URLSearchParams({ tab: t.id })))}
            >
              {t.label}
            </button>
          ))}
        </div>
      </nav>
      {tab === 'users' && <Users />}
      {tab === 'keys' && <Keys />}
      {tab === 'datasets' && <Datasets />}
      {tab === 'audit' && <Audit />}
    </section>
  );
}

function Users() {
  const q = useGet<{ users: User[] }>('/users');
  const a = useAction();
  const id = useId();
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer' });
  const patch = (u: User, body: Record<string, unknown>, what: string) =>
    a.run(async () => {
      await client.request(`/users/${encodeURIComponent(u.username)}`, { method: 'PATCH', body });
      return `${u.username}: ${what}`;
    }, q.reload);
  const cols: Column<User>[] = [
    { key: 'username', label: 'Username', value: (u) => u.username },
    {
      key: 'role',
      label: 'Role',
      value: (u) => u.role,
      render: (u) => (
        <select
          className="input input-small"
          aria-label={`Role of ${u.username}`}
          value={u.role}
          disabled={a.busy}
          onChange={(e) => patch(u, { role: e.target.value }, `role set to ${e.target.value}`)}
        >
          <option value="viewer">viewer</option>
          <option value="analyst">analyst</option>
          <option value="admin">admin</option>
        </select>
      ),
    },
    { key: 'status', label: 'Status', value: (u) => (u.disabled ? 'disabled' : 'active') },
    {
      key: 'last',
      label: 'Last sign-in',
      value: (u) => u.last_login_at?.slice(0, 16).replace('T', ' ') ?? '—',
    },
    {
      key: 'actions',
      label: 'Actions',
      sortable: false,
      value: () => '',
      render: (u) => (
        <button
          type="button"
          className="btn btn-small"
          disabled={a.busy}
          onClick={() => patch(u, { disabled: !u.disabled }, u.disabled ? 'enabled' : 'disabled')}
        >
          {u.disabled ? 'Enable' : 'Disable'} <span className="sr-only">{u.username}</span>
        </button>
      ),
    },
  ];
  return (
    <>
      {a.view}
      <form
        className="card form-row"
        aria-label="Create a user"
        onSubmit={(e) => {
          e.preventDefault();
          a.run(async () => {
            await client.post('/users', form);
            setForm({ username: '', password: '', role: 'viewer' });
            return `user ${form.username} created`;
          }, q.reload);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-u`}>Username</label>
          <input
            id={`${id}-u`}
            className="input"
            required
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-p`}>Password</label>
          <input
            id={`${id}-p`}
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </div>
        <RoleField id={`${id}-r`} value={form.role} onChange={(role) => setForm({ ...form, role })} />
        <button type="submit" className="btn btn-primary" disabled={a.busy}>
          Create user
        </button>
      </form>
      <Async q={q}>
        {(d) => <DataTable title="Users" rows={d.users} columns={cols} rowKey={(u) => u.username} />}
      </Async>
    </>
  );
}

/** The role picker of the user and API-key forms. */
function RoleField(props: { id: string; value: string; onChange: (role: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>Role</label>
      <select
        id={props.id}
        className="input"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="viewer">viewer</option>
        <option value="analyst">analyst</option>
        <option value="admin">admin</option>
      </select>
    </div>
  );
}

function Keys() {
  const q = useGet<{ api_keys: ApiKey[] }>('/api-keys');
  const a = useAction();
  const id = useId();
  const [form, setForm] = useState({ name: '', role: 'viewer' });
  const [shown, setShown] = useState<string | null>(null);
  const cols: Column<ApiKey>[] = [
    { key: 'name', label: 'Name', value: (k) => k.name },
    { key: 'prefix', label: 'Key starts', value: (k) => k.prefix, render: (k) => <code>{k.prefix}…</code> },
    { key: 'role', label: 'Role', value: (k) => k.role },
    { key: 'created', label: 'Created', value: (k) => k.created_at.slice(0, 10) },
    { key: 'used', label: 'Last used', value: (k) => k.last_used_at?.slice(0, 10) ?? '—' },
    { key: 'status', label: 'Status', value: (k) => (k.revoked_at ? 'revoked' : 'active') },
    {
      key: 'actions',
      label: 'Actions',
      sortable: false,
      value: () => '',
      render: (k) =>
        k.revoked_at ? null : (
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={a.busy}
            onClick={() =>
              a.run(async () => {
                await client.request(`/api-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
                return `key ${k.name} revoked`;
              }, q.reload)
            }
          >
            Revoke <span className="sr-only">{k.name}</span>
          </button>
        ),
    },
  ];
  return (
    <>
      {a.view}
      {shown && (
        <p className="notice" role="status">
          New key (shown once, copy it now): <code>{shown}</code>
        </p>
      )}
      <form
        className="card form-row"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          a.run(async () => {
            const r = await client.post<{ key: string }>('/api-keys', form);
            setShown(r.key);
            setForm({ name: '', role: 'viewer' });
            return `key ${form.name} created`;
          }, q.reload);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-n`}>Name</label>
          <input
            id={`${id}-n`}
            className="input"
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </div>
        <RoleField id={`${id}-r`} value={form.role} onChange={(role) => setForm({ ...form, role })} />
        <button type="submit" className="btn btn-primary" disabled={a.busy}>
          Create key
        </button>
      </form>
      <Async q={q}>
        {(d) => <DataTable title="API keys" rows={d.api_keys} columns={cols} rowKey={(k) => k.id} />}
      </Async>
    </>
  );
}

function Datasets() {
  const q = useGet<{ datasets: Dataset[] }>('/datasets?include_failed=true');
  const a = useAction();
  const id = useId();
  const cols: Column<Dataset>[] = [
    { key: 'version', label: 'Version', numeric: true, value: (d) => d.version },
    { key: 'status', label: 'Status', value: (d) => `${d.status}${d.is_current ? ' (current)' : ''}` },
    { key: 'created', label: 'Loaded', value: (d) => d.created_at.slice(0, 16).replace('T', ' ') },
    {
      key: 'orders',
      label: 'Orders',
      numeric: true,
      value: (d) => d.row_counts.orders ?? null,
      render: (d) => integer(d.row_counts.orders ?? null),
    },
    { key: 'source', label: 'Source', value: (d) => d.source },
    {
      key: 'actions',
      label: 'Actions',
      sortable: false,
      value: () => '',
      render: (d) =>
        d.status === 'published' && !d.is_current ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={a.busy}
            onClick={() =>
              a.run(async () => {
                await client.request('/datasets/current', { method: 'PUT', body: { version: d.version } });
                clearQueryCache();
                return `version ${d.version} is now current`;
              }, q.reload)
            }
          >
            Make current <span className="sr-only">version {d.version}</span>
          </button>
        ) : null,
    },
  ];
  return (
    <>
      {a.view}
      <form
        className="card form-row"
        aria-label="Upload a data set"
        onSubmit={(e) => {
          e.preventDefault();
          const formEl = e.currentTarget;
          const data = new FormData(formEl);
          // The API makes an upload current unless told otherwise: always say which.
          const current = formEl.elements.namedItem('make_current') as HTMLInputElement | null;
          data.set('make_current', current?.checked ? 'true' : 'false');
          a.run(async () => {
            const r = await client.request<{ version: number }>('/datasets', { method: 'POST', body: data });
            formEl.reset();
            clearQueryCache();
            return `uploaded as version ${r.version}`;
          }, q.reload);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-f`}>Olist CSV files (all nine)</label>
          <input id={`${id}-f`} name="files" type="file" accept=".csv,text/csv" multiple required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-c`}>
            <input id={`${id}-c`} name="make_current" type="checkbox" value="true" defaultChecked /> Make
            current
          </label>
        </div>
        <button type="submit" className="btn btn-primary" disabled={a.busy}>
          {a.busy ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      <Async q={q}>
        {(d) => (
          <DataTable
            title="Data set versions"
            rows={d.datasets}
            columns={cols}
            rowKey={(x) => String(x.version)}
          />
        )}
      </Async>
    </>
  );
}

const AUDIT_PAGE = 25;
function Audit() {
  const [page, setPage] = useState(0);
  const q = useGet<{ total: number; entries: AuditEntry[] }>(
    `/audit?limit=${AUDIT_PAGE}&offset=${page * AUDIT_PAGE}`,
  );
  const cols: Column<AuditEntry>[] = [
    { key: 'ts', label: 'Time (UTC)', value: (e) => e.ts.slice(0, 19).replace('T', ' ') },
    { key: 'action', label: 'Action', value: (e) => e.action },
    { key: 'actor', label: 'Actor', value: (e) => `${e.actor ?? '—'} (${e.actor_type})` },
    { key: 'outcome', label: 'Outcome', value: (e) => e.outcome },
    {
      key: 'params',
      label: 'Parameters',
      sortable: false,
      value: (e) => JSON.stringify(e.params),
      render: (e) => <code>{JSON.stringify(e.params).slice(0, 120)}</code>,
    },
  ];
  return (
    <Async q={q}>
      {(d) => (
        <>
          <DataTable
            title="Audit log"
            rows={d.entries}
            columns={cols}
            rowKey={(e) => String(e.id)}
            paginate={false}
          />
          <Pager
            page={page}
            pages={Math.max(1, Math.ceil(d.total / AUDIT_PAGE))}
            total={d.total}
            onPage={setPage}
            label="Audit log"
          />
        </>
      )}
    </Async>
  );
}
