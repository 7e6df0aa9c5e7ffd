/**
 * A change the school refused for want of its record (src/data/sync/waiting-for-record.ts): it
 * waits under "needs attention", saying so in the mentor's words, until a pull brings the record;
 * then, in the same transaction, it is queued again as a new change and goes in the same sync.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/data/db.ts';
import { editPupil } from '../../src/data/pupils.ts';
import { sendAgain } from '../../src/data/sync/waiting-for-record.ts';
import { applyPulled, outboxSummary, syncNow } from '../../src/data/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { recordNotFoundWords } from '../../src/shared/issue-words.ts';
import type { SyncedState } from '../../src/shared/merge.ts';
import type { ChangeResult, PulledChange, PushRequest } from '../../src/shared/protocol.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { freshDb } from './helpers.ts';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const OTHER = '01a20000-0000-7000-8000-0000000000d2';
const clock = (iso: string, count = 0, node = OTHER) => encodeHlc({ wall: Date.parse(iso), count, node });

/** A pupil another tablet added, as a pull brings it. */
const added = (recordId: string, name: string): PulledChange => ({
  table: 'pupils',
  recordId,
  op: 'create',
  hlc: clock('2026-11-24T09:00:00.000Z'),
  deviceId: OTHER,
  mentorId: 'm2',
  values: {
    id: recordId,
    createdAt: '2026-11-24T09:00:00.000Z',
    updatedAt: '2026-11-24T09:00:00.000Z',
    deviceId: OTHER,
    mentorId: 'm2',
    name,
    preferredName: '',
    yearGroup: 'Year 9',
    form: '9R',
    schoolRef: '',
    referralReasons: ['attendance'],
    referralOther: '',
    referredBy: '',
    consent: 'given',
    startOn: '2026-09-07',
    contacts: [],
    whatHelps: '',
    status: 'active',
  },
});
const MAYA = '01a20000-0000-7000-8000-0000000000a1';
const ELLA = '01a20000-0000-7000-8000-0000000000a2';

type Refusal = { code: 'record_not_found' | 'invalid_record'; message: string };
const NOT_FOUND: Refusal = { code: 'record_not_found', message: 'The record this change is for never reached the school.' };
const INVALID: Refusal = { code: 'invalid_record', message: 'Choose a year group.' };

/**
 * A linked tablet that pulled Maya (another tablet's pupil) and edited her form. Its first sync
 * has the edit refused with `refusal` (the edit's history is taken) and pulls nothing; each later
 * sync takes every change and pulls `pulled`.
 */
async function editRefused(refusal: Refusal, pulled: PulledChange[]) {
  const db = freshDb();
  await db.sync.put({ key: 'sync', serverUrl: 'http://school.test', token: 't', cursor: null, failures: 0 });
  await applyPulled(db, [added(MAYA, 'Maya Okafor')], 'first');
  await editPupil(db, MAYA, { form: '9T' }, { now: new Date('2026-11-24T10:00:00.000Z') });
  const pushes: PushRequest[] = [];
  let syncs = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body));
    const answer = (c: PushRequest['changes'][number]): ChangeResult =>
      syncs === 1 && c.table === 'pupils'
        ? { seq: c.seq, changeId: c.changeId, status: 'rejected', ...refusal }
        : { seq: c.seq, changeId: c.changeId, status: 'applied' };
    const isPush = new URL(String(input)).pathname.endsWith('/push');
    if (isPush) pushes.push(body);
    const json = isPush
      ? { protocol: PROTOCOL, results: (body as PushRequest).changes.map(answer) }
      : { protocol: PROTOCOL, changes: syncs === 1 ? [] : pulled, cursor: `after-${syncs}`, more: false, mentors: [] };
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const sync = () => {
    syncs += 1;
    return syncNow(db, { fetch, now: () => NOW });
  };
  expect(await sync()).toMatchObject({ status: 'done' });
  const edit = (await db.outbox.toArray())[0] as OutboxEntry;
  return { db, pushes, sync, edit };
}

describe('an edit the school refused', () => {
  it.each([
    {
      case: 'for want of its pupil, who then arrives by a pull: sent again in the same sync as a new change, nothing needs attention',
      refusal: NOT_FOUND,
      pulled: [added(MAYA, 'Maya Okafor')],
      goesAgain: true,
      needsAttention: [],
    },
    {
      case: 'for want of its pupil, who never arrives (the pull brings another pupil): it waits under “needs attention”, saying why',
      refusal: NOT_FOUND,
      pulled: [added(ELLA, 'Ella Brown')],
      goesAgain: false,
      needsAttention: [recordNotFoundWords('pupils')],
    },
    {
      case: 'for another reason, and its pupil arrives by a pull: it stays under “needs attention” in the school’s words, not sent again',
      refusal: INVALID,
      pulled: [added(MAYA, 'Maya Okafor')],
      goesAgain: false,
      needsAttention: [INVALID.message],
    },
  ])('$case', async ({ refusal, pulled, goesAgain, needsAttention }) => {
    const { db, pushes, sync, edit } = await editRefused(refusal, pulled);
    expect(edit.rejected?.message).toBe(refusal.code === 'record_not_found' ? recordNotFoundWords('pupils') : refusal.message);
    const before = pushes.length;
    expect(await sync()).toMatchObject({ status: 'done', pushed: goesAgain ? 1 : 0 });

    const sent = pushes.slice(before).flatMap((p) => p.changes);
    const { lastIssuedSeq } = (await db.device.get('device')) ?? { lastIssuedSeq: 0 };
    if (goesAgain) {
      // The next number the tablet issues, a new id, and what the refused change said, as it said it.
      expect(sent).toEqual([
        {
          seq: 3,
          changeId: expect.any(String),
          table: 'pupils',
          recordId: MAYA,
          op: 'update',
          values: edit.values,
          hlc: edit.hlc,
          base: edit.base,
        },
      ]);
      expect(sent[0]?.changeId).not.toBe(edit.changeId);
      expect(lastIssuedSeq).toBe(3);
      expect((await db.delivered.toArray()).map((e) => e.seq)).toEqual([2, 3]);
    } else {
      expect(sent).toEqual([]);
      expect(lastIssuedSeq).toBe(2);
    }
    const summary = await outboxSummary(db);
    expect(summary.waiting).toBe(0);
    expect(summary.needsAttention.map((e) => e.rejected?.message)).toEqual(needsAttention);
    expect((await db.pupils.get(MAYA))?.form).toBe('9T');
  });

  it('queued again in the same transaction as the page that brought its pupil: when storing the page fails, the refused change is still there, never neither', async () => {
    const { db, sync } = await editRefused(NOT_FOUND, [added(MAYA, 'Maya Okafor')]);
    db.outbox.hook('creating', () => {
      throw new Error('The disk is full.');
    });
    expect(await sync()).toMatchObject({ status: 'stopped' });
    expect((await outboxSummary(db)).needsAttention.map((e) => e.seq)).toEqual([1]);
    expect((await db.sync.get('sync'))?.cursor).toBe('after-1');
  });
});

/** Readings of this tablet's own (T…) and of another tablet (O…), in time order. */
const ME = '01a20000-0000-7000-8000-0000000000d1';
const C0 = clock('2026-11-24T09:00:00.000Z');
const T1 = clock('2026-11-24T10:00:00.000Z', 0, ME);
const T2 = clock('2026-11-24T10:30:00.000Z', 0, ME);
const O3 = clock('2026-11-24T11:00:00.000Z');
const T4 = clock('2026-11-24T11:30:00.000Z', 0, ME);

const BY_ME = { deviceId: ME, mentorId: 'm1' };
/** An edit of Maya by this tablet, refused for want of her (or, with `rejected: undefined`, still waiting). */
const edit = (seq: number, hlc: string, values: Record<string, unknown>, base: Record<string, string | null>): OutboxEntry => ({
  seq,
  changeId: `change-${seq}`,
  table: 'pupils',
  recordId: MAYA,
  op: 'update',
  values: { ...values, updatedAt: '2026-11-24T10:00:00.000Z', ...BY_ME },
  base: { ...base, updatedAt: base.updatedAt ?? C0, deviceId: base.deviceId ?? C0, mentorId: base.mentorId ?? C0 },
  at: '2026-11-24T10:00:00.000Z',
  ...BY_ME,
  hlc,
  rejected: { code: 'record_not_found', message: recordNotFoundWords('pupils'), at: NOW.toISOString() },
});
/** A removal of Maya by this tablet, refused for want of her: a removal carries no base. */
const removal = (seq: number, hlc: string): OutboxEntry => {
  const { base: _, ...rest } = edit(seq, hlc, { deletedAt: '2026-11-24T11:30:00.000Z' }, {});
  return { ...rest, op: 'delete' };
};
const waiting = (entry: OutboxEntry): OutboxEntry => {
  const { rejected: _, ...rest } = entry;
  return rest;
};
/** Maya as this tablet holds her: the clock of each field. */
const maya = (clocks: Record<string, string>): SyncedState => ({ fields: {}, clocks: { name: C0, ...clocks } });
const stamps = (hlc: string) => ({ updatedAt: hlc, deviceId: hlc, mentorId: hlc });

describe('what of a refused change goes again, once its record has come', () => {
  it.each([
    {
      case: 'every value it set still stands: all of it, with its reading and its base',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 })],
      state: maya({ form: T1, ...stamps(T1) }),
      waiting: [],
      again: [{ hlc: T1, values: ['form', 'updatedAt', 'deviceId', 'mentorId'], base: ['form', 'updatedAt', 'deviceId', 'mentorId'] }],
      rebased: [],
    },
    {
      case: 'another tablet’s later edit replaced one field here: that field is left out (its value lost here, and kept as lost as it merged)',
      refused: [edit(1, T1, { form: '9T', whatHelps: 'Music' }, { form: C0, whatHelps: C0 })],
      state: maya({ form: O3, whatHelps: T1, ...stamps(O3) }),
      waiting: [],
      again: [{ hlc: T1, values: ['whatHelps'], base: ['whatHelps'] }],
      rebased: [],
    },
    {
      case: 'another tablet’s later edit replaced every value a mentor wrote: it goes no more',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 })],
      state: maya({ form: O3, ...stamps(O3) }),
      waiting: [],
      again: [],
      rebased: [],
    },
    {
      case: 'only when it was last changed still stands (the later edit, from another program, did not say): that alone says nothing, and it goes no more',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 })],
      state: maya({ form: O3, updatedAt: T1, deviceId: O3, mentorId: O3 }),
      waiting: [],
      again: [],
      rebased: [],
    },
    {
      case: 'two refused edits of one field, the second on top of the first: both go, in order, the second still on top',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 }), edit(3, T2, { form: '9S' }, { form: T1, updatedAt: T1 })],
      state: maya({ form: T2, ...stamps(T2) }),
      waiting: [],
      again: [
        { hlc: T1, values: ['form', 'updatedAt', 'deviceId', 'mentorId'], base: ['form', 'updatedAt', 'deviceId', 'mentorId'] },
        { hlc: T2, values: ['form', 'updatedAt', 'deviceId', 'mentorId'], base: ['form', 'updatedAt', 'deviceId', 'mentorId'] },
      ],
      rebased: [],
    },
    {
      case: 'this tablet’s own later edit, still waiting, replaced a field: left out, and the waiting edit says it was made on what the refused one was',
      refused: [edit(1, T1, { form: '9T', whatHelps: 'Music' }, { form: C0, whatHelps: C0 })],
      state: maya({ form: T4, whatHelps: T1, ...stamps(T4) }),
      waiting: [waiting(edit(5, T4, { form: '9S' }, { form: T1, updatedAt: T1 }))],
      again: [{ hlc: T1, values: ['whatHelps'], base: ['whatHelps'] }],
      rebased: [{ seq: 5, base: { form: C0, updatedAt: C0, deviceId: C0, mentorId: C0 } }],
    },
    {
      case: 'this tablet’s own later edit, still waiting, was made on another tablet’s edit: its base, which the school has, stays as it is',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 })],
      state: maya({ form: T1, whatHelps: T4, ...stamps(T4) }),
      waiting: [waiting(edit(5, T4, { whatHelps: 'Music' }, { whatHelps: O3, ...stamps(O3) }))],
      again: [{ hlc: T1, values: ['form'], base: ['form'] }],
      rebased: [],
    },
    {
      case: 'this tablet’s own later removal, still waiting (a removal has no base): the edit goes, the removal is left as it is',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 })],
      state: { ...maya({ form: T1, deletedAt: T4, ...stamps(T4) }), deleted: T4 },
      waiting: [waiting(removal(5, T4))],
      again: [{ hlc: T1, values: ['form'], base: ['form'] }],
      rebased: [],
    },
    {
      case: 'a refused removal, and another tablet removed her later too: it goes no more (a removal has no base to leave to others)',
      refused: [removal(1, T1)],
      state: { ...maya({ deletedAt: O3, ...stamps(O3) }), deleted: O3 },
      waiting: [],
      again: [],
      rebased: [],
    },
    {
      case: 'two refused edits of one field, both replaced by a waiting edit: neither goes, and the waiting edit says it was made on what the first one was',
      refused: [edit(1, T1, { form: '9T' }, { form: C0 }), edit(3, T2, { form: '9S' }, { form: T1, ...stamps(T1) })],
      state: maya({ form: T4, ...stamps(T4) }),
      waiting: [waiting(edit(5, T4, { form: '9R' }, { form: T2, ...stamps(T2) }))],
      again: [],
      rebased: [{ seq: 5, base: { form: C0, updatedAt: C0, deviceId: C0, mentorId: C0 } }],
    },
    {
      case: 'bases that name each other in a circle (no tablet writes them): the rebasing stops, leaving that field’s base as it was',
      refused: [edit(1, T1, { form: '9T' }, { form: T2 }), edit(3, T2, { form: '9S' }, { form: T1 })],
      state: maya({ form: T4, ...stamps(T4) }),
      waiting: [waiting(edit(5, T4, { form: '9R' }, { form: T1, ...stamps(T2) }))],
      again: [],
      rebased: [{ seq: 5, base: { form: T1, updatedAt: C0, deviceId: C0, mentorId: C0 } }],
    },
  ])('$case', ({ refused, state, waiting, again, rebased }) => {
    const result = sendAgain(refused, state, waiting);
    expect(result.again.map((c) => ({ hlc: c.hlc, values: Object.keys(c.values), base: Object.keys(c.base ?? {}) }))).toEqual(again);
    for (const change of result.again) {
      const from = refused.find((r) => r.hlc === change.hlc) as OutboxEntry;
      // Each value and base as the refused change had it; nothing of the refusal.
      for (const [field, value] of Object.entries(change.values)) expect(value).toEqual(from.values[field]);
      for (const [field, clock] of Object.entries(change.base ?? {})) expect(clock).toBe(from.base?.[field]);
      expect(change).toMatchObject({ op: from.op, at: from.at, recordId: from.recordId });
      expect(change).not.toHaveProperty('rejected');
    }
    expect(result.rebased).toEqual(rebased);
  });
});

describe('once a pull brings the record, in the outbox', () => {
  it('a later edit still waiting, made on the refused one that goes no more, says it was made on what the school has', async () => {
    const db = freshDb();
    await applyPulled(db, [added(MAYA, 'Maya Okafor')], 'first');
    await editPupil(db, MAYA, { form: '9T' }, { now: new Date('2026-11-24T10:00:00.000Z') });
    // The school refused the edit (seq 1) for want of Maya, and took its earlier version (seq 2).
    await db.outbox.update(1, { rejected: { code: 'record_not_found', message: recordNotFoundWords('pupils'), at: NOW.toISOString() } });
    await db.outbox.delete(2);
    await editPupil(db, MAYA, { form: '9S' }, { now: new Date('2026-11-24T11:30:00.000Z') });
    const refused = (await db.outbox.get(1)) as OutboxEntry;
    expect((await db.outbox.get(3))?.base).toMatchObject({ form: refused.hlc, updatedAt: refused.hlc });

    expect(await applyPulled(db, [added(MAYA, 'Maya Okafor')], 'second')).toBe(0);
    // The refused edit's one value was replaced here: it goes no more. The later edit, and its
    // earlier version, wait as they were, the edit now on Maya as the school has her.
    expect((await db.outbox.toArray()).map((e) => [e.seq, e.table, e.rejected])).toEqual([
      [3, 'pupils', undefined],
      [4, 'revisions', undefined],
    ]);
    const C = added(MAYA, '').hlc;
    expect((await db.outbox.get(3))?.base).toEqual({ form: C, updatedAt: C, deviceId: C, mentorId: C });
    expect((await db.pupils.get(MAYA))?.form).toBe('9S');
  });

  it('two pupils’ refused edits of the same field, once both arrive: each goes again once, as it was', async () => {
    const db = freshDb();
    await applyPulled(db, [added(ELLA, 'Ella Brown'), added(MAYA, 'Maya Okafor')], 'first');
    await editPupil(db, ELLA, { form: '9T' }, { now: new Date('2026-11-24T10:00:00.000Z') });
    await editPupil(db, MAYA, { form: '9S' }, { now: new Date('2026-11-24T10:30:00.000Z') });
    // The school refused both edits (seq 1 and 3) for want of the pupils, and took their earlier versions.
    for (const seq of [1, 3]) {
      await db.outbox.update(seq, {
        rejected: { code: 'record_not_found', message: recordNotFoundWords('pupils'), at: NOW.toISOString() },
      });
    }
    await db.outbox.bulkDelete([2, 4]);
    const refused = await db.outbox.toArray();

    expect(await applyPulled(db, [added(ELLA, 'Ella Brown'), added(MAYA, 'Maya Okafor')], 'second')).toBe(2);
    expect((await db.outbox.toArray()).map((e) => [e.seq, e.recordId, e.values.form, e.hlc, e.rejected])).toEqual([
      [5, ELLA, '9T', refused[0]?.hlc, undefined],
      [6, MAYA, '9S', refused[1]?.hlc, undefined],
    ]);
  });
});
