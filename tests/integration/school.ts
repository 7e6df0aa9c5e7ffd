/**
 * A school endpoint in this process: the real server code over a real SQLite database (in
 * memory), answered through `app.request` with no network, and tablets that talk to it.
 */
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

export interface TestSchool {
  store: Store;
  /** The endpoint's clock; tests move it. */
  clock: { now: Date };
  request: (
    path: string,
    init?: { body?: unknown; raw?: string; token?: string; method?: 'GET' | 'POST'; cookie?: string },
  ) => Promise<{ status: number; body: Parsed; setCookie: string | null }>;
  addMentor: (name: string, schoolId?: string) => { mentorId: string; code: string };
  enrolTablet: (mentorName: string, schoolId?: string) => Promise<Tablet>;
  schoolId: string;
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
  push: (changes: PushChange[], unsent?: number) => Promise<{ status: number; body: Parsed }>;
  pull: (cursor?: string | null, limit?: number) => Promise<{ status: number; body: Parsed }>;
}

export function openSchool(): TestSchool {
  const store = openSqliteStore(':memory:');
  const school = store.addSchool('Hillside Academy');
  const clock = { now: new Date('2026-11-24T15:30:00.000Z') };
  const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), now: () => clock.now });

  const request: TestSchool['request'] = async (path, init = {}) => {
    const method = init.method ?? 'POST';
    const response = await app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      body: method === 'GET' ? undefined : (init.raw ?? JSON.stringify(init.body ?? {})),
    });
    return { status: response.status, body: await response.json(), setCookie: response.headers.get('set-cookie') };
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

  return { store, clock, request, addMentor, enrolTablet, schoolId: school.id };
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
