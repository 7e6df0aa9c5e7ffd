/**
 * Bringing back what other tablets changed: page after page from the tablet's cursor, each page
 * merged (merge-page.ts) and stored with its cursor in one transaction, so a pull cut off at any
 * point resumes from the last page stored.
 */
import { decodeHlc, encodeHlc } from '../../shared/hlc.ts';
import type { SyncedState } from '../../shared/merge.ts';
import { type Session, SYNCED_TABLES, type SyncedTable } from '../../shared/model.ts';
import { PROTOCOL, type PulledChange, type PullResponse } from '../../shared/protocol.ts';
import { thisDevice } from '../commit.ts';
import type { SyncState, WaymarkDB } from '../db.ts';
import { ERASURE_TABLES, eraseFromTablet } from '../erase.ts';
import { indexSessions } from '../pupil-sessions.ts';
import { sendAgainAbove } from './delivered.ts';
import { mergePage, recordKey } from './merge-page.ts';
import { letGoOfConcerns, readsOtherwise } from './need-to-know.ts';
import { call, clockOf, type SyncOptions, SyncProblem } from './transport.ts';
import { sendAgainNowFound } from './waiting-for-record.ts';

/**
 * Stores a pulled page and its cursor in one transaction: a crash between the two cannot happen.
 * The page's records and clocks are read in one go and written in one go: a first pull of three
 * years is dozens of pages of 1,000, and a request per change would make it minutes, not seconds.
 * A record the page brings is one the school has: this tablet's changes to it that the school
 * refused for want of it are queued again in the same transaction (waiting-for-record.ts), so the
 * cursor never moves past the record while they still wait. Returns how many were queued.
 */
export async function applyPulled(
  db: WaymarkDB,
  changes: readonly PulledChange[],
  cursor: string,
  now = new Date(),
  school?: Partial<Pick<PullResponse, 'mentors' | 'you' | 'escalateAfterMinutes'>>,
): Promise<number> {
  const tables = SYNCED_TABLES.map((t) => db.table(t));
  // Erasing a pupil reaches into every table.
  const scope = changes.some((c) => c.op === 'erase')
    ? ERASURE_TABLES.map((t) => db.table(t))
    : [...tables, db.recordClocks, db.conflicts, db.changedAfterRemoval, db.device, db.sync, db.pupilSessions, db.outbox];
  return db.transaction('rw', scope, async () => {
    const device = await thisDevice(db);
    const stored = await readStored(db, changes);
    const merged = mergePage(stored, changes, {
      last: device.lastHlc ? decodeHlc(device.lastHlc) : undefined,
      now: now.getTime(),
      node: device.deviceId,
    });
    const sessionsWritten = merged.written
      .filter((w) => w.table === 'sessions')
      .map((w) => ({
        session: w.state.fields as Session,
        before: stored.get(recordKey('sessions', w.recordId))?.fields as Session | undefined,
      }));
    await Promise.all([
      ...SYNCED_TABLES.map((t) => {
        const rows = merged.written.filter((w) => w.table === t).map((w) => w.state.fields);
        return rows.length ? db.table(t).bulkPut(rows) : undefined;
      }),
      db.recordClocks.bulkPut(
        merged.written.map(({ table, recordId, state }) => ({
          key: recordKey(table, recordId),
          clocks: state.clocks,
          ...(state.deleted ? { deleted: state.deleted } : {}),
        })),
      ),
      indexSessions(db, sessionsWritten),
      merged.conflicts.length ? db.conflicts.bulkAdd(merged.conflicts) : undefined,
      merged.changedAfterRemoval.length ? db.changedAfterRemoval.bulkPut(merged.changedAfterRemoval) : undefined,
    ]);
    // After the page's other changes, which may have brought records of theirs the tablet did not have.
    await eraseFromTablet(db, { pupils: merged.erased });
    if (merged.clock) await db.device.put({ ...device, lastHlc: encodeHlc(merged.clock) });
    const state = await db.sync.get('sync');
    const mentors = school?.mentors;
    const me = mentors?.find((m) => m.id === state?.mentor?.id);
    await db.sync.update('sync', {
      cursor,
      ...(mentors ? { mentors } : {}),
      ...(me ? { mentor: me } : {}),
      ...(school?.you ? { access: school.you } : {}),
      ...(school?.escalateAfterMinutes !== undefined ? { escalateAfterMinutes: school.escalateAfterMinutes } : {}),
    });
    return sendAgainNowFound(db, merged.written);
  });
}

/**
 * The records a page touches, as the tablet holds them, with their clocks. Every record on the
 * tablet has its clocks (written with it), so the clocks say which records exist: a first pull,
 * where none do, reads nothing more.
 */
async function readStored(db: WaymarkDB, changes: readonly PulledChange[]): Promise<Map<string, SyncedState>> {
  const known = await db.recordClocks
    .where(':id')
    .anyOf([...new Set(changes.map((c) => recordKey(c.table, c.recordId)))])
    .primaryKeys();
  const clocks = new Map((await db.recordClocks.bulkGet(known)).map((c, i) => [known[i] as string, c]));
  const idsOf = (table: SyncedTable) => known.filter((k) => k.startsWith(`${table}:`)).map((k) => k.slice(table.length + 1));
  const stored = new Map<string, SyncedState>();
  await Promise.all(
    SYNCED_TABLES.map(async (table) => {
      const ids = idsOf(table);
      const records = (await db.table(table).bulkGet(ids)) as (Record<string, unknown> | undefined)[];
      for (const [j, id] of ids.entries()) {
        const record = records[j];
        const stamped = clocks.get(recordKey(table, id));
        if (record) stored.set(recordKey(table, id), { fields: record, clocks: stamped?.clocks ?? {}, deleted: stamped?.deleted });
      }
    }),
  );
  return stored;
}

/**
 * Pulls page after page until caught up. The next page is already on its way while one is being
 * stored, so the network and the database work side by side; each page is still stored whole with
 * its cursor before the next one is. Returns how many changes came, and how many of this tablet's
 * own are to go again: those the endpoint turned out not to hold (restored since the push), and
 * those it refused for want of a record the pull brought.
 */
export async function pullAll(db: WaymarkDB, state: SyncState, options: SyncOptions): Promise<{ pulled: number; sentAgain: number }> {
  const request = (cursor: string | null) => {
    const answer = call<PullResponse>(state, '/pull', { protocol: PROTOCOL, cursor }, options);
    // Not awaited if storing the page before it fails: that error is the one reported.
    answer.catch(() => undefined);
    return { cursor, answer };
  };
  let pulled = 0;
  let sentAgain = 0;
  let access = state.access;
  let next = request(state.cursor);
  for (let page = 0; page < 10_000; page++) {
    let answer: PullResponse;
    try {
      answer = await next.answer;
    } catch (error) {
      // The endpoint was restored or replaced: fetch everything again. Merging is idempotent,
      // unsent changes stay in the outbox, and the answer says which delivered ones go again.
      if (error instanceof SyncProblem && error.code === 'resync' && next.cursor !== null) {
        next = request(null);
        continue;
      }
      throw error;
    }
    // The mentor now reads concerns otherwise: let go of what they are not to hold, and start again.
    if (readsOtherwise(access, answer.you, next.cursor !== null) && answer.you) {
      await letGoOfConcerns(db, answer.you);
      access = answer.you;
      next = request(null);
      continue;
    }
    access = answer.you ?? access;
    if (answer.more) next = request(answer.cursor);
    sentAgain += await applyPulled(db, answer.changes, answer.cursor, clockOf(options)(), answer);
    if (answer.received !== undefined) sentAgain += await sendAgainAbove(db, answer.received);
    pulled += answer.changes.length;
    if (!answer.more) break;
  }
  return { pulled, sentAgain };
}
