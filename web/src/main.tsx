import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProvider, initialTheme, navigate, useApp } from './app.tsx';
import { Login, loginHash, safeNext } from './Login.tsx';
import { Shell } from './Shell.tsx';
import './theme.css';

document.documentElement.dataset.theme = initialTheme();

function Root() {
  const { session, route } = useApp();
  const atLogin = route.path === '/login';
  useEffect(() => {
    if (!session && !atLogin) {
      const next = `${route.path}${route.params.size ? `?${route.params}` : ''}`;
      navigate(loginHash(next), true);
    } else if (session && atLogin) navigate(`#${safeNext(route.params.get('next'))}`, true);
  }, [session, atLogin, route]);
  if (!session || atLogin) return <Login />;
  return <Shell />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider>
      <Root />
    </AppProvider>
  </StrictMode>,
);
