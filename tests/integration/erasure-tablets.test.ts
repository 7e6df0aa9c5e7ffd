/**
 * Erasing a pupil on the tablets: the school erases them at the endpoint, and at its next sync
 * every tablet is left holding nothing about them, in any table; one that was offline, with
 * changes about them still to send, lets those go rather than keep them under "needs attention".
 * Real tablets (the sync engine on fake-indexeddb) and the real endpoint, in one process.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { noteConcernOpened, recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import type { WaymarkDB } from '../../src/data/db.ts';
import { WaymarkDB as Database } from '../../src/data/db.ts';
import { saveDraft } from '../../src/data/drafts.ts';
import { ERASURE_TABLES } from '../../src/data/erase.ts';
import { addPupil, editPupil, getPupil } from '../../src/data/pupils.ts';
import { addAddendum, editSession, getSession, recordSession } from '../../src/data/sessions.ts';
import { applyPulled, outboxSummary, syncState } from '../../src/data/sync.ts';
import { checkIn, removeTarget, reviseTarget, setTarget } from '../../src/data/targets.ts';
import { run } from '../../src/server/admin.ts';
import type { Device } from '../../src/server/store.ts';
import { pull } from '../../src/server/sync.ts';
import { PROTOCOL, type PullResponse } from '../../src/shared/protocol.ts';
import { pupil, target } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const NAME = 'Quartermain';
const NOTE = 'blue caravan by the canal';
const PHONE = '07700 90046';
const CONCERN = 'Said he sleeps in the car some nights';
const ACTED = 'Told the family support worker';
const ADDED = 'He mentioned the car again at lunch';

/** Every table of a tablet's database, as JSON: what anything reading the tablet could find. */
async function everything(db: WaymarkDB): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const table of db.tables) tables[table.name] = await table.toArray();
  return JSON.stringify(tables);
}

/** Which of `traces` a tablet still holds anywhere. */
const tracesOn = async (db: WaymarkDB, traces: readonly string[]) => {
  const all = await everything(db);
  return traces.filter((t) => all.includes(t));
};

/**
 * Sam's and Alex's (the DSL's) tablets, both holding Zebedee (to be erased) and Maya: his contacts, a target
 * and check-in, a concern raised in a one-to-one whose note was edited, a homework club with Maya
 * whose pupils were reordered (its earlier list kept), a conflict over what helps him, and Alex's
 * drafts: his edit form, a note started from his page, one begun with only him chosen, and an
 * edit of the homework club's note.
 */
async function tabletsWithZebedee() {
  const s = inProcessSchool();
  const sam = await s.tablet('Sam Patel');
  const alex = await s.tablet('Alex Jones');
  // The DSL: the note raising a concern reaches only its author and the DSLs.
  s.store.setRole(alex.mentorId, 'dsl');
  const contacts = [{ name: 'Ada Quartermaine', relationship: 'mother', phone: '07700 900461', email: '' }];
  const zeb = await addPupil(sam.db, pupil({ name: 'Zebedee Quartermain', preferredName: '', schoolRef: 'Q123', contacts }));
  const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', preferredName: '', whatHelps: '' }));
  const targetId = await setTarget(sam.db, target(zeb, { wording: 'Say one thing in class each day' }));
  const dropped = await setTarget(sam.db, target(zeb, { wording: 'Walk in calmly after lunch' }));
  await checkIn(sam.db, { targetId, pupilId: zeb, on: '2026-11-24', result: 'met', word: 'proud' });
  const at = '2026-11-24T10:00:00.000Z';
  const oneToOne = await recordSession(sam.db, {
    kind: 'one-to-one',
    occurredAt: at,
    minutes: 20,
    title: '',
    pupilIds: [zeb],
    note: 'He talked about the caravan.',
    concern: true,
  });
  await editSession(sam.db, oneToOne, { note: `He talked about the ${NOTE}.` });
  const group = await recordSession(sam.db, {
    kind: 'group',
    occurredAt: at,
    minutes: 30,
    title: 'Homework club',
    pupilIds: [zeb, maya],
    note: 'Homework club: fractions.',
    concern: false,
  });
  await editSession(sam.db, group, { pupilIds: [maya, zeb] });
  await editPupil(sam.db, zeb, { name: 'Zebedee Quartermaine' });
  const concern = await recordConcern(sam.db, {
    pupilId: zeb,
    category: 'neglect',
    account: CONCERN,
    noticedAt: at,
    toldWhom: '',
  });
  await sam.sync();
  await alex.sync();
  // Alex, the DSL, opens the concern, acknowledges it and acts, and adds to the note that raised one.
  await noteConcernOpened(alex.db, concern);
  await recordConcernAction(alex.db, { concernId: concern, action: 'acknowledged', note: '', on: '2026-11-24', stillOpen: false });
  await recordConcernAction(alex.db, { concernId: concern, action: 'monitor', note: ACTED, on: '2026-11-24', stillOpen: false });
  await addAddendum(alex.db, oneToOne, ADDED);
  // Both change what helps him, neither having seen the other's: one value is kept as lost. Sam
  // removes a target Alex then rewords: it stays removed, and the tablets say it was changed after.
  await editPupil(sam.db, zeb, { whatHelps: 'Music first thing' });
  await removeTarget(sam.db, dropped);
  await new Promise((r) => setTimeout(r, 5));
  await editPupil(alex.db, zeb, { whatHelps: 'Football at break' });
  await reviseTarget(alex.db, dropped, { wording: 'Walk in calmly after every break' });
  await sam.sync();
  await alex.sync();
  await sam.sync();
  await saveDraft(alex.db, `pupil:edit:${zeb}`, { name: 'Zebedee Quartermaine', form: '9S' });
  await saveDraft(alex.db, `session:new:${zeb}`, { pupilIds: [zeb], note: `More on the ${NOTE}` });
  await saveDraft(alex.db, `session:edit:${group}`, {
    pupilIds: [zeb, maya],
    note: 'Club went well',
    reviews: { [targetId]: { result: 'met', word: '' } },
  });
  // A note begun from Today, with only him chosen so far.
  await saveDraft(alex.db, 'session:new', { pupilIds: [zeb], note: `About the ${NOTE}` });
  await saveDraft(alex.db, 'pupil:new', { name: 'Priya Natarajan' });
  const ids = { zeb, maya, targetId, dropped, oneToOne, group, concern };
  const admin = (...argv: string[]) => run(s.store, argv, () => {});
  return { s, sam, alex, ids, admin };
}

describe('a pupil erased by the school', () => {
  it('is gone from every table of a tablet after its next sync: no id, name, note or phone left', async () => {
    const { sam, alex, ids, admin } = await tabletsWithZebedee();
    const traces = [
      ids.zeb,
      NAME,
      NOTE,
      PHONE,
      'Say one thing',
      'Music first thing',
      'Football at break',
      'Walk in calmly',
      ids.oneToOne,
      ids.targetId,
      ids.dropped,
      // The concern about him, what the DSL did, who opened it, and the addendum to the note.
      ids.concern,
      CONCERN,
      ACTED,
      ADDED,
    ];
    expect(await tracesOn(alex.db, traces)).toEqual(traces);
    expect(await tracesOn(sam.db, [CONCERN, ACTED, ADDED])).toEqual([CONCERN, ACTED, ADDED]);
    expect(await alex.db.concernOpenings.where('concernId').equals(ids.concern).count()).toBe(1);
    expect(await alex.db.conflicts.where('recordId').equals(ids.zeb).count()).toBeGreaterThan(0);
    expect(await alex.db.changedAfterRemoval.get(`targets:${ids.dropped}`)).toBeDefined();

    admin('erase-pupil', ids.zeb);
    expect(await alex.sync()).toMatchObject({ status: 'done' });
    expect(await tracesOn(alex.db, traces)).toEqual([]);

    // What is about others stays: Maya, the homework club without him and its note, the drafts about no one.
    expect(await getPupil(alex.db, ids.maya)).toMatchObject({ name: 'Maya Okafor' });
    expect(await getSession(alex.db, ids.group)).toMatchObject({ pupilIds: [ids.maya], note: 'Homework club: fractions.' });
    // Taking him out of it is an edit like any other, made on top of what the tablet held: no conflict to look at.
    expect(await alex.db.conflicts.where('recordId').equals(ids.group).count()).toBe(0);
    expect(await alex.db.pupilSessions.toArray()).toEqual([expect.objectContaining({ pupilId: ids.maya, sessionId: ids.group })]);
    expect((await alex.db.drafts.toArray()).map((d) => [d.key, d.value])).toEqual([
      ['pupil:new', { name: 'Priya Natarajan' }],
      [`session:edit:${ids.group}`, { pupilIds: [ids.maya], note: 'Club went well', reviews: {} }],
    ]);
    // Sam's tablet too, and neither is left with anything to look at.
    await sam.sync();
    expect(await tracesOn(sam.db, traces)).toEqual([]);
    for (const tablet of [sam, alex]) expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
  });

  it('in no one else’s record, and with a draft open: the erasure comes in a page of its own, and leaves nothing of them', async () => {
    const s = inProcessSchool();
    const sam = await s.tablet('Sam Patel');
    const alex = await s.tablet('Alex Jones');
    const zeb = await addPupil(sam.db, pupil({ name: 'Zebedee Quartermain', preferredName: '' }));
    await sam.sync();
    await alex.sync();
    await saveDraft(alex.db, `pupil:edit:${zeb}`, { name: 'Zebedee Quartermaine' });
    run(s.store, ['erase-pupil', zeb], () => {});
    const device = s.store.device((await alex.db.device.get('device'))?.deviceId ?? '') as Device;
    const page = JSON.parse(
      Buffer.concat(pull(s.store, device, { protocol: PROTOCOL, cursor: (await syncState(alex.db)).cursor })).toString('utf8'),
    ) as PullResponse;
    expect(page.changes.map((c) => [c.op, c.recordId])).toEqual([['erase', zeb]]);

    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 1 });
    expect(await tracesOn(alex.db, [zeb, NAME])).toEqual([]);
  });

  it('offline, with changes about them still to send: they are let go with its copy, none left needing attention', async () => {
    const { sam, ids, admin } = await tabletsWithZebedee();
    admin('erase-pupil', ids.zeb);
    // Sam has not synced since: in a corridor, a new note about him and an edit.
    await recordSession(sam.db, {
      kind: 'one-to-one',
      occurredAt: '2026-11-25T10:00:00.000Z',
      minutes: 10,
      title: '',
      pupilIds: [ids.zeb],
      note: `Back to the ${NOTE} again.`,
      concern: false,
    });
    await editPupil(sam.db, ids.zeb, { form: '9S' });
    await checkIn(sam.db, { targetId: ids.targetId, pupilId: ids.zeb, on: '2026-11-25', result: 'partly', word: 'tired' });
    await editPupil(sam.db, ids.maya, { form: '9T' });

    expect(await sam.sync()).toMatchObject({ status: 'done' });
    expect(await tracesOn(sam.db, [ids.zeb, NAME, NOTE, PHONE, 'tired'])).toEqual([]);
    expect(await outboxSummary(sam.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    expect((await syncState(sam.db)).problem).toBeUndefined();
    expect(await getPupil(sam.db, ids.maya)).toMatchObject({ form: '9T' });
  });

  it('heard of before a change about them is sent: the change keeps only ids, and goes at the next sync', async () => {
    const { s, sam, ids, admin } = await tabletsWithZebedee();
    admin('erase-pupil', ids.zeb);
    await editPupil(sam.db, ids.zeb, { whatHelps: `Talking about the ${NOTE}` });
    // Sam's own homework club note: a note is changed by the mentor who wrote it.
    await editSession(sam.db, ids.group, { pupilIds: [ids.zeb, ids.maya], minutes: 45 });
    // The erasure reaches the tablet before its change leaves it (a pull with no push before it).
    const device = s.store.device((await sam.db.device.get('device'))?.deviceId ?? '') as Device;
    const page = JSON.parse(
      Buffer.concat(pull(s.store, device, { protocol: PROTOCOL, cursor: (await syncState(sam.db)).cursor })).toString('utf8'),
    ) as PullResponse;
    await applyPulled(sam.db, page.changes, page.cursor);

    expect(await tracesOn(sam.db, [NAME, NOTE, PHONE])).toEqual([]);
    // His edit and its earlier version keep only what they are about; the homework club's edit,
    // and its earlier version, go as they are, without him.
    expect((await sam.db.outbox.toArray()).map((e) => [e.table, e.values])).toEqual([
      ['pupils', {}],
      ['revisions', { recordId: ids.zeb }],
      ['sessions', expect.objectContaining({ pupilIds: [ids.maya], minutes: 45 })],
      ['revisions', expect.objectContaining({ before: { pupilIds: [ids.maya], minutes: 30 } })],
    ]);
    expect(await sam.sync()).toMatchObject({ status: 'done' });
    expect(await tracesOn(sam.db, [ids.zeb])).toEqual([]);
    expect(await outboxSummary(sam.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    expect(await getSession(sam.db, ids.group)).toMatchObject({ pupilIds: [ids.maya], minutes: 45 });
  });
});

describe('a tablet that fetched the erasure with a release from before erasure existed', () => {
  it('hid the pupil as removed and kept the rest; its first sync once updated erases them', async () => {
    const { s, alex, ids, admin } = await tabletsWithZebedee();
    admin('erase-pupil', ids.zeb);
    // What an earlier release did with the page: it merged the erasure as an edit, and stored the cursor past it.
    const device = s.store.device((await alex.db.device.get('device'))?.deviceId ?? '') as Device;
    const page = JSON.parse(
      Buffer.concat(pull(s.store, device, { protocol: PROTOCOL, cursor: (await syncState(alex.db)).cursor })).toString('utf8'),
    ) as PullResponse;
    await applyPulled(
      alex.db,
      page.changes.map((c) => (c.op === 'erase' ? { ...c, op: 'update' as const } : c)),
      page.cursor,
    );
    await alex.db.sync.update('sync', { erasesPupils: undefined });
    expect(await getPupil(alex.db, ids.zeb)).toBeUndefined();
    expect(await tracesOn(alex.db, [NAME, NOTE])).toEqual([NAME, NOTE]);

    expect(await alex.sync()).toMatchObject({ status: 'done' });
    expect(await tracesOn(alex.db, [ids.zeb, NAME, NOTE, PHONE])).toEqual([]);
    // Once: the next sync fetches from where it stopped.
    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 0 });
  });
});

describe('the erasure on the tablet', () => {
  it('has a rule for every table of the tablet’s database', () => {
    const db = new Database('erasure-tables');
    expect([...ERASURE_TABLES].sort()).toEqual(db.tables.map((t) => t.name).sort());
  });
});
