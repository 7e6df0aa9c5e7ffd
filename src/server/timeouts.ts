/**
 * How long the server waits on a tablet. A request that never finishes arriving, or an answer
 * never read, holds memory and a connection until the server lets go: without limits, 40 stalled
 * enrolments or 20 unread pull answers held hundreds of MB for as long as the process ran. The
 * limits sit well above what the slowest school Wi-Fi needs (a 5 MB push at 1 Mbit/s takes 40 s).
 */
import type { Server } from 'node:http';

export interface Timeouts {
  /** The whole request, headers and body, must have arrived by then. */
  requestMs: number;
  /** The request's headers must have arrived by then. */
  headersMs: number;
  /** A connection on which nothing moves either way (an answer not read) is closed after this. */
  idleMs: number;
  /** How often Node looks for requests past their time. */
  checkEveryMs: number;
}

export const TIMEOUTS: Timeouts = { requestMs: 120_000, headersMs: 20_000, idleMs: 60_000, checkEveryMs: 5_000 };

/** The options a Node HTTP or HTTPS server is created with for these limits. */
export const serverOptions = (t: Timeouts = TIMEOUTS) => ({
  requestTimeout: t.requestMs,
  headersTimeout: t.headersMs,
  connectionsCheckingInterval: t.checkEveryMs,
});

/** Closes a connection idle for `t.idleMs`, whatever is waiting on it: no answer waits on an unread socket for good. */
export function closeIdleConnections(server: Server, t: Timeouts = TIMEOUTS): void {
  server.setTimeout(t.idleMs, (socket) => socket.destroy());
}
