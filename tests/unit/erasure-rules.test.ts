/**
 * The rules of erasing a pupil (src/shared/erasure.ts), which the endpoint and every tablet share,
 * and a school's retention period (src/server/retention.ts): pure functions, as tables.
 */
import { describe, expect, it } from 'vitest';
import { dueForErasure, type Ended, parseRetention, retentionInWords, supportEndedOn } from '../../src/server/retention.ts';
import { type ErasableRecord, erasedPupilOf, planErasure, withoutErasedPupils } from '../../src/shared/erasure.ts';

const X = 'pupil-x';
const Y = 'pupil-y';
const rec = (table: ErasableRecord['table'], id: string, fields: Record<string, unknown> = {}): ErasableRecord => ({
  table,
  id,
  fields: { id, ...fields },
});

/** A school's records about two pupils, X (to be erased) and Y, side by side. */
const RECORDS = [
  rec('pupils', X, { name: 'Zebedee Quartermaine' }),
  rec('pupils', Y, { name: 'Maya Okafor' }),
  rec('targets', 'tx', { pupilId: X }),
  rec('targets', 'ty', { pupilId: Y }),
  rec('checkIns', 'cx', { pupilId: X, targetId: 'tx' }),
  // A check-in that names only its target (written by a release that did not copy the pupil).
  rec('checkIns', 'cx-target-only', { targetId: 'tx' }),
  rec('checkIns', 'cy', { pupilId: Y, targetId: 'ty' }),
  rec('sessions', 'one-to-one-x', { kind: 'one-to-one', pupilIds: [X] }),
  rec('sessions', 'parent-contact-x', { kind: 'parent contact', pupilIds: [X] }),
  rec('sessions', 'group-xy', { kind: 'group', pupilIds: [X, Y], note: 'Homework club' }),
  rec('sessions', 'one-to-one-y', { kind: 'one-to-one', pupilIds: [Y] }),
  // No one present (no tablet writes one, but a session is nobody's to erase for naming no one).
  rec('sessions', 'no-one', { kind: 'group', pupilIds: [] }),
  rec('revisions', 'rev-pupil-x', { table: 'pupils', recordId: X, before: { name: 'Zeb Q' } }),
  rec('revisions', 'rev-checkin-x', { table: 'checkIns', recordId: 'cx-target-only', before: { word: 'proud' } }),
  rec('revisions', 'rev-group', { table: 'sessions', recordId: 'group-xy', before: { pupilIds: [X, Y], note: 'Homework' } }),
  rec('revisions', 'rev-group-note', { table: 'sessions', recordId: 'group-xy', before: { note: 'Homewrk' } }),
  rec('revisions', 'rev-pupil-y', { table: 'pupils', recordId: Y, before: { name: 'Maya O' } }),
  rec('concerns', 'concern-x', { pupilId: X, sessionId: 'group-xy', account: 'He said he sleeps in the car.' }),
  rec('concerns', 'concern-y', { pupilId: Y, account: 'Hungry again.' }),
  rec('concernActions', 'seen-x', { concernId: 'concern-x', pupilId: X, action: 'acknowledged' }),
  // An action naming only its concern (no tablet writes one; the concern is enough to know it by).
  rec('concernActions', 'referral-x', { concernId: 'concern-x', action: 'referral to children’s social care' }),
  rec('concernActions', 'seen-y', { concernId: 'concern-y', pupilId: Y, action: 'acknowledged' }),
  rec('revisions', 'rev-concern-x', { table: 'concerns', recordId: 'concern-x', before: { account: 'He sleeps in the car.' } }),
  rec('concernOpenings', 'opened-x', { concernId: 'concern-x', pupilId: X }),
  rec('addenda', 'addendum-x', { sessionId: 'one-to-one-x', note: 'Seen again at lunch.' }),
  rec('addenda', 'addendum-group', { sessionId: 'group-xy', note: 'Both stayed late.' }),
];

describe('which records go with an erased pupil', () => {
  const plan = planErasure(new Set([X]), RECORDS);
  const erased = plan.erased.map((r) => r.id).sort();
  const narrowed = new Map(plan.narrowed.map((r) => [r.id, r.fields]));

  it.each([
    ['the pupil', X],
    ['their target', 'tx'],
    ['a check-in of theirs', 'cx'],
    ['a check-in naming only their target', 'cx-target-only'],
    ['a one-to-one with them', 'one-to-one-x'],
    ['a parent contact about them alone', 'parent-contact-x'],
    ['an earlier version of their record', 'rev-pupil-x'],
    ['an earlier version of a check-in of theirs', 'rev-checkin-x'],
    ['a concern about them', 'concern-x'],
    ['what the DSL did about it', 'seen-x'],
    ['an action naming only their concern', 'referral-x'],
    ['an earlier version of their concern', 'rev-concern-x'],
    ['who opened their concern', 'opened-x'],
    ['an addendum to a note about them alone', 'addendum-x'],
  ])('erases %s', (_, id) => {
    expect(erased).toContain(id);
  });

  it.each([
    ['another pupil', Y],
    ['another pupil’s target', 'ty'],
    ['another pupil’s check-in', 'cy'],
    ['a group session others were in', 'group-xy'],
    ['another pupil’s one-to-one', 'one-to-one-y'],
    ['a session with no one present', 'no-one'],
    ['an earlier version of a group session', 'rev-group'],
    ['an earlier version of another pupil', 'rev-pupil-y'],
    ['a concern about another pupil', 'concern-y'],
    ['what the DSL did about another pupil’s concern', 'seen-y'],
    ['an addendum to a group note others were in', 'addendum-group'],
  ])('keeps %s', (_, id) => {
    expect(erased).not.toContain(id);
  });

  it('takes them out of a group session’s pupils present, now and in its earlier versions, and leaves its note', () => {
    expect(narrowed.get('group-xy')).toEqual({ id: 'group-xy', kind: 'group', pupilIds: [Y], note: 'Homework club' });
    expect(narrowed.get('rev-group')).toMatchObject({ before: { pupilIds: [Y], note: 'Homework' } });
    expect([...narrowed.keys()].sort()).toEqual(['group-xy', 'rev-group']);
  });

  it('erases a session whose pupils present were all erased, when several are erased at once', () => {
    const both = planErasure(new Set([X, Y]), RECORDS);
    expect(both.erased.map((r) => r.id)).toContain('group-xy');
    expect(both.narrowed).toEqual([]);
  });

  it('erases what is about them when their own record is not among the records (a tablet or a backup without it)', () => {
    const without = planErasure(
      new Set([X]),
      RECORDS.filter((r) => r.id !== X),
    );
    expect(without.erased.map((r) => r.id)).toEqual(expect.arrayContaining(['tx', 'cx', 'one-to-one-x', 'concern-x', 'seen-x']));
    expect(without.narrowed.map((r) => r.id)).toContain('group-xy');
  });

  it('erases a record given twice once (more records than needed do no harm)', () => {
    const twice = planErasure(new Set([X]), [...RECORDS, ...RECORDS]);
    expect(twice.erased.map((r) => r.id).sort()).toEqual(erased);
  });

  it('erases a record on its own account, with what hangs off it, and nothing of its pupil', () => {
    const target = planErasure(new Set(), RECORDS, new Set(['tx']));
    expect(target.erased.map((r) => r.id).sort()).toEqual(['cx', 'cx-target-only', 'rev-checkin-x', 'tx']);
  });
});

describe('a change about an erased pupil', () => {
  const erasedWith = (id: string) => (({ [X]: X, tx: X, 'one-to-one-x': X, 'concern-x': X }) as Record<string, string>)[id];
  it.each([
    ['an edit of their record', { table: 'pupils', op: 'update', recordId: X, values: { form: '9S' } }, X],
    ['an edit of their target', { table: 'targets', op: 'update', recordId: 'tx', values: {} }, X],
    ['a new target for them', { table: 'targets', op: 'create', recordId: 'new', values: { pupilId: X } }, X],
    [
      'a new check-in of their target',
      { table: 'checkIns', op: 'create', recordId: 'new', values: { pupilId: 'other', targetId: 'tx' } },
      X,
    ],
    [
      'a new check-in naming them, of a target kept',
      { table: 'checkIns', op: 'create', recordId: 'new', values: { pupilId: X, targetId: 'ty' } },
      X,
    ],
    ['an earlier version of their record', { table: 'revisions', op: 'create', recordId: 'new', values: { recordId: X } }, X],
    ['a new session with them alone', { table: 'sessions', op: 'create', recordId: 'new', values: { pupilIds: [X] } }, X],
    ['a new session with others too', { table: 'sessions', op: 'create', recordId: 'new', values: { pupilIds: [X, Y] } }, undefined],
    ['a new session with no pupils', { table: 'sessions', op: 'create', recordId: 'new', values: { pupilIds: [] } }, undefined],
    ['an edit naming them, of a record kept', { table: 'targets', op: 'update', recordId: 'ty', values: { pupilId: X } }, undefined],
    ['a change about another pupil', { table: 'pupils', op: 'create', recordId: Y, values: {} }, undefined],
    ['a new concern about them', { table: 'concerns', op: 'create', recordId: 'new', values: { pupilId: X } }, X],
    [
      'an addendum to a note about them alone',
      { table: 'addenda', op: 'create', recordId: 'new', values: { sessionId: 'one-to-one-x' } },
      X,
    ],
    ['an addendum to a group note', { table: 'addenda', op: 'create', recordId: 'new', values: { sessionId: 'group-xy' } }, undefined],
    ['a new concern about another pupil', { table: 'concerns', op: 'create', recordId: 'new', values: { pupilId: Y } }, undefined],
    ['an action on their concern', { table: 'concernActions', op: 'create', recordId: 'new', values: { pupilId: X } }, X],
    [
      'an action naming only their concern',
      { table: 'concernActions', op: 'create', recordId: 'new', values: { concernId: 'concern-x' } },
      X,
    ],
    [
      'an action on another pupil’s concern',
      { table: 'concernActions', op: 'create', recordId: 'new', values: { pupilId: Y, concernId: 'concern-y' } },
      undefined,
    ],
  ] as const)('%s', (_, change, pupil) => {
    expect(erasedPupilOf(change, erasedWith)).toBe(pupil);
  });

  it.each([
    ['a session’s pupils present', 'sessions', { pupilIds: [X, Y], note: 'n' }, { pupilIds: [Y], note: 'n' }],
    ['a session’s earlier pupils present', 'revisions', { before: { pupilIds: [Y, X] } }, { before: { pupilIds: [Y] } }],
  ] as const)('takes them out of %s', (_, table, fields, expected) => {
    expect(withoutErasedPupils(table, fields, (id) => id === X)).toEqual(expected);
  });

  it('leaves fields that do not name them as the very same object', () => {
    const fields = { pupilIds: [Y] };
    expect(withoutErasedPupils('sessions', fields, (id) => id === X)).toBe(fields);
    const pupil = { name: X };
    expect(withoutErasedPupils('pupils', pupil, (id) => id === X)).toBe(pupil);
  });
});

describe('a school’s retention period', () => {
  const closed = (closedOn: string): Ended => ({ status: 'closed', closedOn });
  it.each([
    ['closed a year ago to the day: kept', closed('2025-01-15'), 12, '2026-01-15', false],
    ['closed a year and a day ago: erased', closed('2025-01-15'), 12, '2026-01-16', true],
    ['closed the day before a year and a day: erased', closed('2025-01-14'), 12, '2026-01-16', true],
    ['31 August plus 6 months ends on 28 February', closed('2025-08-31'), 6, '2026-02-28', false],
    ['… and is erased on 1 March', closed('2025-08-31'), 6, '2026-03-01', true],
    ['29 February plus a year ends on 28 February', closed('2024-02-29'), 12, '2025-02-28', false],
    ['… and is erased on 1 March', closed('2024-02-29'), 12, '2025-03-01', true],
    ['6 years: kept on the last day', closed('2020-07-20'), 72, '2026-07-20', false],
    ['6 years: erased the day after', closed('2020-07-20'), 72, '2026-07-21', true],
    ['still supported: never', { status: 'active' }, 1, '2099-01-01', false],
    ['support reopened after it closed: never, while it runs', { status: 'active', closedOn: '2010-07-20' }, 1, '2099-01-01', false],
    ['closed with no day (an earlier release): never', { status: 'closed' }, 1, '2099-01-01', false],
    ['removed: from the day removed', { status: 'active', deletedAt: '2025-03-10T10:00:00.000Z' }, 12, '2026-03-11', true],
    ['removed: kept to the end of the period', { status: 'active', deletedAt: '2025-03-10T10:00:00.000Z' }, 12, '2026-03-10', false],
  ] as const)('%s', (_, pupil, months, today, due) => {
    expect(dueForErasure(pupil, months, today)).toBe(due);
  });

  it('dates a removal by the local day it was made (after 23:00 UTC in summer is the next day in England)', () => {
    expect(supportEndedOn({ status: 'active', deletedAt: '2025-06-30T23:30:00.000Z' })).toBe('2025-07-01');
  });

  it.each([
    ['6 years', { months: 72 }],
    ['6 Years', { months: 72 }],
    ['1 year', { months: 12 }],
    ['2y', { months: 24 }],
    ['18 months', { months: 18 }],
    ['1 month', { months: 1 }],
    ['18m', { months: 18 }],
    ['off', { months: null }],
    [' none ', { months: null }],
    ['never', { months: null }],
    ['100 years', { months: 1200 }],
    ['about 6 years', { problem: expect.stringContaining('not a retention period') }],
    ['6 years or so', { problem: expect.stringContaining('not a retention period') }],
    ['0 months', { problem: expect.stringContaining('at least a month') }],
    ['101 years', { problem: expect.stringContaining('at most 100 years') }],
    ['six years', { problem: expect.stringContaining('"6 years"') }],
    ['6', { problem: expect.stringContaining('"18 months"') }],
    ['6 weeks', { problem: expect.stringContaining('not a retention period') }],
  ])('reads “%s”', (typed, expected) => {
    expect(parseRetention(typed)).toEqual(expected);
  });

  it.each([
    [72, '6 years'],
    [12, '1 year'],
    [18, '18 months'],
    [1, '1 month'],
  ])('says %i months as “%s”', (months, words) => {
    expect(retentionInWords(months)).toBe(words);
  });
});
