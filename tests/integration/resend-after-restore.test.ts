/**
 * A school's Waymark restored from last night's backup, with tablets that keep what they delivered
 * for 30 days: the restored school says how far it holds each tablet's changes, and each tablet
 * sends again what it delivered since the backup, as the same changes. Nothing any tablet still
 * holds is lost, nothing is held twice, and no edit of a pupil written since the backup is refused.
 */
import 'fake-indexeddb/auto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { thisDevice } from '../../src/data/commit.ts';
import type { WaymarkDB } from '../../src/data/db.ts';
import { addPupil, editPupil } from '../../src/data/pupils.ts';
import { sendAgainAbove } from '../../src/data/sync/delivered.ts';
import { discardRefused, enrolTablet, outboxSummary } from '../../src/data/sync.ts';
import type { Device } from '../../src/server/store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { recordNotFoundWords } from '../../src/shared/issue-words.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const DAY = 24 * 60 * 60_000;

/** A school with its database in a folder of its own, and its nightly backup. */
function schoolWithBackups(now?: () => Date) {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-resend-'));
  const school = inProcessSchool({ dataDir: dir, ...(now ? { now } : {}) });
  onTestFinished(() => {
    school.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const backup = join(dir, 'backup.sqlite');
  return {
    school,
    /** The night's backup: the server stops, its file is copied, it starts again. */
    backUp: () => {
      school.reopen();
      copyFileSync(join(dir, 'waymark.sqlite'), backup);
    },
    /** The IT person restores the backup over the school's database. */
    restore: () => school.reopen(backup),
    /** How many times each change id is in the school's change log. */
    logged: (): Map<string, number> => {
      const db = new Database(join(dir, 'waymark.sqlite'), { readonly: true });
      try {
        const rows = db.prepare('SELECT change_id AS id, count(*) AS n FROM changes GROUP BY change_id').all() as {
          id: string;
          n: number;
        }[];
        return new Map(rows.map((r) => [r.id, r.n]));
      } finally {
        db.close();
      }
    },
  };
}

/** A record of each pupil on a tablet, as the mentor sees it. */
const caseload = async (db: WaymarkDB) =>
  (await db.pupils.toArray())
    .map((p) => ({ id: p.id, name: p.name, form: p.form, whatHelps: p.whatHelps }))
    .sort((x, y) => (x.id < y.id ? -1 : 1));

/** Every change the tablet made, by id: each one delivered is kept, until 30 days have passed. */
const madeOn = async (db: WaymarkDB) => (await db.delivered.toArray()).map((e) => e.changeId);

describe('a school restored from last night’s backup', () => {
  it('two tablets that created and edited pupils since the backup: every change is on the school once and on the other tablet, and nothing needs attention', async () => {
    const { school, backUp, restore, logged } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    const alex = await school.tablet('Alex Jones');
    const shared = await addPupil(sam.db, pupil({ name: 'Before the backup' }));
    await sam.sync();
    await alex.sync();
    backUp();

    // The day after the backup: both mentors write and edit pupils, and sync.
    const samsNew = await addPupil(sam.db, pupil({ name: 'Sam’s new pupil' }));
    await editPupil(sam.db, samsNew, { form: '9S' });
    await editPupil(sam.db, shared, { whatHelps: 'A quiet start' });
    const alexsNew = await addPupil(alex.db, pupil({ name: 'Alex’s new pupil' }));
    await editPupil(alex.db, alexsNew, { form: '9T' });
    for (const tablet of [sam, alex, sam]) expect(await tablet.sync()).toMatchObject({ status: 'done' });
    const before = await caseload(sam.db);
    expect(await caseload(alex.db)).toEqual(before);

    restore();
    // Sam edits the pupil written since the backup before the tablet hears of the restore.
    await editPupil(sam.db, samsNew, { form: '9R' });
    for (const tablet of [sam, alex, sam, alex]) expect(await tablet.sync()).toMatchObject({ status: 'done' });

    const after = before.map((p) => (p.id === samsNew ? { ...p, form: '9R' } : p));
    expect(await caseload(sam.db)).toEqual(after);
    expect(await caseload(alex.db)).toEqual(after);
    // Every change each tablet made is in the school's log exactly once.
    const log = logged();
    const made = [...(await madeOn(sam.db)), ...(await madeOn(alex.db))];
    expect(made.length).toBe((await thisDevice(sam.db)).lastIssuedSeq + (await thisDevice(alex.db)).lastIssuedSeq);
    expect(made.filter((id) => log.get(id) !== 1)).toEqual([]);
    expect([...log.values()].filter((n) => n > 1)).toEqual([]);
    for (const tablet of [sam, alex]) expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    // A mentor enrolled after the restore is handed all of it.
    const priya = await school.tablet('Priya Shah');
    await priya.sync();
    expect(await caseload(priya.db)).toEqual(after);
  });

  it('a pupil written since the backup and edited on another tablet, which syncs first: the edit waits for the pupil, then goes once, and nothing needs attention', async () => {
    const { school, backUp, restore, logged } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    const alex = await school.tablet('Alex Jones');
    backUp();
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', form: '9R' }));
    await sam.sync();
    await alex.sync();
    // Alex edits Sam's new pupil and syncs; then edits again, not yet synced.
    await editPupil(alex.db, maya, { form: '9T' });
    await alex.sync();
    await editPupil(alex.db, maya, { whatHelps: 'Sitting near the door' });

    restore();
    // Alex's tablet syncs first: the school has not got Maya back yet, so both edits wait.
    expect(await alex.sync()).toMatchObject({ status: 'done' });
    const waiting = (await outboxSummary(alex.db)).needsAttention;
    expect(waiting.map((e) => [e.recordId, e.rejected?.message])).toEqual([
      [maya, recordNotFoundWords('pupils')],
      [maya, recordNotFoundWords('pupils')],
    ]);
    // Sam's tablet sends Maya again; Alex's then sends its edits, and Sam's hears of them.
    for (const tablet of [sam, alex, sam]) expect(await tablet.sync()).toMatchObject({ status: 'done' });

    const expected = [{ id: maya, name: 'Maya Okafor', form: '9T', whatHelps: 'Sitting near the door' }];
    expect(await caseload(sam.db)).toEqual(expected);
    expect(await caseload(alex.db)).toEqual(expected);
    for (const tablet of [sam, alex]) expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    // Every change each tablet holds as delivered is in the school's log once, and nothing twice.
    const log = logged();
    const made = [...(await madeOn(sam.db)), ...(await madeOn(alex.db))];
    expect(made.filter((id) => log.get(id) !== 1)).toEqual([]);
    expect([...log.values()].filter((n) => n > 1)).toEqual([]);
    // Alex's two edits and their two revisions, Sam's pupil: each delivered.
    expect(await madeOn(alex.db)).toHaveLength(4);
    const priya = await school.tablet('Priya Shah');
    await priya.sync();
    expect(await caseload(priya.db)).toEqual(expected);
  });

  it('an edit that waited for its pupil, stored after a later edit from the tablet that added her: both edits stand, and every copy says the same, who changed her last included', async () => {
    const { school, backUp, restore } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    const alex = await school.tablet('Alex Jones');
    backUp();
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', form: '9R' }));
    await sam.sync();
    await alex.sync();
    restore();
    await editPupil(alex.db, maya, { form: '9T' });
    expect(await alex.sync()).toMatchObject({ status: 'done' });
    expect((await outboxSummary(alex.db)).needsAttention).toHaveLength(1);
    // Later, Sam edits another field; later still, Alex adds a pupil, which the school takes.
    await editPupil(sam.db, maya, { whatHelps: 'Sitting near the door' });
    await addPupil(alex.db, pupil({ name: 'Ella Brown' }));
    await alex.sync();
    // Sam's tablet sends Maya again with Sam's edit; Alex's edit, sent again after Alex's newer
    // pupil, is stored after it, later than Sam's edit.
    for (const tablet of [sam, alex, sam]) expect(await tablet.sync()).toMatchObject({ status: 'done' });

    const who = async (db: WaymarkDB) => {
      const p = await db.pupils.get(maya);
      return { form: p?.form, whatHelps: p?.whatHelps, deviceId: p?.deviceId, mentorId: p?.mentorId };
    };
    const priya = await school.tablet('Priya Shah');
    await priya.sync();
    const onAlexs = await who(alex.db);
    expect(onAlexs).toMatchObject({ form: '9T', whatHelps: 'Sitting near the door' });
    expect(await who(sam.db)).toEqual(onAlexs);
    expect(await who(priya.db)).toEqual(onAlexs);
    for (const tablet of [sam, alex]) expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
  });

  it('changes delivered more than 30 days before the restore are no longer kept: the school moves on over them, and every later change arrives', async () => {
    // A month goes by, for the school and the tablet alike.
    let ahead = 0;
    const clock = () => new Date(Date.now() + ahead);
    const { school, backUp, restore } = schoolWithBackups(clock);
    const sam = await school.tablet('Sam Patel', clock);
    backUp();
    await addPupil(sam.db, pupil({ name: 'Delivered 31 days ago' }));
    await sam.sync();
    ahead = 31 * DAY;
    await addPupil(sam.db, pupil({ name: 'Delivered today' }));
    await sam.sync();
    expect((await sam.db.delivered.toArray()).map((e) => e.seq)).toEqual([2]);

    restore();
    await addPupil(sam.db, pupil({ name: 'Not sent yet' }));
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 2 });
    expect(await outboxSummary(sam.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    const alex = await school.tablet('Alex Jones', clock);
    await alex.sync();
    expect((await alex.db.pupils.toArray()).map((p) => p.name).sort()).toEqual(['Delivered today', 'Not sent yet']);
  });

  /** Sam's tablet with a pupil before the backup; since it, a pupil delivered, an edit the school refused, and another pupil delivered. */
  async function refusedSinceTheBackup() {
    const { school, backUp, restore } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    const jacob = await addPupil(sam.db, pupil({ name: 'Before the backup' }));
    await sam.sync();
    backUp();
    await addPupil(sam.db, pupil({ name: 'Delivered before the refusal' }));
    await sam.sync();
    await editPupil(sam.db, jacob, { form: '9S' });
    // An edit the school refuses (a year group it does not know), as an earlier release could send.
    const edit = (await sam.db.outbox.toArray()).find((e) => e.op === 'update');
    if (!edit) throw new Error('The edit is not in the outbox.');
    await sam.db.outbox.update(edit.seq, { values: { ...edit.values, yearGroup: 'Year 14' } });
    await addPupil(sam.db, pupil({ name: 'Delivered after the refusal' }));
    await sam.sync();
    // The edit, and the earlier version it queued, which the school refuses with it.
    expect((await outboxSummary(sam.db)).needsAttention.map((e) => e.seq)).toEqual([edit.seq, edit.seq + 1]);
    const names = async () => {
      const alex = await school.tablet(`Alex ${Math.random()}`);
      await alex.sync();
      return (await alex.db.pupils.toArray()).map((p) => p.name).sort();
    };
    return { school, sam, refused: edit.seq, restore, names };
  }

  const EVERY_PUPIL = ['Before the backup', 'Delivered after the refusal', 'Delivered before the refusal'];

  it('a change refused since the backup is judged again by the restored school: refused again, once, and the school keeps the refusal', async () => {
    const { school, sam, refused, restore, names } = await refusedSinceTheBackup();
    restore();
    expect(await sam.sync()).toMatchObject({ status: 'done' });
    const summary = await outboxSummary(sam.db);
    // The edit, and the earlier version it queued, which the school refuses with it.
    expect(summary.needsAttention.map((e) => [e.seq, e.rejected?.message])).toEqual([
      [refused, 'Choose a year group.'],
      [refused + 1, 'Choose a year group.'],
    ]);
    expect(summary.waiting).toBe(0);
    const { deviceId } = await thisDevice(sam.db);
    expect(school.store.batch((w) => w.refusalOf(deviceId, refused))).toMatchObject({ code: 'invalid_record' });
    expect(await names()).toEqual(EVERY_PUPIL);
  });

  it('a refused change the mentor discarded, then a restore from before it: the tablet is not stuck on it, and every change after it arrives', async () => {
    const { sam, refused, restore, names } = await refusedSinceTheBackup();
    await discardRefused(sam.db, refused);
    restore();
    expect(await sam.sync()).toMatchObject({ status: 'done' });
    expect(await outboxSummary(sam.db)).toMatchObject({ waiting: 0, needsAttention: [] });
    expect(await names()).toEqual(EVERY_PUPIL);
  });

  it('a change sent again that the school still has is answered “duplicate”: held once, whatever the tablet was told', async () => {
    const { school, logged } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    await addPupil(sam.db, pupil({ name: 'Ella Brown' }));
    await addPupil(sam.db, pupil({ name: 'Jacob Smith' }));
    await sam.sync();
    // As if told the school held none of them: both go again, the same changes under the same numbers.
    expect(await sendAgainAbove(sam.db, 0)).toBe(2);
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 2 });
    expect([...logged().values()]).toEqual([1, 1]);
    expect((await sam.db.delivered.toArray()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('restored between a tablet’s push and its pull: what the school lost of the tablet’s changes goes again in the same sync', async () => {
    const { school, backUp, restore } = schoolWithBackups();
    const sam = await school.tablet('Sam Patel');
    backUp();
    await addPupil(sam.db, pupil({ name: 'Delivered since the backup' }));
    await sam.sync();
    await addPupil(sam.db, pupil({ name: 'Delivered just before the restore' }));
    let restored = false;
    school.network.beforeRequest = (path) => {
      if (path.endsWith('/pull') && !restored) {
        restored = true;
        restore();
      }
    };
    // One pupil pushed; the pull finds the school restored and says it holds none of Sam's: both go again.
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 3 });
    const alex = await school.tablet('Alex Jones');
    await alex.sync();
    expect((await alex.db.pupils.toArray()).map((p) => p.name).sort()).toEqual([
      'Delivered just before the restore',
      'Delivered since the backup',
    ]);
  });
});

describe('a tablet linked again to the same school', () => {
  it('removed by the IT person, then linked with a new code for the same mentor: keeps the changes it delivered, to send again should the school be restored', async () => {
    const school = inProcessSchool();
    const sam = await school.tablet('Sam Patel');
    await addPupil(sam.db, pupil());
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 1 });
    const delivered = await madeOn(sam.db);
    expect(delivered).toHaveLength(1);

    // The IT person removed the tablet (thought lost, then found); the mentor links it again.
    const { deviceId } = await thisDevice(sam.db);
    const { mentorId } = school.store.device(deviceId) as Device;
    school.store.revokeDevice(deviceId, new Date().toISOString());
    await enrolTablet(sam.db, 'http://school.test', issueEnrolmentCode(school.store, mentorId), 'Sam Patel’s iPad', {
      fetch: school.fetch,
    });
    expect(await madeOn(sam.db)).toEqual(delivered);
  });
});

describe('a tablet linked to another school’s endpoint', () => {
  it('never sends that school the changes it delivered to the last one: they are about the last school’s pupils', async () => {
    const hillside = inProcessSchool();
    const riverside = inProcessSchool();
    const sam = await hillside.tablet('Sam Patel');
    await addPupil(sam.db, pupil({ name: 'A Hillside pupil' }));
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 1 });

    // The same tablet, handed to a mentor at another school and linked to its endpoint.
    const moved = await riverside.tablet('Pat Other', undefined, sam.db);
    const colleague = await riverside.tablet('Ravi Shah');
    expect(await moved.sync()).toMatchObject({ status: 'done', pushed: 0 });
    expect(await colleague.sync()).toMatchObject({ status: 'done', pulled: 0 });
    expect(await colleague.db.pupils.count()).toBe(0);
    expect(riverside.store.lastChangeSeq()).toBe(0);
    expect(await sam.db.delivered.count()).toBe(0);
  });
});
