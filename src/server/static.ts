/**
 * Serves the built app. Hashed files under /assets/ are cached for a year; everything else (the
 * app shell, the service worker, the manifest) is revalidated on every load, so a new version is
 * found as soon as it is deployed. Any other path that is not a file gets the app shell, so deep
 * links work; /api/ paths never do.
 */
import { access } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

export function serveApp(app: Hono, root: string): void {
  app.use('*', async (c, next) => {
    await next();
    if (c.req.path.startsWith('/api/')) return;
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  app.use('*', serveStatic({ root }));
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/')) return next();
    const shell = join(root, 'index.html');
    // A path with a file extension that was not found is a missing file, not a deep link.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return next();
    try {
      await access(normalize(shell));
    } catch {
      return c.text('Waymark is not built yet: run `npm run build`.', 503);
    }
    return serveStatic({ root, path: 'index.html' })(c, next);
  });
}
