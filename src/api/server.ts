import type { AppContext } from '../app/context.ts';
import { type ApiApp, type BuildAppOptions, buildApp } from './app.ts';

export interface StartServerOptions extends BuildAppOptions {
  /** Default: config server.host. */
  readonly host?: string;
  /** Default: config server.port (0 picks a free port). */
  readonly port?: number;
  /** Install SIGTERM/SIGINT handlers that shut down gracefully (default true). */
  readonly handleSignals?: boolean;
  /** Called once the server has stopped after a signal (default: set the exit code and let the process end). */
  readonly onSignalShutdown?: (signal: NodeJS.Signals, clean: boolean) => void;
}

export interface RunningServer {
  readonly app: ApiApp;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish, stops jobs, closes the
   * databases; gives up waiting after server.shutdown_timeout_ms. True when everything closed in time.
   */
  close(): Promise<boolean>;
}

/** Builds the API on `ctx` and listens; the server owns the context from here on and closes it. */
export async function startServer(ctx: AppContext, opts: StartServerOptions = {}): Promise<RunningServer> {
  const { config } = ctx.loaded;
  const app = await buildApp(ctx, { closeContext: true, ...opts });
  const host = opts.host ?? config.server.host;
  await app.listen({ host, port: opts.port ?? config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? config.server.port);
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  const timeoutMs = config.server.shutdown_timeout_ms;

  let closing: Promise<boolean> | undefined;
  let removeSignalHandlers = () => {};
  const close = (): Promise<boolean> => {
    closing ??= (async () => {
      removeSignalHandlers();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      // Keep-alive connections become idle once their in-flight request is answered: close them then,
      // rather than waiting for their keep-alive timeout.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      const clean = await Promise.race([app.close().then(() => true as const), timedOut]);
      clearInterval(sweep);
      clearTimeout(timer);
      if (!clean) {
        app.log.warn(`shutdown: still busy after ${timeoutMs} ms, closing connections`);
        app.server.closeAllConnections();
        await ctx.close().catch(() => undefined);
      }
      return clean;
    })();
    return closing;
  };

  if (opts.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, `${signal}: shutting down (at most ${timeoutMs} ms)`);
      void close().then((clean) => {
        if (opts.onSignalShutdown) opts.onSignalShutdown(signal, clean);
        else {
          process.exitCode = clean ? 0 : 1;
          // Anything still holding the event loop after a bounded shutdown must not keep the process up.
          setTimeout(() => process.exit(), 1000).unref();
        }
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    removeSignalHandlers = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    };
  }
  app.log.info({ url }, `listening on ${url}`);
  return { app, url, port, close };
}
