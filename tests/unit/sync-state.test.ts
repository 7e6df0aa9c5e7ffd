/** What the screens show about syncing (src/data/sync-state.ts), read from the tablet's database. */
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/data/db.ts';
import { accessOf, changedAfterRemoval, concernsNotDelivered, NEEDS_MENTOR, outboxSummary, syncState } from '../../src/data/sync-state.ts';
import { freshDb } from './helpers.ts';

const entry = (seq: number, at: string, rejected?: OutboxEntry['rejected']): OutboxEntry => ({
  seq,
  changeId: `c${seq}`,
  table: 'pupils',
  recordId: `p${seq}`,
  op: 'create',
  values: {},
  at,
  deviceId: 'd',
  mentorId: null,
  ...(rejected ? { rejected } : {}),
});

describe('the outbox, as the header and Settings show it', () => {
  it('counts what waits, lists what was refused apart, and says since when changes wait', async () => {
    const db = freshDb();
    const refused = { code: 'invalid_record', message: 'Choose a year group.', at: '2026-11-24T12:00:00.000Z' };
    await db.outbox.bulkAdd([
      entry(1, '2026-11-24T09:00:00.000Z', refused),
      entry(2, '2026-11-24T10:00:00.000Z'),
      entry(3, '2026-11-24T11:00:00.000Z'),
    ]);
    const summary = await outboxSummary(db);
    expect(summary.waiting).toBe(2);
    expect(summary.needsAttention.map((e) => [e.seq, e.rejected?.message])).toEqual([[1, 'Choose a year group.']]);
    expect(summary.oldestWaiting).toBe('2026-11-24T10:00:00.000Z');
  });

  it('an empty outbox: nothing waits, nothing needs attention, no oldest', async () => {
    expect(await outboxSummary(freshDb())).toEqual({ waiting: 0, needsAttention: [], oldestWaiting: undefined });
  });
});

describe('concerns not yet with the DSL, as the header counts them', () => {
  it('counts each concern recorded here and not yet sent; not one refused, an edit of one, or another kind of record', async () => {
    const db = freshDb();
    const refused = { code: 'not_allowed', message: 'Only those who may read a concern can open it.', at: '2026-11-24T12:00:00.000Z' };
    const as = (e: OutboxEntry, patch: Partial<OutboxEntry>): OutboxEntry => ({ ...e, ...patch });
    await db.outbox.bulkAdd([
      as(entry(1, '2026-11-24T09:00:00.000Z'), { table: 'concerns' }),
      as(entry(2, '2026-11-24T09:05:00.000Z'), { table: 'concerns', recordId: 'p1', op: 'update' }),
      as(entry(3, '2026-11-24T09:10:00.000Z', refused), { table: 'concerns' }),
      entry(4, '2026-11-24T09:15:00.000Z'),
      as(entry(5, '2026-11-24T09:20:00.000Z'), { table: 'concerns' }),
      as(entry(6, '2026-11-24T09:25:00.000Z'), { table: 'concernActions' }),
    ]);
    expect(await concernsNotDelivered(db)).toBe(2);
  });
});

describe('records changed after their removal, as Settings lists them', () => {
  it.each([
    ['a pupil, by name', 'pupils', { name: 'Ella Brown' }, 'Ella Brown'],
    ['a target, by its wording', 'targets', { wording: 'Say one thing in class each day' }, 'Say one thing in class each day'],
    ['a note, by its first 60 characters', 'sessions', { note: 'x'.repeat(59) + 'yz' }, `${'x'.repeat(59)}y`],
    ['a check-in, which has no name, wording or note, by its id', 'checkIns', { pupilId: 'p1' }, 'r1'],
    ['a record no longer on the tablet, by its id', 'checkIns', undefined, 'r1'],
  ] as const)('%s', async (_, table, record, name) => {
    const db = freshDb();
    if (record) await db.table(table).put({ id: 'r1', ...record });
    await db.changedAfterRemoval.put({
      key: `${table}:r1`,
      table,
      recordId: 'r1',
      changedAt: '2026-11-24T10:00:00.000Z',
      removedAt: '2026-11-24T09:00:00.000Z',
    });
    expect(await changedAfterRemoval(db)).toEqual([{ table, recordId: 'r1', name, at: '2026-11-24T10:00:00.000Z' }]);
  });
});

describe('the link to the school', () => {
  it('a tablet never linked has no address, no token, no cursor and no failures', async () => {
    expect(await syncState(freshDb())).toEqual({ key: 'sync', cursor: null, failures: 0 });
  });

  it.each([
    ['device_revoked', true],
    ['unauthorised', true],
    ['unreachable', false],
    ['server_error', false],
    ['out_of_order', false],
  ])('a sync stopped by %s waits for the mentor: %s', (code, waits) => {
    expect(NEEDS_MENTOR.has(code)).toBe(waits);
  });
});

describe('who this tablet’s mentor is, as the screens read it', () => {
  const mentor = { id: 'm1', name: 'Dana Lead', dsl: true };
  it.each([
    ['before any sync', { key: 'sync' as const, cursor: null, failures: 0 }, { role: 'mentor', readsEveryConcern: false }],
    [
      'from an endpoint before roles, which marked the DSL',
      { key: 'sync' as const, cursor: null, failures: 0, mentor },
      { mentorId: 'm1', role: 'dsl', readsEveryConcern: true },
    ],
    [
      'as the endpoint says now, over what it said before',
      {
        key: 'sync' as const,
        cursor: null,
        failures: 0,
        mentor,
        access: { mentorId: 'm1', role: 'lead mentor' as const, readsEveryConcern: false },
      },
      { mentorId: 'm1', role: 'lead mentor', readsEveryConcern: false },
    ],
  ])('%s', (_, state, expected) => {
    expect(accessOf(state)).toEqual(expected);
  });
});
