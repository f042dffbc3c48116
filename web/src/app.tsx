import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { ApiClient, type Session, storageSessionStore } from './api/client.ts';
import {
  type Filters,
  filtersFromParams,
  formatHash,
  parseHash,
  type Route,
  withFilters,
} from './state/filters.ts';
import { clearQueryCache } from './state/query.ts';

export type Theme = 'light' | 'dark';
const THEME_KEY = 'olist.theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function subscribeHash(fn: () => void) {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
}

export function navigate(hash: string, replace = false): void {
  const h = hash.startsWith('#') ? hash : `#${hash}`;
  if (replace) {
    history.replaceState(null, '', h);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = h;
}

/** The current location (hash) to come back to after signing in again. */
function currentNext(): string {
  const r = parseHash(window.location.hash);
  return r.path === '/login'
    ? (r.params.get('next') ?? '/overview')
    : `${r.path}${r.params.size ? `?${r.params}` : ''}`;
}

export const client = new ApiClient({
  fetch: (input, init) => fetch(input, init),
  store: storageSessionStore(localStorage),
  onExpired: () => {
    clearQueryCache();
    navigate(formatHash('/login', new URLSearchParams({ next: currentNext(), expired: '1' })), true);
  },
});

interface AppContextValue {
  session: Session | null;
  route: Route;
  filters: Filters;
  setFilters: (f: Filters) => void;
  theme: Theme;
  setTheme: (t: Theme) => void;
}
const Ctx = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}

export function AppProvider({ children }: { children: React.ReactNode }) {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  const route = useMemo(() => parseHash(hash), [hash]);
  const filters = useMemo(() => filtersFromParams(route.params), [route]);
  const [session, setSession] = useState<Session | null>(client.session);
  const [theme, setThemeState] = useState<Theme>(initialTheme);

  useEffect(() => client.onSession(setSession), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const setTheme = useCallback((t: Theme) => {
    localStorage.setItem(THEME_KEY, t);
    setThemeState(t);
  }, []);
  const setFilters = useCallback(
    (f: Filters) => {
      const params = withFilters(route.params, f);
      // A page index or cursor belongs to the old filters.
      params.delete('page');
      params.delete('after');
      navigate(formatHash(route.path, params));
    },
    [route],
  );

  const value = useMemo(
    () => ({ session, route, filters, setFilters, theme, setTheme }),
    [session, route, filters, setFilters, theme, setTheme],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
