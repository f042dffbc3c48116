/**
 * The API client: bearer token on every call, one refresh on 401 (shared by concurrent calls,
 * since refresh tokens are single use), then `onExpired` (the app goes to sign-in, keeping `?next=`).
 * No DOM: fetch and storage are injected (tested under test/web).
 */

export type Role = 'admin' | 'analyst' | 'viewer';

export interface Session {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly user: { readonly username: string; readonly role: Role };
}

export interface SessionStore {
  load(): Session | null;
  save(session: Session | null): void;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A problem+json error from the API (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** Whether `role` may do what `needed` may. */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLE_RANK[role] >= ROLE_RANK[needed];
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  user: { username: string; role: Role };
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

export class ApiClient {
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<(s: Session | null) => void>();

  constructor(
    private readonly opts: {
      fetch: FetchLike;
      store: SessionStore;
      /** Called once the session cannot be renewed. */
      onExpired?: () => void;
      base?: string;
    },
  ) {}

  get session(): Session | null {
    return this.opts.store.load();
  }

  onSession(fn: (s: Session | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setSession(s: Session | null): void {
    this.opts.store.save(s);
    for (const fn of this.listeners) fn(s);
  }

  private url(path: string): string {
    return `${this.opts.base ?? ''}/api/v1${path}`;
  }

  private static async errorOf(res: Response): Promise<ApiError> {
    let code = `HTTP_${res.status}`;
    let message = res.statusText || `request failed (${res.status})`;
    let requestId = res.headers.get('x-request-id') ?? undefined;
    try {
      const body = (await res.json()) as { code?: string; detail?: string; request_id?: string };
      if (body.code) code = body.code;
      if (body.detail) message = body.detail;
      if (body.request_id) requestId = body.request_id;
    } catch {
      // not JSON: keep the status line
    }
    return new ApiError(res.status, code, message, requestId);
  }

  async login(username: string, password: string): Promise<Session> {
    const res = await this.opts.fetch(this.url('/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!res.ok) throw await ApiClient.errorOf(res);
    const t = (await res.json()) as TokenResponse;
    const s: Session = { access_token: t.access_token, refresh_token: t.refresh_token, user: t.user };
    this.setSession(s);
    return s;
  }

  async logout(): Promise<void> {
    const s = this.session;
    this.setSession(null);
    if (!s) return;
    try {
      await this.opts.fetch(this.url('/auth/logout'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.access_token}` },
        body: JSON.stringify({ refresh_token: s.refresh_token }),
      });
    } catch {
      // signed out locally either way
    }
  }

  /** Renews the tokens once for all callers waiting on a 401. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const s = this.session;
      if (!s) return false;
      try {
        const res = await this.opts.fetch(this.url('/auth/refresh'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: s.refresh_token }),
        });
        if (!res.ok) return false;
        const t = (await res.json()) as TokenResponse;
        this.setSession({ access_token: t.access_token, refresh_token: t.refresh_token, user: t.user });
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A raw response (for downloads); throws ApiError on failure. */
  async fetchRaw(path: string, o: RequestOptions = {}): Promise<Response> {
    const send = (token: string | undefined) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: FormData | string | undefined;
      if (o.body instanceof FormData) body = o.body;
      else if (o.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.body);
      }
      return this.opts.fetch(this.url(path), {
        method: o.method ?? 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    };
    let res: Response;
    try {
      res = await send(this.session?.access_token);
      if (res.status === 401 && this.session) {
        const sentWith = this.session.access_token;
        // Another call may have refreshed meanwhile: then just retry with the new token.
        const ok = this.refreshing
          ? await this.refreshing
          : sentWith !== this.session?.access_token || (await this.refresh());
        if (ok) res = await send(this.session?.access_token);
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', 'the server could not be reached');
    }
    if (res.status === 401) {
      if (this.session) this.setSession(null);
      this.opts.onExpired?.();
      throw await ApiClient.errorOf(res);
    }
    if (!res.ok) throw await ApiClient.errorOf(res);
    return res;
  }

  async request<T>(path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.fetchRaw(path, o);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, signal ? { signal } : {});
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, { method: 'POST', body });
  }
}

/** A session store over Web Storage (localStorage in the app). */
export function storageSessionStore(
  storage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  },
  key = 'olist.session',
): SessionStore {
  return {
    load() {
      try {
        const raw = storage.getItem(key);
        if (!raw) return null;
        const s = JSON.parse(raw) as Session;
        return s?.access_token && s.refresh_token && s.user ? s : null;
      } catch {
        return null;
      }
    },
    save(s) {
      if (s) storage.setItem(key, JSON.stringify(s));
      else storage.removeItem(key);
    },
  };
}
