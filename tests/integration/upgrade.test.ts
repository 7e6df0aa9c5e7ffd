/**
 * A tablet that last ran the previous release, with changes it has not sent, opened by this one:
 * its database is upgraded in place (schema version 6) and every unsent change still reaches the
 * school, with sequence numbers that go on from where they were, and is kept once delivered.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { concerns } from '../../src/data/concerns.ts';
import { WaymarkDB } from '../../src/data/db.ts';
import { standingConcernsOf } from '../../src/data/pupil-sessions.ts';
import { editPupil, getPupil } from '../../src/data/pupils.ts';
import { changedAfterRemoval, outboxSummary } from '../../src/data/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { earlierRelease } from '../unit/earlier-schemas.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

describe('a tablet upgraded from the previous release', () => {
  it('keeps its records, issues the next sequence number, and delivers every unsent change', async () => {
    const name = `upgrade-${process.pid}-${Date.now()}`;
    const deviceId = newId();
    const at = (iso: string, count = 0) => encodeHlc({ wall: Date.parse(iso), count, node: deviceId });
    const made = '2026-11-23T09:00:00.000Z';
    const stamp = { createdAt: made, updatedAt: made, deviceId, mentorId: null };
    const jacob = { ...pupil(), id: newId(), status: 'active', ...stamp };
    const removed = { ...pupil({ name: 'Ella Brown' }), id: newId(), status: 'active', ...stamp, deletedAt: made };
    const session = {
      id: newId(),
      kind: 'one-to-one',
      occurredAt: made,
      minutes: 20,
      title: '',
      pupilIds: [jacob.id],
      note: 'Said he is frightened to go home.',
      concern: true,
      ...stamp,
    };
    const old = earlierRelease(name, 4);
    await old.table('device').put({ key: 'device', deviceId, mentorId: null, createdAt: made, lastSeq: 3, lastHlc: at(made, 3) });
    await old.table('pupils').bulkPut([{ ...jacob, form: '9S' }, removed]);
    await old.table('sessions').put(session);
    await old.table('concernIndex').put({ sessionId: session.id, occurredAt: made });
    await old.table('pupilSessions').put({
      pupilId: jacob.id,
      sessionId: session.id,
      occurredAt: made,
      concern: true,
      withdrawn: false,
      standingConcern: 1,
    });
    await old.table('recordClocks').bulkPut([
      {
        key: `pupils:${jacob.id}`,
        clocks: Object.fromEntries(Object.keys(jacob).map((f) => [f, f === 'form' ? at(made, 3) : at(made, 1)])),
      },
      { key: `sessions:${session.id}`, clocks: Object.fromEntries(Object.keys(session).map((f) => [f, at(made, 2)])) },
    ]);
    const entry = { at: made, deviceId, mentorId: null };
    await old.table('outbox').bulkPut([
      { seq: 1, changeId: newId(), table: 'pupils', recordId: jacob.id, op: 'create', values: jacob, hlc: at(made, 1), ...entry },
      { seq: 2, changeId: newId(), table: 'sessions', recordId: session.id, op: 'create', values: session, hlc: at(made, 2), ...entry },
      {
        seq: 3,
        changeId: newId(),
        table: 'pupils',
        recordId: jacob.id,
        op: 'update',
        values: { form: '9S', updatedAt: made, deviceId, mentorId: null },
        hlc: at(made, 3),
        base: { form: at(made, 1), updatedAt: at(made, 1), deviceId: at(made, 1), mentorId: at(made, 1) },
        ...entry,
      },
    ]);
    // How the previous release marked a record changed on another tablet after it was removed.
    await old.table('conflicts').bulkAdd([
      {
        table: 'pupils',
        recordId: removed.id,
        field: '(changed after removal)',
        value: null,
        hlc: at('2026-11-23T10:00:00.000Z'),
        lostTo: at(made),
      },
      { table: 'pupils', recordId: jacob.id, field: 'whatHelps', value: 'Lego', hlc: at(made), lostTo: at(made, 1) },
    ]);
    old.close();

    const db = new WaymarkDB(name);
    expect((await db.device.get('device'))?.lastIssuedSeq).toBe(3);
    expect(await db.device.get('device')).not.toHaveProperty('lastSeq');
    expect((await concerns(db)).map((s) => s.id)).toEqual([session.id]);
    expect(await standingConcernsOf(db, jacob.id)).toBe(1);
    expect(await changedAfterRemoval(db)).toEqual([
      { table: 'pupils', recordId: removed.id, name: 'Ella Brown', at: '2026-11-23T10:00:00.000Z' },
    ]);
    expect((await db.conflicts.toArray()).map((c) => c.field)).toEqual(['whatHelps']);

    await editPupil(db, jacob.id, { whatHelps: 'A quiet start' });
    expect((await db.outbox.toArray()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);

    const school = inProcessSchool();
    const tablet = await school.tablet('Sam Patel', undefined, db);
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 5 });
    expect((await outboxSummary(db)).waiting).toBe(0);
    expect((await db.delivered.toArray()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const colleague = await school.tablet('Alex Jones');
    await colleague.sync();
    expect(await getPupil(colleague.db, jacob.id)).toMatchObject({ form: '9S', whatHelps: 'A quiet start' });
    // The flagged note reaches the DSL, and no other mentor.
    expect((await concerns(colleague.db)).map((s) => s.id)).toEqual([]);
    const dsl = await school.tablet('Dana Lead');
    school.store.setRole(dsl.mentorId, 'dsl');
    await dsl.sync();
    expect((await concerns(dsl.db)).map((s) => s.id)).toEqual([session.id]);
  });
});
