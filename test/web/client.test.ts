import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, hasRole, type Session, storageSessionStore } from '../../web/src/api/client.ts';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const tokens = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
  user: { username: 'ana', role: 'analyst' },
});

/** A fake API: access-N is valid when N is the latest issued; refresh-N may be spent once. */
function fakeApi() {
  let latest = 1;
  const spent = new Set<string>();
  const calls: string[] = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const path = url.replace(/^.*\/api\/v1/, '');
    const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
    calls.push(`${init?.method ?? 'GET'} ${path}${auth ? ` ${auth}` : ''}`);
    if (path === '/auth/login') return json(200, tokens(latest));
    if (path === '/auth/refresh') {
      const { refresh_token } = JSON.parse(String(init?.body));
      if (spent.has(refresh_token) || refresh_token !== `refresh-${latest}`)
        return json(401, { code: 'UNAUTHENTICATED', detail: 'refresh token invalid' });
      spent.add(refresh_token);
      latest += 1;
      return json(200, tokens(latest));
    }
    if (auth !== `Bearer access-${latest}`)
      return json(401, { code: 'UNAUTHENTICATED', detail: 'token expired' });
    if (path === '/forbidden')
      return json(403, { code: 'FORBIDDEN', detail: 'needs admin', request_id: 'r1' });
    return json(200, { ok: true, path });
  });
  return {
    fetch,
    calls,
    bump: () => {
      latest += 1;
    },
  };
}

describe('API client', () => {
  it('signs in, sends the bearer token, keeps the session in storage', async () => {
    const api = fakeApi();
    const storage = memoryStorage();
    const c = new ApiClient({ fetch: api.fetch, store: storageSessionStore(storage) });
    await c.login('ana', 'pw');
    expect(JSON.parse(storage.getItem('olist.session')!).access_token).toBe('access-1');
    await expect(c.get('/x')).resolves.toEqual({ ok: true, path: '/x' });
    expect(api.calls.at(-1)).toBe('GET /x Bearer access-1');
    // A new client over the same storage (a reload) is still signed in.
    const again = new ApiClient({ fetch: api.fetch, store: storageSessionStore(storage) });
    expect(again.session?.user.username).toBe('ana');
  });

  it('refreshes once on 401 and retries; concurrent calls share the refresh', async () => {
    const api = fakeApi();
    let stored: Session | null = null;
    const store = {
      load: () => stored,
      save: (s: Session | null) => {
        stored = s;
      },
    };
    const c = new ApiClient({ fetch: api.fetch, store });
    await c.login('ana', 'pw');
    // The server moves on (the access token expired): the stored one is now stale.
    stored = { ...stored!, access_token: 'access-0' };
    const [a, b, d] = await Promise.all([c.get('/a'), c.get('/b'), c.get('/c')]);
    expect([a, b, d]).toEqual([
      { ok: true, path: '/a' },
      { ok: true, path: '/b' },
      { ok: true, path: '/c' },
    ]);
    expect(api.calls.filter((x) => x.startsWith('POST /auth/refresh'))).toHaveLength(1);
    expect(stored!.access_token).toBe('access-2');
  });

  it('when the refresh fails: clears the session and calls onExpired', async () => {
    const api = fakeApi();
    const storage = memoryStorage();
    const onExpired = vi.fn();
    const c = new ApiClient({ fetch: api.fetch, store: storageSessionStore(storage), onExpired });
    await c.login('ana', 'pw');
    api.bump();
    api.bump(); // both the access and the refresh token are stale now
    await expect(c.get('/a')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(c.session).toBeNull();
    expect(storage.getItem('olist.session')).toBeNull();
  });

  it('turns problem documents and network failures into ApiError', async () => {
    const api = fakeApi();
    const c = new ApiClient({ fetch: api.fetch, store: storageSessionStore(memoryStorage()) });
    await c.login('ana', 'pw');
    const err = await c.get('/forbidden').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN', message: 'needs admin', requestId: 'r1' });
    const down = new ApiClient({
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
      store: storageSessionStore(memoryStorage()),
    });
    await expect(down.get('/x')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('signs out: revokes the refresh token and forgets the session', async () => {
    const api = fakeApi();
    const c = new ApiClient({ fetch: api.fetch, store: storageSessionStore(memoryStorage()) });
    const seen: (Session | null)[] = [];
    c.onSession((s) => seen.push(s));
    await c.login('ana', 'pw');
    await c.logout();
    expect(c.session).toBeNull();
    expect(seen.map((s) => s?.user.username ?? null)).toEqual(['ana', null]);
    expect(api.calls.at(-1)).toBe('POST /auth/logout Bearer access-1');
  });

  it('ranks roles and ignores corrupt stored sessions', () => {
    expect(hasRole('admin', 'analyst')).toBe(true);
    expect(hasRole('viewer', 'analyst')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
    const s = memoryStorage();
    s.setItem('olist.session', '{not json');
    expect(storageSessionStore(s).load()).toBeNull();
  });
});
