/**
 * Records about children cross the school's Wi-Fi only encrypted. A request that arrived over
 * plain HTTP from another machine is never answered with the app or the API: a page is sent to the
 * same path at the HTTPS address (308), the API refuses in words, and only /setup (how to trust the
 * school's certificate, nothing behind it) is served. Plain HTTP from this machine itself stays
 * open, for a demo on the server (http://localhost:8080) and a reverse proxy beside it.
 *
 * Except, while PLAIN_HTTP_TABLETS=allow, for tablets linked before this server served HTTPS: a
 * tablet keeps its records, and the changes it has not sent yet, under the address it was opened
 * at (http://<address>:8080), which the https address cannot read. Sending its pages elsewhere
 * would strand those changes on it for good; so they get the app there, and a tablet with its
 * token can push and pull, until every one has sent its changes and been linked again at the
 * https address. Linking one (enrol) still needs https: its code and new token never cross the
 * Wi-Fi in the clear.
 *
 * Only answers over HTTPS say Strict-Transport-Security: a browser that saw it once never tries
 * the school's address over plain HTTP again.
 */
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Context, MiddlewareHandler } from 'hono';
import { API, type ErrorBody } from '../shared/protocol.ts';
import type { Authority } from './tls.ts';

/** One year: browsers keep it at least that long once seen over HTTPS. */
export const HSTS = 'max-age=31536000';

export const HTTPS_REQUIRED: ErrorBody = {
  error: {
    code: 'https_required',
    message:
      'Waymark sends records only over a secure (https) connection. Open Waymark at the school’s https address: the school’s IT person finds it, and how to set up the tablets, at /setup on the server.',
  },
};

/**
 * To a tablet linked at the old plain-HTTP address, syncing there: the changes it holds are its
 * only copy, so it must not be told to move to the https address before they are sent.
 */
export const HTTPS_REQUIRED_FOR_LINKED_TABLET: ErrorBody = {
  error: {
    code: 'https_required',
    message:
      'The school’s server now takes records only over a secure (https) connection, so this tablet’s changes are kept on it, not sent. Ask the school’s IT person to let tablets linked at this old address finish sending (“Upgrading from a release without HTTPS” in Waymark’s README). Link this tablet again only once they are sent.',
  },
};

/** The setting that lets tablets linked at the old plain-HTTP address finish sending there. */
export const PLAIN_HTTP_TABLETS = 'PLAIN_HTTP_TABLETS';

/** PLAIN_HTTP_TABLETS as the server's environment gives it: `allow`, or unset. */
export function plainHttpTablets(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'allow') return true;
  throw new Error(
    `${PLAIN_HTTP_TABLETS} is “${value}”: set it to allow (tablets linked at the old plain-http address finish sending their changes there), or leave it unset.`,
  );
}

/** What the server says at start while PLAIN_HTTP_TABLETS=allow, and when the IT person can remove it. */
export const plainHttpTabletsWarning = (httpsAddress: string) =>
  `${PLAIN_HTTP_TABLETS}=allow: tablets linked at the old plain-http address can still send and fetch records there, unencrypted, so that the changes they have not sent are not lost. Remove it once \`npm run admin -- list-devices\` shows no tablet with unsent changes and every tablet has been linked again at ${httpsAddress}.`;

/** Where this server is reached over HTTPS, and what a tablet must trust to reach it. */
export interface HttpsSite {
  /**
   * The HTTPS origin for a host a browser asked for: that host, when the certificate holds it,
   * else (and for no host) the address tablets are given. Never a name the certificate does not hold.
   */
  originFor: (host: string | undefined) => string;
  /** The certificate authority made on this server, which tablets must trust; none with the school's own certificate. */
  authority: () => Authority | undefined;
  /** PLAIN_HTTP_TABLETS=allow: tablets linked at the old plain-HTTP address may still get the app there and sync. */
  plainHttpTablets?: boolean;
  /**
   * Whether `host` is one of this server's own names: one its certificate holds, its address on
   * the network or on this machine, localhost, or PUBLIC_URL's. A browser sends the name it thinks
   * it is talking to; any other is a page that had its name pointed at this server (DNS
   * rebinding), to read what it serves as if that page's own.
   */
  knows: (host: string | undefined) => boolean;
}

/** To a request for a name that is not this server's: nothing is served under it. */
export const wrongAddress = (origin: string): ErrorBody => ({
  error: {
    code: 'wrong_address',
    message: `This is the school’s Waymark server, which answers only at its own address: open ${origin}.`,
  },
});

/** To a page of another site that asks the API to do something: only Waymark's own pages may. */
export const FOREIGN_PAGE: ErrorBody = {
  error: { code: 'wrong_address', message: 'Only Waymark’s own pages may send records to the school’s server.' },
};

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether an address is this machine's own: 127.0.0.0/8 and ::1, also written as IPv4 within IPv6. */
export function isLoopback(address: string | undefined): boolean {
  const family = address ? isIP(address) : 0;
  return family !== 0 && LOOPBACK.check(address as string, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * How a request reached this server, read from the connection itself (never from a header a client
 * could write). An answer made without a connection (a test's `app.request`) counts as neither
 * encrypted nor from this machine.
 */
export function connectionOf(c: Context): { encrypted: boolean; remoteAddress: string | undefined } {
  const socket = (c.env as { incoming?: { socket?: Partial<TLSSocket> } } | undefined)?.incoming?.socket;
  return { encrypted: socket?.encrypted === true, remoteAddress: socket?.remoteAddress };
}

/** The host a browser asked for, without its port: "10.0.0.5", "waymark.local", "[fe80::1]" as "fe80::1". */
export function hostOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const bracketed = /^\[([^\]]+)\]/.exec(hostHeader);
  if (bracketed) return bracketed[1]?.toLowerCase();
  // "waymark.school.sch.uk." (a fully qualified name, with its final dot) is the same name.
  return hostHeader.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
}

/**
 * Whether an Origin header names one of Waymark's own pages: one of this server's own names (a
 * page whose name was pointed at it is not, even when it sends Waymark a tablet's token), and the
 * origin the request itself was made for (its scheme, name and port) or the address tablets are
 * given (PUBLIC_URL). A name alone is not enough: another service on the same machine, on another
 * port or over plain HTTP, is another site. A proxy on this machine that holds the certificate
 * passes on an HTTPS page's request over plain HTTP, under the name the page asked for.
 */
function isOwnPage(origin: string, c: Context, site: HttpsSite, viaLocalProxy: boolean): boolean {
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false;
  }
  if (from.origin === 'null' || !site.knows(hostOf(from.host))) return false;
  const asked = new URL(c.req.url);
  if (from.origin === asked.origin || from.origin === site.originFor(undefined)) return true;
  if (!viaLocalProxy || asked.protocol !== 'http:') return false;
  asked.protocol = 'https:';
  return from.origin === asked.origin;
}

/** A linked tablet's push or pull: the requests that carry its token (enrol makes one, and is not among them). */
const isLinkedTabletSync = (c: Context) =>
  c.req.method === 'POST' &&
  (c.req.path === `${API}/push` || c.req.path === `${API}/pull`) &&
  /^Bearer \S+$/.test(c.req.header('authorization') ?? '');

/**
 * HSTS on every HTTPS answer; with a site, plain HTTP from another machine is sent there or refused,
 * or, while the site allows plain-HTTP tablets, gets the app and a linked tablet's sync.
 */
export function httpsOnly(site: HttpsSite | undefined): MiddlewareHandler {
  return async (c, next) => {
    const { encrypted, remoteAddress } = connectionOf(c);
    const setup = c.req.path === '/setup' || c.req.path.startsWith('/setup/');
    const api = c.req.path === API || c.req.path.startsWith(`${API}/`);
    /** Serves the request, if it is for this server's own name and, for the API, from no other site's page. */
    const serve = async () => {
      // The request's URL is made from its Host header by the Node server.
      // A linked tablet's push or pull carries its token, which no other site's page has: it is
      // answered under whatever name the tablet was linked at.
      if (site && !setup && !isLinkedTabletSync(c) && !site.knows(hostOf(new URL(c.req.url).host))) {
        const origin = site.originFor(undefined);
        c.header('Cache-Control', 'no-store');
        return api ? c.json(wrongAddress(origin), 421) : c.text(wrongAddress(origin).error.message, 421);
      }
      const from = c.req.header('origin');
      const viaLocalProxy = !encrypted && isLoopback(remoteAddress);
      if (site && api && c.req.method !== 'GET' && from !== undefined && !isOwnPage(from, c, site, viaLocalProxy))
        return c.json(FOREIGN_PAGE, 403);
      return next();
    };
    if (encrypted) {
      const refused = await serve();
      if (refused instanceof Response) refused.headers.set('Strict-Transport-Security', HSTS);
      else c.header('Strict-Transport-Security', HSTS);
      return refused;
    }
    if (!site || isLoopback(remoteAddress) || setup) return serve();
    if (site.plainHttpTablets && (!api || isLinkedTabletSync(c))) return serve();
    if (api) return c.json(isLinkedTabletSync(c) ? HTTPS_REQUIRED_FOR_LINKED_TABLET : HTTPS_REQUIRED, 403);
    const url = new URL(c.req.url);
    // Never kept by the browser (a 308 would be, for good): a tablet linked at this address before
    // the upgrade must reach it again as soon as PLAIN_HTTP_TABLETS=allow is set.
    c.header('Cache-Control', 'no-store');
    // 308 keeps the method: a form posted over plain HTTP is not turned into a GET.
    return c.redirect(`${site.originFor(hostOf(c.req.header('host')))}${url.pathname}${url.search}`, 308);
  };
}
