/**
 * `npm start`: the school's Waymark server. PORT (default 8080) and HOST (default 0.0.0.0 so
 * tablets on the school network reach it) choose where it listens.
 */

import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? '0.0.0.0';
const staticDir = process.env.WAYMARK_STATIC_DIR ?? fileURLToPath(new URL('../../dist', import.meta.url));

const server = serve({ fetch: createApp({ staticDir }).fetch, port, hostname }, (info) => {
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'Waymark is running',
      url: `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${info.port}`,
      staticDir,
    }),
  );
});

// Stop taking new connections and let requests in flight finish before exiting.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(JSON.stringify({ level: 'info', msg: `Stopping (${signal})` }));
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
