/**
 * The school endpoint over HTTP: the built app and the sync API (src/shared/protocol.ts) from one
 * origin. Every error is JSON, `{ error: { code, message } }`, and leaves the server serving.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import pino, { type Logger } from 'pino';
import * as v from 'valibot';
import { inWords } from '../shared/issue-words.ts';
import {
  API,
  AuditRequestSchema,
  EnrolRequestSchema,
  type ErrorBody,
  LIMITS,
  PROTOCOL,
  PullRequestSchema,
  PushRequestSchema,
} from '../shared/protocol.ts';
import { auditFor } from './audit.ts';
import { enrolGuard } from './enrol-guard.ts';
import { connectionOf, type HttpsSite, httpsOnly, isLoopback } from './https-only.ts';
import { serveSetup } from './setup.ts';
import { serveApp } from './static.ts';
import { type Store, StoreUnavailable } from './store.ts';
import { authenticate, enrol, type LostRange, pull, push, SyncError } from './sync.ts';

export const VERSION = process.env.npm_package_version ?? '0.1.0';

export interface ServerOptions {
  /** The built app to serve (`dist/`). */
  staticDir: string;
  /** Where the school's records live; without one, only the app is served. */
  store?: Store;
  logger?: Logger;
  /** The endpoint's clock (tests move it). */
  now?: () => Date;
  /** Where it is served over HTTPS (`npm start`): plain HTTP from another machine is then sent there, or refused, and /setup is served. */
  https?: HttpsSite;
}

/**
 * Names the tablet enrolled from this browser (see sync.ts `enrol`). Over HTTPS it is a secure
 * cookie of its own: browsers send a plain-HTTP cookie to HTTPS on the same host too, and a tablet
 * that moved from `http://…:8080` to the https address (its records left, not wiped, under the
 * old one) must not be reported as a tablet whose browser wiped it.
 */
const tabletCookie = (c: Context) => (connectionOf(c).encrypted ? '__Secure-waymark_tablet' : 'waymark_tablet');

/** Browsers keep a cookie at most 400 days; every sync renews it. */
const rememberTablet = (c: Context, deviceId: string) =>
  setCookie(c, tabletCookie(c), deviceId, {
    httpOnly: true,
    sameSite: 'Strict',
    path: API,
    maxAge: 400 * 24 * 60 * 60,
    ...(connectionOf(c).encrypted ? { secure: true } : {}),
  });

/**
 * The address a request came from: the connection's, or, for one a proxy on this machine passed on
 * (a reverse proxy in front, see the README), the address the proxy says it came from.
 */
function clientAddress(c: Context): string {
  const { remoteAddress } = connectionOf(c);
  const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
  return (isLoopback(remoteAddress) && forwarded) || remoteAddress || 'unknown';
}

const fail = (code: ErrorBody['error']['code'], message: string): ErrorBody => ({ error: { code, message } });

/**
 * What the push schema lets through and must not: valibot's record takes a list for an object
 * (`[]` as `{}`, `["x"]` as `{ "0": "x" }`), so a change whose `values` or `base` is a list would
 * be applied as a change of nothing, or of fields named 0, 1 and so on. Null is refused by the
 * schema too, here in words.
 */
function refuseListsForFields(body: unknown): void {
  const changes = (body as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) return;
  changes.forEach((change: { values?: unknown; base?: unknown } | null, i) => {
    const fields = [
      ['values', 'values are', 'the fields it sets and their values'],
      ['base', 'base is', 'the fields it sets and the clock reading each had when edited'],
    ] as const;
    for (const [key, subject, what] of fields) {
      const value = change?.[key];
      if (Array.isArray(value) || value === null) {
        throw new SyncError(
          400,
          'bad_request',
          `changes.${i}.${key}: a change’s ${subject} an object of ${what}, not ${value === null ? 'null' : 'a list'}.`,
        );
      }
    }
  });
}

/** Parses a JSON body against a protocol schema, answering in words what is wrong. */
async function readBody<T>(request: Request, schema: v.GenericSchema<unknown, T>, precheck?: (body: unknown) => void): Promise<T> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new SyncError(400, 'bad_request', 'The request body is not valid JSON.');
  }
  const protocol = (body as { protocol?: unknown })?.protocol;
  if (typeof protocol === 'number' && protocol < PROTOCOL) {
    throw new SyncError(
      400,
      'protocol_too_old',
      'This version of Waymark on the tablet is too old for the school’s server: open Waymark online to update it.',
    );
  }
  if (typeof protocol === 'number' && protocol > PROTOCOL) {
    throw new SyncError(
      400,
      'protocol_too_new',
      'The school’s server is older than Waymark on this tablet: ask the school’s IT person to update it. Nothing is lost meanwhile.',
    );
  }
  precheck?.(body);
  const result = v.safeParse(schema, body);
  if (!result.success) throw new SyncError(400, 'bad_request', result.issues.map((issue) => inWords(issue)).join(' '));
  return result.output;
}

/**
 * The page may run only the app's own scripts and styles, talk only to this server, and is never
 * shown inside another site's frame: the notes it holds are about children, and a script slipped
 * into one (a pupil's name, a note) must not run, nor send them anywhere. The other headers are
 * Hono's secure defaults (no sniffing, no referrer, same-origin resources and opener).
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Every answer of the API, errors included, is about children or about a tablet's access to them:
 * neither the browser's cache nor a proxy in between may keep a copy. The app's own files keep the
 * caching static.ts gives them.
 */
const neverCached: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
};

/**
 * What the page may ask the tablet for: nothing Waymark never uses. A script slipped into a page
 * (or an add-on) cannot then open the camera or microphone beside a pupil's notes, learn where the
 * mentor is, or reach a payment sheet or a device plugged in. Only features Chromium knows are
 * named: it reports any other as an error on every page.
 */
export const PERMISSIONS_POLICY = {
  accelerometer: [],
  autoplay: [],
  browsingTopics: [],
  camera: [],
  clipboardRead: [],
  displayCapture: [],
  encryptedMedia: [],
  fullscreen: [],
  gamepad: [],
  geolocation: [],
  gyroscope: [],
  hid: [],
  idleDetection: [],
  localFonts: [],
  magnetometer: [],
  microphone: [],
  midi: [],
  otpCredentials: [],
  payment: [],
  pictureInPicture: [],
  publickeyCredentialsGet: [],
  screenWakeLock: [],
  serial: [],
  usb: [],
  windowManagement: [],
  xrSpatialTracking: [],
} satisfies NonNullable<Parameters<typeof secureHeaders>[0]>['permissionsPolicy'];

/**
 * An enrolment is a code, a tablet id and a name of at most 80 characters: a few hundred bytes.
 * It needs no token, so anyone who reaches the server can send one; capped this low, the server
 * never holds more of it than this.
 */
export const ENROL_BODY_LIMIT = 4 * 1024;

/** Refuses a body over `maxSize` bytes (413 too_large, in `message`'s words) before it is read whole. */
function limitBody(maxSize: number, message: string): MiddlewareHandler {
  const tooLarge = (c: Context) => c.json(fail('too_large', message), 413);
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    // A body that declares its length in digits (as every browser's fetch does) is judged by it,
    // then read on the Node server's fast path; Node's parser reads exactly that many bytes and
    // refuses a request with a malformed length, or with both a length and a transfer encoding.
    // Hono's bodyLimit would first look at the body as a stream, which makes the Node server build
    // a full web Request for each request, on every push and pull. Any other body (sent in chunks,
    // or its length in another form) is counted as it arrives, and refused once past the limit.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && /^\d+$/.test(declared) && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxSize ? tooLarge(c) : next();
    }
    return counted(c, next);
  };
}

export function createApp(options: ServerOptions): Hono {
  const app = new Hono();
  /** What the request log says of a request besides its line: the tablet it came from, the refusal. */
  const noted = new WeakMap<Request, { deviceId?: string; refused?: string }>();
  const note = (c: Context, what: { deviceId?: string; refused?: string }) => noted.set(c.req.raw, { ...noted.get(c.req.raw), ...what });
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const now = options.now ?? (() => new Date());

  // Strict-Transport-Security is said by httpsOnly, and only over HTTPS.
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      permissionsPolicy: PERMISSIONS_POLICY,
      strictTransportSecurity: false,
    }),
  );
  // Before httpsOnly, so that its refusals say it too.
  app.use(`${API}/*`, neverCached);
  app.use('*', httpsOnly(options.https));
  if (options.https) serveSetup(app, options.https);

  // Every API request is logged with the tablet that made it and the address it came from, so the
  // school's IT person can tell who did what from where (a lost tablet's token used elsewhere, a
  // run of wrong codes). Never a body: bodies hold records about children.
  app.use(`${API}/*`, async (c, next) => {
    const started = performance.now();
    await next();
    const { remoteAddress } = connectionOf(c);
    log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        from: remoteAddress ?? null,
        device: noted.get(c.req.raw)?.deviceId ?? null,
        ...(noted.get(c.req.raw)?.refused ? { refused: noted.get(c.req.raw)?.refused } : {}),
      },
      'request',
    );
  });
  const enrolLimit = limitBody(
    ENROL_BODY_LIMIT,
    `An enrolment request may be at most ${ENROL_BODY_LIMIT / 1024} KB: it carries only the code, the tablet’s id and its name.`,
  );
  const requestLimit = limitBody(LIMITS.body, `A request may be at most ${LIMITS.body / 1024 / 1024} MB: send fewer changes at a time.`);
  app.use(`${API}/*`, (c, next) => (c.req.path === `${API}/enrol` ? enrolLimit : requestLimit)(c, next));
  app.onError((error, c) => {
    if (error instanceof SyncError) {
      note(c, { refused: error.code });
      return c.json(fail(error.code, error.message), error.status as ContentfulStatusCode);
    }
    if (error instanceof StoreUnavailable) {
      // Said on every request it refuses: the IT person must act before anything else is taken.
      log.fatal({ path: c.req.path }, error.message);
      return c.json(
        fail(
          'server_error',
          'The school’s server cannot save anything just now; nothing from this request was saved. Waymark will try again.',
        ),
        503,
      );
    }
    log.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(
      fail('server_error', 'The school’s server hit a problem; nothing from this request was saved. Waymark will try again.'),
      500,
    );
  });

  app.get(`${API}/health`, (c) => c.json({ ok: true, version: VERSION, protocol: PROTOCOL }));

  const store = options.store;
  const guard = enrolGuard(log);
  if (store) {
    app.post(`${API}/enrol`, async (c) => {
      const address = clientAddress(c);
      const wait = await guard.attempt(address);
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        const minutes = Math.ceil(wait / 60);
        throw new SyncError(
          429,
          'too_many_attempts',
          `Too many wrong codes have been tried from this tablet’s network: wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, then type the code exactly as printed. If it still does not work, ask for a new one.`,
        );
      }
      const answer = enrol(store, await readBody(c.req.raw, EnrolRequestSchema), now(), getCookie(c, tabletCookie(c)));
      await guard.succeeded(address);
      note(c, { deviceId: answer.deviceId });
      // Outlives the browser wiping Waymark's storage: the next enrolment from here can report it.
      rememberTablet(c, answer.deviceId);
      return c.json(answer);
    });
    app.post(`${API}/push`, async (c) => {
      const device = authenticate(store, c.req.header('authorization'));
      note(c, { deviceId: device.id });
      const request = await readBody(c.req.raw, PushRequestSchema, refuseListsForFields);
      rememberTablet(c, device.id);
      const lostRange = (range: LostRange) =>
        log.warn(
          range,
          'this tablet had delivered changes this server no longer has (restored from a backup?): they are on the tablet, not here',
        );
      return c.json(push(store, device, request, now(), lostRange));
    });
    app.post(`${API}/pull`, async (c) => {
      const device = authenticate(store, c.req.header('authorization'));
      note(c, { deviceId: device.id });
      const unrecorded = (error: unknown) =>
        log.error({ err: error, deviceId: device.id }, 'could not record, for the audit trail, which concerns this pull handed on');
      const parts = pull(store, device, await readBody(c.req.raw, PullRequestSchema), now(), unrecorded);
      // Sent piece by piece, as stored: joining a page into one buffer first would copy every byte
      // sent once more. The pieces may be slices of the change log's in-memory tail, which a slow
      // tablet then keeps alive until its answer is sent.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
      const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
      return c.body(body, 200, { 'content-type': 'application/json', 'content-length': String(length) });
    });
    app.post(`${API}/audit`, async (c) => {
      const device = authenticate(store, c.req.header('authorization'));
      note(c, { deviceId: device.id });
      return c.json(auditFor(store, device, await readBody(c.req.raw, AuditRequestSchema)));
    });
  }

  app.all(`${API}/*`, (c) => c.json(fail('not_found', `No such API: ${c.req.method} ${c.req.path}`), 404));
  serveApp(app, options.staticDir);
  return app;
}
