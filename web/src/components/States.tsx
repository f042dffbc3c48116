import { ApiError } from '../api/client.ts';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </div>
  );
}

export function Empty({ children = 'No data for these filters.' }: { children?: React.ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      {children}
    </div>
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return 'Your role may not see this. Ask an administrator for the analyst role.';
    if (err.code === 'NO_DATASET')
      return 'No data set is loaded yet. An administrator can upload one under Admin.';
    if (err.code === 'TIMEOUT') return 'The analysis took too long on the server. Try narrower filters.';
    return `${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div className={`state state-error${forbidden ? ' state-forbidden' : ''}`} role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry && !forbidden && (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Loading / error / empty / content for one query. */
export function Async<T>({
  q,
  empty,
  children,
}: {
  q: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  empty?: (d: T) => boolean;
  children: (d: T) => React.ReactNode;
}) {
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (q.data === undefined) return <Loading />;
  if (empty?.(q.data)) return <Empty />;
  return <>{children(q.data)}</>;
}
