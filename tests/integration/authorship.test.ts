/**
 * Authorship is the endpoint's word: every record and every version of it says who wrote it, when
 * their tablet says they did, and when it reached the school, by the school's clock. Tablets and
 * the real server over SQLite, in this process; the school's clock and each tablet's are the test's.
 */
import { describe, expect, it } from 'vitest';
import { historyOf } from '../../src/data/history.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { editSession, getSession, recordSession } from '../../src/data/sessions.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import { syncState } from '../../src/data/sync-state.ts';
import { mentorOfReading, versionsOf } from '../../src/shared/versions.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00.000Z`);
const NOTE = { kind: 'one-to-one' as const, occurredAt: '2026-11-24T09:00:00.000Z', minutes: 20, title: '', concern: false };

/** A school whose clock the test sets, and Sam's and Alex's tablets, whose clocks run ten minutes slow. */
async function school() {
  const clock = { now: at('08:00') };
  const s = inProcessSchool({ now: () => clock.now });
  const tabletClock = () => new Date(clock.now.getTime() - 10 * 60_000);
  const sam = await s.tablet('Sam Patel', tabletClock);
  const alex = await s.tablet('Alex Jones', tabletClock);
  return { ...s, clock, sam, alex };
}

describe('when a record reached the school', () => {
  it('is the school’s time, on the school’s copy, the writer’s tablet and every other tablet alike', async () => {
    const { clock, store, sam, alex } = await school();
    clock.now = at('10:00');
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }), { now: at('09:50') });
    const note = await recordSession(sam.db, { ...NOTE, pupilIds: [maya], note: 'Read a chapter.' }, [], { now: at('09:55') });
    // Offline until the end of the day.
    clock.now = at('15:30');
    await sam.sync();
    await alex.sync();

    const reached = at('15:30').toISOString();
    expect(store.batch((w) => w.getRecord('sessions', note))?.state.fields).toMatchObject({ receivedAt: reached, authorId: sam.mentorId });
    for (const tablet of [sam, alex]) {
      expect(await getSession(tablet.db, note)).toMatchObject({
        createdAt: at('09:55').toISOString(),
        receivedAt: reached,
        authorId: sam.mentorId,
      });
    }
  });

  it('is known on the writer’s tablet even when the answer to its push was lost and the change went again', async () => {
    const { clock, network, sam } = await school();
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
    clock.now = at('15:30');
    network.mode = 'dropAnswer';
    await sam.sync();
    network.mode = 'up';
    clock.now = at('15:35');
    await sam.sync();
    const kept = await sam.db.pupils.get(maya);
    expect(kept?.receivedAt).toBe(at('15:30').toISOString());
    expect((await outboxSummary(sam.db)).waiting).toBe(0);
  });

  it('cannot be set by a tablet: a create saying when it arrived is stamped with the school’s time, an edit of it is refused', async () => {
    const { clock, store, sam } = await school();
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
    // A tablet that is not Waymark claims the pupil arrived last week.
    await sam.db.outbox.toCollection().modify((e) => {
      e.values = { ...e.values, receivedAt: '2026-11-17T08:00:00.000Z' };
    });
    clock.now = at('15:30');
    await sam.sync();
    expect(store.batch((w) => w.getRecord('pupils', maya))?.state.fields.receivedAt).toBe(at('15:30').toISOString());

    const before = store.lastChangeSeq();
    await sam.db.outbox.add({
      seq: 3,
      changeId: crypto.randomUUID(),
      table: 'pupils',
      recordId: maya,
      op: 'update',
      values: { receivedAt: '2026-11-17T08:00:00.000Z' },
      at: at('15:35').toISOString(),
      deviceId: (await sam.db.device.get('device'))?.deviceId as string,
      mentorId: sam.mentorId,
      hlc: `${at('15:35').toISOString()}_0000_${(await sam.db.device.get('device'))?.deviceId}`,
      base: { receivedAt: null },
    });
    await sam.db.device.toCollection().modify((d) => {
      d.lastIssuedSeq = 3;
    });
    await sam.sync();
    expect(store.lastChangeSeq()).toBe(before);
    expect((await outboxSummary(sam.db)).needsAttention.map((e) => [e.rejected?.code, e.rejected?.message])).toEqual([
      ['invalid_record', 'A change cannot alter a record’s id, who wrote it or when.'],
    ]);
  });
});

describe('every version of a note says who wrote it and when it reached the school', () => {
  it('on a colleague’s tablet: the author’s first version and their later edit, each with its own times', async () => {
    const { clock, sam, alex } = await school();
    clock.now = at('10:00');
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }), { now: at('09:50') });
    const note = await recordSession(sam.db, { ...NOTE, pupilIds: [maya], note: 'Read a chapter.' }, [], { now: at('09:55') });
    clock.now = at('12:00');
    await sam.sync();
    await editSession(sam.db, note, { note: 'Read a chapter aloud.' }, { now: at('13:00') });
    clock.now = at('15:30');
    await sam.sync();
    await alex.sync();

    const session = await getSession(alex.db, note);
    const versions = versionsOf(session as NonNullable<typeof session>, await historyOf(alex.db, note, 'sessions'), 'note');
    expect(versions).toEqual([
      { value: 'Read a chapter aloud.', by: sam.mentorId, at: at('13:00').toISOString(), receivedAt: at('15:30').toISOString() },
      { value: 'Read a chapter.', by: sam.mentorId, at: at('09:55').toISOString(), receivedAt: at('12:00').toISOString() },
    ]);
  });

  it('a tablet knows whose each other tablet is, so a value kept from a conflict names its mentor', async () => {
    const { sam, alex } = await school();
    await sam.sync();
    await alex.sync();
    const { mentors = [] } = await syncState(alex.db);
    const samsTablet = (await sam.db.device.get('device'))?.deviceId as string;
    expect(mentorOfReading(`2026-11-24T10:00:00.000Z_0000_${samsTablet}`, mentors)).toBe(sam.mentorId);
  });
});
