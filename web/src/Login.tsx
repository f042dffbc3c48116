import { useId, useState } from 'react';
import { client, navigate, useApp } from './app.tsx';
import { errorMessage } from './components/States.tsx';
import { formatHash, safeNext } from './state/filters.ts';

export function Login() {
  const { route, theme, setTheme } = useApp();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const expired = route.params.get('expired') === '1';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.login(username, password);
      navigate(`#${safeNext(route.params.get('next'))}`, true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Olist Analytics</h1>
        <p className="muted">Sign in to the dashboard.</p>
        {expired && !error && (
          <p className="notice" role="status">
            Your session ended. Sign in again to return to the page you were on.
          </p>
        )}
        {error && (
          <p className="state state-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-user`}>Username</label>
          <input
            id={`${id}-user`}
            name="username"
            className="input"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-pw`}>Password</label>
          <input
            id={`${id}-pw`}
            name="password"
            type="password"
            className="input"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <button
          type="button"
          className="btn btn-small btn-link"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </form>
    </main>
  );
}

export { safeNext };

export function loginHash(next: string): string {
  return formatHash('/login', new URLSearchParams({ next }));
}
