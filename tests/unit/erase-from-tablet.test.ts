/**
 * Erasing a pupil from one tablet (UK GDPR): what goes from each table, and what stays because it
 * is about other children. The whole journey, the school erasing and the tablets syncing, is in
 * tests/integration/erasure-tablets.test.ts; these look at each table in turn.
 */
import { describe, expect, it } from 'vitest';
import type { WaymarkDB } from '../../src/data/db.ts';
import { saveDraft } from '../../src/data/drafts.ts';
import { eraseFromTablet, withoutIds } from '../../src/data/erase.ts';
import { addPupil, getPupil } from '../../src/data/pupils.ts';
import { getSession, recordSession } from '../../src/data/sessions.ts';
import { checkIn, getTarget, setTarget } from '../../src/data/targets.ts';
import { freshDb, pupil, target } from './helpers.ts';

const TUE = '2026-11-24';
const AT = '2026-11-24T10:00:00.000Z';

/**
 * A tablet holding Zebedee (to be erased) and Maya: a target each, checked in on Tuesday, a
 * homework club they were both in and a one-to-one with Zebedee alone.
 */
async function caseload(db: WaymarkDB) {
  const zeb = await addPupil(db, pupil({ name: 'Zebedee Quartermain', preferredName: '' }));
  const maya = await addPupil(db, pupil({ name: 'Maya Okafor', preferredName: '' }));
  const zebTarget = await setTarget(db, target(zeb, { wording: 'Say one thing in class each day' }));
  const mayaTarget = await setTarget(db, target(maya, { wording: 'Bring PE kit on Mondays' }));
  const zebCheckIn = (await checkIn(db, { targetId: zebTarget, pupilId: zeb, on: TUE, result: 'met' })).id;
  const mayaCheckIn = (await checkIn(db, { targetId: mayaTarget, pupilId: maya, on: TUE, result: 'partly' })).id;
  const session = { occurredAt: AT, minutes: 30, note: 'Fractions.', concern: false };
  const group = await recordSession(db, { ...session, kind: 'group', title: 'Homework club', pupilIds: [zeb, maya] });
  const oneToOne = await recordSession(db, { ...session, kind: 'one-to-one', title: '', pupilIds: [zeb] });
  return { zeb, maya, zebTarget, mayaTarget, zebCheckIn, mayaCheckIn, group, oneToOne };
}

describe('erasing a pupil from this tablet', () => {
  it('a value kept from a conflict over a group note they were in stays, with them taken out of it', async () => {
    const db = freshDb();
    const { zeb, maya, group } = await caseload(db);
    const lost = { table: 'sessions' as const, recordId: group, hlc: '1', lostTo: '2' };
    await db.conflicts.bulkAdd([
      { ...lost, field: 'pupilIds', value: [zeb, maya] },
      { ...lost, field: 'minutes', value: 25 },
    ]);

    await eraseFromTablet(db, { pupils: [zeb] });

    expect(await getSession(db, group)).toMatchObject({ pupilIds: [maya] });
    expect((await db.conflicts.toArray()).map((c) => [c.recordId, c.field, c.value])).toEqual([
      [group, 'pupilIds', [maya]],
      [group, 'minutes', 25],
    ]);
  });

  it('a change about them the school already refused goes now; one still to send keeps only the ids it is about', async () => {
    const db = freshDb();
    const { zeb, maya, zebTarget, zebCheckIn, oneToOne, group, mayaTarget } = await caseload(db);
    const refused = await db.outbox.filter((e) => e.recordId === zebTarget).first();
    await db.outbox.update(refused?.seq ?? 0, { rejected: { code: 'invalid_record', message: 'Choose a rhythm.', at: AT } });

    await eraseFromTablet(db, { pupils: [zeb] });

    const outbox = await db.outbox.toArray();
    expect(outbox.map((e) => e.recordId)).not.toContain(zebTarget);
    // No undefined-valued keys either: a change keeps only the reference fields it had.
    expect(outbox.filter((e) => [zeb, zebCheckIn, oneToOne].includes(e.recordId)).map((e) => [e.table, e.values])).toStrictEqual([
      ['pupils', {}],
      ['checkIns', { pupilId: zeb, targetId: zebTarget }],
      ['sessions', { pupilIds: [zeb] }],
    ]);
    // Maya's changes go as she made them; the homework club's without him.
    expect(outbox.find((e) => e.recordId === mayaTarget)?.values).toMatchObject({ pupilId: maya, wording: 'Bring PE kit on Mondays' });
    expect(outbox.find((e) => e.recordId === group)?.values).toMatchObject({ pupilIds: [maya], title: 'Homework club' });
  });

  it('the changes the school took, kept in case it is restored: those about him go, those about others stay', async () => {
    const db = freshDb();
    const { zeb, maya, mayaTarget, mayaCheckIn, group } = await caseload(db);
    const sent = await db.outbox.toArray();
    await db.delivered.bulkAdd(sent.map((e) => ({ ...e, deliveredAt: AT })));

    await eraseFromTablet(db, { pupils: [zeb] });

    const delivered = await db.delivered.toArray();
    expect(delivered.map((e) => e.recordId)).toEqual([maya, mayaTarget, mayaCheckIn, group]);
    expect(delivered.find((e) => e.recordId === mayaTarget)?.values).toEqual(sent.find((e) => e.recordId === mayaTarget)?.values);
    expect(delivered.find((e) => e.recordId === group)?.values).toMatchObject({ pupilIds: [maya] });
  });

  it('a check-in naming him goes, even when the tablet does not hold its target', async () => {
    const db = freshDb();
    const { zeb, zebCheckIn } = await caseload(db);
    const his = await db.checkIns.get(zebCheckIn);
    if (!his) throw new Error('no check-in');
    await db.checkIns.put({ ...his, id: 'check-in-of-a-target-elsewhere', targetId: 'target-not-on-this-tablet' });

    await eraseFromTablet(db, { pupils: [zeb] });

    expect(await db.checkIns.get('check-in-of-a-target-elsewhere')).toBeUndefined();
  });
});

describe('erasing a record on its own (a change of this tablet refused as erased)', () => {
  it('a target goes with its check-ins; the pupil and everything else of theirs stay', async () => {
    const db = freshDb();
    const { maya, mayaTarget, mayaCheckIn, zebTarget, zebCheckIn } = await caseload(db);

    expect(await eraseFromTablet(db, { pupils: [], records: [mayaTarget] })).toBe(2);

    expect(await getTarget(db, mayaTarget)).toBeUndefined();
    expect(await db.checkIns.get(mayaCheckIn)).toBeUndefined();
    expect(await getPupil(db, maya)).toMatchObject({ name: 'Maya Okafor' });
    expect(await getTarget(db, zebTarget)).toBeDefined();
    expect(await db.checkIns.get(zebCheckIn)).toBeDefined();
  });

  it('a pupil’s own record: the pupil goes with everything about them, as when the school erases them', async () => {
    const db = freshDb();
    const { zeb, maya, group, oneToOne, zebTarget, zebCheckIn } = await caseload(db);
    await saveDraft(db, `pupil:edit:${zeb}`, { form: '9S' });

    await eraseFromTablet(db, { pupils: [], records: [zeb] });

    expect(await getPupil(db, zeb)).toBeUndefined();
    expect(await getTarget(db, zebTarget)).toBeUndefined();
    expect(await db.checkIns.get(zebCheckIn)).toBeUndefined();
    expect(await getSession(db, oneToOne)).toBeUndefined();
    expect(await getSession(db, group)).toMatchObject({ pupilIds: [maya] });
    expect(await db.pupilSessions.where('pupilId').equals(zeb).count()).toBe(0);
    expect(await db.pupilSessions.toArray()).toEqual([expect.objectContaining({ pupilId: maya, sessionId: group })]);
    expect(await db.drafts.count()).toBe(0);
  });

  it('nothing asked for: nothing goes', async () => {
    const db = freshDb();
    await caseload(db);
    expect(await eraseFromTablet(db, { pupils: [] })).toBe(0);
    expect(await db.pupils.count()).toBe(2);
  });
});

describe('a draft with the erased ids taken out (withoutIds)', () => {
  const gone = (id: string) => id === 'zeb' || id === 'target-z';

  it.each<[string, unknown, unknown, boolean]>([
    ['a draft keyed to him alone', 'zeb', 'zeb', true],
    ['a draft keyed to someone else', 'maya', 'maya', false],
    ['a group note with him and Maya keeps Maya', ['zeb', 'maya'], ['maya'], false],
    ['a note begun with only him chosen is about him', ['zeb'], [], true],
    ['a note with no one chosen yet is about no one', [], [], false],
    ['a list inside a list that held only him', ['maya', ['zeb']], ['maya', []], true],
    ['lists inside a list, one with him, one without', [['zeb', 'maya'], ['maya']], [['maya'], ['maya']], false],
    [
      'a session form: pupils chosen and the targets it reviews, keyed by id',
      { pupilIds: ['zeb', 'maya'], note: 'Club went well', reviews: { 'target-z': { result: 'met' }, 'target-m': { result: 'partly' } } },
      { pupilIds: ['maya'], note: 'Club went well', reviews: { 'target-m': { result: 'partly' } } },
      false,
    ],
    ['numbers, flags and blanks stay as they are', [20, true, null, undefined, 'zeb'], [20, true, null, undefined], false],
    ['a form of blanks and numbers', { minutes: 20, title: null, concern: false }, { minutes: 20, title: null, concern: false }, false],
    ['nothing typed yet', null, null, false],
  ])('%s', (_, value, expected, about) => {
    expect(withoutIds(value, gone)).toStrictEqual({ value: expected, about });
  });

  it.each<[string, unknown]>([
    ['a list', ['maya', 'target-m']],
    ['a list of lists', [['maya'], ['target-m']]],
    ['a form keyed by ids', { pupilIds: ['maya'], reviews: { 'target-m': { result: 'met' } }, minutes: 20 }],
  ])('a draft with nothing of his is left as it is, not rewritten: %s', (_, value) => {
    expect(withoutIds(value, gone).value).toBe(value);
  });
});
