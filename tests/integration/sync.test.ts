import 'fake-indexeddb/auto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concerns } from '../../src/data/concerns.ts';
import type { WaymarkDB } from '../../src/data/db.ts';
import { forEditing } from '../../src/data/history.ts';
import { commit } from '../../src/data/load-commit.ts';
import { addPupil, editPupil, getPupil, removePupil } from '../../src/data/pupils.ts';
import { editSession, recordSession } from '../../src/data/sessions.ts';
import { applyPulled, changedAfterRemoval, discardRefused, outboxSummary, syncNow, syncState } from '../../src/data/sync.ts';
import { NEED_TO_KNOW_RULES } from '../../src/shared/roles.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const school = () => inProcessSchool();

const visible = (p: Awaited<ReturnType<typeof getPupil>>) => p && { name: p.name, form: p.form, whatHelps: p.whatHelps };

/** Two mentors' tablets and the school, both tablets holding one pupil. */
async function pupilOnTwoTablets() {
  const s = school();
  const a = await s.tablet('Sam Patel');
  const b = await s.tablet('Alex Jones');
  const id = await addPupil(a.db, pupil());
  await a.sync();
  await b.sync();
  return { s, a, b, id };
}

/** The kept values that lost a conflict on a record, as [field, value]. */
const keptOn = async (db: WaymarkDB, recordId: string) =>
  (await db.conflicts.where('recordId').equals(recordId).toArray()).map((c) => [c.field, c.value]);

describe('two tablets and the school', () => {
  it('a pupil added on one tablet appears on the other mentor’s after both sync', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    const id = await addPupil(a.db, pupil({ name: 'Priya Natarajan' }));
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 1 });
    expect(await b.sync()).toMatchObject({ status: 'done', pulled: 1 });
    expect(await getPupil(b.db, id)).toMatchObject({ name: 'Priya Natarajan', mentorId: expect.any(String) });
    expect((await outboxSummary(a.db)).waiting).toBe(0);
  });

  it.each([
    ['A syncs first', ['a', 'b', 'a', 'b']],
    ['B syncs first', ['b', 'a', 'b', 'a']],
  ] as const)('the same pupil edited on both, offline: %s, and both converge with the school, the losing value kept', async (_, order) => {
    const { s, a, b, id } = await pupilOnTwoTablets();
    // Offline, both edit: the same field (form) and different fields (whatHelps, name).
    await editPupil(a.db, id, { form: '9S', whatHelps: 'Music helps' });
    await new Promise((r) => setTimeout(r, 5));
    await editPupil(b.db, id, { form: '9T', name: 'Jacob A. Smith' });
    for (const who of order) await (who === 'a' ? a : b).sync();

    const onA = visible(await getPupil(a.db, id));
    const onB = visible(await getPupil(b.db, id));
    const onServer = s.store.batch((w) => w.getRecord('pupils', id))?.state.fields;
    expect(onA).toEqual({ name: 'Jacob A. Smith', form: '9T', whatHelps: 'Music helps' });
    expect(onB).toEqual(onA);
    expect(visible(onServer as never)).toEqual(onA);
    // The losing form, 9S, is kept where a mentor can see it.
    expect([...(await keptOn(a.db, id)), ...(await keptOn(b.db, id))]).toContainEqual(['form', '9S']);
  });

  it.each([
    ['another field', { whatHelps: 'Music helps' }, []],
    ['the same field', { form: '9S' }, [['form', '9T']]],
  ] as const)(
    'an edit form opened before a synced change, then saved: it changes only %s, and a value it replaces unseen is kept',
    async (_, patch, kept) => {
      const { a, b, id } = await pupilOnTwoTablets();
      // A opens the edit form; B changes the form group, and it reaches A before A saves.
      const opened = await forEditing(a.db, 'pupils', id, getPupil);
      await editPupil(b.db, id, { form: '9T' });
      await b.sync();
      await a.sync();
      await editPupil(a.db, id, patch, { base: opened?.clocks });
      await a.sync();
      await b.sync();

      const expected = { ...visible(opened?.record as never), form: '9T', ...patch };
      expect(visible(await getPupil(a.db, id))).toEqual(expected);
      expect(visible(await getPupil(b.db, id))).toEqual(expected);
      // Kept on the tablet that replaced it, and on the one whose value it was.
      expect(await keptOn(a.db, id)).toEqual(kept);
      expect(await keptOn(b.db, id)).toEqual(kept);
    },
  );

  it('a pupil removed on one tablet while edited on another stays removed, and the later edit is kept', async () => {
    const { a, b, id } = await pupilOnTwoTablets();
    await removePupil(a.db, id);
    await new Promise((r) => setTimeout(r, 5));
    await editPupil(b.db, id, { whatHelps: 'Written after the removal' });
    await a.sync();
    await b.sync();
    await a.sync();
    for (const db of [a.db, b.db]) {
      expect(await getPupil(db, id)).toBeUndefined();
      expect((await db.pupils.get(id))?.whatHelps).toBe('Written after the removal');
      // Both mentors are told: removed on one tablet, changed on another afterwards.
      expect((await changedAfterRemoval(db)).map((r) => [r.table, r.name])).toEqual([['pupils', 'Jacob Smith']]);
    }
  });
});

describe('nothing is lost when the network or the server fails', () => {
  it.each([
    ['is unreachable', 'down', 'unreachable'],
    ['answers 500', 'error500', 'server_error'],
  ] as const)('when the school’s server %s, the changes stay queued and go next time', async (_, mode, code) => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    for (const name of ['Amelia Jacobs', 'Mohammed Khan', 'Zoe Neill']) await addPupil(a.db, pupil({ name }));
    s.network.mode = mode;
    expect(await a.sync()).toMatchObject({ status: 'stopped', problem: { code } });
    expect((await outboxSummary(a.db)).waiting).toBe(3);
    expect((await syncState(a.db)).failures).toBe(1);
    s.network.mode = 'up';
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 3 });
    await b.sync();
    expect((await b.db.pupils.toArray()).map((p) => p.name).sort()).toEqual(['Amelia Jacobs', 'Mohammed Khan', 'Zoe Neill']);
    expect((await syncState(a.db)).failures).toBe(0);
  });

  it('a push the server applied but whose answer was lost is sent again and recorded once', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    await addPupil(a.db, pupil());
    s.network.mode = 'dropAnswer';
    expect((await a.sync()).status).toBe('stopped');
    expect((await outboxSummary(a.db)).waiting).toBe(1);
    s.network.mode = 'up';
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 1 });
    expect(s.store.lastChangeSeq()).toBe(1);
    await b.sync();
    expect(await b.db.pupils.count()).toBe(1);
  });

  it('a crash while storing a pulled page stores neither the page nor its cursor: the next sync fetches it once', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    for (const name of ['Amelia Jacobs', 'Mohammed Khan']) await addPupil(a.db, pupil({ name }));
    await a.sync();
    const crash = () => {
      throw new Error('The tab was closed');
    };
    b.db.pupils.hook('creating', crash);
    expect((await b.sync()).status).toBe('stopped');
    expect(await b.db.pupils.count()).toBe(0);
    expect((await syncState(b.db)).cursor).toBeNull();
    b.db.pupils.hook('creating').unsubscribe(crash);
    expect(await b.sync()).toMatchObject({ status: 'done', pulled: 2 });
    expect(await b.db.pupils.count()).toBe(2);
    expect(await b.sync()).toMatchObject({ status: 'done', pulled: 0 });
  });

  it('a revoked tablet is told so, keeps every change, and sends nothing', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    await addPupil(a.db, pupil());
    const device = s.store.devices()[0];
    s.store.revokeDevice(device?.id ?? '', new Date().toISOString());
    expect(await a.sync()).toMatchObject({ status: 'stopped', problem: { code: 'device_revoked' } });
    expect((await outboxSummary(a.db)).waiting).toBe(1);
    expect(s.store.lastChangeSeq()).toBe(0);
  });

  it('a change the school refuses stays on the tablet under “needs attention”, while the others go; the mentor can discard it', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    await addPupil(a.db, pupil({ name: 'First' }));
    const second = await addPupil(a.db, pupil({ name: 'Second' }));
    await addPupil(a.db, pupil({ name: 'Third' }));
    // An older version of the app queued a change the school now refuses.
    await a.db.outbox
      .filter((e) => e.recordId === second)
      .modify((e) => {
        e.values = { ...e.values, yearGroup: 'Year 14' };
      });
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 2 });
    const { waiting, needsAttention } = await outboxSummary(a.db);
    expect(waiting).toBe(0);
    expect(needsAttention).toHaveLength(1);
    expect(needsAttention[0]?.rejected).toMatchObject({ code: 'invalid_record', message: 'Choose a year group.' });
    expect((await a.sync()).status).toBe('done');
    expect((await outboxSummary(a.db)).needsAttention).toHaveLength(1);
    await discardRefused(a.db, needsAttention[0]?.seq ?? 0);
    expect((await outboxSummary(a.db)).needsAttention).toHaveLength(0);
  });
});

describe('storing pulled pages', () => {
  it('applying the same page twice changes nothing the second time', async () => {
    const { b, id } = await pupilOnTwoTablets();
    const before = await b.db.pupils.get(id);
    const change = {
      table: 'pupils' as const,
      recordId: id,
      op: 'create' as const,
      values: { ...before },
      hlc: (await b.db.recordClocks.get(`pupils:${id}`))?.clocks.name ?? '',
      deviceId: 'x',
      mentorId: 'y',
    };
    await applyPulled(b.db, [change], (await syncState(b.db)).cursor ?? '');
    expect(await b.db.pupils.get(id)).toEqual(before);
    expect(await b.db.conflicts.count()).toBe(0);
  });
});

describe('a school server restored from an older backup', () => {
  it('tablets fetch everything again, their unsent changes arrive, and what they delivered since the backup arrives again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-restore-'));
    const file = join(dir, 'waymark.sqlite');
    const s = inProcessSchool({ dataDir: dir });
    const tablet = (mentor: string) => s.tablet(mentor);
    const reopen = (from?: string) => s.reopen(from);
    const names = async (db: WaymarkDB) => (await db.pupils.toArray()).map((p) => p.name).sort();
    try {
      const a = await tablet('Sam Patel');
      const b = await tablet('Alex Jones');
      await addPupil(a.db, pupil({ name: 'Before the backup' }));
      await a.sync();
      reopen();
      copyFileSync(file, join(dir, 'backup.sqlite')); // the night's backup

      await addPupil(a.db, pupil({ name: 'Delivered since the backup' }));
      await a.sync();
      await b.sync();
      await addPupil(a.db, pupil({ name: 'Written after the restore' })); // not sent yet

      reopen(join(dir, 'backup.sqlite')); // the school restores last night's backup
      // The pupil sent since the backup goes again, then the one not sent yet.
      expect(await a.sync()).toMatchObject({ status: 'done', pushed: 2 });
      expect(await b.sync()).toMatchObject({ status: 'done' });
      expect(await names(b.db)).toEqual(['Before the backup', 'Delivered since the backup', 'Written after the restore']);
      expect((await outboxSummary(a.db)).waiting).toBe(0);

      const c = await tablet('New Mentor');
      await c.sync();
      // The server has what the backup had, what was delivered since, and what was sent since.
      expect(await names(c.db)).toEqual(['Before the backup', 'Delivered since the backup', 'Written after the restore']);
    } finally {
      s.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('slow and backward clocks', () => {
  it('a server that does not answer in time is given up, and the changes go next time', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    await addPupil(a.db, pupil());
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError'))));
    expect(await syncNow(a.db, { fetch: hanging, timeoutMs: 50 })).toMatchObject({ status: 'stopped', problem: { code: 'unreachable' } });
    expect((await outboxSummary(a.db)).waiting).toBe(1);
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 1 });
  });

  it('a tablet whose clock jumps back a day still has its later edit win over its earlier one', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    const id = await addPupil(a.db, pupil());
    await editPupil(a.db, id, { form: '9S' }, { now: new Date('2026-11-24T10:00:00.000Z') });
    await editPupil(a.db, id, { form: '9T' }, { now: new Date('2026-11-23T10:00:00.000Z') });
    await a.sync();
    await b.sync();
    expect((await getPupil(b.db, id))?.form).toBe('9T');
    expect(s.store.batch((w) => w.getRecord('pupils', id))?.state.fields.form).toBe('9T');
  });
});

describe('safeguarding concerns reach the Designated Safeguarding Lead', () => {
  it('a concern recorded on one tablet is listed on the DSL’s after both sync; marking the DSL later reaches their tablet', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const dsl = await s.tablet('Dana Lead');
    const p = await addPupil(a.db, pupil({ name: 'Priya Natarajan' }));
    const base = { occurredAt: '2026-11-24T10:00:00.000Z', minutes: 15, title: '', pupilIds: [p] };
    const worrying = await recordSession(a.db, { ...base, kind: 'one-to-one', note: 'She said she is scared to go home.', concern: true });
    await recordSession(a.db, { ...base, kind: 'one-to-one', note: 'Maths homework done.', concern: false });
    await a.sync();

    const danaId = s.store.mentors().find((m) => m.name === 'Dana Lead')?.id ?? '';
    s.store.setRole(danaId, 'dsl');
    await dsl.sync();
    expect((await syncState(dsl.db)).mentor).toMatchObject({ name: 'Dana Lead', dsl: true, role: 'dsl' });
    expect((await syncState(dsl.db)).access).toEqual({ mentorId: danaId, role: 'dsl', readsEveryConcern: true, rules: NEED_TO_KNOW_RULES });
    expect((await concerns(dsl.db)).map((c) => [c.id, c.note])).toEqual([[worrying, 'She said she is scared to go home.']]);
    const writer = (await concerns(dsl.db))[0]?.mentorId;
    expect((await syncState(dsl.db)).mentors?.find((m) => m.id === writer)?.name).toBe('Sam Patel');
    // The school's list starts with Dana: Sam's tablet, pulling it, is still Sam's, and not a DSL's.
    await a.sync();
    expect((await syncState(a.db)).mentors?.map((m) => m.name)).toEqual(['Dana Lead', 'Sam Patel']);
    expect((await syncState(a.db)).mentor).toMatchObject({ name: 'Sam Patel', dsl: false });
  });

  it('unflagging or removing a note takes it off the list; flagging it later puts it on', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const p = await addPupil(a.db, pupil());
    const base = {
      kind: 'one-to-one' as const,
      occurredAt: '2026-11-24T10:00:00.000Z',
      minutes: 15,
      title: '',
      pupilIds: [p],
      note: 'A note',
    };
    const first = await recordSession(a.db, { ...base, concern: true });
    const second = await recordSession(a.db, { ...base, concern: false, occurredAt: '2026-11-24T11:00:00.000Z' });
    expect((await concerns(a.db)).map((c) => c.id)).toEqual([first]);
    await editSession(a.db, second, { concern: true });
    expect((await concerns(a.db)).map((c) => c.id)).toEqual([second, first]);
    await editSession(a.db, first, { concern: false });
    expect((await concerns(a.db)).map((c) => c.id)).toEqual([second]);
  });
});

describe('the concern list on a tablet that pulls the changes', () => {
  it('a deputy’s gains a note flagged elsewhere, loses it when the DSL takes the flag off, and keeps it when someone tries to remove it', async () => {
    const s = school();
    const a = await s.tablet('Dana Lead');
    s.store.setRole(a.mentorId, 'dsl');
    const b = await s.tablet('Alex Jones');
    // A deputy DSL: a flagged note reaches only its author and those who read every concern.
    s.store.setRole(b.mentorId, 'deputy dsl');
    const p = await addPupil(a.db, pupil());
    const base = { kind: 'one-to-one' as const, minutes: 15, title: '', pupilIds: [p], note: 'A note' };
    const first = await recordSession(a.db, { ...base, occurredAt: '2026-11-24T10:00:00.000Z', concern: true });
    await recordSession(a.db, { ...base, occurredAt: '2026-11-24T11:00:00.000Z', concern: false });
    await a.sync();
    await b.sync();
    expect((await concerns(b.db)).map((c) => c.id)).toEqual([first]);

    const third = await recordSession(a.db, { ...base, occurredAt: '2026-11-24T12:00:00.000Z', concern: true });
    await editSession(a.db, first, { concern: false, concernClearedReason: 'Spoke to his father: nothing to follow up.' });
    await a.sync();
    await b.sync();
    expect((await concerns(b.db)).map((c) => c.id)).toEqual([third]);

    await commit(a.db, [{ op: 'delete', table: 'sessions', id: third }]);
    await a.sync();
    await b.sync();
    expect((await outboxSummary(a.db)).needsAttention.map((e) => e.rejected?.code)).toEqual(['not_allowed']);
    expect((await concerns(b.db)).map((c) => c.id)).toEqual([third]);
    expect(await b.db.pupilSessions.where('[concern+occurredAt]').between([1, ''], [1, '\uffff']).count()).toBe(1);
  });
});

describe('long notes', () => {
  it('a day of long notes larger than one request may carry goes in several pushes, all of it', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    const p = await addPupil(a.db, pupil());
    const note = 'Long and careful words about the week. '.repeat(500).slice(0, 20_000);
    for (let i = 0; i < 300; i++) {
      await recordSession(a.db, {
        kind: 'one-to-one',
        occurredAt: '2026-11-24T10:00:00.000Z',
        minutes: 20,
        title: '',
        pupilIds: [p],
        note: `${i} ${note}`.slice(0, 20_000),
        concern: false,
      });
    }
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 301 });
    expect((await outboxSummary(a.db)).waiting).toBe(0);
    await b.sync();
    expect(await b.db.sessions.count()).toBe(300);
  });
});

describe('what one push carries', () => {
  it('501 changes go as a push of 500 and a push of 1, all delivered', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    const b = await s.tablet('Alex Jones');
    const names = Array.from({ length: 501 }, (_, i) => `Pupil ${i + 1}`);
    await commit(
      a.db,
      names.map((name) => ({ op: 'create' as const, table: 'pupils' as const, record: { ...pupil({ name }), status: 'active' as const } })),
    );
    expect((await outboxSummary(a.db)).waiting).toBe(501);
    // The endpoint takes at most 500 changes in one push: one more, and it refuses the whole push.
    expect(await a.sync()).toMatchObject({ status: 'done', pushed: 501 });
    expect((await outboxSummary(a.db)).waiting).toBe(0);
    await b.sync();
    expect(await b.db.pupils.count()).toBe(501);
  });
});

describe('a sync that cannot run', () => {
  it('answers why, never throws, when the tablet’s own database is closed under it', async () => {
    const s = school();
    const a = await s.tablet('Sam Patel');
    a.db.close({ disableAutoOpen: true });
    const result = await a.sync();
    expect(result).toMatchObject({ status: 'stopped', problem: { code: 'failed', message: expect.stringMatching(/closed/i) } });
  });
});
