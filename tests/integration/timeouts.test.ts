/**
 * Tablets that stall: a request whose headers or body never finish arriving, a connection on which
 * nothing moves. The server lets each go after its time instead of holding it (and the memory
 * behind it) for as long as it runs. Real connections to a real Node server on 127.0.0.1, with the
 * limits shortened; each test waits for the server to close the connection, never for a time.
 * (A connection kept open after its answer is closed by Node's own keep-alive limit.)
 */

import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { closeIdleConnections, serverOptions, type Timeouts } from '../../src/server/timeouts.ts';

/** One server to show each limit, the others far off, so that no test depends on which comes first. */
const ONLY_IDLE: Timeouts = { requestMs: 60_000, headersMs: 60_000, idleMs: 500, checkEveryMs: 100 };
const ONLY_REQUEST: Timeouts = { requestMs: 800, headersMs: 400, idleMs: 60_000, checkEveryMs: 100 };

const store = openSqliteStore(':memory:');
const servers: ReturnType<typeof serve>[] = [];
const ports = { idle: 0, request: 0 };
beforeAll(async () => {
  const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }) });
  const start = (t: Timeouts) =>
    new Promise<number>((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0, serverOptions: serverOptions(t) }, (info) =>
        resolve(info.port),
      );
      closeIdleConnections(server as Server, t);
      servers.push(server);
    });
  ports.idle = await start(ONLY_IDLE);
  ports.request = await start(ONLY_REQUEST);
});
afterAll(async () => {
  for (const server of servers) {
    (server as Server).closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  store.close();
});

/**
 * A raw connection that sends `text`, then `trickle` one byte every 100 ms; resolves with what came
 * back once the server closed it.
 */
function stall(port: number, text: string, trickle = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      let i = 0;
      timer = setInterval(() => {
        if (i < trickle.length && !socket.destroyed) socket.write(trickle[i++] as string);
      }, 100);
    });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    });
    socket.on('error', reject);
  });
}

const ENROL_HEADERS = 'POST /api/v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 3000\r\n\r\n';

describe('a tablet that stalls', () => {
  it('mid-body, sending nothing more, is let go once the connection is idle, with nothing of it kept', async () => {
    expect(await stall(ports.idle, `${ENROL_HEADERS}{"protocol":1,`)).toBe('');
  }, 15_000);

  it('sending its body a byte at a time, never idle, is answered 408 once the request is past its time', async () => {
    expect(await stall(ports.request, ENROL_HEADERS, 'x'.repeat(100))).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);

  it('mid-headers is answered 408 and let go', async () => {
    expect(await stall(ports.request, 'POST /api/v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n')).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);
});
