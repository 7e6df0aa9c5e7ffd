/** What the tablet does with the endpoint's answer for each change it sent. */
import { describe, expect, it } from 'vitest';
import { addPupil } from '../../src/data/pupils.ts';
import { outboxSummary, syncNow } from '../../src/data/sync.ts';
import type { ChangeResult, PushRequest } from '../../src/shared/protocol.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { freshDb, pupil } from './helpers.ts';

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
