/** What the tablet does with the endpoint's answer for each change it sent. */
import { describe, expect, it } from 'vitest';
import { thisDevice } from '../../src/data/commit.ts';
import { addPupil, editPupil, getPupil } from '../../src/data/pupils.ts';
import { editSession, getSession, recordSession } from '../../src/data/sessions.ts';
import { applyPulled, changedAfterRemoval, outboxSummary, syncNow } from '../../src/data/sync.ts';
import { setTarget, targetsOf } from '../../src/data/targets.ts';
import type { ChangeResult, PushChange, PushRequest } from '../../src/shared/protocol.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { freshDb, pupil, target } from './helpers.ts';

type Answer = Pick<ChangeResult, 'status'> & { code?: string; message?: string };

/** An endpoint answering every change it is sent with `answer`, and every pull with nothing new. */
const endpoint =
  (answer: Answer): typeof fetch =>
  async (input, init) => {
    const body = JSON.parse(String(init?.body));
    const json = new URL(String(input)).pathname.endsWith('/push')
      ? { protocol: PROTOCOL, results: (body as PushRequest).changes.map((c) => ({ seq: c.seq, changeId: c.changeId, ...answer })) }
      : { protocol: PROTOCOL, changes: [], cursor: 'caught-up', more: false };
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };

const OUT_OF_ORDER = 'Change 1 has not arrived yet; send the changes in order.';

describe('the endpoint’s answer for a change the tablet sent', () => {
  it.each([
    ['applied: it leaves the tablet', { status: 'applied' }, { status: 'done', pushed: 1 }, 0, []],
    ['a duplicate (taken before, its answer lost): it leaves the tablet', { status: 'duplicate' }, { status: 'done', pushed: 1 }, 0, []],
    [
      'refused: it stays under “needs attention” with the reason, and the sync carries on',
      { status: 'rejected', code: 'invalid_record', message: 'Choose a year group.' },
      { status: 'done', pushed: 0 },
      0,
      ['Choose a year group.'],
    ],
    [
      'out of order: it stays waiting, to go next time, and the sync stops with the endpoint’s words',
      { status: 'rejected', code: 'out_of_order', message: OUT_OF_ORDER },
      { status: 'stopped', problem: { code: 'out_of_order', message: OUT_OF_ORDER } },
      1,
      [],
    ],
  ] as const)('%s', async (_, answer, result, waiting, needsAttention) => {
    const db = freshDb();
    await addPupil(db, pupil());
    await db.sync.put({ key: 'sync', serverUrl: 'http://school.test', token: 't', cursor: null, failures: 0 });
    expect(await syncNow(db, { fetch: endpoint(answer) })).toMatchObject(result);
    const summary = await outboxSummary(db);
    expect(summary.waiting).toBe(waiting);
    expect(summary.needsAttention.map((e) => e.rejected?.message)).toEqual(needsAttention);
  });
});

/** A linked tablet whose pushes are answered change by change by `answer` (pulls bring nothing new). */
async function linkedTablet() {
  const db = freshDb();
  await db.sync.put({ key: 'sync', serverUrl: 'http://school.test', token: 't', cursor: null, failures: 0 });
  const tablet = {
    db,
    answer: (_: PushChange): Answer & { hlc?: string } => ({ status: 'applied' }),
    sync: () => syncNow(db, { fetch }),
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body));
    const json = new URL(String(input)).pathname.endsWith('/push')
      ? {
          protocol: PROTOCOL,
          results: (body as PushRequest).changes.map((c) => ({ seq: c.seq, changeId: c.changeId, ...tablet.answer(c) })),
        }
      : { protocol: PROTOCOL, changes: [], cursor: 'caught-up', more: false, mentors: [] };
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return tablet;
}

const ERASED: Answer = { status: 'rejected', code: 'erased', message: 'This pupil was erased by the school.' };
/** Refused as erased: the changes about `id` (and their earlier versions); every other change is taken. */
const erasedIf = (id: string) => (c: PushChange) =>
  c.recordId === id || c.values.recordId === id ? ERASED : { status: 'applied' as const };

describe('a change refused because the school erased what it is about while the tablet was away', () => {
  it('about a pupil: the pupil goes from the tablet with their targets, others stay, and nothing is left needing attention', async () => {
    const tablet = await linkedTablet();
    const jacob = await addPupil(tablet.db, pupil());
    const maya = await addPupil(tablet.db, pupil({ name: 'Maya Okafor' }));
    await setTarget(tablet.db, target(jacob));
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 3 });
    await editPupil(tablet.db, jacob, { form: '9S' });
    await editPupil(tablet.db, maya, { form: '9T' });
    tablet.answer = erasedIf(jacob);

    // Maya's edit and its earlier version are taken; Jacob's two are let go.
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 2 });
    expect(await getPupil(tablet.db, jacob)).toBeUndefined();
    expect(await targetsOf(tablet.db, jacob)).toEqual([]);
    expect(await getPupil(tablet.db, maya)).toMatchObject({ name: 'Maya Okafor', form: '9T' });
    expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
  });

  it('about a session: that session goes from the tablet, and the pupil it was about stays', async () => {
    const tablet = await linkedTablet();
    const jacob = await addPupil(tablet.db, pupil());
    const session = await recordSession(tablet.db, {
      kind: 'one-to-one',
      occurredAt: '2026-11-24T10:00:00.000Z',
      minutes: 20,
      title: '',
      pupilIds: [jacob],
      note: 'Talked about the weekend.',
      concern: false,
    });
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 2 });
    await editSession(tablet.db, session, { note: 'Talked about the weekend and football.' });
    tablet.answer = erasedIf(session);

    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 0 });
    expect(await getSession(tablet.db, session)).toBeUndefined();
    expect(await getPupil(tablet.db, jacob)).toMatchObject({ name: 'Jacob Smith' });
    expect(await outboxSummary(tablet.db)).toMatchObject({ waiting: 0, needsAttention: [] });
  });
});

describe('a change the school re-dated', () => {
  it('queued by an earlier release (no clock reading of its own): the record is not taken for removed when another tablet edits it later', async () => {
    const tablet = await linkedTablet();
    const jacob = await addPupil(tablet.db, pupil(), { now: new Date('2026-11-24T10:00:00.000Z') });
    const queued = (await tablet.db.outbox.toArray())[0];
    // As an earlier release queued it: the time it was made, no reading.
    await tablet.db.outbox.update(queued?.seq ?? 0, { hlc: undefined });
    const { deviceId } = await thisDevice(tablet.db);
    tablet.answer = () => ({ status: 'applied', hlc: `2026-11-24T10:00:00.000Z_0001_${deviceId}` });
    expect(await tablet.sync()).toMatchObject({ status: 'done', pushed: 1 });

    const other = '01a20000-0000-7000-8000-0000000000d2';
    const at = '2026-11-24T11:00:00.000Z';
    await applyPulled(
      tablet.db,
      [
        {
          table: 'pupils',
          recordId: jacob,
          op: 'update',
          values: { whatHelps: 'Music first thing', updatedAt: at, deviceId: other, mentorId: 'm2' },
          hlc: `${at}_0000_${other}`,
          deviceId: other,
          mentorId: 'm2',
        },
      ],
      'later',
    );
    expect(await getPupil(tablet.db, jacob)).toMatchObject({ whatHelps: 'Music first thing' });
    expect(await changedAfterRemoval(tablet.db)).toEqual([]);
  });
});
