import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { WaymarkDB } from '../../src/data/db.ts';
import { commit } from '../../src/data/load-commit.ts';
import { pupilPage } from '../../src/data/pupil-page.ts';
import { lastSeen, pupilSessionChanges, sessionCountOf, standingConcernsOf } from '../../src/data/pupil-sessions.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { editSession, recordSession, sessionsOf, withdrawSession } from '../../src/data/sessions.ts';
import type { Session } from '../../src/shared/model.ts';
import { earlierRelease } from '../unit/earlier-schemas.ts';
import { freshDb, pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const at = (day: string, time = '10:00') => new Date(`${day}T${time}:00`).toISOString();
const note = (pupilIds: string[], occurredAt: string, extra: Partial<Session> = {}) => ({
  kind: pupilIds.length > 1 ? ('group' as const) : ('one-to-one' as const),
  minutes: 20,
  title: '',
  pupilIds,
  note: 'Talked about the week.',
  concern: false,
  occurredAt,
  ...extra,
});
const ids = (sessions: Session[]) => sessions.map((s) => s.id);
const sessionCountsOf = async (db: WaymarkDB, pupilId: string) => ({
  sessions: await sessionCountOf(db, pupilId),
  concerns: await standingConcernsOf(db, pupilId),
});

describe('the index of each pupil’s sessions', () => {
  const session = (over: Partial<Session>): Session => ({
    id: 's1',
    kind: 'group',
    occurredAt: at('2026-11-20'),
    minutes: 30,
    title: '',
    pupilIds: ['a', 'b'],
    note: '',
    concern: false,
    createdAt: at('2026-11-20'),
    updatedAt: at('2026-11-20'),
    deviceId: 'd',
    mentorId: 'm',
    ...over,
  });
  it.each([
    ['a new group session: a row for each pupil', session({}), undefined, ['a', 'b'], []],
    ['a pupil named twice: one row', session({ pupilIds: ['a', 'a'] }), undefined, ['a'], []],
    ['a pupil taken out of the session: their row goes', session({ pupilIds: ['a'] }), { pupilIds: ['a', 'b'] }, ['a'], [['b', 's1']]],
    ['a pupil added: a row for them', session({ pupilIds: ['a', 'c'] }), { pupilIds: ['a'] }, ['a', 'c'], []],
    [
      'removed (a tombstone): every row goes',
      session({ deletedAt: at('2026-11-21') }),
      { pupilIds: ['a', 'b'] },
      [],
      [
        ['a', 's1'],
        ['b', 's1'],
      ],
    ],
  ] as const)('%s', (_, s, before, rows, gone) => {
    const changes = pupilSessionChanges(s as Session, before as Pick<Session, 'pupilIds'> | undefined);
    expect(changes.rows.map((r) => r.pupilId)).toEqual(rows);
    expect(changes.gone).toEqual(gone);
  });

  it('a withdrawn note keeps its row, marked withdrawn, so it no longer counts as seen or as a standing concern', () => {
    const [row] = pupilSessionChanges(session({ pupilIds: ['a'], concern: true, withdrawnAt: at('2026-11-21') })).rows;
    expect(row).toMatchObject({ pupilId: 'a', concern: 1, withdrawn: true });
  });
});

describe('a pupil’s sessions, read through the index', () => {
  it('the latest notes first, as many as asked for, with counts of all of them', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil());
    const b = await addPupil(db, pupil({ name: 'Maya Khan', preferredName: '' }));
    const days = ['2026-11-02', '2026-11-20', '2026-11-10', '2026-11-16', '2026-11-05'];
    const made: Record<string, string> = {};
    for (const day of days) made[day] = await recordSession(db, note([a], at(day), { concern: day === '2026-11-10' }));
    const group = await recordSession(db, note([a, b], at('2026-11-18')));

    expect(ids(await sessionsOf(db, a, 3))).toEqual([made['2026-11-20'], group, made['2026-11-16']]);
    expect(ids(await sessionsOf(db, b))).toEqual([group]);
    expect(await sessionCountsOf(db, a)).toEqual({ sessions: 6, concerns: 1 });
    const view = await pupilPage(db, a, '2026-11-24', 2);
    expect(view?.sessions).toHaveLength(2);
    expect(view?.concerns).toBe(1);
    expect(view?.total).toBe(6);
  });

  it('editing who was there and when, withdrawing and removing all keep the index true', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil());
    const b = await addPupil(db, pupil({ name: 'Maya Khan', preferredName: '' }));
    const s = await recordSession(db, note([a, b], at('2026-11-18'), { concern: true }));
    const earlier = await recordSession(db, note([a], at('2026-11-09')));

    await editSession(db, s, { pupilIds: [a], occurredAt: at('2026-11-03') });
    expect(ids(await sessionsOf(db, b))).toEqual([]);
    expect(ids(await sessionsOf(db, a))).toEqual([earlier, s]);
    expect(await lastSeen(db, a)).toBe(at('2026-11-09'));

    await withdrawSession(db, earlier, 'Written about the wrong pupil');
    expect(await lastSeen(db, a)).toBe(at('2026-11-03'));
    expect(await sessionCountsOf(db, a)).toEqual({ sessions: 2, concerns: 1 });

    await commit(db, [{ op: 'delete', table: 'sessions', id: s }]);
    expect(ids(await sessionsOf(db, a))).toEqual([earlier]);
    expect(await sessionCountsOf(db, a)).toEqual({ sessions: 1, concerns: 0 });
    expect(await lastSeen(db, a)).toBeUndefined();
  });

  it('sessions that arrive from another tablet are indexed too, and so are their later edits', async () => {
    const s = inProcessSchool();
    const sam = await s.tablet('Sam Patel');
    const alex = await s.tablet('Alex Jones');
    // The DSL: a note flagged as a concern reaches only its author and the DSLs.
    s.store.setRole(alex.mentorId, 'dsl');
    const a = await addPupil(sam.db, pupil());
    const b = await addPupil(sam.db, pupil({ name: 'Maya Khan', preferredName: '' }));
    const id = await recordSession(sam.db, note([a, b], at('2026-11-18'), { concern: true }));
    await sam.sync();
    await alex.sync();
    expect(ids(await sessionsOf(alex.db, b))).toEqual([id]);
    expect(await sessionCountsOf(alex.db, a)).toEqual({ sessions: 1, concerns: 1 });

    await editSession(sam.db, id, { pupilIds: [a] });
    await withdrawSession(sam.db, id, 'Concern raised on the wrong note');
    await sam.sync();
    await alex.sync();
    expect(ids(await sessionsOf(alex.db, b))).toEqual([]);
    expect(await sessionCountsOf(alex.db, a)).toEqual({ sessions: 1, concerns: 0 });
    expect(await lastSeen(alex.db, a)).toBeUndefined();
  });

  it('a tablet upgraded from the previous version builds the index from the sessions it holds', async () => {
    const name = `waymark-upgrade-${Date.now()}`;
    const old = earlierRelease(name, 3);
    const stamp = { createdAt: at('2026-11-01'), updatedAt: at('2026-11-01'), deviceId: 'd', mentorId: 'm' };
    await old.table('sessions').bulkAdd([
      { id: 's1', ...note(['a', 'b'], at('2026-11-10')), ...stamp },
      { id: 's2', ...note(['a'], at('2026-11-12'), { concern: true }), ...stamp },
      { id: 's3', ...note(['a'], at('2026-11-14')), ...stamp, deletedAt: at('2026-11-15') },
    ]);
    old.close();

    const db = new WaymarkDB(name);
    expect(ids(await sessionsOf(db, 'a'))).toEqual(['s2', 's1']);
    expect(ids(await sessionsOf(db, 'b'))).toEqual(['s1']);
    expect(await sessionCountsOf(db, 'a')).toEqual({ sessions: 2, concerns: 1 });
    db.close();
  });
});
