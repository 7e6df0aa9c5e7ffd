/**
 * What the endpoint answers, case by case, in the words a tablet shows its mentor and the school's
 * IT person reads: enrolments refused and who is told of a wiped tablet, tokens refused, a clock
 * told it is off, changes refused, what the school sees a tablet still holds, and a restored log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sealCursor } from '../../src/server/cursor.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Device } from '../../src/server/store.ts';
import { issueEnrolmentCode, type LostRange, push, replaceEnrolmentCode } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL, type PushChange, type PushRequest } from '../../src/shared/protocol.ts';
import { newPupil, openSchool, type TestSchool } from './school.ts';

let school: TestSchool;
afterEach(() => school?.close());

type Results = { status: string; code?: string; message?: string; hlc?: string }[];
const MINUTE = 60_000;

describe('enrolling a tablet', () => {
  it('with a wrong code is refused in words the mentor can act on', async () => {
    school = openSchool();
    const answer = await school.request('/api/v1/enrol', {
      body: { protocol: PROTOCOL, deviceId: newId(), code: 'ABCDE-FGHJK', deviceName: 'iPad' },
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toEqual({
      code: 'code_invalid',
      message: 'That code does not work: it may be mistyped, already used, or more than a day old. Ask for a new one.',
    });
  });

  it('under a tablet id already enrolled, here or at another school, is refused with the reason', async () => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const other = school.store.addSchool('Brookfield Primary');
    for (const [schoolId, message] of [
      [
        school.schoolId,
        'This tablet is already enrolled. If it was lost or handed on, the administrator revokes it first (revoke-device).',
      ],
      [other.id, 'This tablet is enrolled with another school.'],
    ] as const) {
      const { code } = school.addMentor('Alex Jones', schoolId);
      const answer = await school.request('/api/v1/enrol', {
        body: { protocol: PROTOCOL, deviceId: sam.deviceId, code, deviceName: 'iPad' },
      });
      expect(answer.status, message).toBe(409);
      expect(answer.body.error, message).toEqual({ code: 'bad_request', message });
    }
  });

  it('from a browser that held another tablet tells only that tablet’s own mentor it was wiped', async () => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const alex = await school.enrolTablet('Alex Jones');
    const enrolWith = (mentorId: string, deviceId: string, cookieOf: string) =>
      school.request('/api/v1/enrol', {
        cookie: `waymark_tablet=${cookieOf}`,
        body: { protocol: PROTOCOL, deviceId, code: issueEnrolmentCode(school.store, mentorId, school.clock.now), deviceName: 'iPad' },
      });
    // Alex's browser once held Sam's tablet (Sam lent it): Alex learns nothing of Sam's tablet.
    expect((await enrolWith(alex.mentorId, newId(), sam.deviceId)).body.wiped).toBeUndefined();
    // Sam's tablet, revoked and enrolled again in the same browser, was not wiped: it is the same tablet.
    school.store.revokeDevice(sam.deviceId, school.clock.now.toISOString());
    const again = await enrolWith(sam.mentorId, sam.deviceId, sam.deviceId);
    expect(again.status).toBe(200);
    expect(again.body.wiped).toBeUndefined();
    expect(school.store.device(sam.deviceId)?.wipedAt).toBeNull();
    // A new tablet id behind Sam's cookie is Sam's storage wiped: Sam is told.
    expect((await enrolWith(sam.mentorId, newId(), sam.deviceId)).body.wiped).toMatchObject({ deviceId: sam.deviceId });
  });
});

describe('a sync request’s token', () => {
  it.each([
    ['no token', undefined, 'This tablet is not enrolled: enter the school’s address and an enrolment code.'],
    ['another scheme', 'Basic c2FtOnBhc3N3b3Jk', 'This tablet is not enrolled: enter the school’s address and an enrolment code.'],
    ['a token never issued', 'Bearer never-issued', 'This tablet’s enrolment is not known here: enrol it again with a new code.'],
  ])('with %s is refused, saying what to do', async (_, authorization, message) => {
    school = openSchool();
    const answer = await school.request('/api/v1/pull', {
      body: { protocol: PROTOCOL, cursor: null },
      ...(authorization ? { authorization } : {}),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toEqual({ code: 'unauthorised', message });
  });

  it.each([
    ['after other words', (token: string) => `Token Bearer ${token}`],
    ['followed by other words', (token: string) => `Bearer ${token} ${token}`],
  ])('is read only as the whole header: a real token %s is refused', async (_, header) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const answer = await school.request('/api/v1/pull', {
      body: { protocol: PROTOCOL, cursor: null },
      authorization: header(sam.token),
    });
    expect(answer.status).toBe(401);
  });
});

describe('a tablet’s clock', () => {
  it.each([
    ['right', 0, undefined],
    ['2 minutes slow', -2 * MINUTE, undefined],
    ['exactly 5 minutes fast', 5 * MINUTE, undefined],
    ['just over 5 minutes fast', 5 * MINUTE + 1, 5 * MINUTE + 1],
    ['6 minutes slow', -6 * MINUTE, -6 * MINUTE],
  ])('%s is told so only past 5 minutes, and the school sees it', async (_, offset, told) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const answer = await school.request('/api/v1/push', {
      token: sam.token,
      body: { protocol: PROTOCOL, changes: [], unsent: 0, deviceTime: new Date(school.clock.now.getTime() + offset).toISOString() },
    });
    expect(answer.body.clockSkewMs).toBe(told);
    expect(school.store.device(sam.deviceId)?.clockSkewMs).toBe(told ?? null);
  });

  it.each([
    ['exactly a minute ahead is stored as sent', MINUTE, false],
    ['more than a minute ahead is brought back to a minute', MINUTE + 1, true],
  ])('%s', async (_, ahead, redated) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    const change = sam.change('pupils', p.id, 'create', p.values);
    change.hlc = encodeHlc({ wall: school.clock.now.getTime() + ahead, count: 3, node: sam.deviceId });
    const [result] = (await sam.push([change])).body.results as Results;
    expect(result?.status).toBe('applied');
    expect(result?.hlc).toBe(redated ? encodeHlc({ wall: school.clock.now.getTime() + MINUTE, count: 0, node: sam.deviceId }) : undefined);
  });
});

describe('a change refused', () => {
  it('out of order names the change the endpoint waits for', async () => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    await sam.push([sam.change('pupils', p.id, 'create', p.values)]);
    sam.seq += 1;
    const [result] = (await sam.push([sam.change('pupils', p.id, 'update', { form: '9S' })])).body.results as Results;
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'out_of_order',
      message: 'Change 2 has not arrived yet; send the changes in order.',
    });
  });

  it.each([
    [
      'a clock reading on 30 February',
      (own: string) => ({ hlc: `2026-02-30T10:00:00.000Z_0000_${own}` }),
      'This change’s clock reading is not a real time.',
    ],
    [
      'a clock reading of another tablet',
      () => ({ hlc: `2026-11-24T15:00:00.000Z_0000_${newId()}` }),
      'This change’s clock reading names another tablet.',
    ],
    [
      'an edit of when the record was made',
      () => ({ values: { createdAt: '2026-09-01T09:00:00.000Z' } }),
      'A change cannot alter a record’s id, who wrote it or when.',
    ],
  ])('with %s is refused as not a record the school can take', async (_, wrong, message) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    await sam.push([sam.change('pupils', p.id, 'create', p.values)]);
    const [result] = (await sam.push([{ ...sam.change('pupils', p.id, 'update', { form: '9S' }), ...wrong(sam.deviceId) }])).body
      .results as Results;
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid_record', message });
  });

  // Who a change is about is read before its record is checked (a pupil erased is refused
  // first): a change that names pupils in a shape no record has is refused in words all the same,
  // and the rest of the push is taken, never a server error.
  it.each([
    ['a target whose pupil is a list', 'targets', { pupilId: ['x'] }],
    ['a target with no pupil', 'targets', {}],
    ['a session whose pupils present are text', 'sessions', { pupilIds: 'Maya and Zeb' }],
    ['an earlier version that is empty', 'revisions', { table: 'sessions', recordId: newId(), before: null }],
  ])('naming pupils as %s is refused in words, and the push goes on', async (_, table, values) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    const id = newId();
    const at = '2026-11-24T09:00:00.000Z';
    const odd = sam.change(table as 'targets', id, 'create', {
      id,
      createdAt: at,
      updatedAt: at,
      deviceId: sam.deviceId,
      mentorId: null,
      ...values,
    });
    const answer = await sam.push([odd, sam.change('pupils', p.id, 'create', p.values)]);
    expect(answer.status).toBe(200);
    expect((answer.body.results as Results).map((r) => [r.status, 'code' in r ? r.code : undefined])).toEqual([
      ['rejected', 'invalid_record'],
      ['applied', undefined],
    ]);
  });

  it('with two things wrong says both', async () => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    const [result] = (await sam.push([sam.change('pupils', p.id, 'create', { ...p.values, name: '', startOn: 'soon' })])).body
      .results as Results;
    expect(result).toMatchObject({ status: 'rejected', code: 'invalid_record' });
    expect(result?.message).toBe('Name is required. Use a date like 2026-09-01.');
  });
});

describe('what the school sees a tablet still holds after a push', () => {
  it.each([
    ['every change taken', ['ok', 'ok'], 5, 3],
    ['a change refused for its content counts as taken', ['ok', 'bad'], 2, 0],
    ['a change sent out of order is still held', ['ok', 'skip'], 2, 1],
    ['never below nothing', ['ok', 'ok'], 1, 0],
  ])('%s', async (_, kinds, unsent, held) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    const changes = kinds.map((kind, i) => {
      if (kind === 'skip') sam.seq += 1;
      if (i === 0) return sam.change('pupils', p.id, 'create', p.values);
      return sam.change('pupils', p.id, 'update', { form: kind === 'bad' ? 42 : `9${i}` });
    });
    await sam.push(changes, unsent);
    expect(school.store.device(sam.deviceId)?.unsent).toBe(held);
  });
});

describe('how far the endpoint says it holds a tablet’s changes (received), after a push and in a pull', () => {
  it.each([
    ['nothing sent yet', [], 0],
    ['both changes taken', ['ok', 'ok'], 2],
    ['a change refused for its content uses its number up', ['ok', 'bad'], 2],
    ['a change sent out of order does not', ['ok', 'skip'], 1],
  ])('%s', async (_, kinds, received) => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const p = newPupil(sam);
    const changes = kinds.map((kind, i) => {
      if (kind === 'skip') sam.seq += 1;
      if (i === 0) return sam.change('pupils', p.id, 'create', p.values);
      return sam.change('pupils', p.id, 'update', { form: kind === 'bad' ? 42 : '9S' });
    });
    expect((await sam.push(changes)).body.received).toBe(received);
    expect((await sam.pull()).body.received).toBe(received);
  });
});

describe('a push after the endpoint lost changes it had acknowledged (restored from a backup)', () => {
  it.each([
    ['the next change: nothing lost', 1, undefined],
    ['change 4: changes 1 to 3 lost', 4, { from: 1, to: 3 }],
  ])('starting at %s', (_, resumeFrom, lost) => {
    school = openSchool();
    const deviceId = newId();
    const { mentorId } = school.addMentor('Sam Patel');
    const device = school.store.enrolDevice(
      { id: deviceId, mentorId, schoolId: school.schoolId, name: 'iPad', enrolledAt: school.clock.now.toISOString() },
      'hash',
    );
    const p = newPupil({ deviceId } as never);
    const created: PushChange = {
      changeId: newId(),
      seq: resumeFrom,
      table: 'pupils',
      recordId: p.id,
      op: 'create',
      values: p.values,
      hlc: encodeHlc({ wall: school.clock.now.getTime(), count: 0, node: deviceId }),
    };
    const request: PushRequest = {
      protocol: PROTOCOL,
      unsent: 1,
      deviceTime: school.clock.now.toISOString(),
      resumeFrom,
      changes: [created],
    };
    const heard: LostRange[] = [];
    const answer = push(school.store, device, request, school.clock.now, (range) => heard.push(range));
    expect(answer.results).toEqual([expect.objectContaining({ seq: resumeFrom, status: 'applied' })]);
    expect(heard).toEqual(lost ? [{ deviceId, ...lost }] : []);
    // An endpoint with nobody to tell takes the push all the same.
    const q = newPupil({ deviceId } as never);
    const next = { ...created, seq: resumeFrom + 5, changeId: newId(), recordId: q.id, values: q.values };
    const later = push(school.store, device, { ...request, resumeFrom: resumeFrom + 5, changes: [next] }, school.clock.now);
    expect(later.results).toEqual([expect.objectContaining({ status: 'applied' })]);
  });
});

describe('a pull after the endpoint was replaced', () => {
  it('tells the tablet to fetch everything again, keeping its unsent changes', async () => {
    school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    // Sealed by another database, under its own secret.
    const cursor = sealCursor(randomBytes(32), { epoch: 'another-database', seq: 0 });
    const answer = await sam.pull(cursor);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'resync',
      message:
        'The school’s Waymark was restored or replaced since this tablet last synced: fetch everything again, keeping the changes not yet sent.',
    });
  });
});

describe('the school’s database', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the value an edit replaced in a clash, for the IT person to find', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-lost-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    try {
      const { id: schoolId } = store.addSchool('Hillside Academy');
      const at = new Date('2026-11-24T15:30:00.000Z');
      const tablets = ['Sam Patel', 'Alex Jones'].map((name) => {
        const mentor = store.addMentor(schoolId, name);
        const id = newId();
        return store.enrolDevice({ id, mentorId: mentor.id, schoolId, name: 'iPad', enrolledAt: at.toISOString() }, id);
      });
      const [sam, alex] = tablets as [Device, Device];
      const p = newPupil({ deviceId: sam.id } as never);
      const send = (device: Device, seq: number, op: 'create' | 'update', values: Record<string, unknown>, wall: number) =>
        push(
          store,
          device,
          {
            protocol: PROTOCOL,
            unsent: 1,
            deviceTime: at.toISOString(),
            changes: [
              { changeId: newId(), seq, table: 'pupils', recordId: p.id, op, values, hlc: encodeHlc({ wall, count: 0, node: device.id }) },
            ],
          },
          at,
        ).results[0]?.status;
      expect(send(sam, 1, 'create', p.values, at.getTime() - 3 * MINUTE)).toBe('applied');
      // Both edited the form from what the create said: Alex's edit, made later, wins; Sam's is kept.
      const base = { form: encodeHlc({ wall: at.getTime() - 3 * MINUTE, count: 0, node: sam.id }) };
      expect(send(alex, 1, 'update', { form: '9A' }, at.getTime() - MINUTE)).toBe('applied');
      const samEdit = { changeId: newId(), seq: 2, table: 'pupils' as const, recordId: p.id, op: 'update' as const };
      push(
        store,
        sam,
        {
          protocol: PROTOCOL,
          unsent: 1,
          deviceTime: at.toISOString(),
          changes: [
            { ...samEdit, values: { form: '9S' }, hlc: encodeHlc({ wall: at.getTime() - 2 * MINUTE, count: 0, node: sam.id }), base },
          ],
        },
        at,
      );
      const db = new Database(join(dir, 'waymark.sqlite'), { readonly: true });
      try {
        const lost = db.prepare("SELECT record_id, field, value FROM lost_values WHERE field = 'form' ORDER BY id").all();
        // What the create said, which Alex replaced without seeing it, and Sam's edit.
        expect(lost).toEqual([
          { record_id: p.id, field: 'form', value: '"9R"' },
          { record_id: p.id, field: 'form', value: '"9S"' },
        ]);
      } finally {
        db.close();
      }
    } finally {
      store.close();
    }
  });
});

describe('the IT person’s tools', () => {
  it('a new mentor is not the safeguarding lead until made one; an unknown mentor is named', () => {
    school = openSchool();
    const mentor = school.store.addMentor(school.schoolId, 'Sam Patel');
    expect(mentor.role).toBe('mentor');
    expect(school.store.mentor(mentor.id)).toEqual(mentor);
    expect(() => school.store.setRole('no-such-mentor', 'dsl')).toThrow('No mentor with id no-such-mentor.');
  });

  it('a new code counts only the earlier codes that still worked as stopped', () => {
    school = openSchool();
    const { mentorId } = school.addMentor('Sam Patel');
    const now = school.clock.now.getTime();
    // Besides the code addMentor gave (a day left): one that ran out an hour ago, one that runs out now.
    school.store.addEnrolmentCode(mentorId, 'expired', new Date(now - 60 * MINUTE).toISOString());
    school.store.addEnrolmentCode(mentorId, 'ends-now', new Date(now).toISOString());
    expect(replaceEnrolmentCode(school.store, mentorId, school.clock.now).cancelled).toBe(1);
  });

  it('a batch rolled back leaves nothing of itself behind: the same changes are taken when sent again', () => {
    school = openSchool();
    const { mentorId } = school.addMentor('Sam Patel');
    const deviceId = newId();
    school.store.enrolDevice(
      { id: deviceId, mentorId, schoolId: school.schoolId, name: 'iPad', enrolledAt: school.clock.now.toISOString() },
      'h',
    );
    expect(() =>
      school.store.batch((writer) => {
        writer.setLastAppliedSeq(deviceId, 3);
        writer.setLastHlc(deviceId, 'h');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(school.store.batch((writer) => [writer.lastAppliedSeq(deviceId), writer.lastHlc(deviceId)])).toEqual([0, undefined]);
  });
});
