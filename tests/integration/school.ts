/**
 * A school endpoint in this process: the real server code over a real SQLite database (in
 * memory), answered through `app.request` with no network, and tablets that talk to it. With
 * `overHttp`, the same endpoint listens on 127.0.0.1 behind the Node server `npm start` uses, for
 * what only a real connection shows (bodies read from the socket, answers streamed to it).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApp } from '../../src/server/app.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Store } from '../../src/server/store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL, type PushChange } from '../../src/shared/protocol.ts';

/** An answer's body, as parsed JSON: the tests look into it field by field. */
type Parsed = ReturnType<typeof JSON.parse>;
type Answer = Promise<{ status: number; body: Parsed; bytes: number; setCookie: string | null; headers: Headers }>;

export interface TestSchool {
  store: Store;
  /** The endpoint's clock; tests move it. */
  clock: { now: Date };
  request: (
    path: string,
    init?: {
      body?: unknown;
      raw?: string;
      /** Sent as a stream, without declaring its length (as a chunked upload is). */
      streamed?: boolean;
      token?: string;
      /** The Authorization header as sent, in place of the token's. */
      authorization?: string;
      method?: 'GET' | 'POST';
      cookie?: string;
    },
  ) => Answer;
  /**
   * The endpoint as a tablet's sync engine reaches it, whatever address the tablet was given: in
   * process, or over HTTP with `overHttp`.
   */
  tabletFetch: typeof fetch;
  /** With `answersLost`, the endpoint does its work and its answer never reaches the tablet (the Wi-Fi dropped). */
  network: { answersLost: boolean };
  addMentor: (name: string, schoolId?: string) => { mentorId: string; code: string };
  enrolTablet: (mentorName: string, schoolId?: string) => Promise<Tablet>;
  schoolId: string;
  /** Stops listening (over HTTP) and closes the database. */
  close: () => Promise<void>;
}

export interface Tablet {
  deviceId: string;
  token: string;
  mentorId: string;
  seq: number;
  /** A change as this tablet's outbox would send it: the next sequence number, a clock reading now. */
  change: (
    table: PushChange['table'],
    recordId: string,
    op: PushChange['op'],
    values: Record<string, unknown>,
    at?: Date,
    base?: PushChange['base'],
  ) => PushChange;
  push: (changes: PushChange[], unsent?: number) => Answer;
  pull: (cursor?: string | null, limit?: number) => Answer;
}

export function openSchool(options: { overHttp?: boolean } = {}): TestSchool {
  const store = openSqliteStore(':memory:');
  const school = store.addSchool('Hillside Academy');
  const clock = { now: new Date('2026-11-24T15:30:00.000Z') };
  const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), now: () => clock.now });
  // Started on the first request, so that opening a school stays one plain call. As in `npm start`,
  // the Node server puts its own Request and Response in place of the global ones for this test
  // file; the in-process tests pass either way.
  let server: Promise<ReturnType<typeof serve>> | undefined;
  const listening = () =>
    (server ??= new Promise((resolve, reject) => {
      const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
      started.once('error', reject);
    }));
  const send = async (path: string, init: RequestInit) => {
    if (!options.overHttp) return app.request(path, init);
    const { port } = (await listening()).address() as AddressInfo;
    return fetch(`http://127.0.0.1:${port}${path}`, init);
  };

  const network = { answersLost: false };
  const tabletFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const response = await send(`${url.pathname}${url.search}`, init ?? {});
    if (!network.answersLost) return response;
    // Read to its end first: over HTTP the endpoint has then sent all of it.
    await response.arrayBuffer();
    throw new TypeError('Failed to fetch');
  };

  const request: TestSchool['request'] = async (path, init = {}) => {
    const method = init.method ?? 'POST';
    const text = method === 'GET' ? undefined : (init.raw ?? JSON.stringify(init.body ?? {}));
    const response = await send(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.authorization ? { authorization: init.authorization } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      body: text !== undefined && init.streamed ? new Blob([text]).stream() : text,
      ...(init.streamed ? { duplex: 'half' } : {}),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      body: JSON.parse(new TextDecoder().decode(bytes)),
      bytes: bytes.byteLength,
      setCookie: response.headers.get('set-cookie'),
      headers: response.headers,
    };
  };

  const addMentor: TestSchool['addMentor'] = (name, schoolId = school.id) => {
    const mentor = store.addMentor(schoolId, name);
    return { mentorId: mentor.id, code: issueEnrolmentCode(store, mentor.id, clock.now) };
  };

  const enrolTablet: TestSchool['enrolTablet'] = async (mentorName, schoolId) => {
    const { code, mentorId } = addMentor(mentorName, schoolId);
    const deviceId = newId();
    const { status, body } = await request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId, code, deviceName: `${mentorName}'s iPad` },
    });
    if (status !== 200) throw new Error(`enrol failed: ${JSON.stringify(body)}`);
    const tablet: Tablet = {
      deviceId,
      token: body.token,
      mentorId,
      seq: 0,
      change: (table, recordId, op, values, at = clock.now, base) => {
        tablet.seq += 1;
        return {
          changeId: newId(),
          seq: tablet.seq,
          table,
          recordId,
          op,
          values,
          hlc: encodeHlc({ wall: at.getTime(), count: 0, node: deviceId }),
          ...(base ? { base } : {}),
        };
      },
      push: (changes, unsent = changes.length) =>
        request('/api/v1/push', {
          token: tablet.token,
          body: { protocol: PROTOCOL, changes, unsent, deviceTime: clock.now.toISOString() },
        }),
      pull: (cursor = null, limit) =>
        request('/api/v1/pull', { token: tablet.token, body: { protocol: PROTOCOL, cursor, ...(limit ? { limit } : {}) } }),
    };
    return tablet;
  };

  const close = async () => {
    if (server) {
      const running = await server;
      // Without this, a connection left open after a refused upload holds the close up.
      if ('closeAllConnections' in running) running.closeAllConnections();
      await new Promise((resolve) => running.close(resolve));
    }
    store.close();
  };
  return { store, clock, request, tabletFetch, network, addMentor, enrolTablet, schoolId: school.id, close };
}

/** A whole pupil record as a tablet creates it. */
export function newPupil(tablet: Tablet, name = 'Jacob Smith', at = '2026-11-24T09:00:00.000Z') {
  const id = newId();
  return {
    id,
    values: {
      id,
      createdAt: at,
      updatedAt: at,
      deviceId: tablet.deviceId,
      mentorId: null,
      name,
      preferredName: '',
      yearGroup: 'Year 9',
      form: '9R',
      schoolRef: '',
      referralReasons: ['attendance'],
      referralOther: '',
      referredBy: '',
      consent: 'given',
      startOn: '2026-09-07',
      contacts: [],
      whatHelps: '',
      status: 'active',
    },
  };
}
