/**
 * What the tablet keeps of the changes it delivered (src/data/sync/delivered.ts): each one the
 * school took is kept for 30 days, and sent again, as the same change, when the school's answers
 * show it was restored from a backup taken before that change arrived.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveredEntry, OutboxEntry } from '../../src/data/db.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { KEEP_DELIVERED_DAYS, sendAgainAbove } from '../../src/data/sync/delivered.ts';
import { outboxSummary, syncNow } from '../../src/data/sync.ts';
import type { ChangeResult, PushRequest, PushResponse } from '../../src/shared/protocol.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { freshDb, pupil } from './helpers.ts';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const DAY = 24 * 60 * 60_000;
const clock = (seq: number) => `2026-11-24T10:00:00.000Z_${seq.toString(36).padStart(4, '0')}_tablet`;

const change = (seq: number, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  seq,
  changeId: `change-${seq}`,
  table: 'pupils',
  recordId: `pupil-${seq}`,
  op: 'update',
  values: { form: `9${seq}` },
  at: '2026-11-24T10:00:00.000Z',
  deviceId: 'tablet',
  mentorId: 'm1',
  hlc: clock(seq),
  ...extra,
});
const kept = (seq: number, deliveredAt = NOW.toISOString(), extra: Partial<DeliveredEntry> = {}): DeliveredEntry => ({
  ...change(seq),
  deliveredAt,
  ...extra,
});
const REFUSED = { code: 'invalid_record', message: 'Choose a year group.', at: NOW.toISOString() };

/** A linked tablet, and what its pushes sent, answered by `answer` (pulls bring nothing new). */
async function linkedTablet(answer: (push: PushRequest, round: number) => Omit<PushResponse, 'protocol'>) {
  const db = freshDb();
  await db.sync.put({ key: 'sync', serverUrl: 'http://school.test', token: 't', cursor: null, failures: 0 });
  const pushes: PushRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body));
    const json = new URL(String(input)).pathname.endsWith('/push')
      ? { protocol: PROTOCOL, ...answer(body, pushes.push(body) - 1) }
      : { protocol: PROTOCOL, changes: [], cursor: 'caught-up', more: false, mentors: [] };
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { db, pushes, sync: (now = NOW) => syncNow(db, { fetch, now: () => now }) };
}

/** One change's result, without its numbers. */
type Result = { status: ChangeResult['status']; code?: string; message?: string; hlc?: string };

/** Every change answered the same way. */
const each =
  (result: Result, received?: number) =>
  (push: PushRequest): Omit<PushResponse, 'protocol'> => ({
    results: push.changes.map((c) => ({ seq: c.seq, changeId: c.changeId, ...result }) as ChangeResult),
    ...(received === undefined ? {} : { received }),
  });

describe('a change the school answered for', () => {
  const REDATED = '2026-11-24T15:01:00.000Z_0000_tablet';
  it.each([
    ['applied: kept, as it was sent, from when it was delivered', { status: 'applied' }, false, true],
    ['a duplicate (its answer lost before): kept the same way', { status: 'duplicate' }, false, true],
    [
      're-dated by the school (this tablet’s clock runs fast): kept with the school’s reading, and the one it was sent with',
      { status: 'applied', hlc: REDATED },
      false,
      true,
    ],
    [
      'refused: under “needs attention”, not kept',
      { status: 'rejected', code: 'invalid_record', message: 'Choose a year group.' },
      true,
      false,
    ],
    [
      'out of order: still waiting, not kept',
      { status: 'rejected', code: 'out_of_order', message: 'Change 1 has not arrived yet; send the changes in order.' },
      true,
      false,
    ],
  ] as const)('%s', async (_, result, inOutbox, isKept) => {
    const tablet = await linkedTablet(each(result));
    await addPupil(tablet.db, pupil());
    const sent = (await tablet.db.outbox.toArray())[0] as OutboxEntry;
    await tablet.sync();
    expect((await tablet.db.outbox.toArray()).map((e) => e.seq)).toEqual(inOutbox ? [1] : []);
    const redated = 'hlc' in result ? { hlc: result.hlc, sentHlc: sent.hlc } : {};
    expect(await tablet.db.delivered.toArray()).toEqual(isKept ? [{ ...sent, ...redated, deliveredAt: NOW.toISOString() }] : []);
  });

  it('moves from waiting to kept in one transaction: when keeping it fails, it is still waiting, never neither', async () => {
    const tablet = await linkedTablet(each({ status: 'applied' }));
    await addPupil(tablet.db, pupil());
    tablet.db.delivered.hook('creating', () => {
      throw new Error('The disk is full.');
    });
    expect(await tablet.sync()).toMatchObject({ status: 'stopped' });
    expect((await outboxSummary(tablet.db)).waiting).toBe(1);
    expect(await tablet.db.delivered.count()).toBe(0);
  });
});

describe(`kept changes are forgotten ${KEEP_DELIVERED_DAYS} days after they were delivered, at a sync`, () => {
  it.each([
    ['delivered today: kept', 0, true],
    ['a millisecond short of 30 days ago: kept', 30 * DAY - 1, true],
    ['exactly 30 days ago: kept', 30 * DAY, true],
    ['30 days and a millisecond ago: forgotten', 30 * DAY + 1, false],
    ['45 days ago: forgotten', 45 * DAY, false],
  ])('%s', async (_, age, stays) => {
    const tablet = await linkedTablet(each({ status: 'applied' }, 1));
    await tablet.db.delivered.put(kept(1, new Date(NOW.getTime() - age).toISOString()));
    expect(await tablet.sync()).toMatchObject({ status: 'done' });
    expect(await tablet.db.delivered.count()).toBe(stays ? 1 : 0);
  });
});

describe('kept a month by the school’s calendar, however wrong the tablet’s clock', () => {
  it('a clock set 60 days ahead, as the school says, forgets nothing delivered in the last 30 days', async () => {
    const tablet = await linkedTablet((push) => ({ ...each({ status: 'applied' }, 2)(push), clockSkewMs: 60 * DAY }));
    await tablet.db.delivered.bulkPut([kept(1, new Date(NOW.getTime() - 40 * DAY).toISOString()), kept(2)]);
    expect(await tablet.sync(new Date(NOW.getTime() + 60 * DAY))).toMatchObject({ status: 'done' });
    expect((await tablet.db.delivered.toArray()).map((k) => k.seq)).toEqual([2]);
  });

  it('a change delivered while the clock runs a year ahead is dated by the school’s time, and forgotten a month after', async () => {
    const yearAhead = 365 * DAY;
    const tablet = await linkedTablet((push) => ({
      ...each({ status: 'applied' }, push.changes.at(-1)?.seq ?? 0)(push),
      clockSkewMs: yearAhead,
    }));
    await addPupil(tablet.db, pupil(), { now: new Date(NOW.getTime() + yearAhead) });
    expect(await tablet.sync(new Date(NOW.getTime() + yearAhead))).toMatchObject({ status: 'done' });
    expect((await tablet.db.delivered.toArray()).map((k) => k.deliveredAt)).toEqual([NOW.toISOString()]);
  });
});

describe('the school holds this tablet’s changes only up to `received`', () => {
  // Kept: 1 to 4. Waiting: 5, refused by the school (under “needs attention”), and 6.
  it.each([
    ['all of them: nothing goes again', 6, 0, [1, 2, 3, 4], [6]],
    ['up to 4: the refused change is judged again', 4, 1, [1, 2, 3, 4], [5, 6]],
    ['up to 2: 3 and 4 wait again, in order, before the refused one', 2, 3, [1, 2], [3, 4, 5, 6]],
    ['none (a new database): everything kept waits again', 0, 5, [], [1, 2, 3, 4, 5, 6]],
  ])('%s', async (_, received, again, stillKept, waiting) => {
    const db = freshDb();
    await db.delivered.bulkPut([1, 2, 3, 4].map((seq) => kept(seq)));
    await db.outbox.bulkPut([change(5, { rejected: REFUSED }), change(6)]);
    expect(await sendAgainAbove(db, received)).toBe(again);
    expect((await db.delivered.toArray()).map((e) => e.seq)).toEqual(stillKept);
    const summary = await outboxSummary(db);
    expect(summary.needsAttention.map((e) => e.seq)).toEqual(received >= 5 ? [5] : []);
    // The same change under the same number: the school answers "duplicate" if it has it after all.
    expect((await db.outbox.toArray()).filter((e) => !e.rejected)).toEqual(waiting.map((seq) => change(seq)));
  });

  it('a change the school had re-dated goes again with its reading, and the changes after it that name it in their base name that one', async () => {
    const db = freshDb();
    const redated = '2026-11-24T15:01:00.000Z_0000_tablet';
    await db.delivered.bulkPut([kept(1), kept(2, NOW.toISOString(), { hlc: redated, sentHlc: clock(2) })]);
    await db.outbox.put(change(3, { base: { form: clock(2), whatHelps: clock(1), name: null } }));
    expect(await sendAgainAbove(db, 1)).toBe(1);
    expect(await db.outbox.toArray()).toEqual([
      change(2, { hlc: redated }),
      change(3, { base: { form: redated, whatHelps: clock(1), name: null } }),
    ]);
  });
});

describe('which first change a push names (resumeFrom)', () => {
  const applied = (push: PushRequest, received: number) => each({ status: 'applied' }, received)(push);
  const outOfOrder = (push: PushRequest, received?: number) =>
    each({ status: 'rejected', code: 'out_of_order', message: 'Change 1 has not arrived yet; send the changes in order.' }, received)(push);
  const sent = (pushes: PushRequest[]) => pushes.map((p) => ({ seqs: p.changes.map((c) => c.seq), resumeFrom: p.resumeFrom }));

  it('none at first; told the school lost changes 1 and 2, it sends them again first, naming 1', async () => {
    const tablet = await linkedTablet((push, round) => (round === 0 ? outOfOrder(push, 0) : applied(push, 3)));
    await tablet.db.delivered.bulkPut([kept(1), kept(2)]);
    await tablet.db.outbox.put(change(3));
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 3 });
    expect(sent(tablet.pushes)).toEqual([
      { seqs: [3], resumeFrom: undefined },
      { seqs: [1, 2, 3], resumeFrom: 1 },
    ]);
    expect(tablet.pushes[1]?.changes.map((c) => c.changeId)).toEqual(['change-1', 'change-2', 'change-3']);
    expect((await tablet.db.delivered.toArray()).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a school of an earlier release, which never says what it holds, is told where the tablet resumes after it answers out of order', async () => {
    const tablet = await linkedTablet((push) => (push.resumeFrom === undefined ? outOfOrder(push) : each({ status: 'applied' })(push)));
    await tablet.db.outbox.put(change(3));
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 1 });
    expect(sent(tablet.pushes)).toEqual([
      { seqs: [3], resumeFrom: undefined },
      { seqs: [3], resumeFrom: 3 },
    ]);
  });

  it('told by its first push’s answer that the school holds none of its changes, when it keeps only 3 and 4: the next push names 3 at once', async () => {
    // Restored from a backup older than what the tablet keeps: 1 and 2 were forgotten, 30 days after
    // they were delivered. The school refuses, out of order, a push that starts past what it holds
    // without naming where the tablet resumes.
    const tablet = await linkedTablet((push) =>
      push.resumeFrom === undefined && (push.changes[0]?.seq ?? 1) > 1 ? outOfOrder(push, 0) : applied(push, push.changes.at(-1)?.seq ?? 0),
    );
    await tablet.db.delivered.bulkPut([kept(3), kept(4)]);
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 2 });
    expect(sent(tablet.pushes)).toEqual([
      { seqs: [], resumeFrom: undefined },
      { seqs: [3, 4], resumeFrom: 3 },
    ]);
    expect((await tablet.db.delivered.toArray()).map((e) => e.seq)).toEqual([3, 4]);
  });

  it('out of order when it has named where it resumes and nothing moved on: the sync stops with the school’s words', async () => {
    const tablet = await linkedTablet((push) => outOfOrder(push, 0));
    await tablet.db.outbox.put(change(3));
    expect(await tablet.sync()).toMatchObject({
      status: 'stopped',
      problem: { code: 'out_of_order', message: 'Change 1 has not arrived yet; send the changes in order.' },
    });
    expect(sent(tablet.pushes)).toEqual([
      { seqs: [3], resumeFrom: undefined },
      { seqs: [3], resumeFrom: 3 },
    ]);
    expect((await outboxSummary(tablet.db)).waiting).toBe(1);
  });
});
