/**
 * `npm start`: the school's Waymark server. PORT (default 8080) and HOST (default 0.0.0.0, so
 * tablets on the school network reach it) choose where it listens; DATA_DIR (default ./data) where
 * its one SQLite file lives.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApp } from './app.ts';
import { openSqliteStore } from './sqlite-store.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? '0.0.0.0';
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const staticDir = process.env.WAYMARK_STATIC_DIR ?? fileURLToPath(new URL('../../dist', import.meta.url));

const store = openSqliteStore(dataDir, (upgrade) =>
  log.info(
    { dataDir, ...upgrade },
    'upgrading the database for this release, after copying it as it was; a large school’s can take a few minutes',
  ),
);
const server = serve({ fetch: createApp({ staticDir, store, logger: log }).fetch, port, hostname }, (info) => {
  log.info({ url: `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}`, dataDir, staticDir }, 'Waymark is running');
});

// Stop taking new connections, let syncs in flight finish, then close the database cleanly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping');
    server.close(() => {
      store.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
