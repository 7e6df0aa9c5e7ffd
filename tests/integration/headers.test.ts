/**
 * What every answer of the endpoint tells browsers, and the caches between a tablet and the
 * school's server: in process, and over a real connection behind the Node server `npm start` uses.
 */
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import type { HttpsSite } from '../../src/server/https-only.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, openSchool, type Tablet, type TestSchool } from './school.ts';

const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** One request of each kind a tablet makes, answered with success and with each kind of error. */
const apiAnswers: [string, number, (school: TestSchool, tablet: Tablet) => RequestInit & { path: string }][] = [
  ['the health check', 200, () => ({ path: '/api/v1/health', method: 'GET' })],
  [
    'an enrolment',
    200,
    (school) => ({
      path: '/api/v1/enrol',
      ...json({ protocol: PROTOCOL, deviceId: newId(), code: school.addMentor('Alex Jones').code, deviceName: 'iPad 2' }),
    }),
  ],
  [
    'an enrolment with a used code',
    401,
    () => ({ path: '/api/v1/enrol', ...json({ protocol: PROTOCOL, deviceId: newId(), code: 'ABCDE-FGHJK', deviceName: '' }) }),
  ],
  [
    'a push',
    200,
    (school, tablet) => {
      const p = newPupil(tablet);
      const changes = [tablet.change('pupils', p.id, 'create', p.values)];
      return {
        path: '/api/v1/push',
        ...json({ protocol: PROTOCOL, changes, unsent: 1, deviceTime: school.clock.now.toISOString() }, tablet.token),
      };
    },
  ],
  ['a pull', 200, (_, tablet) => ({ path: '/api/v1/pull', ...json({ protocol: PROTOCOL, cursor: null }, tablet.token) })],
  ['a pull without a token', 401, () => ({ path: '/api/v1/pull', ...json({ protocol: PROTOCOL, cursor: null }) })],
  ['a push that is not JSON', 400, (_, tablet) => ({ path: '/api/v1/push', ...json('{"protocol": 1, "changes": [', tablet.token) })],
  [
    'a push too large',
    413,
    (_, tablet) => ({ path: '/api/v1/push', ...json({ protocol: PROTOCOL, padding: 'x'.repeat(6 * 1024 * 1024) }, tablet.token) }),
  ],
  ['a path the API does not have', 404, () => ({ path: '/api/v1/records', method: 'GET' })],
  [
    'a pull the server fails to answer',
    500,
    (school, tablet) => {
      school.store.close();
      return { path: '/api/v1/pull', ...json({ protocol: PROTOCOL, cursor: null }, tablet.token) };
    },
  ],
];

describe.each([
  ['in process', false],
  ['over HTTP', true],
])('what caches may keep (%s)', (_, overHttp) => {
  it.each(apiAnswers)('%s (%i) is never kept by any cache', async (_, status, make) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const tablet = await school.enrolTablet('Sam Patel');
    const { path, ...init } = make(school, tablet);
    const response = await school.tabletFetch(`http://school.test${path}`, init);
    await response.arrayBuffer();
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    // Built or not, the app shell and a deep link are revalidated, and hashed files kept a year.
    ['/', 'no-cache'],
    ['/pupils/01a20000-0000-7000-8000-0000000000a1', 'no-cache'],
    ['/assets/index-0123abcd.js', 'public, max-age=31536000, immutable'],
  ])('the app’s file %s keeps its own caching', async (path, caching) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const response = await school.tabletFetch(`http://school.test${path}`, { method: 'GET' });
    await response.arrayBuffer();
    expect(response.headers.get('cache-control')).toBe(caching);
  });
});

/** The endpoint as `npm start` serves it, asked by another machine over plain HTTP (a request made without a connection counts as that). */
function servedOverHttps() {
  const store = openSqliteStore(':memory:');
  onTestFinished(() => store.close());
  const site: HttpsSite = { originFor: () => 'https://waymark.hillside.test', authority: () => undefined, knows: () => true };
  return createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), https: site });
}

describe('plain HTTP from another machine', () => {
  it('is refused on the API with an answer no cache keeps', async () => {
    const response = await servedOverHttps().request('/api/v1/pull', json({ protocol: PROTOCOL, cursor: null }, 'a-token'));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('https_required');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

/** Every feature is off: `camera=(), microphone=(), …`, none allowed to any origin. */
function expectEverythingOff(policy: string | null, where: string) {
  const directives = (policy ?? '').split(', ');
  for (const directive of directives) expect(directive, where).toMatch(/^[a-z-]+=\(\)$/);
  const features = directives.map((d) => d.split('=')[0]);
  for (const unused of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'hid', 'display-capture'])
    expect(features, where).toContain(unused);
}

describe.each([
  ['in process', false],
  ['over HTTP', true],
])('what the page may ask the tablet for (%s)', (_, overHttp) => {
  it('every answer turns off the camera, microphone, location, payments and devices Waymark never uses', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    for (const [path, init] of [
      ['/', { method: 'GET' }],
      ['/pupils/01a20000-0000-7000-8000-0000000000a1', { method: 'GET' }],
      ['/assets/index-0123abcd.js', { method: 'GET' }],
      ['/api/v1/health', { method: 'GET' }],
      ['/api/v1/pull', json({ protocol: PROTOCOL, cursor: null })],
      ['/api/v1/records', { method: 'GET' }],
    ] as const) {
      const response = await school.tabletFetch(`http://school.test${path}`, init);
      await response.arrayBuffer();
      expectEverythingOff(response.headers.get('permissions-policy'), path);
    }
  });
});

describe('served as `npm start` serves it', () => {
  it('the redirect to https, the refusal of the API and the setup page turn everything off too', async () => {
    const app = servedOverHttps();
    for (const [path, status] of [
      ['/pupils', 308],
      ['/api/v1/health', 403],
      ['/setup', 200],
    ] as const) {
      const response = await app.request(path);
      expect(response.status, path).toBe(status);
      expectEverythingOff(response.headers.get('permissions-policy'), path);
    }
  });
});
