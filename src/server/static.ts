/**
 * Serves the built app. Hashed files under /assets/ are cached for a year; everything else (the
 * app shell, the service worker, the manifest) is revalidated on every load, so a new version is
 * found as soon as it is deployed. Any other path that is not a file gets the app shell, so deep
 * links work; /api/ paths never do.
 *
 * A text file is sent as the brotli or gzip copy the build made beside it (vite.config.ts) when
 * the browser accepts that encoding, with Content-Encoding and Vary: Accept-Encoding. A copy older
 * than its file (the file was replaced after the build) is never sent: the file itself is.
 */
import { statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, Next } from 'hono';

const COPIES = ['.br', '.gz'];

const modified = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Whether every compressed copy beside this file was made from it (is not older than it). */
export function copiesAreCurrent(file: string): boolean {
  const original = modified(file);
  if (original === undefined) return true;
  return COPIES.every((suffix) => (modified(file + suffix) ?? original) >= original);
}

/** The file a request path names under root, for looking at its dates only (serveStatic guards the serving). */
function fileFor(root: string, path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return join(root, normalize(decoded.endsWith('/') ? `${decoded}index.html` : decoded));
}

export function serveApp(app: Hono, root: string): void {
  app.use('*', async (c, next) => {
    await next();
    if (c.req.path.startsWith('/api/')) return;
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    // Also on an answer sent uncompressed: a cache in between must not hand it to every browser.
    if (!/accept-encoding/i.test(c.res.headers.get('vary') ?? '')) c.header('Vary', 'Accept-Encoding', { append: true });
  });
  const either = (path?: string) => {
    const compressed = serveStatic({ root, precompressed: true, ...(path ? { path } : {}) });
    const plain = serveStatic({ root, ...(path ? { path } : {}) });
    return (c: Context, next: Next) => (copiesAreCurrent(fileFor(root, path ?? c.req.path)) ? compressed : plain)(c, next);
  };
  app.use('*', either());
  const appShell = either('index.html');
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
    return appShell(c, next);
  });
}
