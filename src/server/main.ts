/**
 * `npm start`: the school's Waymark server. It answers HTTPS on HTTPS_PORT (default 8443), which
 * is where tablets use it, and plain HTTP on PORT (default 8080), which sends other machines to the
 * HTTPS address and stays fully open only to this machine itself (http://localhost:8080). HOST
 * (default 0.0.0.0, so tablets on the school network reach it) chooses where both listen; DATA_DIR
 * (default ./data) where its one SQLite file, and the certificates it makes, live.
 *
 * PLAIN_HTTP_TABLETS=allow, for a while after upgrading from a release without HTTPS, lets tablets
 * linked at the old http://<address>:8080 finish sending their changes there (https-only.ts).
 *
 * The certificate: TLS_CERT and TLS_KEY (PEM files) when the school has one; else one this server
 * makes for its own names and addresses (and TLS_NAMES), signed by a certificate authority it makes
 * once, which the tablets trust (see /setup).
 */
import type { Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { hostname as machineHostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { addressSettings, httpsSite } from './address.ts';
import { deliverAlerts, smtpMailer } from './alerts.ts';
import { createApp } from './app.ts';
import { watchCheckpoints } from './checkpoints.ts';
import { keepErasing } from './erasure.ts';
import { type HttpsSite, PLAIN_HTTP_TABLETS, plainHttpTablets, plainHttpTabletsWarning } from './https-only.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { closeIdleConnections, serverOptions } from './timeouts.ts';
import { type Certificates, generatedCertificates, machineNames, ownCertificates } from './tls.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? '0.0.0.0';
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const staticDir = process.env.WAYMARK_STATIC_DIR ?? fileURLToPath(new URL('../../dist', import.meta.url));
const settings = addressSettings();
const allowPlainHttpTablets = readPlainHttpTablets();
/** How often the machine's names and the certificate's end are looked at again. */
const CERTIFICATE_CHECK_MS = 60 * 60 * 1000;

async function certificates(): Promise<Certificates> {
  const { TLS_CERT, TLS_KEY } = process.env;
  if (TLS_CERT || TLS_KEY) {
    if (!TLS_CERT || !TLS_KEY) throw new Error('Set both TLS_CERT and TLS_KEY (PEM files), or neither to let Waymark make its own.');
    return ownCertificates(TLS_CERT, TLS_KEY);
  }
  const made = await generatedCertificates(dataDir, machineNames(machineHostname(), networkInterfaces(), settings.preferred), {
    hostname: machineHostname(),
  });
  if (made.renewed) log.info({ names: made.names, until: made.notAfter }, 'made a new server certificate for these names');
  return made;
}

/** How often concerns' e-mails to the DSLs are sent (and failed ones tried again when due). */
const ALERT_CHECK_MS = 30_000;

/** E-mails the DSLs of new concerns through the school's SMTP server (SMTP_URL), when there is one. */
function tellTheDsls(): void {
  const { SMTP_URL, SMTP_FROM } = process.env;
  if (!SMTP_URL) {
    log.warn(
      'No SMTP_URL is set: the DSLs are not e-mailed when a concern arrives. Set SMTP_URL (and SMTP_FROM) to the school’s mail server.',
    );
    return;
  }
  const mailer = smtpMailer(SMTP_URL, SMTP_FROM ?? 'waymark@localhost');
  const timeZone = process.env.SCHOOL_TIME_ZONE ?? 'Europe/London';
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      await deliverAlerts(store, mailer, new Date(), { timeZone, log });
    } catch (error) {
      log.error({ err: error }, 'could not send the concerns’ e-mails; trying again shortly');
    } finally {
      running = false;
    }
  };
  void round();
  setInterval(round, ALERT_CHECK_MS).unref();
}

/** An unclear value stops the server: tablets that should finish sending must not be silently refused, nor the reverse. */
function readPlainHttpTablets(): boolean {
  try {
    return plainHttpTablets(process.env[PLAIN_HTTP_TABLETS]);
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
}

let current = await certificates().catch((error: Error) => {
  log.fatal(error.message);
  process.exit(1);
});
const store = openSqliteStore(dataDir, (upgrade) =>
  log.info(
    { dataDir, ...upgrade },
    'upgrading the database for this release, after copying it as it was; a large school’s can take a few minutes',
  ),
);
const readOnly = store.readOnly();
if (readOnly) log.error(readOnly);
watchCheckpoints(store, log);
// Pupils erased before a restore brought them back, and those due by their school's retention
// period: erased now, and again once a day.
keepErasing(store, log);
tellTheDsls();
const site: HttpsSite = { ...httpsSite(settings, () => current), plainHttpTablets: allowPlainHttpTablets };
if (allowPlainHttpTablets) log.warn(plainHttpTabletsWarning(site.originFor(undefined)));
const app = createApp({ staticDir, store, logger: log, https: site });

const http = serve({ fetch: app.fetch, port, hostname, serverOptions: serverOptions() });
const https = serve({
  fetch: app.fetch,
  port: settings.httpsPort,
  hostname,
  createServer: createHttpsServer,
  serverOptions: { ...serverOptions(), key: current.key, cert: current.cert },
}) as HttpsServer;
for (const server of [http, https]) closeIdleConnections(server as Server);
for (const [server, setting] of [
  [http, 'PORT'],
  [https, 'HTTPS_PORT'],
] as const) {
  server.on('error', (error: NodeJS.ErrnoException) => {
    const inUse = error.code === 'EADDRINUSE';
    log.fatal(
      { err: error },
      inUse ? `another program is listening on ${setting}'s port: stop it, or set ${setting} to another` : error.message,
    );
    process.exit(1);
  });
}

/** Where the IT person's page is for a tablet that does not trust the certificate yet: plain HTTP, at the tablets' host. */
function setupAddress(): string {
  const url = new URL('/setup', site.originFor(undefined));
  if (settings.publicUrl) return url.href;
  url.protocol = 'http:';
  url.port = String(port);
  return url.href;
}
https.once('listening', () =>
  log.info({ tablets: site.originFor(undefined), setup: setupAddress(), here: `http://localhost:${port}`, dataDir }, 'Waymark is running'),
);

// A new address from the school's DHCP, or a certificate near its end: the next connection gets a
// renewed certificate, with no restart. The school's own certificate is its IT person's to renew.
if (!process.env.TLS_CERT) {
  setInterval(async () => {
    try {
      const next = await certificates();
      if (next.cert !== current.cert) https.setSecureContext({ key: next.key, cert: next.cert });
      current = next;
    } catch (error) {
      log.error({ err: error }, 'the server certificate could not be renewed; the current one is still served');
    }
  }, CERTIFICATE_CHECK_MS).unref();
}

// Stop taking new connections, let syncs in flight finish, then close the database cleanly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping');
    let open = 2;
    const closed = () => {
      open -= 1;
      if (open > 0) return;
      store.close();
      process.exit(0);
    };
    http.close(closed);
    https.close(closed);
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
