/**
 * HTTPS as `npm start` serves it: the certificate authority and server certificate it makes, the
 * real HTTPS and plain-HTTP servers over them, what plain HTTP from another machine gets, /setup's
 * downloads, the compressed static files, the address the admin command prints, and tablets linked
 * at the plain-HTTP address before the upgrade (PLAIN_HTTP_TABLETS).
 */
import 'fake-indexeddb/auto';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WaymarkDB } from '../../src/data/db.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { enrolTablet, outboxSummary, syncNow, syncState } from '../../src/data/sync.ts';
import { httpsSite } from '../../src/server/address.ts';
import { run } from '../../src/server/admin.ts';
import { createApp } from '../../src/server/app.ts';
import { type HttpsSite, plainHttpTablets } from '../../src/server/https-only.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Store } from '../../src/server/store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { type Certificates, generatedCertificates, type Names, SERVER_DAYS } from '../../src/server/tls.ts';
import { newId } from '../../src/shared/ids.ts';
import { pupil } from '../unit/helpers.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const SCHOOL_NAMES: Names = {
  dns: ['waymark.hillside.test', 'school-srv', 'school-srv.local', 'localhost'],
  ip: ['10.1.2.3', 'fd00::2'],
};
const START = new Date('2026-11-24T08:00:00.000Z');

const temporaryDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-https-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const make = (dir: string, names = SCHOOL_NAMES, now = START) => generatedCertificates(dir, names, { hostname: 'school-srv', now });
const mode = (path: string) => statSync(path).mode & 0o777;

describe('the certificates `npm start` makes when the school has none', () => {
  it('are made on first start and reused on the next: the same authority, the same server certificate; keys readable by the server only', async () => {
    const dir = temporaryDir();
    const first = await make(dir);
    expect(first.renewed).toBe(true);
    expect(mode(join(dir, 'tls/ca.key'))).toBe(0o600);
    expect(mode(join(dir, 'tls/server.key'))).toBe(0o600);
    expect(mode(join(dir, 'tls'))).toBe(0o700);

    const restarted = await make(dir, SCHOOL_NAMES, new Date(START.getTime() + 3 * DAY_MS));
    expect(restarted.renewed).toBe(false);
    expect(restarted.authority?.pem).toBe(first.authority?.pem);
    expect(restarted.cert).toBe(first.cert);
    expect(restarted.key).toBe(first.key);
  });

  it('the server certificate holds every configured name and address, is signed by the authority, and lasts what browsers accept', async () => {
    const made = await make(temporaryDir());
    const [server, authority] = chain(made);
    expect(server.subjectAltName?.split(', ').sort()).toEqual(
      [
        'DNS:waymark.hillside.test',
        'DNS:school-srv',
        'DNS:school-srv.local',
        'DNS:localhost',
        'IP Address:10.1.2.3',
        // Node spells IPv6 in a certificate in full.
        'IP Address:FD00:0:0:0:0:0:0:2',
      ].sort(),
    );
    expect(server.checkIssued(authority)).toBe(true);
    expect(server.verify(authority.publicKey)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(authority.ca).toBe(true);
    const days = (c: X509Certificate) => (Date.parse(c.validTo) - Date.parse(c.validFrom)) / DAY_MS;
    expect(days(server)).toBeLessThanOrEqual(397);
    expect(days(authority)).toBeGreaterThan(5 * 365);
    // It is valid now, on a tablet whose clock is a little slow too.
    expect(Date.parse(server.validFrom)).toBeLessThan(START.getTime() - 60 * 60 * 1000);
  });

  it.each([
    { case: 'a new address from the school’s DHCP', names: { ...SCHOOL_NAMES, ip: ['10.1.2.44', 'fd00::2'] }, after: 1 },
    { case: 'a name added to TLS_NAMES', names: { ...SCHOOL_NAMES, dns: ['waymark.hillside.sch.uk', ...SCHOOL_NAMES.dns] }, after: 1 },
    { case: 'its end less than 30 days away', names: SCHOOL_NAMES, after: SERVER_DAYS - 29 },
  ])('$case gives a new server certificate under the same authority, so the tablets need trust nothing new', async ({ names, after }) => {
    const dir = temporaryDir();
    const first = await make(dir);
    const later = await make(dir, names, new Date(START.getTime() + after * DAY_MS));
    expect(later.renewed).toBe(true);
    expect(later.cert).not.toBe(first.cert);
    expect(later.authority?.pem).toBe(first.authority?.pem);
    const [server, authority] = chain(later);
    expect(server.checkIssued(authority) && server.verify(authority.publicKey)).toBe(true);
    expect(later.names).toEqual(names);
    expect(Date.parse(server.validTo)).toBeGreaterThan(START.getTime() + (after + 300) * DAY_MS);
  });
});

/** The server certificate and the authority's, as Node reads them. */
function chain(made: Certificates): [X509Certificate, X509Certificate] {
  const [server] = made.cert.split(/(?<=-----END CERTIFICATE-----)\n/);
  return [new X509Certificate(server ?? ''), new X509Certificate(made.authority?.pem ?? '')];
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
/** One request with Node's own client, which leaves the body as sent (no decompressing). */
function send(
  url: string,
  options: { headers?: Record<string, string>; ca?: string; servername?: string; method?: string; body?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, servername: options.servername, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

type App = ReturnType<typeof createApp>;

/**
 * A request over plain HTTP from another machine on the school network. The server decides by
 * the connection's remote address, which only another machine can give a real socket here; so
 * the request is handed to the app as the Node server hands it, with its socket's address.
 */
const fromAnotherMachine = (app: App, request: Request) =>
  app.fetch(request, { incoming: { socket: { remoteAddress: '10.1.2.50', remotePort: 50123, encrypted: undefined } } });

describe('the school server over HTTPS and plain HTTP', () => {
  let dataDir: string;
  let made: Certificates;
  let app: ReturnType<typeof createApp>;
  let store: ReturnType<typeof openSqliteStore>;
  const servers: Server[] = [];
  let httpsUrl: string;
  let httpUrl: string;
  const HTTPS_PORT = 8443;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'waymark-https-'));
    made = await generatedCertificates(dataDir, SCHOOL_NAMES, { hostname: 'school-srv' });
    store = openSqliteStore(':memory:');
    store.addSchool('Hillside Academy');
    const site = httpsSite({ httpsPort: HTTPS_PORT, preferred: ['waymark.hillside.test'] }, () => made);
    app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), https: site });
    const listen = (server: Server) =>
      new Promise<string>((resolve) => {
        servers.push(server);
        server.once('listening', () => resolve(String((server.address() as AddressInfo).port)));
      });
    const secure = serve({
      fetch: app.fetch,
      port: 0,
      hostname: '127.0.0.1',
      createServer: createHttpsServer,
      serverOptions: { key: made.key, cert: made.cert },
    }) as unknown as Server;
    httpsUrl = `https://127.0.0.1:${await listen(secure)}`;
    httpUrl = `http://127.0.0.1:${await listen(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as unknown as Server)}`;
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Over HTTPS, as a tablet that trusts the authority and asked for the school's name. */
  const overHttps = (path: string, headers: Record<string, string> = {}) =>
    send(`${httpsUrl}${path}`, { ca: made.authority?.pem ?? '', servername: 'waymark.hillside.test', headers });

  it('over HTTPS, a tablet that trusts the authority gets the app and the API, with Strict-Transport-Security', async () => {
    const page = await overHttps('/');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<div id="app">');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
    const health = await overHttps('/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  describe('a page of another site, whose name was pointed at this server (DNS rebinding)', () => {
    const refusesName = (answer: Answer) => {
      expect(answer.status).toBe(421);
      expect(answer.body.toString()).toContain('answers only at its own address: open https://waymark.hillside.test:8443');
      expect(answer.body.toString()).not.toContain('<div id="app">');
    };

    it('over HTTPS, is answered nothing under its name: neither the app nor the API', async () => {
      for (const path of ['/', '/api/v1/health']) refusesName(await overHttps(path, { host: 'rebind.example:8443' }));
      // The school's own name, as the tablets use it, is served.
      expect((await overHttps('/', { host: 'waymark.hillside.test:8443' })).status).toBe(200);
    });

    it('over plain HTTP on the server itself (the demo at localhost), is answered nothing under its name either', async () => {
      refusesName(await send(`${httpUrl}/pupils`, { headers: { host: 'rebind.example:8080' } }));
      refusesName(await send(`${httpUrl}/api/v1/health`, { headers: { host: 'rebind.example:8080' } }));
      for (const host of ['localhost:8080', '127.0.0.1:8080', 'school-srv.local:8080']) {
        expect((await send(`${httpUrl}/pupils`, { headers: { host } })).status, host).toBe(200);
      }
    });

    it('does not stop a linked tablet’s sync: that carries its token, which no other site’s page has', async () => {
      const pull = await send(`${httpsUrl}/api/v1/pull`, {
        ca: made.authority?.pem ?? '',
        servername: 'waymark.hillside.test',
        method: 'POST',
        headers: { host: 'old-alias.hillside.test:8443', authorization: 'Bearer some-tablets-token', 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, cursor: null }),
      });
      // Read, and answered for itself (this token was never issued), not refused for the name.
      expect(pull.status).toBe(401);
      expect(JSON.parse(pull.body.toString()).error.code).toBe('unauthorised');
    });

    // A browser sends the page's origin; it asks for Waymark by the name and port in Host.
    const enrolFrom = (origin: string, host = 'waymark.hillside.test:8443') =>
      send(`${httpsUrl}/api/v1/enrol`, {
        ca: made.authority?.pem ?? '',
        servername: 'waymark.hillside.test',
        method: 'POST',
        headers: { origin, host, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, deviceId: newId(), code: 'ABCDE-FGHJK', deviceName: 'iPad' }),
      });

    it.each([
      ['another site’s page', 'https://rebind.example'],
      ['another service on this server, on another port', 'https://waymark.hillside.test:9443'],
      ['a plain-HTTP page under this server’s name', 'http://waymark.hillside.test:8443'],
      ['a page with no origin of its own (a sandboxed frame)', 'null'],
    ])('cannot have a tablet’s browser send the API anything from %s', async (_, origin) => {
      const foreign = await enrolFrom(origin);
      expect(foreign.status).toBe(403);
      expect(JSON.parse(foreign.body.toString()).error).toEqual({
        code: 'wrong_address',
        message: 'Only Waymark’s own pages may send records to the school’s server.',
      });
    });

    it.each([
      ['the page the request was made for', 'https://school-srv.local:8443', 'school-srv.local:8443'],
      ['the address tablets are given, asked for under another of its names', 'https://waymark.hillside.test:8443', '10.1.2.3:8443'],
    ])('reads what Waymark’s own page sends: %s', async (_, origin, host) => {
      // Read, and this code, which was never issued, refused for itself.
      const own = await enrolFrom(origin, host);
      expect(JSON.parse(own.body.toString()).error.code).toBe('code_invalid');
    });

    it('refuses a page whose name was pointed at this server, even when it sends a tablet’s token', async () => {
      // A linked tablet's sync is answered under any name (it was linked under one), so only its page's origin tells.
      const pull = await send(`${httpsUrl}/api/v1/pull`, {
        ca: made.authority?.pem ?? '',
        servername: 'waymark.hillside.test',
        method: 'POST',
        headers: {
          origin: 'https://rebind.example:8443',
          host: 'rebind.example:8443',
          authorization: 'Bearer a-token-the-page-found',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ protocol: 1, cursor: null }),
      });
      expect(pull.status).toBe(403);
      expect(JSON.parse(pull.body.toString()).error.code).toBe('wrong_address');
    });

    it('reads what an HTTPS page sends through a proxy on this machine, which passes it on over plain HTTP, and what the plain-HTTP demo’s page sends', async () => {
      const enrol = (origin: string) =>
        send(`${httpUrl}/api/v1/enrol`, {
          method: 'POST',
          headers: { origin, host: 'school-srv.local', 'content-type': 'application/json' },
          body: JSON.stringify({ protocol: 1, deviceId: newId(), code: 'ABCDE-FGHJK', deviceName: 'iPad' }),
        });
      expect(JSON.parse((await enrol('https://school-srv.local')).body.toString()).error.code).toBe('code_invalid');
      expect((await enrol('https://school-srv.local:9443')).status).toBe(403);
      // And a page of the plain-HTTP demo on this machine, at the address it asks.
      expect(JSON.parse((await enrol('http://school-srv.local')).body.toString()).error.code).toBe('code_invalid');
    });
  });

  it('a tablet that does not trust the authority is refused by its own TLS check', async () => {
    await expect(send(`${httpsUrl}/`, { servername: 'waymark.hillside.test' })).rejects.toThrow(/certificate/i);
  });

  it('plain HTTP from this machine itself is fully open (a demo on the server), without Strict-Transport-Security', async () => {
    const page = await send(`${httpUrl}/pupils`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<div id="app">');
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const health = await send(`${httpUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBeUndefined();
  });

  const fromTheNetwork = (path: string, init: RequestInit & { host?: string } = {}) =>
    fromAnotherMachine(
      app,
      new Request(`http://${init.host ?? '10.1.2.3:8080'}${path}`, { ...init, headers: { host: init.host ?? '10.1.2.3:8080' } }),
    );

  it.each([
    { case: 'by its address', host: '10.1.2.3:8080', path: '/pupils/0190?tab=notes', to: 'https://10.1.2.3:8443/pupils/0190?tab=notes' },
    { case: 'by its .local name', host: 'school-srv.local:8080', path: '/', to: 'https://school-srv.local:8443/' },
    {
      case: 'by a name the certificate does not hold',
      host: 'intranet-alias:8080',
      path: '/settings',
      to: 'https://waymark.hillside.test:8443/settings',
    },
  ])(
    'plain HTTP from another machine, $case: a page is sent (308, not to be cached) to the same path at the https address',
    async ({ host, path, to }) => {
      const answer = await fromTheNetwork(path, { host });
      expect(answer.status).toBe(308);
      expect(answer.headers.get('location')).toBe(to);
      // Not remembered: once PLAIN_HTTP_TABLETS=allow is set, a tablet linked at this address gets it again.
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('strict-transport-security')).toBeNull();
      expect(await answer.text()).not.toContain('<div id="app">');
    },
  );

  it('plain HTTP from another machine: the API refuses, in words, and takes nothing', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/health', undefined],
      ['POST', '/api/v1/enrol', JSON.stringify({ protocol: 1, deviceId: 'x', code: 'ABCD-EFGH', deviceName: 'iPad' })],
      ['POST', '/api/v1/pull', JSON.stringify({ protocol: 1, cursor: null })],
    ] as const) {
      const answer = await fromTheNetwork(path, { method, ...(body ? { body } : {}) });
      expect(answer.status, path).toBe(403);
      const { error } = await answer.json();
      expect(error.code).toBe('https_required');
      expect(error.message).toMatch(/only over a secure \(https\) connection.*\/setup/);
    }
    expect(store.devices()).toEqual([]);
  });

  it('plain HTTP from another machine still gets /setup: the address to open and the steps, with nothing behind it', async () => {
    const answer = await fromTheNetwork('/setup');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await answer.text();
    expect(page).toContain('https://waymark.hillside.test:8443');
    expect(page).toMatch(/iPad[\s\S]*Android[\s\S]*Chromebook/);
    // No script and no inline style: the Content-Security-Policy (script-src and style-src 'self') allows the page as it is.
    expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    const style = await fromTheNetwork('/setup/setup.css');
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('/setup offers the authority as a certificate file (DER) and as an iPad configuration profile', async () => {
    const authority = new X509Certificate(made.authority?.pem ?? '');
    const crt = await fromTheNetwork('/setup/waymark-ca.crt');
    expect(crt.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    const der = Buffer.from(await crt.arrayBuffer());
    expect(new X509Certificate(der).fingerprint256).toBe(authority.fingerprint256);
    expect(der.subarray(0, 1)[0]).toBe(0x30); // DER, not PEM text

    const profile = await fromTheNetwork('/setup/waymark.mobileconfig');
    expect(profile.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    const plist = await profile.text();
    expect(plist).toMatch(/^<\?xml[\s\S]*<plist version="1.0">/);
    expect(plist).toMatch(/<key>PayloadType<\/key>\s*<string>com.apple.security.root<\/string>/);
    expect(plist).toMatch(/<key>PayloadType<\/key>\s*<string>Configuration<\/string>/);
    const data = /<data>([^<]+)<\/data>/.exec(plist)?.[1] ?? '';
    expect(new X509Certificate(Buffer.from(data, 'base64')).fingerprint256).toBe(authority.fingerprint256);
    // The setup page shows the fingerprint a tablet shows, to compare.
    expect(await (await fromTheNetwork('/setup')).text()).toContain(authority.fingerprint256);
  });

  describe('static files, compressed at build', () => {
    // Read when a test runs, not when the file is collected: without a build (`npm run build`,
    // which `npm test` runs first) these tests fail and the others still run.
    const vendorScript = () => {
      const found = existsSync('dist/assets') ? readdirSync('dist/assets').find((f) => /^vendor-.*\.js$/.test(f)) : undefined;
      if (!found) throw new Error('No production build in dist/: run `npm run build` first.');
      return found;
    };

    it.each([
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const)(
      'asked with Accept-Encoding %s, a script comes compressed so, with Vary, and decodes to the file',
      async (encoding, decode) => {
        const answer = await overHttps(`/assets/${vendorScript()}`, {
          'accept-encoding': `${encoding === 'br' ? 'gzip, deflate, br' : 'gzip'}`,
        });
        expect(answer.status).toBe(200);
        expect(answer.headers['content-encoding']).toBe(encoding);
        expect(answer.headers.vary).toMatch(/accept-encoding/i);
        expect(answer.headers['content-type']).toMatch(/javascript/);
        const original = readFileSync(`dist/assets/${vendorScript()}`);
        expect(answer.body.byteLength).toBeLessThan(original.byteLength / 2);
        expect(decode(answer.body).equals(original)).toBe(true);
      },
    );

    it('asked with no Accept-Encoding, the file comes as it is', async () => {
      const answer = await overHttps(`/assets/${vendorScript()}`);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers.vary).toMatch(/accept-encoding/i);
      expect(answer.body.equals(readFileSync(`dist/assets/${vendorScript()}`))).toBe(true);
    });

    it('the app shell at a deep link and the service worker come compressed too', async () => {
      for (const path of ['/pupils/0190', '/sw.js']) {
        const answer = await overHttps(path, { 'accept-encoding': 'br' });
        expect(answer.headers['content-encoding'], path).toBe('br');
        const file = path === '/sw.js' ? 'dist/sw.js' : 'dist/index.html';
        expect(brotliDecompressSync(answer.body).equals(readFileSync(file)), path).toBe(true);
      }
    });
  });
});

describe('after upgrading from a release without HTTPS: tablets linked at http://…:8080, with changes not yet sent', () => {
  const OLD_ADDRESS = 'http://10.1.2.3:8080';
  let dataDir: string;
  let site: HttpsSite;
  let tablets = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'waymark-https-'));
    const made = await generatedCertificates(dataDir, SCHOOL_NAMES, { hostname: 'school-srv' });
    site = httpsSite({ httpsPort: 8443, preferred: ['waymark.hillside.test'] }, () => made);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The school's server on one database: as the release before this one ran it (no https), or upgraded, with or without PLAIN_HTTP_TABLETS=allow. */
  const server = (store: Store, https?: HttpsSite): App =>
    createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), ...(https ? { https } : {}) });
  const upgraded = (store: Store, plainHttpTablets: boolean) => server(store, { ...site, plainHttpTablets });

  interface Seen {
    path: string;
    status: number;
    hsts: string | null;
  }
  /** A tablet's fetch over plain HTTP from another machine, noting each answer. */
  const overPlainHttp =
    (app: App, seen: Seen[] = []): typeof fetch =>
    async (input, init) => {
      const request = new Request(input, init);
      const answer = await fromAnotherMachine(app, request);
      seen.push({ path: new URL(request.url).pathname, status: answer.status, hsts: answer.headers.get('strict-transport-security') });
      return answer;
    };
  /** A tablet's fetch over HTTPS, as one linked at the https address reaches the server. */
  const overHttps =
    (app: App): typeof fetch =>
    async (input, init) =>
      app.fetch(new Request(input, init), { incoming: { socket: { remoteAddress: '10.1.2.51', remotePort: 50124, encrypted: true } } });

  /** A school, and a mentor's tablet linked at the old plain-HTTP address by the release before, holding a pupil it has not sent. */
  async function linkedBeforeTheUpgrade() {
    const store = openSqliteStore(':memory:');
    onTestFinished(() => store.close());
    const { id: schoolId } = store.addSchool('Hillside Academy');
    const mentor = store.addMentor(schoolId, 'Sam Patel');
    const db = new WaymarkDB(`https-upgrade-${process.pid}-${++tablets}`);
    await enrolTablet(db, OLD_ADDRESS, issueEnrolmentCode(store, mentor.id), 'Sam’s iPad', { fetch: overPlainHttp(server(store)) });
    await addPupil(db, pupil({ name: 'Priya Natarajan' }));
    expect((await outboxSummary(db)).waiting).toBe(1);
    return { store, schoolId, db };
  }

  it('with PLAIN_HTTP_TABLETS=allow, it sends its changes and gets the school’s over plain HTTP: push and pull answered, never with Strict-Transport-Security', async () => {
    const { store, schoolId, db } = await linkedBeforeTheUpgrade();
    const app = upgraded(store, true);
    // A colleague's tablet, linked at the https address, has sent a pupil of its own.
    const colleague = new WaymarkDB(`https-upgrade-${process.pid}-${++tablets}`);
    const { id: colleagueId } = store.addMentor(schoolId, 'Lee Okafor');
    await enrolTablet(colleague, 'https://waymark.hillside.test:8443', issueEnrolmentCode(store, colleagueId), 'Lee’s iPad', {
      fetch: overHttps(app),
    });
    await addPupil(colleague, pupil({ name: 'Amelia Jacobs' }));
    expect((await syncNow(colleague, { fetch: overHttps(app) })).status).toBe('done');

    const seen: Seen[] = [];
    expect((await syncNow(db, { fetch: overPlainHttp(app, seen) })).status).toBe('done');
    expect((await outboxSummary(db)).waiting).toBe(0);
    expect((await db.pupils.toArray()).map((p) => p.name).sort()).toEqual(['Amelia Jacobs', 'Priya Natarajan']);
    expect(new Set(seen.map((s) => s.path))).toEqual(new Set(['/api/v1/push', '/api/v1/pull']));
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    expect(seen.filter((s) => s.hsts !== null)).toEqual([]);
    // What it sent reached the school: the colleague gets it.
    await syncNow(colleague, { fetch: overHttps(app) });
    expect((await colleague.pupils.toArray()).map((p) => p.name).sort()).toEqual(['Amelia Jacobs', 'Priya Natarajan']);
  });

  it('without it, its sync is refused (https_required) in words that keep it from being linked again yet, and its changes stay on it', async () => {
    const { store, db } = await linkedBeforeTheUpgrade();
    const result = await syncNow(db, { fetch: overPlainHttp(upgraded(store, false)) });
    const problem = result.status === 'stopped' ? result.problem : undefined;
    expect(problem?.code).toBe('https_required');
    expect(problem?.message).toMatch(/changes are kept on it, not sent.*IT person.*Link this tablet again only once they are sent/);
    expect((await outboxSummary(db)).waiting).toBe(1);
    // Once the IT person sets it, the same tablet sends them.
    expect((await syncNow(db, { fetch: overPlainHttp(upgraded(store, true)) })).status).toBe('done');
    expect((await outboxSummary(db)).waiting).toBe(0);
  });

  it('with it, a page from another machine over plain HTTP is the app (200, not sent to https), without Strict-Transport-Security', async () => {
    const { store } = await linkedBeforeTheUpgrade();
    const page = await fromAnotherMachine(upgraded(store, true), new Request(`${OLD_ADDRESS}/pupils/0190?tab=notes`));
    expect(page.status).toBe(200);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('<div id="app">');
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });

  it('with it, linking a tablet over plain HTTP is still refused (https_required), even with a linked tablet’s token, and uses up nothing: the same code links it over https', async () => {
    const { store, schoolId, db } = await linkedBeforeTheUpgrade();
    const app = upgraded(store, true);
    const { id } = store.addMentor(schoolId, 'Lee Okafor');
    const code = issueEnrolmentCode(store, id);
    const devicesBefore = store.devices().length;
    const tablet = new WaymarkDB(`https-upgrade-${process.pid}-${++tablets}`);
    await expect(enrolTablet(tablet, OLD_ADDRESS, code, 'Lee’s iPad', { fetch: overPlainHttp(app) })).rejects.toMatchObject({
      code: 'https_required',
    });
    const withToken = await fromAnotherMachine(
      app,
      new Request(`${OLD_ADDRESS}/api/v1/enrol`, {
        method: 'POST',
        headers: { authorization: `Bearer ${(await syncState(db)).token}` },
        body: JSON.stringify({ protocol: 1, deviceId: 'lee-ipad', code, deviceName: 'Lee’s iPad' }),
      }),
    );
    expect(withToken.status).toBe(403);
    expect((await withToken.json()).error.code).toBe('https_required');
    expect(withToken.headers.get('strict-transport-security')).toBeNull();
    expect(store.devices()).toHaveLength(devicesBefore);

    await enrolTablet(tablet, 'https://waymark.hillside.test:8443', code, 'Lee’s iPad', { fetch: overHttps(app) });
    expect(store.devices()).toHaveLength(devicesBefore + 1);
  });

  it.each([
    ['the cookie the old release set over plain HTTP, which browsers send to https too', 'waymark_tablet', false],
    ['the cookie set over HTTPS by a tablet this browser was before', '__Secure-waymark_tablet', true],
  ])(
    'the same mentor linking this browser again at the https address, with %s (%s): reported as a wiped tablet, %s',
    async (_, cookie, wiped) => {
      const { store, schoolId, db } = await linkedBeforeTheUpgrade();
      const old = (await syncState(db)).token ? store.devices()[0] : undefined;
      const mentor = store.mentors(schoolId)[0];
      if (!old || !mentor) throw new Error('no tablet linked before the upgrade');
      const answer = await overHttps(upgraded(store, true))('https://waymark.hillside.test:8443/api/v1/enrol', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `${cookie}=${old.id}` },
        body: JSON.stringify({ protocol: 1, deviceId: newId(), code: issueEnrolmentCode(store, mentor.id), deviceName: 'Sam’s iPad' }),
      });
      expect(answer.status).toBe(200);
      expect('wiped' in (await answer.json())).toBe(wiped);
      expect(store.device(old.id)?.wipedAt !== null).toBe(wiped);
      expect(answer.headers.get('set-cookie')).toMatch(/^__Secure-waymark_tablet=.*; Secure/);
    },
  );

  it.each<{ case: string; path: string; method: string; authorization?: string }>([
    { case: 'a push without a token', path: '/api/v1/push', method: 'POST' },
    { case: 'a pull without a token', path: '/api/v1/pull', method: 'POST' },
    { case: 'a pull with something other than a token', path: '/api/v1/pull', method: 'POST', authorization: 'Basic c2FtOnBhc3M=' },
    { case: 'the health check', path: '/api/v1/health', method: 'GET' },
    { case: 'a pull asked with GET', path: '/api/v1/pull', method: 'GET', authorization: 'Bearer abc' },
  ])(
    'with it, $case over plain HTTP is refused (https_required): only a linked tablet’s push and pull get through',
    async ({ path, method, authorization }) => {
      const { store } = await linkedBeforeTheUpgrade();
      const answer = await fromAnotherMachine(
        upgraded(store, true),
        new Request(`${OLD_ADDRESS}${path}`, {
          method,
          headers: authorization ? { authorization } : {},
          ...(method === 'POST' ? { body: JSON.stringify({ protocol: 1, cursor: null }) } : {}),
        }),
      );
      expect(answer.status).toBe(403);
      expect((await answer.json()).error.code).toBe('https_required');
    },
  );

  it.each([
    [undefined, false],
    ['', false],
    ['allow', true],
  ])('PLAIN_HTTP_TABLETS %j: tablets linked at the old address may sync over plain HTTP: %s', (value, allowed) => {
    expect(plainHttpTablets(value)).toBe(allowed);
  });

  it.each(['yes', 'true', '1', 'Allow'])('PLAIN_HTTP_TABLETS=%s stops the server, saying what to set', (value) => {
    expect(() => plainHttpTablets(value)).toThrow(`PLAIN_HTTP_TABLETS is “${value}”: set it to allow`);
  });
});

describe('a compressed copy older than its file', () => {
  it('is never sent: the file replaced after the build is', async () => {
    const root = mkdtempSync(join(tmpdir(), 'waymark-static-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const script = (words: string) => `console.log(${JSON.stringify(words.repeat(200))});\n`;
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(root, 'sw.js'), script('the built one '));
    writeFileSync(join(root, 'sw.js.br'), brotliCompressSync(script('the built one ')));
    const built = new Date('2026-11-01T09:00:00Z');
    utimesSync(join(root, 'sw.js.br'), built, built);
    utimesSync(join(root, 'sw.js'), built, built);
    const app = createApp({ staticDir: root, logger: pino({ level: 'silent' }) });

    const current = await app.request('/sw.js', { headers: { 'accept-encoding': 'br' } });
    expect(current.headers.get('content-encoding')).toBe('br');

    writeFileSync(join(root, 'sw.js'), script('replaced afterwards '));
    const replaced = await app.request('/sw.js', { headers: { 'accept-encoding': 'br' } });
    expect(replaced.headers.get('content-encoding')).toBeNull();
    expect(await replaced.text()).toContain('replaced afterwards');
  });
});

describe('the address `npm run admin -- add-mentor` prints', () => {
  const printed = (env: Record<string, string>) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const store = openSqliteStore(':memory:');
    try {
      const lines: string[] = [];
      run(store, ['add-mentor', 'Sam Patel'], (line) => lines.push(line));
      return /open Waymark at (\S+) and type the code/.exec(lines.join('\n'))?.[1];
    } finally {
      store.close();
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  };

  it('is the https address with the name from TLS_NAMES that the server’s certificate holds', async () => {
    const dir = temporaryDir();
    await make(dir);
    expect(printed({ DATA_DIR: dir, TLS_NAMES: 'waymark.hillside.test', HTTPS_PORT: '8443' })).toBe('https://waymark.hillside.test:8443');
  });

  it('with the school’s own certificate (TLS_CERT), a name it holds: never a wildcard, nor an address this machine is not on', async () => {
    const dir = temporaryDir();
    const own = await make(dir, { dns: ['*.hillside.sch.uk', 'waymark.hillside.sch.uk'], ip: ['203.0.113.9'] });
    const certFile = join(dir, 'own.crt');
    writeFileSync(certFile, own.cert);
    expect(printed({ DATA_DIR: temporaryDir(), TLS_CERT: certFile, HTTPS_PORT: '443' })).toBe('https://waymark.hillside.sch.uk');
  });

  it('behind the school’s reverse proxy (PUBLIC_URL), the proxy’s address', () => {
    expect(printed({ DATA_DIR: temporaryDir(), PUBLIC_URL: 'https://waymark.hillside.sch.uk/' })).toBe('https://waymark.hillside.sch.uk');
  });
});
