import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WaymarkDB } from '../../src/data/db.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { enrolTablet, outboxSummary, syncNow } from '../../src/data/sync.ts';
import { createApp } from '../../src/server/app.ts';
import { type Cursor, openCursor, sealCursor } from '../../src/server/cursor.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { decodeHlc, encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { pupil } from '../unit/helpers.ts';
import { newPupil, openSchool } from './school.ts';

const later = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

describe('enrolling a tablet', () => {
  it('turns a one-time code into a device token; the code then stops working', async () => {
    const school = openSchool();
    const { code } = school.addMentor('Sam Patel');
    const first = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: '01a20000-0000-7000-8000-0000000000d1', code, deviceName: 'iPad 1' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      protocol: PROTOCOL,
      deviceId: '01a20000-0000-7000-8000-0000000000d1',
      mentor: { name: 'Sam Patel', dsl: false },
      school: { name: 'Hillside Academy' },
    });
    expect(first.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const again = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: '01a20000-0000-7000-8000-0000000000d2', code, deviceName: 'iPad 2' },
    });
    expect(again).toMatchObject({ status: 401, body: { error: { code: 'code_invalid' } } });
  });

  it('refuses a code more than a day old, and accepts it typed in lower case with spaces', async () => {
    const school = openSchool();
    const { code } = school.addMentor('Sam Patel');
    const sloppy = ` ${code.toLowerCase().replace('-', ' ')} `;
    school.clock.now = later(school.clock.now, 24 * 60 + 1);
    const old = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: '01a20000-0000-7000-8000-0000000000d1', code: sloppy, deviceName: '' },
    });
    expect(old.body.error.code).toBe('code_invalid');
    const fresh = school.addMentor('Alex Jones');
    const ok = await school.request('/api/v1/enrol', {
      body: {
        protocol: PROTOCOL,
        deviceId: '01a20000-0000-7000-8000-0000000000d1',
        code: ` ${fresh.code.toLowerCase().replace('-', ' ')} `,
        deviceName: '',
      },
    });
    expect(ok.status).toBe(200);
  });
});

describe('the name a tablet is enrolled under', () => {
  // Control characters are invisible on the tablet (the mentor could not see what to change), so
  // they are left out rather than refused; a tab or a new line from a paste becomes a space.
  it.each([
    ['a tab pasted in', 'Year 9\tiPad 3', 'Year 9 iPad 3'],
    ['a new line that would start a row of its own', 'iPad 3\n!  forged-id  Someone else', 'iPad 3 !  forged-id  Someone else'],
    ['terminal escapes that would clear the screen and colour it', 'iPad\u001b[2J\u001b[31m 3', 'iPad[2J[31m 3'],
    ['a C1 control (CSI) and DEL', 'iPad\u009b31m\u007f 3', 'iPad31m 3'],
    ['a right-to-left override', 'iPad \u202egnp.3', 'iPad gnp.3'],
    ['bidi embeddings and isolates', '\u202aYear 9\u202c \u2066iPad\u2069 \u2067 3\u2068\u2069', 'Year 9 iPad  3'],
    ['nothing but controls', '\u0000\u0007\u202e', 'Tablet'],
    ['no control at all', 'Año 9 – iPad “3”', 'Año 9 – iPad “3”'],
  ])('with %s is stored as the mentor sees it', async (_, deviceName, stored) => {
    const school = openSchool();
    const { code } = school.addMentor('Sam Patel');
    const deviceId = newId();
    const { status } = await school.request('/api/v1/enrol', { body: { protocol: PROTOCOL, deviceId, code, deviceName } });
    expect(status).toBe(200);
    expect(school.store.device(deviceId)?.name).toBe(stored);
  });
});

describe('pushing and pulling', () => {
  it('over HTTP, a pull answer arrives whole, with its length declared, around the tablet’s own changes', async () => {
    const school = openSchool({ overHttp: true });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    for (const [tablet, name] of [
      [a, 'Jacob Smith'],
      [b, 'Amira Khan'],
      [a, 'Leo Brown'],
    ] as const) {
      const p = newPupil(tablet, name);
      expect((await tablet.push([tablet.change('pupils', p.id, 'create', p.values)])).status).toBe(200);
    }
    // B's own change sits between A's two in the log: the answer is sent in pieces around it.
    const pulled = await b.pull();
    expect(pulled.status).toBe(200);
    expect(pulled.body.changes.map((c: { values: { name: string } }) => c.values.name)).toEqual(['Jacob Smith', 'Leo Brown']);
    expect(Number(pulled.headers.get('content-length'))).toBe(pulled.bytes);
    expect(pulled.headers.get('transfer-encoding')).toBeNull();
    expect((await b.pull(pulled.body.cursor)).body).toMatchObject({ changes: [], more: false });
  });

  it('a pupil recorded on one tablet reaches another mentor of the school, and not the tablet that sent it', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const pupil = newPupil(a);
    const pushed = await a.push([a.change('pupils', pupil.id, 'create', pupil.values)]);
    expect(pushed.body.results).toEqual([expect.objectContaining({ seq: 1, status: 'applied' })]);

    const pulled = await b.pull();
    expect(pulled.body.changes).toHaveLength(1);
    expect(pulled.body.changes[0]).toMatchObject({
      table: 'pupils',
      recordId: pupil.id,
      op: 'create',
      deviceId: a.deviceId,
      mentorId: a.mentorId,
    });
    // The server records who really wrote it: the enrolled tablet's mentor, not what the tablet claimed (null).
    expect(pulled.body.changes[0].values.mentorId).toBe(a.mentorId);
    expect((await a.pull()).body.changes).toEqual([]);
  });

  it('an offline day of 300 changes arrives complete, in order, in one push', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const changes = Array.from({ length: 300 }, (_, i) => {
      const p = newPupil(a, `Pupil ${i + 1}`);
      return a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -300 + i));
    });
    const pushed = await a.push(changes);
    expect(pushed.body.results.map((r: { status: string }) => r.status)).toEqual(Array(300).fill('applied'));
    const names: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const pulled: { body: { changes: { values: { name: string } }[]; cursor: string; more: boolean } } = await b.pull(cursor, 128);
      names.push(...pulled.body.changes.map((c) => c.values.name));
      cursor = pulled.body.cursor;
      if (!pulled.body.more) break;
    }
    expect(names).toEqual(Array.from({ length: 300 }, (_, i) => `Pupil ${i + 1}`));
    expect(school.store.devices().find((d) => d.id === a.deviceId)).toMatchObject({ lastAppliedSeq: 300, unsent: 0 });
  });

  it('the same batch sent twice at once (two tabs, or the service worker and a page) applies once', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const batch = Array.from({ length: 5 }, (_, i) => {
      const p = newPupil(a, `Pupil ${i}`);
      return a.change('pupils', p.id, 'create', p.values);
    });
    const [one, two] = await Promise.all([a.push(batch), a.push(batch)]);
    const statuses = [one, two].map((r) => r.body.results.map((x: { status: string }) => x.status).join(','));
    expect(statuses.sort()).toEqual(['applied,applied,applied,applied,applied', 'duplicate,duplicate,duplicate,duplicate,duplicate']);
    expect((await b.pull()).body.changes).toHaveLength(5);
  });

  it('a batch whose answer never reached the tablet is sent again, with a change made since: each is recorded once', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const batch = [
      a.change('pupils', p.id, 'create', p.values),
      a.change('pupils', p.id, 'update', { form: '9S', updatedAt: '2026-11-24T10:00:00.000Z' }),
    ];
    await a.push(batch); // the connection drops here: the tablet never hears the answer
    const since = a.change('pupils', p.id, 'update', { whatHelps: 'short sessions', updatedAt: '2026-11-24T11:00:00.000Z' });
    const retry = await a.push([...batch, since]);
    expect(retry.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
    const pulled = (await b.pull()).body.changes;
    expect(pulled.map((c: { op: string; values: Record<string, unknown> }) => [c.op, c.values.form ?? c.values.whatHelps ?? null])).toEqual(
      [
        ['create', '9R'],
        ['update', '9S'],
        ['update', 'short sessions'],
      ],
    );
  });

  it('change 3 of 10 is refused with a reason while the other nine apply', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const batch = Array.from({ length: 10 }, (_, i) => {
      const p = newPupil(a, i === 2 ? '' : `Pupil ${i + 1}`);
      return a.change('pupils', p.id, 'create', p.values);
    });
    const { body } = await a.push(batch);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'rejected', ...Array(7).fill('applied')]);
    expect(body.results[2]).toMatchObject({ seq: 3, code: 'invalid_record', message: 'Name is required.' });
    const b = await school.enrolTablet('Alex Jones');
    expect((await b.pull()).body.changes).toHaveLength(9);
  });

  it('support reopened on a tablet is reopened at the school: the closure it clears is not refused', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const closure = { status: 'closed', closedOn: '2026-11-20', closeReason: 'targets met', outcome: 'improved', exitSummary: 'Settled.' };
    await a.push([a.change('pupils', p.id, 'create', { ...p.values, ...closure }, later(school.clock.now, -60))]);
    // A cleared field travels as null (section 2 of the protocol).
    const reopened = a.change('pupils', p.id, 'update', {
      status: 'active',
      closedOn: null,
      closeReason: null,
      outcome: null,
      exitSummary: null,
      updatedAt: '2026-11-24T10:00:00.000Z',
    });
    expect((await a.push([reopened])).body.results).toEqual([{ seq: 2, changeId: reopened.changeId, status: 'applied' }]);
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))?.state.fields).toMatchObject({ status: 'active', closedOn: null });
  });

  it('a change that skips ahead is refused as out of order, and nothing after it applies out of turn', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const first = a.change('pupils', p.id, 'create', p.values);
    const second = a.change('pupils', p.id, 'update', { form: '9S' });
    const { body } = await a.push([second]);
    expect(body.results).toEqual([expect.objectContaining({ status: 'rejected', code: 'out_of_order' })]);
    expect((await a.push([first, second])).body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
  });

  it('two tablets editing the same field: the later edit wins on the server, and the earlier is kept', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -60));
    await a.push([created]);
    await a.push([a.change('pupils', p.id, 'update', { form: '9S' }, later(school.clock.now, -10), { form: created.hlc })]);
    await b.push([b.change('pupils', p.id, 'update', { form: '9T' }, later(school.clock.now, -20), { form: created.hlc })]);
    const record = school.store.batch((w) => w.getRecord('pupils', p.id));
    expect(record?.state.fields.form).toBe('9S');
  });

  it('a tablet whose clock is two days ahead is told so, and does not win every later edit', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -60));
    await a.push([created]);
    const fast = a.change('pupils', p.id, 'update', { form: 'from the fast clock' }, later(school.clock.now, 2 * 24 * 60), {
      form: created.hlc,
    });
    const pushed = await school.request('/api/v1/push', {
      token: a.token,
      body: { protocol: PROTOCOL, changes: [fast], unsent: 1, deviceTime: later(school.clock.now, 2 * 24 * 60).toISOString() },
    });
    expect(pushed.body.clockSkewMs).toBe(2 * 24 * 60 * 60_000);
    expect(school.store.devices().find((d) => d.id === a.deviceId)?.clockSkewMs).toBe(2 * 24 * 60 * 60_000);
    school.clock.now = later(school.clock.now, 5);
    await b.push([b.change('pupils', p.id, 'update', { form: 'edited later by a good clock' }, school.clock.now)]);
    const record = school.store.batch((w) => w.getRecord('pupils', p.id));
    expect(record?.state.fields.form).toBe('edited later by a good clock');
  });

  it('a server restored from an older backup, or replaced, tells tablets to fetch everything again', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const { body } = await a.pull();
    const secret = school.store.cursorSecret();
    const cursor = openCursor(secret, school.store.epoch(), body.cursor) as Cursor;
    const future = sealCursor(secret, { ...cursor, seq: cursor.seq + 50 });
    expect(await a.pull(future)).toMatchObject({ status: 409, body: { error: { code: 'resync' } } });
    const otherServer = sealCursor(randomBytes(32), { ...cursor, epoch: 'another-database' });
    expect(await a.pull(otherServer)).toMatchObject({ status: 409, body: { error: { code: 'resync' } } });
  });
});

// In process, and over a real connection.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('a pull cursor this endpoint did not issue (%s)', (_, overHttp) => {
  // As an earlier release wrote them: base64url JSON, in clear.
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['a position before the start of the log', { seq: -1 }],
    ['a position far before the start of the log', { seq: -1_000_000 }],
    ['a position that is not a whole number', { seq: 0.5 }],
    ['a position in words', { seq: '0' }],
    ['an epoch that is a number', { epoch: 42 }],
    ['no epoch', { epoch: undefined }],
    ['a fingerprint that is not a clock reading', { seq: 0, at: 17 }],
  ])('with %s is refused in words, and hands out nothing', async (_, fields) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    const secret = school.store.cursorSecret();
    const issued = openCursor(secret, school.store.epoch(), (await b.pull()).body.cursor);
    // The epoch travels in clear beside the seal: what is inside it is checked once opened.
    const sealed = 'epoch' in fields ? [] : [sealCursor(secret, { ...issued, ...fields } as Cursor)];
    for (const cursor of [cursorOf({ ...issued, ...fields }), ...sealed]) {
      const pulled = await b.pull(cursor);
      expect(pulled).toMatchObject({
        status: 400,
        body: { error: { code: 'bad_request', message: 'That pull cursor is not one this endpoint issued.' } },
      });
      expect(pulled.body.changes).toBeUndefined();
    }
  });

  it('sealed by this endpoint but altered in any one character, or cut short, is refused in words', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const issued = (await a.pull()).body.cursor as string;
    const sealed = issued.indexOf('.') + 1;
    const flip = (at: number) => `${issued.slice(0, at)}${issued[at] === 'A' ? 'B' : 'A'}${issued.slice(at + 1)}`;
    for (const cursor of [
      flip(sealed),
      flip(sealed + 20),
      flip(issued.length - 2),
      issued.slice(0, -4),
      `${issued.slice(0, sealed)}AAAA`,
    ]) {
      expect(await a.pull(cursor)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    }
    expect((await a.pull(issued)).status).toBe(200);
  });

  it.each([
    ['not JSON', Buffer.from('{"epoch":').toString('base64url')],
    ['JSON that is not an object', cursorOf(7)],
    ['null', cursorOf(null)],
    ['sealed, with no epoch before it', `.${'A'.repeat(60)}`],
  ])('that is %s is refused in words', async (_, cursor) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    expect(await a.pull(cursor)).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
  });
});

// In process, and over a real connection.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('the clocks an editor saw (base) (%s)', (_, overHttp) => {
  it('travel with an update only: a create or a delete carrying them is stored and handed on without', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const q = newPupil(a, 'Amira Khan');
    const stale = encodeHlc({ wall: later(school.clock.now, -120).getTime(), count: 0, node: b.deviceId });
    const created = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -60), { name: stale });
    const createdQ = a.change('pupils', q.id, 'create', q.values, later(school.clock.now, -50));
    const edited = a.change('pupils', p.id, 'update', { form: '9S' }, later(school.clock.now, -30), { form: created.hlc });
    const removed = a.change(
      'pupils',
      q.id,
      'delete',
      { deletedAt: school.clock.now.toISOString(), updatedAt: school.clock.now.toISOString() },
      school.clock.now,
      { deletedAt: null, updatedAt: stale },
    );
    const pushed = await a.push([created, createdQ, edited, removed]);
    expect(pushed.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const pulled: { op: string; base?: unknown }[] = (await b.pull()).body.changes;
    expect(pulled.map((c) => [c.op, c.base])).toEqual([
      ['create', undefined],
      ['create', undefined],
      ['update', { form: created.hlc }],
      ['delete', undefined],
    ]);
    expect(pulled.filter((c) => 'base' in c).map((c) => c.op)).toEqual(['update']);
  });
});

describe('tablets that are not allowed', () => {
  it('a revoked tablet is refused with a reason, and can be enrolled again with a new code', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    school.store.revokeDevice(a.deviceId, school.clock.now.toISOString());
    const p = newPupil(a);
    const sent = a.change('pupils', p.id, 'create', p.values);
    const refused = { ...(await a.push([sent])), sent };
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'device_revoked' } } });
    expect(refused.body.error.message).toContain('Nothing on it has been deleted');
    expect((await a.pull()).status).toBe(403);

    // The mentor gets a new code and enrols the same tablet again: its unsent change goes through.
    const code = issueEnrolmentCode(school.store, a.mentorId, school.clock.now);
    const again = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: a.deviceId, code, deviceName: 'Found again' },
    });
    expect(again.status).toBe(200);
    a.token = again.body.token;
    const { body } = await a.push([{ ...refused.sent, seq: 1 }]);
    expect(body.results).toEqual([expect.objectContaining({ status: 'applied' })]);
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-a-real-token'],
  ])('a request with %s is refused', async (_, token) => {
    const school = openSchool();
    const { status, body } = await school.request('/api/v1/pull', { token, body: { protocol: PROTOCOL, cursor: null } });
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorised');
  });

  it.each([
    ['create a record under its id', 'create', (id: string, values: Record<string, unknown>) => ({ ...values, id, form: 'hijacked' })],
    ['update it', 'update', () => ({ form: 'hijacked' })],
    ['remove it', 'delete', () => ({ deletedAt: '2026-11-24T15:30:00.000Z', updatedAt: '2026-11-24T15:30:00.000Z' })],
  ] as const)('a tablet of another school cannot %s: the record, its log and both schools’ pulls are untouched', async (_, op, values) => {
    const school = openSchool();
    const other = school.store.addSchool('Riverside Primary');
    const a = await school.enrolTablet('Sam Patel');
    const colleague = await school.enrolTablet('Alex Jones');
    const intruder = await school.enrolTablet('Pat Other', other.id);
    const intruderColleague = await school.enrolTablet('Jo Other', other.id);
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    const before = school.store.batch((w) => w.getRecord('pupils', p.id));

    const { body } = await intruder.push([intruder.change('pupils', p.id, op, values(p.id, newPupil(intruder, 'Someone Else').values))]);
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      code: 'not_your_school',
      message: 'That record belongs to another school.',
    });
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))).toEqual(before);
    expect(school.store.lastChangeSeq()).toBe(1);
    const pulled = (await colleague.pull()).body.changes;
    expect(pulled).toEqual([expect.objectContaining({ recordId: p.id, op: 'create', deviceId: a.deviceId })]);
    expect(pulled[0].values.form).toBe('9R');
    expect((await intruder.pull()).body.changes).toEqual([]);
    expect((await intruderColleague.pull()).body.changes).toEqual([]);
  });
});

// In process, and over a real connection: the Node server reads a body from the socket itself.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('bad input gets a clear error, and the server goes on serving (%s)', (_, overHttp) => {
  it.each([
    ['malformed JSON', { raw: '{"protocol": 1, "changes": [' }, 400, 'bad_request', 'not valid JSON'],
    [
      'wrong types',
      { body: { protocol: PROTOCOL, changes: 'lots', unsent: 0, deviceTime: '2026-11-24T15:30:00.000Z' } },
      400,
      'bad_request',
      'changes',
    ],
    ['an unknown kind of record', { change: { table: 'grades' } }, 400, 'bad_request', 'Unknown kind of record.'],
    // A list would pass as an object of fields "0", "1"…, an empty one as a change of nothing.
    [
      'values that are an empty list',
      { change: { values: [] } },
      400,
      'bad_request',
      'changes.0.values: a change’s values are an object of the fields it sets and their values, not a list.',
    ],
    ['values that are a list', { change: { values: ['Jacob Smith'] } }, 400, 'bad_request', 'changes.0.values: '],
    [
      'values that are null',
      { change: { values: null } },
      400,
      'bad_request',
      'changes.0.values: a change’s values are an object of the fields it sets and their values, not null.',
    ],
    [
      'a base that is a list',
      { change: { base: [] } },
      400,
      'bad_request',
      'changes.0.base: a change’s base is an object of the fields it sets and the clock reading each had when edited, not a list.',
    ],
    ['a newer protocol', { body: { protocol: PROTOCOL + 1 } }, 400, 'protocol_too_new', 'Nothing is lost'],
    ['an older protocol', { body: { protocol: 0 } }, 400, 'protocol_too_old', 'too old'],
    [
      'an oversized body',
      { raw: JSON.stringify({ protocol: PROTOCOL, padding: 'x'.repeat(6 * 1024 * 1024) }) },
      413,
      'too_large',
      'at most 5 MB',
    ],
    [
      'an oversized body sent without its length',
      { raw: JSON.stringify({ protocol: PROTOCOL, padding: 'x'.repeat(6 * 1024 * 1024) }), streamed: true },
      413,
      'too_large',
      'at most 5 MB',
    ],
  ])('%s', async (_, input, status, code, message) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const base = a.change('pupils', p.id, 'create', p.values);
    const init =
      'change' in input
        ? { body: { protocol: PROTOCOL, changes: [{ ...base, ...input.change }], unsent: 1, deviceTime: school.clock.now.toISOString() } }
        : input;
    const response = await school.request('/api/v1/push', { token: a.token, ...init });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toContain(message);
    expect(school.store.lastChangeSeq()).toBe(0);
    const health = await school.request('/api/v1/health', { method: 'GET' });
    expect(health).toMatchObject({ status: 200, body: { ok: true, protocol: PROTOCOL } });
  });

  it('an update whose values are an empty list is refused, not applied as a change of nothing', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    const before = school.store.batch((w) => w.getRecord('pupils', p.id));
    const { status, body } = await a.push([{ ...a.change('pupils', p.id, 'update', {}), values: [] as never }]);
    expect(status).toBe(400);
    expect(body.error.message).toBe(
      'changes.0.values: a change’s values are an object of the fields it sets and their values, not a list.',
    );
    expect(school.store.lastChangeSeq()).toBe(1);
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))).toEqual(before);
  });

  it('a push sent without its length, within the limit, is counted as it arrives and applied', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const change = a.change('pupils', p.id, 'create', p.values);
    const body = { protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: school.clock.now.toISOString() };
    const response = await school.request('/api/v1/push', { token: a.token, raw: JSON.stringify(body), streamed: true });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([expect.objectContaining({ status: 'applied' })]);
    expect(school.store.lastChangeSeq()).toBe(1);
  });

  it.each([
    ['a record that fails validation', { startOn: 'last Tuesday' }, 'Use a date like 2026-09-01.'],
    ['a huge string', { whatHelps: 'x'.repeat(30_000) }, 'whatHelps is longer than 25000 characters.'],
    ['a field no pupil has', { favouriteColour: 'green' }, 'Unknown field “favouriteColour” for pupils.'],
    [
      'an id that is not the change’s record',
      { id: '01a20000-0000-7000-8000-0000000000ff' },
      'The record’s id does not match the change’s record id.',
    ],
  ])('%s is refused for that change alone, and nothing of it is written', async (_, fields, message) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const { status, body } = await a.push([a.change('pupils', p.id, 'create', { ...p.values, ...fields })]);
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ status: 'rejected', code: 'invalid_record', message });
    expect(school.store.lastChangeSeq()).toBe(0);
  });
});

// In process, and over a real connection: the Node server reads a body from the socket itself.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('an enrolment too large (%s)', (_, overHttp) => {
  const padded = (code: string, bytes: number) =>
    JSON.stringify({ protocol: PROTOCOL, deviceId: newId(), code, deviceName: 'iPad 1', padding: 'x'.repeat(bytes) });

  it.each([
    ['with its length declared', false],
    ['sent without its length', true],
  ])('%s is refused in words at 4 KB, and its code still works', async (_, streamed) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const { code } = school.addMentor('Sam Patel');
    const refused = await school.request('/api/v1/enrol', { raw: padded(code, 5 * 1024), streamed });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toEqual({
      code: 'too_large',
      message: 'An enrolment request may be at most 4 KB: it carries only the code, the tablet’s id and its name.',
    });
    // Just under the limit, the same code enrols: the refused request never reached it.
    const enrolled = await school.request('/api/v1/enrol', { raw: padded(code, 3 * 1024), streamed });
    expect(enrolled.status).toBe(200);
  });

  it('a push keeps its own limit of 5 MB', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const change = a.change('pupils', p.id, 'create', p.values);
    // A push of several megabytes (many changes) is taken whole; this one is padded to 1 MB.
    const raw = JSON.stringify({
      protocol: PROTOCOL,
      changes: [change],
      unsent: 1,
      deviceTime: school.clock.now.toISOString(),
      padding: 'x'.repeat(1024 * 1024),
    });
    const pushed = await school.request('/api/v1/push', { token: a.token, raw });
    expect(pushed.status).toBe(200);
    expect(pushed.body.results).toEqual([expect.objectContaining({ status: 'applied' })]);
  });
});

describe('an enrolment sent without its length', () => {
  it('is refused once past 4 KB, without the rest of it being read', async () => {
    const school = openSchool();
    const { code } = school.addMentor('Sam Patel');
    const start = new TextEncoder().encode(`{"protocol":${PROTOCOL},"deviceId":"${newId()}","code":"${code}","deviceName":"`);
    const kilobyte = new TextEncoder().encode('x'.repeat(1024));
    let sent = 0;
    // A megabyte offered a kilobyte at a time: only what the server asks for is handed over.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = sent === 0 ? start : kilobyte;
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        if (sent >= 1024 * 1024) controller.close();
      },
    });
    const response = await school.tabletFetch('http://school.test/api/v1/enrol', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('too_large');
    expect(sent).toBeLessThan(16 * 1024);
  });
});

describe('tablets whose storage was wiped', () => {
  it('enrolling again from a browser whose Waymark storage was wiped reports what the old tablet last held, to the mentor and the school', async () => {
    const school = openSchool();
    const first = school.addMentor('Sam Patel');
    const deviceId = '01a20000-0000-7000-8000-0000000000d1';
    const enrolled = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId, code: first.code, deviceName: 'iPad 1' },
    });
    const cookie = enrolled.setCookie?.split(';')[0] ?? '';
    expect(enrolled.setCookie).toMatch(/HttpOnly/i);
    // It syncs, telling the school it still holds 4 changes it could not send in this push.
    const p = newPupil({ deviceId } as never);
    await school.request('/api/v1/push', {
      token: enrolled.body.token,
      body: {
        protocol: PROTOCOL,
        unsent: 5,
        deviceTime: school.clock.now.toISOString(),
        changes: [
          {
            changeId: '01a20000-0000-7000-8000-0000000000c1',
            seq: 1,
            table: 'pupils',
            recordId: p.id,
            op: 'create',
            values: p.values,
            hlc: `2026-11-24T15:00:00.000Z_0000_${deviceId}`,
          },
        ],
      },
    });
    expect(school.store.device(deviceId)?.unsent).toBe(4);

    // Days later Safari has wiped the site's storage: Waymark starts afresh with a new tablet id.
    const again = issueEnrolmentCode(school.store, first.mentorId, school.clock.now);
    const reenrolled = await school.request('/api/v1/enrol', {
      cookie,
      body: { protocol: PROTOCOL, deviceId: '01a20000-0000-7000-8000-0000000000d2', code: again, deviceName: 'iPad 1' },
    });
    expect(reenrolled.body.wiped).toEqual({ deviceId, lastSeenAt: school.clock.now.toISOString(), unsent: 4 });
    expect(school.store.device(deviceId)?.wipedAt).toBe(school.clock.now.toISOString());
  });

  it('a first enrolment in a fresh browser reports nothing wiped', async () => {
    const school = openSchool();
    const { code } = school.addMentor('Sam Patel');
    const { body } = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: '01a20000-0000-7000-8000-0000000000d1', code, deviceName: '' },
    });
    expect(body.wiped).toBeUndefined();
  });
});

describe('clock readings', () => {
  it.each([
    ['a month and an hour that do not exist', '2026-13-45T25:61:00.000Z_0000', 'This change’s clock reading is not a real time.'],
    ['30 February', '2026-02-30T10:00:00.000Z_0000', 'This change’s clock reading is not a real time.'],
    ['24:00', '2026-11-24T24:00:00.000Z_0000', 'This change’s clock reading is not a real time.'],
    ['another tablet’s name', '2026-11-24T10:00:00.000Z_0000_someone-else', 'This change’s clock reading names another tablet.'],
  ])('a reading with %s is refused for that change alone, not the whole sync', async (_, reading, message) => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const hlc = reading.includes('someone-else') ? reading : `${reading}_${a.deviceId}`;
    const odd = { ...a.change('pupils', p.id, 'create', p.values), hlc };
    const q = newPupil(a, 'Next Pupil');
    const { status, body } = await a.push([odd, a.change('pupils', q.id, 'create', q.values)]);
    expect(status).toBe(200);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'applied']);
    expect(body.results[0].message).toBe(message);
    expect(school.store.lastChangeSeq()).toBe(1);
  });

  it('a fast tablet’s changes are re-dated in their own order, and a retry is told the reading it was stored with', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const ahead = later(school.clock.now, 60);
    const batch = [
      a.change('pupils', p.id, 'create', p.values, ahead),
      a.change('pupils', p.id, 'update', { form: '9S' }, later(ahead, 1)),
    ];
    const first = await a.push(batch);
    const stamps = first.body.results.map((r: { hlc?: string }) => r.hlc);
    expect(stamps.every(Boolean)).toBe(true);
    expect(stamps[0] < stamps[1]).toBe(true);
    expect(decodeHlc(stamps[0]).wall).toBe(later(school.clock.now, 1).getTime());
    const retry = await a.push(batch);
    expect(retry.body.results).toEqual([
      expect.objectContaining({ status: 'duplicate', hlc: stamps[0] }),
      expect.objectContaining({ status: 'duplicate', hlc: stamps[1] }),
    ]);
  });

  it('a fast tablet’s next edit, queued before it heard its last was re-dated, is handed on as made on top of it: no replica takes it for a conflict', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const colleague = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const ahead = later(school.clock.now, 60);
    const created = a.change('pupils', p.id, 'create', p.values, ahead);
    const first = a.change('pupils', p.id, 'update', { form: '9S' }, later(ahead, 1), { form: created.hlc });
    await a.push([created, first]);
    // Made on the tablet on top of its own first edit, with its own reading of it.
    const second = a.change('pupils', p.id, 'update', { form: '9T' }, later(ahead, 2), { form: first.hlc });
    expect((await a.push([second])).body.results).toEqual([expect.objectContaining({ status: 'applied' })]);
    const pulled = (await colleague.pull()).body.changes as { hlc: string; base?: Record<string, string> }[];
    expect(pulled).toHaveLength(3);
    expect(pulled[1]?.hlc).not.toBe(first.hlc);
    expect(pulled[2]?.base).toEqual({ form: pulled[1]?.hlc });
  });

  it('a tablet’s later edit still wins when its last reading used the last count of its millisecond', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const minuteAgo = later(school.clock.now, -1).getTime();
    const created = {
      ...a.change('pupils', p.id, 'create', p.values),
      hlc: encodeHlc({ wall: minuteAgo, count: 36 ** 4 - 1, node: a.deviceId }),
    };
    // The edit reads a second earlier (the tablet's clock was set back): it is stored just after the create.
    const edited = a.change('pupils', p.id, 'update', { form: '9S' }, new Date(minuteAgo - 1000));
    const { body } = await a.push([created, edited]);
    expect(body.results).toEqual([
      { seq: 1, changeId: created.changeId, status: 'applied', receivedAt: school.clock.now.toISOString() },
      { seq: 2, changeId: edited.changeId, status: 'applied', hlc: encodeHlc({ wall: minuteAgo + 1, count: 0, node: a.deviceId }) },
    ]);
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))?.state.fields.form).toBe('9S');
  });
});

// In process, and over a real connection.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('a change the endpoint refuses leaves the tablet’s clock as it was (%s)', (_, overHttp) => {
  it.each([
    // A tablet that is not Waymark, or whose reading was corrupted: the refused change reads later than the next.
    ['read half a minute after the next change', 0.5, 0, { storedAt: 0, redated: false }],
    // Two hours fast: both are brought back to a minute ahead, the next one first in that minute.
    ['read on a clock two hours fast', 120, 121, { storedAt: 1, redated: true }],
  ])('a refused change %s: the next change is stored as if the refused one never came', async (_, refusedAt, nextAt, expected) => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const nameless = newPupil(a, '');
    const refused = await a.push([a.change('pupils', nameless.id, 'create', nameless.values, later(school.clock.now, refusedAt))]);
    expect(refused.body.results[0]).toMatchObject({ status: 'rejected', code: 'invalid_record', message: 'Name is required.' });
    expect(school.store.batch((w) => w.lastHlc(a.deviceId))).toBeUndefined();

    const p = newPupil(a);
    const next = await a.push([a.change('pupils', p.id, 'create', p.values, later(school.clock.now, nextAt))]);
    const stored = encodeHlc({ wall: later(school.clock.now, expected.storedAt).getTime(), count: 0, node: a.deviceId });
    expect(next.body.results).toEqual([
      {
        seq: 2,
        changeId: expect.any(String),
        status: 'applied',
        receivedAt: school.clock.now.toISOString(),
        ...(expected.redated ? { hlc: stored } : {}),
      },
    ]);
    expect(school.store.batch((w) => w.lastHlc(a.deviceId))).toBe(stored);
  });
});

// In process, and over a real connection.
describe.each([
  ['in process', false],
  ['over HTTP', true],
])('a change the endpoint refused, sent again because its answer was lost (%s)', (_, overHttp) => {
  it('is refused again for the same reason, never counted as delivered', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const a = await school.enrolTablet('Sam Patel');
    const nameless = newPupil(a, '');
    const refused = a.change('pupils', nameless.id, 'create', nameless.values);
    const first = (await a.push([refused])).body.results; // the tablet never hears this answer
    expect(first).toEqual([
      { seq: 1, changeId: refused.changeId, status: 'rejected', code: 'invalid_record', message: 'Name is required.' },
    ]);
    const p = newPupil(a);
    const since = a.change('pupils', p.id, 'create', p.values);
    const retry = await a.push([refused, since]);
    expect(retry.body.results).toEqual([
      ...first,
      { seq: 2, changeId: since.changeId, status: 'applied', receivedAt: school.clock.now.toISOString() },
    ]);
    expect((await a.push([refused])).body.results).toEqual(first);
    // Only the pupil with a name reached the school.
    expect(school.store.lastChangeSeq()).toBe(1);
    // Another tablet's change of the same number, sent again, is its own: delivered before.
    const b = await school.enrolTablet('Alex Jones');
    const q = newPupil(b);
    const theirs = b.change('pupils', q.id, 'create', q.values);
    await b.push([theirs]);
    expect((await b.push([theirs])).body.results).toEqual([
      { seq: 1, changeId: theirs.changeId, status: 'duplicate', receivedAt: school.clock.now.toISOString() },
    ]);
  });

  it('is under “needs attention” on the tablet after the next sync, in the endpoint’s words', async () => {
    const school = openSchool({ overHttp });
    onTestFinished(school.close);
    const db = new WaymarkDB(`endpoint-${newId()}`);
    const options = { fetch: school.tabletFetch, now: () => school.clock.now };
    await enrolTablet(db, 'http://school.test', school.addMentor('Sam Patel').code, 'Sam’s iPad', options);
    await addPupil(db, pupil({ name: 'Amira Khan' }), { now: school.clock.now });
    const refused = await addPupil(db, pupil({ name: 'Leo Brown' }), { now: school.clock.now });
    // An older version of the app queued a change the school now refuses.
    await db.outbox
      .filter((e) => e.recordId === refused)
      .modify((e) => {
        e.values = { ...e.values, yearGroup: 'Year 14' };
      });
    school.network.answersLost = true;
    expect(await syncNow(db, options)).toMatchObject({ status: 'stopped', problem: { code: 'unreachable' } });
    expect((await outboxSummary(db)).waiting).toBe(2);
    school.network.answersLost = false;
    expect(await syncNow(db, options)).toMatchObject({ status: 'done' });
    const { waiting, needsAttention } = await outboxSummary(db);
    expect(waiting).toBe(0);
    expect(needsAttention.map((e) => [e.recordId, e.rejected])).toEqual([
      [refused, { code: 'invalid_record', message: 'Choose a year group.', at: expect.any(String) }],
    ]);
    expect(school.store.batch((w) => [w.getRecord('pupils', refused), school.store.lastChangeSeq()])).toEqual([undefined, 1]);
  });
});

describe('what one mentor’s tablet cannot do to another’s', () => {
  it('cannot enrol under a tablet id that is already enrolled (a lost tablet is revoked first)', async () => {
    const school = openSchool();
    const victim = await school.enrolTablet('Sam Patel');
    const { code } = school.addMentor('Eve Other');
    const taken = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: victim.deviceId, code, deviceName: 'mine now' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('already enrolled');
    const p = newPupil(victim);
    expect((await victim.push([victim.change('pupils', p.id, 'create', p.values)])).body.results[0].status).toBe('applied');
  });

  it('cannot change a record’s id, creation time or author, nor claim another writer', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const eve = await school.enrolTablet('Eve Other');
    const p = newPupil(a);
    // Whoever the tablet names, the author is the mentor whose tablet sent the record.
    await a.push([a.change('pupils', p.id, 'create', { ...p.values, authorId: eve.mentorId })]);
    const forged = await eve.push([
      eve.change('pupils', p.id, 'update', { id: '01a20000-0000-7000-8000-0000000000ff', whatHelps: 'moved' }),
      eve.change('pupils', p.id, 'update', { createdAt: '2020-01-01T00:00:00.000Z' }),
      eve.change('pupils', p.id, 'update', { authorId: eve.mentorId }),
      eve.change('pupils', p.id, 'update', { whatHelps: 'written as Sam', mentorId: a.mentorId, deviceId: a.deviceId }),
    ]);
    expect(forged.body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'applied']);
    for (const refused of forged.body.results.slice(0, 3)) {
      expect(refused.message).toBe('A change cannot alter a record’s id, who wrote it or when.');
    }
    const stored = school.store.batch((w) => w.getRecord('pupils', p.id))?.state.fields;
    expect(stored).toMatchObject({
      id: p.id,
      whatHelps: 'written as Sam',
      mentorId: eve.mentorId,
      deviceId: eve.deviceId,
      authorId: a.mentorId,
    });
  });

  it('cannot make a record again under its id: its creation time, and everything in it, stay as they were', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const eve = await school.enrolTablet('Eve Other');
    const colleague = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -60));
    await a.push([created]);
    const before = school.store.batch((w) => w.getRecord('pupils', p.id));
    // A later clock than the record's own would win every field of a merge.
    const again = { ...p.values, createdAt: '2020-01-01T00:00:00.000Z', name: 'Someone Else', form: '7X' };
    const theirs = eve.change('pupils', p.id, 'create', again);
    const ours = a.change('pupils', p.id, 'create', again);
    const refused = {
      seq: 1,
      changeId: theirs.changeId,
      status: 'rejected',
      code: 'invalid_record',
      message: 'That record already exists.',
    };
    expect((await eve.push([theirs])).body.results).toEqual([refused]);
    expect((await a.push([ours])).body.results).toEqual([{ ...refused, seq: 2, changeId: ours.changeId }]);
    // The create that made it, sent again because its answer was lost, is still a duplicate.
    expect((await a.push([created])).body.results).toEqual([
      { seq: 1, changeId: created.changeId, status: 'duplicate', receivedAt: school.clock.now.toISOString() },
    ]);
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))).toEqual(before);
    expect(before?.state.fields).toMatchObject({ id: p.id, createdAt: p.values.createdAt, name: 'Jacob Smith' });
    expect((await colleague.pull()).body.changes).toEqual([expect.objectContaining({ op: 'create', deviceId: a.deviceId })]);
  });

  it('cannot learn when another school’s change was made by resending its change id', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const other = school.store.addSchool('Riverside Primary');
    const eve = await school.enrolTablet('Eve Other', other.id);
    const p = newPupil(a);
    // Sam's tablet runs an hour fast: the endpoint stores the change with a reading of its own.
    const sams = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, 60));
    const stored = (await a.push([sams])).body.results[0].hlc;
    expect(stored).toEqual(expect.any(String));
    const q = newPupil(eve);
    const first = eve.change('pupils', q.id, 'create', q.values);
    await eve.push([first]);
    // Eve resends her own first change under the id of Sam's.
    const probe = await eve.push([{ ...first, changeId: sams.changeId }]);
    expect(probe.body.results).toEqual([{ seq: 1, changeId: sams.changeId, status: 'duplicate' }]);
  });
});

describe('edits from two tablets that clash across fields', () => {
  it('are both kept, on the server as on the tablets, rather than one refused', async () => {
    const school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const b = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values, later(school.clock.now, -60));
    await a.push([created]);
    // Sam moves the start of support; Alex, unaware, closes support on a date before that new start.
    await a.push([a.change('pupils', p.id, 'update', { startOn: '2026-10-01' }, later(school.clock.now, -10), { startOn: created.hlc })]);
    const closed = await b.push([
      b.change(
        'pupils',
        p.id,
        'update',
        { status: 'closed', closedOn: '2026-09-20', closeReason: 'left school', outcome: 'no change' },
        later(school.clock.now, -5),
        { status: created.hlc, closedOn: null, closeReason: null, outcome: null },
      ),
    ]);
    expect(closed.body.results[0].status).toBe('applied');
    expect(school.store.batch((w) => w.getRecord('pupils', p.id))?.state.fields).toMatchObject({
      startOn: '2026-10-01',
      status: 'closed',
      closedOn: '2026-09-20',
    });
  });
});

describe('what the endpoint serves', () => {
  it('carries a Content-Security-Policy: only the app’s own scripts run, and they talk only to this server', async () => {
    const app = createApp({ staticDir: 'dist', logger: pino({ level: 'silent' }) });
    // The app shell, a deep link, and an answer of the API. (Every browser test fails on anything
    // the policy refuses, so the app is checked to work under it.)
    for (const path of ['/', '/pupils/01a20000-0000-7000-8000-0000000000a1', '/api/v1/health']) {
      const { headers } = await app.request(path);
      const policy = headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ])
        expect(policy, path).toContain(directive);
      expect(policy, path).not.toContain('unsafe');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
