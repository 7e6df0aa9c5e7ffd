/**
 * Who may change what, enforced by the endpoint (src/shared/permissions.ts): tablets of mentors in
 * different roles, the real sync engine and the real server over SQLite, in this process. A change
 * the endpoint refuses is kept nowhere on the school's side, and waits on its tablet under "needs
 * attention" with the reason.
 */
import { describe, expect, it } from 'vitest';
import { addPupil, editPupil } from '../../src/data/pupils.ts';
import { addAddendum, addendaOf, editSession, getSession, recordSession } from '../../src/data/sessions.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import { caseloadNow } from '../../src/data/today.ts';
import type { SyncedTable } from '../../src/shared/model.ts';
import { NOT_ALLOWED } from '../../src/shared/permissions.ts';
import { pupil } from '../unit/helpers.ts';
import { type InProcessTablet, inProcessSchool } from './in-process.ts';

const NOTE = { kind: 'one-to-one' as const, occurredAt: '2026-11-24T10:00:00.000Z', minutes: 20, title: '' };

/** Sam wrote a note about Maya; Alex's tablet holds it too. */
async function samsNote(concern = false) {
  const school = inProcessSchool();
  const sam = await school.tablet('Sam Patel');
  const alex = await school.tablet('Alex Jones');
  const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
  const note = await recordSession(sam.db, { ...NOTE, pupilIds: [maya], note: 'She read a whole chapter aloud.', concern });
  await sam.sync();
  await alex.sync();
  return { school, sam, alex, maya, note };
}

type School = ReturnType<typeof inProcessSchool>;

/** A record's fields as the school holds them. */
const stored = (school: School, table: SyncedTable, id: string) =>
  (school.store.batch((w) => w.getRecord(table, id))?.state.fields ?? {}) as Record<string, unknown>;

/** What the school holds of a note: the log's length, and the note's text and concern flag as stored. */
function heldBySchool(school: School, sessionId: string) {
  const fields = stored(school, 'sessions', sessionId);
  return { logged: school.store.lastChangeSeq(), note: fields.note, concern: fields.concern };
}

const refusedOn = async (tablet: InProcessTablet) =>
  (await outboxSummary(tablet.db)).needsAttention.map((e) => [e.table, e.rejected?.code, e.rejected?.message]);

describe('a note is changed by the mentor who wrote it', () => {
  it('another mentor’s edit is refused, its earlier version too: the school keeps nothing of it, and the tablet keeps it under “needs attention”', async () => {
    const { school, sam, alex, note } = await samsNote();
    const before = heldBySchool(school, note);
    await editSession(alex.db, note, { note: 'She read half a chapter.' });
    await alex.sync();

    expect(heldBySchool(school, note)).toEqual(before);
    expect(await refusedOn(alex)).toEqual([
      ['sessions', 'not_allowed', NOT_ALLOWED.editNote],
      ['revisions', 'not_allowed', NOT_ALLOWED.editNote],
    ]);
    // Alex's words are still on Alex's tablet, to copy into an addendum; Sam's note is as Sam wrote it.
    expect((await getSession(alex.db, note))?.note).toBe('She read half a chapter.');
    await sam.sync();
    expect((await getSession(sam.db, note))?.note).toBe('She read a whole chapter aloud.');
  });

  it('another mentor adds an addendum instead: it is taken, and reaches the note’s author, under the note as written', async () => {
    const { school, sam, alex, note } = await samsNote();
    await addAddendum(alex.db, note, 'She read it again to me at lunch.');
    await alex.sync();
    await sam.sync();
    expect(await refusedOn(alex)).toEqual([]);
    expect((await addendaOf(sam.db, note)).map((a) => [a.note, a.authorId])).toEqual([
      ['She read it again to me at lunch.', alex.mentorId],
    ]);
    expect((await getSession(sam.db, note))?.note).toBe('She read a whole chapter aloud.');
    expect(stored(school, 'sessions', note).note).toBe('She read a whole chapter aloud.');
  });

  it('the author’s own edit is taken, and reaches the other tablet', async () => {
    const { school, sam, alex, note } = await samsNote();
    await editSession(sam.db, note, { note: 'She read a whole chapter aloud, with expression.' });
    await sam.sync();
    await alex.sync();
    expect(heldBySchool(school, note).note).toBe('She read a whole chapter aloud, with expression.');
    expect((await getSession(alex.db, note))?.note).toBe('She read a whole chapter aloud, with expression.');
    expect(await refusedOn(sam)).toEqual([]);
  });

  it('the author is who first wrote it, as the school recorded it: an earlier editor does not become one', async () => {
    const { school, alex, note } = await samsNote();
    const samsId = stored(school, 'sessions', note).authorId;
    expect(school.store.mentor(samsId as string)?.name).toBe('Sam Patel');
    // The note as Alex's tablet holds it says so too.
    expect((await getSession(alex.db, note))?.authorId).toBe(samsId);
  });
});

describe('the concern flag comes off a note only by the DSL’s hand, with a reason', () => {
  it('its author cannot take it off; the DSL can, saying why', async () => {
    const { school, sam, note } = await samsNote(true);
    const dana = await school.tablet('Dana Lead');
    school.store.setRole(dana.mentorId, 'dsl');
    await dana.sync();

    const before = heldBySchool(school, note);
    await editSession(sam.db, note, { concern: false });
    await sam.sync();
    expect(heldBySchool(school, note)).toEqual(before);
    expect(await refusedOn(sam)).toEqual([
      ['sessions', 'not_allowed', NOT_ALLOWED.clearConcern],
      ['revisions', 'not_allowed', NOT_ALLOWED.clearConcern],
    ]);

    await editSession(dana.db, note, { concern: false, concernClearedReason: 'Spoke to her mother: the bruise was from football.' });
    await dana.sync();
    expect(await refusedOn(dana)).toEqual([]);
    expect(heldBySchool(school, note)).toMatchObject({ concern: false });
    expect(stored(school, 'sessions', note).concernClearedReason).toBe('Spoke to her mother: the bruise was from football.');
  });

  it('a DSL named after the tablet last synced is a DSL at its next push: the role is the endpoint’s, not the tablet’s', async () => {
    const { school, alex, note } = await samsNote(true);
    // Alex, a lead mentor in a school whose lead mentors read every concern, holds the note.
    school.store.setRole(alex.mentorId, 'lead mentor');
    school.store.setLeadReadsConcerns(school.store.mentor(alex.mentorId)?.schoolId as string, true);
    await alex.sync();
    await editSession(alex.db, note, { concern: false, concernClearedReason: 'Checked with the head.' });
    school.store.setRole(alex.mentorId, 'deputy dsl');
    await alex.sync();
    expect(await refusedOn(alex)).toEqual([]);
    expect(heldBySchool(school, note).concern).toBe(false);
  });
});

describe('who supports a pupil', () => {
  it('is set by whoever adds the pupil; after that only a lead mentor changes it', async () => {
    const school = inProcessSchool();
    const sam = await school.tablet('Sam Patel');
    const lee = await school.tablet('Lee Chen');
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', caseload: [sam.mentorId] }));
    await sam.sync();
    await lee.sync();
    const caseload = () => stored(school, 'pupils', maya).caseload;
    expect(caseload()).toEqual([sam.mentorId]);

    await editPupil(sam.db, maya, { caseload: [sam.mentorId, lee.mentorId] });
    await sam.sync();
    expect(caseload()).toEqual([sam.mentorId]);
    expect((await refusedOn(sam))[0]).toEqual(['pupils', 'not_allowed', NOT_ALLOWED.caseload]);

    school.store.setRole(lee.mentorId, 'lead mentor');
    await editPupil(lee.db, maya, { caseload: [sam.mentorId, lee.mentorId] });
    await lee.sync();
    expect(caseload()).toEqual([sam.mentorId, lee.mentorId]);
    // A mentor's other edits of the pupil go through as before.
    await editPupil(sam.db, maya, { form: '9S' });
    await sam.sync();
    expect(stored(school, 'pupils', maya).form).toBe('9S');
    expect(await refusedOn(sam)).toHaveLength(2);
  });

  it('a pupil added on a mentor’s tablet is on their caseload, and Today counts only the pupils they support', async () => {
    const school = inProcessSchool();
    const sam = await school.tablet('Sam Patel');
    const lee = await school.tablet('Lee Chen');
    const samsPupil = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
    const leesPupil = await addPupil(lee.db, pupil({ name: 'Ola Nowak' }));
    await lee.sync();
    await sam.sync();
    expect(stored(school, 'pupils', samsPupil).caseload).toEqual([sam.mentorId]);
    expect((await caseloadNow(sam.db, sam.mentorId)).pupils.map((p) => p.id)).toEqual([samsPupil]);
    expect((await caseloadNow(sam.db)).pupils.map((p) => p.id).sort()).toEqual([samsPupil, leesPupil].sort());
  });
});
