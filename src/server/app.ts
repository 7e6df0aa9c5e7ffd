import { Hono } from 'hono';
import { serveApp } from './static.ts';

export const VERSION = process.env.npm_package_version ?? '0.1.0';

export interface ServerOptions {
  /** The built app to serve (`dist/`). */
  staticDir: string;
}

/** The school endpoint: the app and its API from one origin. */
export function createApp(options: ServerOptions): Hono {
  const app = new Hono();
  app.get('/api/v1/health', (c) => c.json({ ok: true, version: VERSION }));
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: `No such API: ${c.req.method} ${c.req.path}` } }, 404));
  serveApp(app, options.staticDir);
  return app;
}
