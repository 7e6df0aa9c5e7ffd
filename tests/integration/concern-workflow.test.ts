/**
 * A concern's life between tablets: recorded by a mentor, acknowledged and acted on by two DSLs,
 * one of them offline, and closed. Real sync engine and server over SQLite, in this process.
 */
import { describe, expect, it } from 'vitest';
import { concernWithActions, dslQueue, noteConcernOpened, recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import { commit } from '../../src/data/load-commit.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import { concernStatus, firstAcknowledgement, urgencyIn } from '../../src/shared/concerns.ts';
import { newId } from '../../src/shared/ids.ts';
import { type ConcernAction, ValidationError } from '../../src/shared/model.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

async function aConcernAndTwoDsls() {
  const school = inProcessSchool();
  const sam = await school.tablet('Sam Patel');
  const dana = await school.tablet('Dana Lead');
  const priya = await school.tablet('Priya Shah');
  school.store.setRole(dana.mentorId, 'dsl');
  school.store.setRole(priya.mentorId, 'deputy dsl');
  const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }));
  const concern = await recordConcern(sam.db, {
    pupilId: maya,
    category: 'neglect',
    account: 'Came in hungry again; said there was no food at home.',
    noticedAt: '2026-11-12T08:45:00.000Z',
    toldWhom: '',
  });
  await sam.sync();
  await dana.sync();
  await priya.sync();
  return { school, sam, dana, priya, concern };
}

const day = '2026-11-12';

describe('two DSLs act on one concern', () => {
  it('acknowledgements and actions from both, one of them offline, are all kept, on every tablet that reads it', async () => {
    const { school, sam, dana, priya, concern } = await aConcernAndTwoDsls();
    school.network.mode = 'down';
    // Priya, offline in the corridor, and Dana at her desk, both see it and act.
    await recordConcernAction(priya.db, { concernId: concern, action: 'acknowledged', note: '', on: day, stillOpen: false });
    await recordConcernAction(priya.db, {
      concernId: concern,
      action: 'spoke to the child',
      note: 'Maya says mum is unwell.',
      on: day,
      stillOpen: false,
    });
    school.network.mode = 'up';
    await recordConcernAction(dana.db, { concernId: concern, action: 'acknowledged', note: '', on: day, stillOpen: false });
    await recordConcernAction(dana.db, {
      concernId: concern,
      action: 'early help',
      note: 'Family support worker asked to visit.',
      on: day,
      stillOpen: true,
    });
    await dana.sync();
    await priya.sync();
    await dana.sync();
    await sam.sync();
    for (const tablet of [sam, dana, priya]) {
      const held = await concernWithActions(tablet.db, concern);
      expect(held?.actions.map((a) => a.action).sort()).toEqual(['acknowledged', 'acknowledged', 'early help', 'spoke to the child']);
      expect(concernStatus(held?.actions ?? [])).toBe('in progress');
      // Sam sees who saw it first.
      expect(firstAcknowledgement(held?.actions ?? [])?.mentorId).toBe(priya.mentorId);
    }
  });

  it('a DSL who closes it offline, while the other left an action open, is refused by the school, and told why', async () => {
    const { school, dana, priya, concern } = await aConcernAndTwoDsls();
    await recordConcernAction(dana.db, {
      concernId: concern,
      action: 'referral to children’s social care',
      note: 'Referred.',
      on: day,
      stillOpen: true,
    });
    // Priya has not heard of the referral: her tablet lets her close it.
    school.network.mode = 'down';
    await recordConcernAction(priya.db, {
      concernId: concern,
      action: 'closed',
      note: 'Mum is back at work; food at home.',
      on: day,
      stillOpen: false,
    });
    school.network.mode = 'up';
    await dana.sync();
    await priya.sync();
    expect((await outboxSummary(priya.db)).needsAttention.map((e) => [e.table, e.rejected?.code, e.rejected?.message])).toEqual([
      ['concernActions', 'invalid_record', 'Follow up what is still open before closing the concern: referral to children’s social care.'],
    ]);
    const atSchool = school.store.batch((w) => w.actionsOn(concern)) as unknown as ConcernAction[];
    expect(atSchool.map((a) => a.action)).toEqual(['referral to children’s social care']);
    expect(concernStatus(atSchool)).toBe('in progress');
    // Once she has heard of it, her tablet says so before anything is saved.
    await expect(
      recordConcernAction(priya.db, { concernId: concern, action: 'closed', note: 'Again.', on: day, stillOpen: false }),
    ).rejects.toThrow(ValidationError);
  });

  it('an action or an opening is about a concern of this school and of its pupil; an opening is by someone who reads it', async () => {
    const { school, sam, dana, concern } = await aConcernAndTwoDsls();
    const alex = await school.tablet('Alex Jones');
    await alex.sync();
    const other = await addPupil(dana.db, pupil({ name: 'Ola Nowak' }));
    const wrongPupil = await dana.db.concerns.get(concern);
    await commit(dana.db, [
      {
        op: 'create',
        table: 'concernActions',
        record: { concernId: concern, pupilId: other, action: 'monitor', note: '', on: day, stillOpen: false },
      },
      {
        op: 'create',
        table: 'concernActions',
        record: { concernId: newId(), pupilId: wrongPupil?.pupilId ?? '', action: 'monitor', note: '', on: day, stillOpen: false },
      },
    ]);
    await dana.sync();
    expect((await outboxSummary(dana.db)).needsAttention.map((e) => e.rejected?.message)).toEqual([
      'This names another pupil than its concern does.',
      'The concern this is about never reached the school.',
    ]);
    // Alex holds only the notice: an opening Alex's tablet sent would say Alex read what Alex cannot.
    await commit(alex.db, [{ op: 'create', table: 'concernOpenings', record: { concernId: concern, pupilId: wrongPupil?.pupilId ?? '' } }]);
    await alex.sync();
    expect((await outboxSummary(alex.db)).needsAttention.map((e) => [e.rejected?.code, e.rejected?.message])).toEqual([
      ['not_allowed', 'Only those who may read a concern can open it.'],
    ]);
    // Its author's opening is taken.
    await noteConcernOpened(sam.db, concern);
    await sam.sync();
    expect((await outboxSummary(sam.db)).needsAttention).toEqual([]);
  });

  it('stays with its pupil: an edit moving it to another is refused', async () => {
    const { sam, concern } = await aConcernAndTwoDsls();
    const other = await addPupil(sam.db, pupil({ name: 'Ola Nowak' }));
    await commit(sam.db, [{ op: 'update', table: 'concerns', id: concern, patch: { pupilId: other } }]);
    await sam.sync();
    expect((await outboxSummary(sam.db)).needsAttention.map((e) => [e.table, e.rejected?.message])).toEqual([
      ['concerns', 'A concern stays with the pupil and the note it was recorded about.'],
      ['revisions', 'A concern stays with the pupil and the note it was recorded about.'],
    ]);
  });

  it('only a DSL records an action: a mentor’s is refused by the school, and kept on the tablet', async () => {
    const { sam, concern } = await aConcernAndTwoDsls();
    await recordConcernAction(sam.db, { concernId: concern, action: 'monitor', note: 'I will keep an eye.', on: day, stillOpen: false });
    await sam.sync();
    expect((await outboxSummary(sam.db)).needsAttention.map((e) => e.rejected?.code)).toEqual(['not_allowed']);
  });
});

describe('the DSL’s queue on Today', () => {
  /** Three concerns reaching the school at 10:00, 11:30 and 11:40; the DSL opened the last. */
  async function threeConcerns(escalateAfter: number) {
    const clock = { now: new Date('2026-11-12T10:00:00.000Z') };
    const school = inProcessSchool({ now: () => clock.now });
    const tabletClock = () => clock.now;
    const sam = await school.tablet('Sam Patel', tabletClock);
    const dana = await school.tablet('Dana Lead', tabletClock);
    school.store.setRole(dana.mentorId, 'dsl');
    school.store.setEscalateAfterMinutes(school.store.mentor(dana.mentorId)?.schoolId as string, escalateAfter);
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor' }), { now: clock.now });
    const record = async (hhmm: string) => {
      clock.now = new Date(`2026-11-12T${hhmm}:00.000Z`);
      const concern = {
        pupilId: maya,
        category: 'neglect' as const,
        account: 'Hungry again.',
        noticedAt: clock.now.toISOString(),
        toldWhom: '',
      };
      const id = await recordConcern(sam.db, concern, { now: clock.now });
      await sam.sync();
      return id;
    };
    const first = await record('10:00');
    const second = await record('11:30');
    const third = await record('11:40');
    await dana.sync();
    await noteConcernOpened(dana.db, third, { now: new Date('2026-11-12T11:45:00.000Z') });
    const queue = async () => {
      const { queue, q } = await dslQueue(dana.db, new Date('2026-11-12T11:50:00.000Z'));
      return queue.map((s) => [s.concern.id, urgencyIn(s, q)]);
    };
    return { first, second, third, queue };
  }

  it('lists first the concern no DSL acknowledged in the school’s time, then the new, then the opened but not acknowledged', async () => {
    const { first, second, third, queue } = await threeConcerns(60);
    expect(await queue()).toEqual([
      [first, 'overdue'],
      [second, 'new'],
      [third, 'unacknowledged'],
    ]);
  });

  it('counts overdue by the time the school sets, which the tablet learns at its sync', async () => {
    const { first, second, third, queue } = await threeConcerns(120);
    expect(await queue()).toEqual([
      [first, 'new'],
      [second, 'new'],
      [third, 'unacknowledged'],
    ]);
  });
});
