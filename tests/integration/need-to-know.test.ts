/**
 * Need to know, enforced in what the endpoint sends: a concern's text, what the DSL did about it
 * and its earlier versions reach only its author, the DSLs and (when the school turns it on) the
 * lead mentors. Everyone else's tablet learns only that a concern was recorded on the pupil, and
 * when. Real sync engine, real server code over SQLite, in this process; each tablet's whole
 * database is searched for the words.
 */
import { describe, expect, it } from 'vitest';
import { concernWithActions, noteConcernOpened, recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import type { WaymarkDB } from '../../src/data/db.ts';
import { commit } from '../../src/data/load-commit.ts';
import { sessionCountOf, standingConcernsOf } from '../../src/data/pupil-sessions.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { addAddendum, editSession, recordSession, sessionsOf } from '../../src/data/sessions.ts';
import { syncState } from '../../src/data/sync.ts';
import { newId } from '../../src/shared/ids.ts';
import { NOT_ALLOWED } from '../../src/shared/permissions.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';
import { openSchool } from './school.ts';

const SAID = 'He said his uncle locks him in his room';
const MORE = 'and that it happens most weekends';
const ACTED = 'Called MASH; do not tell the uncle';

/** Every word of every table of a tablet's database, as one text. */
async function everythingOn(db: WaymarkDB): Promise<string> {
  const tables = await Promise.all(db.tables.map(async (t) => JSON.stringify(await t.toArray())));
  return tables.join('\n');
}

/** Which of the words a tablet holds anywhere. */
const holds = async (db: WaymarkDB, words = [SAID, MORE, ACTED]) => {
  const all = await everythingOn(db);
  return words.filter((w) => all.includes(w));
};

/** Sam and Alex, mentors, and Dana, the DSL; Maya on Sam's tablet. */
async function samAlexAndTheDsl() {
  const school = inProcessSchool();
  const sam = await school.tablet('Sam Patel');
  const alex = await school.tablet('Alex Jones');
  const dana = await school.tablet('Dana Lead');
  school.store.setRole(dana.mentorId, 'dsl');
  const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
  return { school, sam, alex, dana, maya };
}

/** Sam records a concern about Maya, then adds to it; Dana, the DSL, acknowledges it and records an action. Alex is another mentor. */
async function aConcernSeenByTheDsl() {
  const { school, sam, alex, dana, maya } = await samAlexAndTheDsl();
  const concern = await recordConcern(sam.db, {
    pupilId: maya,
    category: 'emotional abuse',
    account: `${SAID}.`,
    noticedAt: '2026-11-12T10:05:00.000Z',
    toldWhom: 'Dana Lead, in person',
    toldAt: '2026-11-12T10:20:00.000Z',
  });
  await sam.sync();
  // An edit keeps the earlier words as a revision: it carries the text as much as the concern does.
  await commit(sam.db, [{ op: 'update', table: 'concerns', id: concern, patch: { account: `${SAID}, ${MORE}.` } }]);
  await sam.sync();
  await dana.sync();
  await recordConcernAction(dana.db, { concernId: concern, action: 'acknowledged', note: '', on: '2026-11-12', stillOpen: false });
  await recordConcernAction(dana.db, {
    concernId: concern,
    action: 'referral to children’s social care',
    note: ACTED,
    on: '2026-11-12',
    stillOpen: true,
  });
  await dana.sync();
  await sam.sync();
  await alex.sync();
  return { school, sam, alex, dana, maya, concern };
}

describe('a concern’s text goes only to those who may read it', () => {
  it('its author and the DSL hold it all; another mentor holds only that one was recorded on the pupil, and when', async () => {
    const { sam, alex, dana, maya, concern } = await aConcernSeenByTheDsl();
    expect(await holds(dana.db)).toEqual([SAID, MORE, ACTED]);
    // Sam reads what the DSL did: "Seen by the DSL", and the referral.
    expect(await holds(sam.db)).toEqual([SAID, MORE, ACTED]);
    expect((await concernWithActions(sam.db, concern))?.actions.map((a) => a.action)).toEqual([
      'acknowledged',
      'referral to children’s social care',
    ]);

    expect(await holds(alex.db)).toEqual([]);
    const onAlexs = await concernWithActions(alex.db, concern);
    expect(onAlexs).toEqual({
      concern: { id: concern, pupilId: maya, createdAt: expect.any(String), updatedAt: expect.any(String), notice: true },
      actions: [],
    });
    expect(await alex.db.concernActions.count()).toBe(0);
    // Nor who recorded it: the notice names no tablet, in its clock reading either.
    const samsTablet = (await sam.db.device.get('device'))?.deviceId ?? '';
    expect(JSON.stringify([await alex.db.concerns.get(concern), await alex.db.recordClocks.get(`concerns:${concern}`)])).not.toContain(
      samsTablet,
    );
    expect(await alex.db.revisions.where('recordId').equals(concern).count()).toBe(0);
  });

  it('a mentor made a deputy DSL receives it all at the next sync; made a mentor again, lets go of it all at the one after', async () => {
    const { school, alex, concern } = await aConcernSeenByTheDsl();
    school.store.setRole(alex.mentorId, 'deputy dsl');
    await alex.sync();
    expect(await holds(alex.db)).toEqual([SAID, MORE, ACTED]);
    expect((await concernWithActions(alex.db, concern))?.concern).not.toHaveProperty('notice');
    expect((await syncState(alex.db)).access).toMatchObject({ role: 'deputy dsl', readsEveryConcern: true });

    school.store.setRole(alex.mentorId, 'mentor');
    await alex.sync();
    expect(await holds(alex.db)).toEqual([]);
    expect((await concernWithActions(alex.db, concern))?.concern).toMatchObject({ notice: true });
    expect((await syncState(alex.db)).access).toMatchObject({ role: 'mentor', readsEveryConcern: false });
  });

  it('a lead mentor reads it only while the school lets lead mentors read every concern', async () => {
    const { school, alex } = await aConcernSeenByTheDsl();
    school.store.setRole(alex.mentorId, 'lead mentor');
    await alex.sync();
    expect(await holds(alex.db)).toEqual([]);
    school.store.setLeadReadsConcerns(school.store.schools()[0]?.id ?? '', true);
    await alex.sync();
    expect(await holds(alex.db)).toEqual([SAID, MORE, ACTED]);
    school.store.setLeadReadsConcerns(school.store.schools()[0]?.id ?? '', false);
    await alex.sync();
    expect(await holds(alex.db)).toEqual([]);
  });

  it('a DSL made a mentor keeps their own concerns, and lets go of the others', async () => {
    const { school, dana, maya } = await aConcernSeenByTheDsl();
    const own = await recordConcern(dana.db, {
      pupilId: maya,
      category: 'neglect',
      account: 'No coat in the snow, third day running.',
      noticedAt: '2026-11-13T08:40:00.000Z',
      toldWhom: '',
    });
    await dana.sync();
    school.store.setRole(dana.mentorId, 'mentor');
    await dana.sync();
    expect(await holds(dana.db, [SAID, MORE, ACTED, 'No coat in the snow'])).toEqual(['No coat in the snow']);
    expect((await concernWithActions(dana.db, own))?.concern).not.toHaveProperty('notice');
  });

  it('a change the DSL made that a mentor’s tablet has not sent yet stays in its outbox when the role goes', async () => {
    const { school, dana, concern } = await aConcernSeenByTheDsl();
    school.store.setRole(dana.mentorId, 'mentor');
    await recordConcernAction(dana.db, {
      concernId: concern,
      action: 'monitor',
      note: 'Check in each Monday.',
      on: '2026-11-14',
      stillOpen: false,
    });
    await dana.sync();
    // Refused at the school (Dana is no longer a DSL), it waits under "needs attention" with her words.
    const refused = (await dana.db.outbox.toArray()).filter((e) => e.rejected);
    expect(refused.map((e) => [e.table, e.rejected?.code, e.values.note])).toEqual([
      ['concernActions', 'not_allowed', 'Check in each Monday.'],
    ]);
    expect(await holds(dana.db)).toEqual([]);
  });
});

/** Sam writes a note flagged as a concern about Maya, then changes it; Alex adds an addendum from a copy made before roles. */
const FLAGGED = 'She said she is scared to go home';
const NOTE = { kind: 'one-to-one' as const, occurredAt: '2026-11-12T10:00:00.000Z', minutes: 20, title: '' };

async function aFlaggedNote() {
  const { school, sam, alex, dana, maya } = await samAlexAndTheDsl();
  const flagged = await recordSession(sam.db, { ...NOTE, pupilIds: [maya], note: `${FLAGGED}.`, concern: true });
  const ordinary = await recordSession(sam.db, { ...NOTE, pupilIds: [maya], note: 'Read a chapter aloud.', concern: false });
  await sam.sync();
  await editSession(sam.db, flagged, { note: `${FLAGGED}, ${MORE}.` });
  await sam.sync();
  await dana.sync();
  await alex.sync();
  return { school, sam, alex, dana, maya, flagged, ordinary };
}

describe('a note flagged as a concern goes only to those who may read a concern', () => {
  it('its author and the DSL hold it with its earlier version; another mentor holds the pupil’s other notes and nothing of it', async () => {
    const { sam, alex, dana, maya, flagged, ordinary } = await aFlaggedNote();
    for (const reader of [sam, dana]) {
      expect(await holds(reader.db, [FLAGGED, MORE])).toEqual([FLAGGED, MORE]);
      expect((await sessionsOf(reader.db, maya)).map((s) => s.id).sort()).toEqual([flagged, ordinary].sort());
    }
    expect(await holds(alex.db, [FLAGGED, MORE])).toEqual([]);
    expect((await sessionsOf(alex.db, maya)).map((s) => s.id)).toEqual([ordinary]);
  });

  it('a tablet that pulled under the earlier rules lets go of another’s flagged note at its first sync after', async () => {
    const { sam, alex, maya, flagged, ordinary } = await aFlaggedNote();
    // Alex's tablet as the release before left it: Sam's flagged note and its earlier version, and no roles heard of.
    const [note, revisions, clocks] = await Promise.all([
      sam.db.sessions.get(flagged),
      sam.db.revisions.where('recordId').equals(flagged).toArray(),
      sam.db.recordClocks.get(`sessions:${flagged}`),
    ]);
    // From before authors were kept, too: it names only who changed it last.
    const { authorId: _, ...fromBefore } = note as NonNullable<typeof note>;
    await alex.db.sessions.put(fromBefore);
    await alex.db.revisions.bulkPut(revisions);
    await alex.db.recordClocks.put(clocks as NonNullable<typeof clocks>);
    await alex.db.pupilSessions.put({ pupilId: maya, sessionId: flagged, occurredAt: NOTE.occurredAt, withdrawn: false, concern: 1 });
    // It last pulled from an endpoint with roles but whose rules let flagged notes go everywhere.
    await alex.db.sync.update('sync', { access: { mentorId: alex.mentorId, role: 'mentor', readsEveryConcern: false } });
    expect(await holds(alex.db, [FLAGGED, MORE])).toEqual([FLAGGED, MORE]);

    await alex.sync();
    expect(await holds(alex.db, [FLAGGED, MORE])).toEqual([]);
    expect((await sessionsOf(alex.db, maya)).map((s) => s.id)).toEqual([ordinary]);
    // The pupil's page counts one note, and no concern standing.
    expect([await sessionCountOf(alex.db, maya), await standingConcernsOf(alex.db, maya)]).toEqual([1, 0]);
    expect((await syncState(alex.db)).access).toMatchObject({ mentorId: alex.mentorId, readsEveryConcern: false });
    // And a tablet that last pulled from an endpoint with no roles at all, which sent it everything.
    await alex.db.sessions.put(fromBefore);
    await alex.db.recordClocks.put(clocks as NonNullable<typeof clocks>);
    await alex.db.sync.update('sync', { access: undefined });
    await alex.sync();
    expect(await holds(alex.db, [FLAGGED, MORE])).toEqual([]);
    // Sam keeps it through the same first sync: this tablet made it, though it names only who
    // changed it last (the DSL, say), as a note from before authors were kept does.
    await sam.db.sessions.update(flagged, { authorId: undefined, mentorId: 'the-dsl' });
    await sam.db.sync.update('sync', { access: undefined });
    await sam.sync();
    expect(await holds(sam.db, [FLAGGED, MORE])).toEqual([FLAGGED, MORE]);
  });

  it('a DSL made a mentor lets go of another’s flagged note, and keeps the addendum she wrote to it, to send again after a restore', async () => {
    const { school, dana, flagged } = await aFlaggedNote();
    await addAddendum(dana.db, flagged, 'Spoke to her mother after school.');
    const added = (await dana.db.addenda.toArray())[0]?.id as string;
    await dana.sync();
    school.store.setRole(dana.mentorId, 'mentor');
    await dana.sync();
    expect(await holds(dana.db, [FLAGGED, MORE])).toEqual([]);
    expect((await dana.db.addenda.get(added))?.note).toBe('Spoke to her mother after school.');
    expect(await dana.db.delivered.filter((d) => d.recordId === added).count()).toBe(1);
  });

  it('an earlier version or an addendum of a note the school does not hold (a restore lost it) goes only to those who read every concern', async () => {
    const school = openSchool();
    const sam = await school.enrolTablet('Sam Patel');
    const alex = await school.enrolTablet('Alex Jones');
    const dana = await school.enrolTablet('Dana Lead');
    school.store.setRole(dana.mentorId, 'dsl');
    const lost = newId();
    const stamp = { createdAt: '2026-11-24T09:00:00.000Z', updatedAt: '2026-11-24T09:00:00.000Z', deviceId: sam.deviceId, mentorId: null };
    const revision = { id: newId(), ...stamp, table: 'sessions', recordId: lost, before: { note: `${FLAGGED}.`, concern: true } };
    const addendum = { id: newId(), ...stamp, sessionId: lost, note: `${MORE}.` };
    const taken = await sam.push([
      sam.change('revisions', revision.id, 'create', revision),
      sam.change('addenda', addendum.id, 'create', addendum),
    ]);
    expect(taken.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    const pulled = async (tablet: typeof sam) => JSON.stringify((await tablet.pull()).body.changes);
    expect(await pulled(alex)).not.toContain(FLAGGED);
    expect(await pulled(alex)).not.toContain(MORE);
    expect(await pulled(dana)).toContain(FLAGGED);
    expect(await pulled(dana)).toContain(MORE);
  });

  it('an ordinary note already at the school cannot be flagged later: the change stays on the tablet, and nothing of it reaches the school', async () => {
    const { school, sam, dana, ordinary } = await aFlaggedNote();
    await editSession(sam.db, ordinary, { note: `Read a chapter aloud. ${ACTED}.`, concern: true });
    await sam.sync();
    expect((await sam.db.outbox.toArray()).filter((e) => e.rejected).map((e) => [e.table, e.rejected?.message])).toEqual([
      ['sessions', NOT_ALLOWED.flagLater],
      ['revisions', NOT_ALLOWED.flagLater],
    ]);
    expect(school.store.batch((w) => w.getRecord('sessions', ordinary))?.state.fields).toMatchObject({
      note: 'Read a chapter aloud.',
      concern: false,
    });
    await dana.sync();
    expect(await holds(dana.db, [ACTED])).toEqual([]);
  });
});

describe('who opened a concern', () => {
  it('a DSL made a mentor keeps no record of who opened the concerns, not even their own openings', async () => {
    const { school, dana, concern } = await aConcernSeenByTheDsl();
    await noteConcernOpened(dana.db, concern);
    await dana.sync();
    expect(await dana.db.concernOpenings.count()).toBe(1);
    school.store.setRole(dana.mentorId, 'mentor');
    await dana.sync();
    expect(await dana.db.concernOpenings.count()).toBe(0);
    expect(await dana.db.concernActions.count()).toBe(0);
    expect(await dana.db.revisions.where('recordId').equals(concern).count()).toBe(0);
  });
});
