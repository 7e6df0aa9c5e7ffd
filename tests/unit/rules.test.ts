import { describe, expect, it } from 'vitest';
import { addPupil, closeSupport, reopenSupport } from '../../src/data/pupils.ts';
import { editSession, recordSession, sessionsOn, withdrawSession } from '../../src/data/sessions.ts';
import { endTarget, setTarget } from '../../src/data/targets.ts';
import { displayName, ValidationError } from '../../src/shared/model.ts';
import { validate } from '../../src/shared/validation.ts';
import { freshDb, pupil, target } from './helpers.ts';

const session = (pupilIds: string[], occurredAt: string, kind: 'one-to-one' | 'group' = 'one-to-one') => ({
  kind,
  occurredAt,
  minutes: 20,
  title: '',
  pupilIds,
  note: 'A note',
  concern: false,
});

describe('what travels to the school', () => {
  it('a cleared field is sent as null, so reopening support clears the closure on the server too', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await closeSupport(db, id, {
      closedOn: '2026-11-20',
      closeReason: 'moved school',
      outcome: 'no change',
      exitSummary: 'Moved to Leeds.',
    });
    await reopenSupport(db, id);
    const reopen = (await db.outbox.toArray()).filter((e) => e.table === 'pupils').at(-1);
    const onTheWire = JSON.parse(JSON.stringify(reopen?.values));
    expect(onTheWire).toMatchObject({ status: 'active', closedOn: null, closeReason: null, outcome: null, exitSummary: null });
  });
});

describe('a second tap, and notes that were withdrawn', () => {
  it('finishing a target twice (a double tap on Save) sets only one next target', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p));
    const next = target(p, { wording: 'The next one' });
    const results = await Promise.allSettled([
      endTarget(db, t, { status: 'achieved', endedOn: '2026-11-24' }, next),
      endTarget(db, t, { status: 'achieved', endedOn: '2026-11-24' }, next),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await db.targets.toArray()).filter((x) => x.wording === 'The next one')).toHaveLength(1);
  });

  it('a withdrawn note can be read but not edited or withdrawn again', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const s = await recordSession(db, session([p], '2026-11-24T10:00:00.000Z'));
    await withdrawSession(db, s, 'Wrong pupil');
    await expect(editSession(db, s, { note: 'Changed after' })).rejects.toThrow('withdrawn');
    await expect(withdrawSession(db, s, 'Another reason')).rejects.toThrow('withdrawn');
    expect((await db.sessions.get(s))?.withdrawnReason).toBe('Wrong pupil');
  });
});

describe('records that make no sense are refused in plain words', () => {
  const base = {
    id: '01a20000-0000-7000-8000-000000000001',
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    deviceId: '01a20000-0000-7000-8000-000000000002',
    mentorId: null,
  };
  const a = '01a20000-0000-7000-8000-00000000000a';
  const b = '01a20000-0000-7000-8000-00000000000b';
  it.each([
    ['a pupil twice in one session', { ...session([a, a], base.createdAt, 'group') }, 'A pupil is in the session twice.'],
    [
      'a one-to-one with two pupils',
      { ...session([a, b], base.createdAt) },
      'A one-to-one session is with one pupil: choose a group session for more.',
    ],
    [
      'a time with an offset, which would sort under the wrong day',
      { ...session([a], '2026-11-24T00:30:00+01:00') },
      'Use a UTC time like 2026-11-24T09:30:00.000Z.',
    ],
    [
      'a withdrawn note with no reason',
      { ...session([a], base.createdAt), withdrawnAt: base.createdAt },
      'Withdrawing a note needs a reason.',
    ],
  ])('%s', (_, record, message) => {
    expect(() => validate('sessions', { ...base, ...record })).toThrow(message);
  });

  it.each([
    [
      'support ending before it started',
      { status: 'closed', closedOn: '2026-09-01', closeReason: 'left school', outcome: 'no change' },
      'Support cannot end before it started.',
    ],
    ['closing with no reason', { status: 'closed', closedOn: '2026-11-20' }, 'Closing support needs a date, a reason and an outcome.'],
  ])('%s', (_, fields, message) => {
    expect(() => validate('pupils', { ...base, ...pupil({ startOn: '2026-09-07' }), ...fields })).toThrow(message);
  });

  it.each([
    ['a review date before the start', { reviewOn: '2026-10-01' }, 'The review date cannot be before the target starts.'],
    ['an achieved target with no date', { status: 'achieved' }, 'Say when the target was achieved or dropped.'],
  ])('%s', (_, fields, message) => {
    expect(() => validate('targets', { ...base, ...target(a), status: 'active', ...fields })).toThrow(message);
  });

  /** Every problem the rules find with a record, in the mentor's words; none for a record they accept. */
  const problems = (table: 'pupils' | 'targets' | 'sessions' | 'revisions', record: object): readonly string[] => {
    try {
      validate(table, record);
      return [];
    } catch (error) {
      if (error instanceof ValidationError) return error.issues;
      throw error;
    }
  };
  const pupilRecord = (fields: object) => ({ ...base, ...pupil({ startOn: '2026-09-07' }), status: 'active', ...fields });
  const targetRecord = (fields: object) => ({ ...base, ...target(a, { startOn: '2026-11-02' }), status: 'active', ...fields });
  const closed = { status: 'closed', closedOn: '2026-11-20', closeReason: 'left school', outcome: 'no change' };
  const wrongDate = 'Use a date like 2026-09-01.';
  const noSuchDate = 'That date does not exist.';

  it.each([
    ['an ordinary day', '2026-09-07', []],
    ['29 February in a leap year', '2028-02-29', []],
    ['31 December', '2026-12-31', []],
    ['30 February', '2026-02-30', [noSuchDate]],
    ['31 February', '2026-02-31', [noSuchDate]],
    ['31 April', '2026-04-31', [noSuchDate]],
    ['29 February in a year that is not a leap year', '2027-02-29', [noSuchDate]],
    ['a thirteenth month', '2026-13-01', [noSuchDate]],
    ['a month 0', '2026-00-10', [noSuchDate]],
    ['a day 0', '2026-09-00', [noSuchDate]],
    // Read by the calendar as 1926, so not the day that was written.
    ['a year written with two digits', '0026-09-07', [noSuchDate]],
    // Something before or after a date is not a date, and is told so once.
    ['words before a date', 'on 2026-09-07', [wrongDate]],
    ['a digit too many at the end', '2026-09-071', [wrongDate]],
    ['a time after the date', '2026-09-07T09:00', [wrongDate]],
    ['a day written the British way', '07/09/2026', [wrongDate]],
  ])('support starting on %s (%s): %j', (_, startOn, expected) => {
    expect(problems('pupils', pupilRecord({ startOn }))).toEqual(expected);
  });

  it.each([
    ['an ordinary time', '2026-11-24T09:30:00.000Z', []],
    ['30 February', '2026-02-30T09:30:00.000Z', ['That time does not exist.']],
    ['24:00', '2026-11-24T24:00:00.000Z', ['That time does not exist.']],
    // Something before or after a time is not a time, and is told so once.
    ['words before a time', 'at 2026-11-24T09:30:00.000Z', ['Use a UTC time like 2026-11-24T09:30:00.000Z.']],
    ['words after a time', '2026-11-24T09:30:00.000Z sharp', ['Use a UTC time like 2026-11-24T09:30:00.000Z.']],
  ])('a session at %s (%s): %j', (_, occurredAt, expected) => {
    expect(problems('sessions', { ...base, ...session([a], occurredAt) })).toEqual(expected);
  });

  it.each([
    ['with an id that is not a record id', { id: 'pupil-1' }, ['Record ids are UUIDs.']],
    ['with consent not one of the three', { consent: 'maybe' }, ['Say whether parental consent was given.']],
    ['closed for a reason not on the list', { ...closed, closeReason: 'bored' }, ['Choose why support ended.']],
    ['closed with an outcome not on the list', { ...closed, outcome: 'fine' }, ['Choose an outcome.']],
    ['closed with a date, a reason and an outcome', closed, []],
    ['closed on the day support started', { ...closed, closedOn: '2026-09-07' }, []],
    ['closed with no date', { ...closed, closedOn: undefined }, ['Closing support needs a date, a reason and an outcome.']],
    ['closed with no reason', { ...closed, closeReason: undefined }, ['Closing support needs a date, a reason and an outcome.']],
    ['closed with no outcome', { ...closed, outcome: undefined }, ['Closing support needs a date, a reason and an outcome.']],
    ['closed the day before support started', { ...closed, closedOn: '2026-09-06' }, ['Support cannot end before it started.']],
  ])('a pupil %s', (_, fields, expected) => {
    expect(problems('pupils', pupilRecord(fields))).toEqual(expected);
  });

  it.each([
    ['checked in on Mondays and Thursdays', { rhythm: 'weekdays', weekdays: [1, 4] }, []],
    [
      'checked in on chosen weekdays, none chosen',
      { rhythm: 'weekdays', weekdays: [] },
      ['Choose at least one weekday for the check-ins.'],
    ],
    ['reviewed on the day it starts', { reviewOn: '2026-11-02' }, []],
    ['reviewed the day before it starts', { reviewOn: '2026-11-01' }, ['The review date cannot be before the target starts.']],
    ['achieved on the day it starts', { status: 'achieved', endedOn: '2026-11-02' }, []],
    ['dropped the day before it starts', { status: 'dropped', endedOn: '2026-11-01' }, ['A target cannot end before it starts.']],
  ])('a target %s', (_, fields, expected) => {
    expect(problems('targets', targetRecord(fields))).toEqual(expected);
  });

  // An earlier version's words are not held to today's lists, but its values must be of each field's shape.
  const unreadable = 'What the record said before this edit cannot be read:';
  it.each([
    ['a year group since taken off the list', 'pupils', { yearGroup: 'Year 14' }, []],
    ['a year group that is a number', 'pupils', { yearGroup: 9 }, [`${unreadable} Choose a year group.`]],
    ['weekdays that are text, not a list', 'targets', { weekdays: 'Monday' }, [`${unreadable} The weekdays must be a list.`]],
    [
      'a record of no kind there is',
      'timetables',
      { period: 3 },
      ['A revision is of a pupil, a target, a check-in, a session or a concern.'],
    ],
  ])('an earlier version with %s: %j', (_, table, before, expected) => {
    expect(problems('revisions', { ...base, table, recordId: a, before })).toEqual(expected);
  });
});

describe('displayName', () => {
  it.each([
    ['Jacob Smith', '', 'Jacob Smith'],
    ['Jacob Smith', 'Jake', 'Jake Smith'],
    ['Mary Jane Smith', 'Janey', 'Janey Smith'],
    ['Cher', 'Chez', 'Chez'],
    ['Jacob Smith', '  ', 'Jacob Smith'],
  ])('%s, preferred "%s": %s', (name, preferredName, expected) => {
    expect(displayName({ name, preferredName })).toBe(expected);
  });
});

describe('local days in the United Kingdom', () => {
  it('a session at half past midnight in summer time belongs to that local day, not the UTC one', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    // 00:30 BST on 15 June is 23:30 UTC on 14 June.
    const s = await recordSession(db, session([p], new Date('2026-06-15T00:30:00').toISOString()));
    expect((await sessionsOn(db, '2026-06-15')).map((x) => x.id)).toEqual([s]);
    expect(await sessionsOn(db, '2026-06-14')).toEqual([]);
  });

  it.each([
    ['the day the clocks go forward', '2026-03-29'],
    ['the day the clocks go back', '2026-10-25'],
  ])('%s keeps its first and last sessions', async (_, day) => {
    const db = freshDb();
    const p = await addPupil(db, pupil({ startOn: '2026-01-05' }));
    const early = await recordSession(db, session([p], new Date(`${day}T00:15:00`).toISOString()));
    const late = await recordSession(db, session([p], new Date(`${day}T23:45:00`).toISOString()));
    expect((await sessionsOn(db, day)).map((x) => x.id)).toEqual([early, late]);
  });
});
