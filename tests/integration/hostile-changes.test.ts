/**
 * Changes no tablet's own rules make, sent straight to the endpoint (by a tablet with a bug, an
 * older release, or someone holding a tablet's token): each is refused alone, with its reason, and
 * neither stops the changes after it nor any pull of the school's other tablets.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCursor } from '../../src/server/cursor.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { LIMITS, PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, openSchool, type Tablet, type TestSchool } from './school.ts';

let school: TestSchool;
afterEach(() => school?.close());

/** `levels` lists, one inside another, around a word, as JSON (too deep for JSON.stringify to write). */
const nested = (levels: number) => `${'['.repeat(levels)}"deep"${']'.repeat(levels)}`;

/** A revision of a pupil, as a tablet's write path makes one, saying the pupil's fields were `before`. */
function revision(tablet: Tablet, pupilId: string, before: Record<string, unknown>) {
  const id = newId();
  const at = school.clock.now.toISOString();
  return tablet.change('revisions', id, 'create', {
    id,
    table: 'pupils',
    recordId: pupilId,
    before,
    createdAt: at,
    updatedAt: at,
    deviceId: tablet.deviceId,
    mentorId: null,
  });
}

type Results = { status: string; code?: string; message?: string }[];

const resultsOf = async (tablet: Tablet, changes: Parameters<Tablet['push']>[0]) => {
  const answer = await tablet.push(changes);
  expect(answer.status).toBe(200);
  return answer.body.results as Results;
};

describe('a change of a shape no record has', () => {
  const tooDeep = `This change holds lists nested more than ${LIMITS.depth} deep, which no Waymark record has.`;
  // Lists inside a field of `values`: `values` is the first level, so LIMITS.depth lists in a field
  // are as deep as a change may be, and are refused only for the field's own rule.
  it.each([
    [10_000, 'its depth', tooDeep],
    [LIMITS.depth + 1, 'its depth', tooDeep],
    [LIMITS.depth, 'the field’s own rule', 'Form or class must be text.'],
  ])('with lists %i deep in a field is refused alone, for %s, and the changes after it apply', async (levels, _for, message) => {
    school = openSchool({ overHttp: true });
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    const changes = [a.change('pupils', p.id, 'update', { form: 'DEEP' }), a.change('pupils', p.id, 'update', { form: '9S' })];
    const body = JSON.stringify({ protocol: PROTOCOL, changes, unsent: 2, deviceTime: school.clock.now.toISOString() });
    const answer = await school.request('/api/v1/push', { token: a.token, raw: body.replace('"DEEP"', nested(levels)) });
    expect(answer.status).toBe(200);
    expect(answer.body.results as Results).toEqual([
      expect.objectContaining({ status: 'rejected', code: 'invalid_record', message }),
      expect.objectContaining({ status: 'applied' }),
    ]);
    const colleague = await school.enrolTablet('Alex Jones');
    const pulled = await colleague.pull();
    expect(pulled.status).toBe(200);
    expect(pulled.body.changes.map((c: { values: { form?: string } }) => c.values.form)).toEqual(['9R', '9S']);
  });

  it('as deep as a revision of a pupil’s contacts is taken', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const contacts = [{ name: 'Mrs Smith', relationship: 'Mother', phone: '07700 900123', email: '' }];
    const results = await resultsOf(a, [a.change('pupils', p.id, 'create', p.values), revision(a, p.id, { contacts })]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });

  it('longer than any record needs is refused alone, however its length is made up', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    // 10,000 clock readings for fields no pupil has: no one string is long, all of them together are.
    const reading = encodeHlc({ wall: Date.parse(p.values.createdAt), count: 0, node: a.deviceId });
    const base = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, reading]));
    const results = await resultsOf(a, [
      a.change('pupils', p.id, 'update', { form: '9T' }, undefined, base),
      a.change('pupils', p.id, 'update', { form: '9S' }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'invalid_record' });
    expect(results[0]?.message).toMatch(/^This change is [\d,]+ characters long, more than the 250,000 any record needs\.$/);
    expect(results[1]).toMatchObject({ status: 'applied' });
  });

  it.each([
    ['exactly as long as any record may need is taken', LIMITS.change, 'applied'],
    ['one character longer than that is refused', LIMITS.change + 1, 'rejected'],
  ])('%s', async (_, length, status) => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    const values = { form: '9T' };
    // Clock readings for fields no pupil has, as many as make the change `length` characters long,
    // the last field's name making up the rest.
    const reading = encodeHlc({ wall: Date.parse(p.values.createdAt), count: 0, node: a.deviceId });
    const wanted = length - JSON.stringify(values).length;
    const base: Record<string, string> = {};
    let written = '{}'.length;
    for (let i = 0; written < wanted - 200; i++) {
      base[`field${i}`] = reading;
      written += `"field${i}":"${reading}",`.length;
    }
    base['x'.repeat(wanted - written - `"":"${reading}"`.length)] = reading;
    expect(JSON.stringify(values).length + JSON.stringify(base).length).toBe(length);
    const [result] = await resultsOf(a, [a.change('pupils', p.id, 'update', values, undefined, base)]);
    expect(result?.status).toBe(status);
  });
});

describe('a revision, what a record said before an edit', () => {
  it.each([
    ['a field pupils do not have', { password: 'x' }, 'The record’s history names a field it does not have (“password”).'],
    ['a list for a name', { name: ['Jacob'] }, 'What the record said before this edit cannot be read: Name must be text.'],
    [
      'a contact without a name',
      { contacts: [{ relationship: '', phone: '', email: '' }] },
      'What the record said before this edit cannot be read: Contact 1: Name is missing.',
    ],
  ])('naming %s is refused', async (_, before, message) => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const results = await resultsOf(a, [a.change('pupils', p.id, 'create', p.values), revision(a, p.id, before)]);
    expect(results[1]).toMatchObject({ status: 'rejected', code: 'invalid_record', message });
  });

  // What a field held may break today's rules (a word since retired, a limit since lowered, a
  // value an earlier release took): its revision is kept, or the mentor could never correct it.
  it.each([
    ['a year group no longer on the list', { yearGroup: 'Year 14' }],
    ['eleven contacts', { contacts: Array.from({ length: 11 }, () => ({ name: 'A', relationship: '', phone: '', email: '' })) }],
    ['a date in another form', { startOn: '07/09/2026' }],
  ])('holding %s, as the record had it, is taken', async (_, before) => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const results = await resultsOf(a, [a.change('pupils', p.id, 'create', p.values), revision(a, p.id, before)]);
    expect(results[1]).toMatchObject({ status: 'applied' });
  });

  it('with an earlier value of each kind, or a field the record did not have yet, is taken', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const before = { name: 'Jake Smith', yearGroup: 'Year 8', referralReasons: ['attendance'], closedOn: null, exitSummary: undefined };
    const results = await resultsOf(a, [a.change('pupils', p.id, 'create', p.values), revision(a, p.id, before)]);
    expect(results[1]).toMatchObject({ status: 'applied' });
  });

  it.each(['update', 'delete'] as const)('cannot be changed by a later %s: a record’s history is written once', async (op) => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values);
    const made = revision(a, p.id, { form: '9Q' });
    await resultsOf(a, [created, made]);
    const at = school.clock.now.toISOString();
    const values = op === 'update' ? { before: { form: 'forged' } } : { deletedAt: at, updatedAt: at };
    const results = await resultsOf(a, [a.change('revisions', made.recordId, op, values)]);
    expect(results[0]).toMatchObject({
      status: 'rejected',
      code: 'invalid_record',
      message: 'A record’s history cannot be changed or deleted.',
    });
    const colleague = await school.enrolTablet('Alex Jones');
    const pulled = (await colleague.pull()).body.changes.filter((c: { table: string }) => c.table === 'revisions');
    expect(pulled).toEqual([expect.objectContaining({ op: 'create', values: expect.objectContaining({ before: { form: '9Q' } }) })]);
  });
});

describe('a pull of long changes', () => {
  it('comes in pages that stop once they pass their length, and together hold every change once', async () => {
    school = openSchool({ overHttp: true });
    const a = await school.enrolTablet('Sam Patel');
    const colleague = await school.enrolTablet('Alex Jones');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    // 240 sessions with 18,000-character notes: 4.3 million characters, past a page's length and
    // far below its 1,000 changes.
    const at = school.clock.now.toISOString();
    const sessions = Array.from({ length: 240 }, (_, i) => {
      const id = newId();
      return {
        id,
        values: {
          id,
          createdAt: at,
          updatedAt: at,
          deviceId: a.deviceId,
          mentorId: null,
          kind: 'one-to-one',
          occurredAt: at,
          minutes: 30,
          title: '',
          pupilIds: [p.id],
          note: `${i} `.padEnd(18_000, 'x'),
          concern: false,
        },
      };
    });
    for (const half of [sessions.slice(0, 120), sessions.slice(120)]) {
      const results = await resultsOf(
        a,
        half.map((s) => a.change('sessions', s.id, 'create', s.values)),
      );
      expect(results.every((r) => r.status === 'applied')).toBe(true);
    }
    const pages: { count: number; chars: number; more: boolean }[] = [];
    const received: string[] = [];
    let cursor: string | null = null;
    for (let more = true; more && pages.length < 10; ) {
      const { status, body } = await colleague.pull(cursor);
      expect(status).toBe(200);
      const changes = body.changes as { recordId: string }[];
      pages.push({ count: changes.length, chars: JSON.stringify(changes).length, more: body.more });
      received.push(...changes.map((c) => c.recordId));
      ({ cursor, more } = body);
    }
    expect(pages.length).toBe(2);
    expect(pages[0]?.more).toBe(true);
    expect(pages[0]?.chars).toBeLessThan(LIMITS.pullPageChars + 20_000);
    expect(pages[0]?.count).toBeLessThan(241);
    expect(new Set(received).size).toBe(241);
    expect(received).toEqual([p.id, ...sessions.map((s) => s.id)]);
  });
});

describe('enrolling again under a revoked tablet’s id', () => {
  it('is only for the same mentor: another mentor’s code cannot take over its id and its changes', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    await a.push([a.change('pupils', p.id, 'create', p.values)]);
    school.store.revokeDevice(a.deviceId, school.clock.now.toISOString());
    const other = school.addMentor('Alex Jones');
    const taken = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: a.deviceId, code: other.code, deviceName: 'Found in a cupboard' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe(
      'This tablet was enrolled for another mentor and then removed: it can be enrolled again only for that mentor. A tablet handed on to someone else is wiped first.',
    );
    expect(school.store.device(a.deviceId)).toMatchObject({ mentorId: a.mentorId, revokedAt: expect.any(String) });
    // The code was not used up by the refusal: it still enrols a tablet of the other mentor's own.
    const own = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: newId(), code: other.code, deviceName: 'Alex’s iPad' },
    });
    expect(own.status).toBe(200);
  });
});

describe('a push that names its first change (resumeFrom)', () => {
  /** A push of `changes` saying the tablet's first held change is `resumeFrom`. */
  const pushFrom = (tablet: Tablet, changes: Parameters<Tablet['push']>[0], resumeFrom: number) =>
    school.request('/api/v1/push', {
      token: tablet.token,
      body: { protocol: PROTOCOL, changes, unsent: changes.length, deviceTime: school.clock.now.toISOString(), resumeFrom },
    });

  it('is refused when it does not start with that change: changes the endpoint never had are never answered “duplicate”', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const created = a.change('pupils', p.id, 'create', p.values);
    const refused = await pushFrom(a, [created], 3);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: 'bad_request',
      message:
        'This push says the first change the tablet holds is 3, but it starts with change 1: send the changes from the first one held.',
    });
    expect((await pushFrom(a, [], 3)).body.error.message).toBe(
      'A push names the first change the tablet holds (resumeFrom) only when it sends that change.',
    );
    // Nothing moved on: the change is taken when sent as a tablet sends it.
    expect((await pushFrom(a, [created], 1)).body.results).toEqual([expect.objectContaining({ status: 'applied' })]);
  });
});

describe('a pull cursor, between schools sharing one server', () => {
  it('tells a tablet nothing of another school: no tablet of theirs, nor when its mentor worked', async () => {
    school = openSchool();
    const other = school.store.addSchool('Riverside Primary');
    const ours = await school.enrolTablet('Sam Patel');
    const theirs = await school.enrolTablet('Pat Other', other.id);
    const p = newPupil(theirs);
    const theirChange = theirs.change('pupils', p.id, 'create', p.values);
    await theirs.push([theirChange]);
    for (let i = 0; i < 30; i++) {
      const q = newPupil(theirs);
      await theirs.push([theirs.change('pupils', q.id, 'create', q.values)]);
    }
    const { body } = await ours.pull();
    // The epoch, in clear, then sealed bytes: no position in the log all schools share, which
    // would show how busy the other school is, and no chain or clock reading.
    const [epoch, sealed] = (body.cursor as string).split('.');
    expect(epoch).toBe(school.store.epoch());
    const inside = Buffer.from(sealed ?? '', 'base64url').toString('utf8');
    for (const told of ['"seq"', '"at"', String(school.store.lastChangeSeq()), theirs.deviceId, theirChange.hlc.slice(0, 24)])
      expect(inside).not.toContain(told);
    // Only this endpoint's secret opens it; and the next pull carries on from it.
    expect(openCursor(randomBytes(32), epoch ?? '', body.cursor)).toBeUndefined();
    expect(openCursor(school.store.cursorSecret(), epoch ?? '', body.cursor)).toMatchObject({ seq: school.store.lastChangeSeq() });
    expect((await ours.pull(body.cursor)).status).toBe(200);
    // Nor does its length: a cursor at the start of the log is as long as one far along it.
    const fresh = openSchool();
    const first = (await (await fresh.enrolTablet('Pat New')).pull()).body.cursor as string;
    expect(first.length - first.indexOf('.')).toBe(body.cursor.length - body.cursor.indexOf('.'));
    await fresh.close();
  });

  it('written by a release before the chain, with the change’s clock reading in it, has the tablet fetch everything again: a tablet cannot find where its school’s changes stand in the log', async () => {
    school = openSchool();
    const a = await school.enrolTablet('Sam Patel');
    const p = newPupil(a);
    const sent = a.change('pupils', p.id, 'create', p.values);
    await a.push([sent]);
    const colleague = await school.enrolTablet('Alex Jones');
    const now = openCursor(school.store.cursorSecret(), school.store.epoch(), (await colleague.pull()).body.cursor);
    const earlier = Buffer.from(JSON.stringify({ ...now, at: sent.hlc })).toString('base64url');
    expect(await colleague.pull(earlier)).toMatchObject({ status: 409, body: { error: { code: 'resync' } } });
    // One the last release wrote, in clear with the chain in it, is still read.
    const last = Buffer.from(JSON.stringify(now)).toString('base64url');
    expect((await colleague.pull(last)).status).toBe(200);
  });
});
