import { useEffect, useState } from 'react';

/**
 * A small result cache keyed by request (method, path, body): a page seen once shows at once when
 * revisited, and concurrent identical requests share one fetch.
 */
interface Entry {
  promise: Promise<unknown>;
  data?: unknown;
  error?: unknown;
  at: number;
}
const cache = new Map<string, Entry>();
const MAX_AGE_MS = 5 * 60_000;

export function clearQueryCache(): void {
  cache.clear();
}

export function fetchCached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < MAX_AGE_MS && hit.error === undefined) return hit.promise as Promise<T>;
  const entry: Entry = { promise: Promise.resolve(), at: Date.now() };
  entry.promise = load().then(
    (data) => {
      entry.data = data;
      return data;
    },
    (err: unknown) => {
      entry.error = err;
      cache.delete(key);
      throw err;
    },
  );
  cache.set(key, entry);
  return entry.promise as Promise<T>;
}

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `key` with `load` (null key: nothing to load). Cached data shows synchronously. */
export function useQuery<T>(key: string | null, load: () => Promise<T>): QueryState<T> {
  const cached = key ? cache.get(key) : undefined;
  const initial = cached && cached.data !== undefined ? (cached.data as T) : undefined;
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: unknown }>({
    key,
    data: initial,
    error: undefined,
  });
  const [nonce, setNonce] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is re-created each render; the key names the request.
  useEffect(() => {
    if (!key) return;
    let alive = true;
    const hit = cache.get(key);
    if (hit?.data !== undefined && nonce === 0) {
      setState({ key, data: hit.data as T, error: undefined });
      return;
    }
    if (nonce > 0) cache.delete(key);
    setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: undefined }));
    fetchCached(key, load).then(
      (data) => alive && setState({ key, data, error: undefined }),
      (error: unknown) => alive && setState({ key, data: undefined, error }),
    );
    return () => {
      alive = false;
    };
  }, [key, nonce]);
  const fresh = state.key === key;
  const data = fresh ? state.data : initial;
  return {
    data,
    error: fresh ? state.error : undefined,
    loading: key !== null && data === undefined && (!fresh || state.error === undefined),
    reload: () => setNonce((n) => n + 1),
  };
}
