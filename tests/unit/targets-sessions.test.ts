import { describe, expect, it } from 'vitest';
import { discardDraft, loadDraft, saveDraft } from '../../src/data/drafts.ts';
import { historyOf } from '../../src/data/history.ts';
import { addPupil, closeSupport } from '../../src/data/pupils.ts';
import { editSession, getSession, recordSession, sessionsOf, sessionsOn, withdrawSession } from '../../src/data/sessions.ts';
import { checkIn, checkInsOf, endTarget, reviseTarget, setTarget, targetsOf, undoCheckIn } from '../../src/data/targets.ts';
import { dueTargets, notSeenLately, reviewsDue, today } from '../../src/data/today.ts';
import { freshDb, pupil, target } from './helpers.ts';

// Tuesday 24 November 2026, mid-morning in London.
const TUE = '2026-11-24';
const at = (day: string, time = '10:00') => new Date(`${day}T${time}:00`).toISOString();

describe('targets and check-ins', () => {
  it('a tap checks a target in once a day; a second tap corrects it rather than counting twice', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p));
    const first = await checkIn(db, { targetId: t, pupilId: p, on: TUE, result: 'partly' });
    const second = await checkIn(db, { targetId: t, pupilId: p, on: TUE, result: 'met', word: 'Brilliant' });
    expect(second.id).toBe(first.id);
    expect(second.before).toEqual({ result: 'partly', word: '', sessionId: undefined });
    const found = await checkInsOf(db, t, TUE, TUE);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ result: 'met', word: 'Brilliant' });
    expect((await historyOf(db, first.id))[0]?.before).toEqual({ result: 'partly', word: '' });
  });

  it('a note’s history holds only its own earlier versions, not one that names it as another kind of record', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const s = await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at(TUE),
      minutes: 10,
      title: '',
      pupilIds: [p],
      note: 'Read.',
      concern: false,
    });
    await editSession(db, s, { note: 'Read aloud.' });
    // As a tablet that forged it would have it reach every tablet: a pupil's "earlier version" under the note's id.
    const [own] = await db.revisions.toArray();
    await db.revisions.add({
      ...(own as NonNullable<typeof own>),
      id: '01a20000-0000-7000-8000-0000000000f1',
      table: 'pupils',
      before: { name: 'x' },
    });
    expect((await historyOf(db, s, 'sessions')).map((r) => r.before)).toEqual([{ note: 'Read.' }]);
  });

  it('a check-in taken back no longer counts, and the target is due again', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p));
    const c = await checkIn(db, { targetId: t, pupilId: p, on: TUE, result: 'met' });
    expect(await dueTargets(db, TUE)).toEqual([]);
    await undoCheckIn(db, c);
    expect((await dueTargets(db, TUE)).map((d) => d.target.id)).toEqual([t]);
    expect((await db.outbox.toArray()).at(-1)).toMatchObject({ op: 'delete', table: 'checkIns', recordId: c.id });
  });

  it('undoing a tap that corrected an earlier one puts the earlier check-in back', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p));
    await checkIn(db, { targetId: t, pupilId: p, on: TUE, result: 'met', word: 'great' });
    const correction = await checkIn(db, { targetId: t, pupilId: p, on: TUE, result: 'not met' });
    await undoCheckIn(db, correction);
    expect(await checkInsOf(db, t, TUE, TUE)).toMatchObject([{ result: 'met', word: 'great' }]);
  });

  it('rewording a target keeps each earlier wording, newest first', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p, { wording: 'Say one thing in class' }));
    await reviseTarget(db, t, { wording: 'Say one thing in class each day' });
    await reviseTarget(db, t, { wording: 'Answer one question in maths each day' });
    const wordings = (await historyOf(db, t)).map((r) => r.before.wording);
    expect(wordings).toEqual(['Say one thing in class each day', 'Say one thing in class']);
  });

  it('achieving a target and setting the next one is one save; the new one follows the old', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const t = await setTarget(db, target(p));
    const before = await db.outbox.count();
    const next = await endTarget(
      db,
      t,
      { status: 'achieved', endedOn: TUE },
      { ...target(p, { wording: 'Hand in all homework on time' }) },
    );
    const targets = await targetsOf(db, p);
    expect(targets.find((x) => x.id === t)).toMatchObject({ status: 'achieved', endedOn: TUE });
    expect(targets.find((x) => x.id === next)).toMatchObject({ status: 'active', follows: t });
    // update + its revision + create
    expect((await db.outbox.count()) - before).toBe(3);
    expect((await dueTargets(db, TUE)).map((d) => d.target.id)).toEqual([next]);
  });

  it('refuses a weekday rhythm with no weekdays chosen', async () => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    await expect(setTarget(db, target(p, { rhythm: 'weekdays', weekdays: [] }))).rejects.toThrow('Choose at least one weekday');
  });
});

describe('sessions and notes', () => {
  it('a group session with its register and reviewed targets is one save, check-ins dated on the day it happened', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil({ name: 'Amelia Jacobs' }));
    const b = await addPupil(db, pupil({ name: 'Mohammed Khan' }));
    const t = await setTarget(db, target(a));
    const before = await db.outbox.count();
    // Written up on Tuesday about Monday's homework club.
    const s = await recordSession(
      db,
      {
        kind: 'group',
        occurredAt: at('2026-11-23', '15:30'),
        minutes: 45,
        title: 'Homework club',
        pupilIds: [a, b],
        note: 'Both finished the worksheet.',
        concern: false,
      },
      [{ targetId: t, pupilId: a, result: 'met', word: 'focused' }],
      { now: new Date(at(TUE, '08:10')) },
    );
    expect((await db.outbox.count()) - before).toBe(2);
    const [c] = await checkInsOf(db, t, '2026-11-23', '2026-11-23');
    expect(c).toMatchObject({ sessionId: s, result: 'met', word: 'focused', on: '2026-11-23' });
    const stored = await getSession(db, s);
    expect(stored?.createdAt).toBe(at(TUE, '08:10'));
    expect(stored?.occurredAt).toBe(at('2026-11-23', '15:30'));
    expect((await sessionsOf(db, b)).map((x) => x.id)).toEqual([s]);
    expect((await sessionsOn(db, '2026-11-23')).map((x) => x.id)).toEqual([s]);
    expect(await sessionsOn(db, TUE)).toEqual([]);
  });

  it("lists a pupil's sessions newest first", async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil());
    const base = { kind: 'one-to-one' as const, minutes: 20, title: '', pupilIds: [a], note: 'x', concern: false };
    const older = await recordSession(db, { ...base, occurredAt: at('2026-11-02') });
    const newest = await recordSession(db, { ...base, occurredAt: at('2026-11-20') });
    const middle = await recordSession(db, { ...base, occurredAt: at('2026-11-10') });
    expect((await sessionsOf(db, a)).map((s) => s.id)).toEqual([newest, middle, older]);
  });

  it('editing a note keeps every earlier version; withdrawing keeps the note, marked, with the reason', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil());
    const s = await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at(TUE),
      minutes: 20,
      title: '',
      pupilIds: [a],
      note: 'First version',
      concern: false,
    });
    await editSession(db, s, { note: 'Second version', concern: true });
    await withdrawSession(db, s, 'Written about the wrong pupil');
    const stored = await getSession(db, s);
    expect(stored).toMatchObject({ note: 'Second version', concern: true, withdrawnReason: 'Written about the wrong pupil' });
    expect(stored?.withdrawnAt).toBeDefined();
    const history = await historyOf(db, s);
    expect(history.map((r) => r.before.note).filter(Boolean)).toEqual(['First version']);
    expect(history.some((r) => 'withdrawnAt' in r.before)).toBe(true);
  });

  it('refuses a session with nobody in it', async () => {
    const db = freshDb();
    await expect(
      recordSession(db, { kind: 'group', occurredAt: at(TUE), minutes: 30, title: '', pupilIds: [], note: '', concern: false }),
    ).rejects.toThrow('Choose at least one pupil.');
    expect(await db.sessions.count()).toBe(0);
  });
});

describe('drafts', () => {
  it('a half-typed note is restored, and is gone once the session is saved', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil());
    await saveDraft(db, 'session:new', { note: 'Half a thought', pupilIds: [a] });
    expect(await loadDraft(db, 'session:new')).toEqual({ note: 'Half a thought', pupilIds: [a] });
    await recordSession(
      db,
      { kind: 'one-to-one', occurredAt: at(TUE), minutes: 20, title: '', pupilIds: [a], note: 'Half a thought, finished.', concern: false },
      [],
      { clearDraft: 'session:new' },
    );
    expect(await loadDraft(db, 'session:new')).toBeUndefined();
  });

  it('a save that fails keeps the draft', async () => {
    const db = freshDb();
    await saveDraft(db, 'session:new', { note: 'Important words' });
    await expect(
      recordSession(
        db,
        { kind: 'one-to-one', occurredAt: at(TUE), minutes: 20, title: '', pupilIds: [], note: 'Important words', concern: false },
        [],
        { clearDraft: 'session:new' },
      ),
    ).rejects.toThrow();
    expect(await loadDraft(db, 'session:new')).toEqual({ note: 'Important words' });
  });

  it('discarding a draft removes it', async () => {
    const db = freshDb();
    await saveDraft(db, 'pupil:new', { name: 'Sam' });
    await discardDraft(db, 'pupil:new');
    expect(await loadDraft(db, 'pupil:new')).toBeUndefined();
  });
});

describe('Today', () => {
  it.each([
    ['on Monday', '2026-11-23', false],
    ['later this week, on Sunday', '2026-11-29', false],
    ['last Sunday', '2026-11-22', true],
  ])('a weekly target checked in %s (%s): due on Wednesday 25 November, as its strip says, %s', async (_, on, due) => {
    const db = freshDb();
    const p = await addPupil(db, pupil());
    const weekly = await setTarget(db, target(p, { rhythm: 'weekly', startOn: '2026-11-02' }));
    await checkIn(db, { targetId: weekly, pupilId: p, on, result: 'met' });
    expect((await dueTargets(db, '2026-11-25')).map((d) => d.target.id)).toEqual(due ? [weekly] : []);
  });

  it("shows due targets of pupils on the caseload, reviews that have come, today's sessions and pupils not seen lately", async () => {
    const db = freshDb();
    const seen = await addPupil(db, pupil({ name: 'Amelia Jacobs', startOn: '2026-09-07' }));
    const unseen = await addPupil(db, pupil({ name: 'Mohammed Khan', startOn: '2026-09-07' }));
    const closed = await addPupil(db, pupil({ name: 'Zoe Neill' }));
    const daily = await setTarget(db, target(seen, { reviewOn: TUE }));
    const weekly = await setTarget(db, target(unseen, { rhythm: 'weekly' }));
    await setTarget(db, target(closed));
    await closeSupport(db, closed, { closedOn: '2026-11-20', closeReason: 'left school', outcome: 'no change', exitSummary: '' });
    await checkIn(db, { targetId: weekly, pupilId: unseen, on: '2026-11-23', result: 'partly' });
    await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at(TUE, '09:00'),
      minutes: 15,
      title: '',
      pupilIds: [seen],
      note: '',
      concern: false,
    });
    await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at('2026-11-02'),
      minutes: 15,
      title: '',
      pupilIds: [unseen],
      note: '',
      concern: false,
    });

    const view = await today(db, TUE);
    expect(view.due.map((d) => [d.pupil.name, d.target.id])).toEqual([['Amelia Jacobs', daily]]);
    expect(view.reviews.map((d) => d.target.id)).toEqual([daily]);
    expect(view.sessions.map((s) => s.pupilIds)).toEqual([[seen]]);
    expect(view.notSeen.map((n) => [n.pupil.name, n.lastSeen])).toEqual([['Mohammed Khan', at('2026-11-02')]]);
    expect(await reviewsDue(db, '2026-11-23')).toEqual([]);
  });

  it('a pupil never seen comes before one seen long ago; a withdrawn note does not count as seeing them', async () => {
    const db = freshDb();
    const never = await addPupil(db, pupil({ name: 'Zed Never' }));
    const long = await addPupil(db, pupil({ name: 'Al Longago' }));
    const s = await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at(TUE),
      minutes: 15,
      title: '',
      pupilIds: [long],
      note: '',
      concern: false,
    });
    await recordSession(db, {
      kind: 'one-to-one',
      occurredAt: at('2026-10-01'),
      minutes: 15,
      title: '',
      pupilIds: [long],
      note: '',
      concern: false,
    });
    expect((await notSeenLately(db, TUE)).map((n) => n.pupil.id)).toEqual([never]);
    // The note was about someone else: moved to them, it no longer counts as seeing this pupil.
    await editSession(db, s, { pupilIds: [never] });
    expect((await notSeenLately(db, TUE)).map((n) => [n.pupil.id, n.lastSeen])).toEqual([[long, at('2026-10-01')]]);
    await withdrawSession(db, s, 'Wrong pupil');
    expect((await notSeenLately(db, TUE)).map((n) => n.pupil.id)).toEqual([never, long]);
  });
});
