/**
 * Delivering the outbox: the tablet's queued changes, oldest first, in batches the endpoint takes,
 * each answered change by change. A change leaves the outbox only once the endpoint has it, and is
 * kept a while after (delivered.ts) in case the endpoint is restored from an older copy.
 */
import { compareHlc, encodeHlc } from '../../shared/hlc.ts';
import { recordNotFoundWords } from '../../shared/issue-words.ts';
import { SYNCED_TABLES } from '../../shared/model.ts';
import { type ChangeResult, LIMITS, PROTOCOL, type PushChange, type PushResponse } from '../../shared/protocol.ts';
import type { OutboxEntry, SyncState, WaymarkDB } from '../db.ts';
import { ERASURE_TABLES, eraseFromTablet } from '../erase.ts';
import { forgetOldDelivered, keepDelivered, schoolTime, sendAgainAbove } from './delivered.ts';
import { call, clockOf, type SyncOptions, SyncProblem } from './transport.ts';

/** An outbox entry as the protocol sends it. */
export const toPushChange = (e: OutboxEntry): PushChange => ({
  changeId: e.changeId,
  seq: e.seq,
  table: e.table,
  recordId: e.recordId,
  op: e.op,
  values: e.values,
  // Entries queued before clock readings existed date from when they were made.
  hlc: e.hlc ?? encodeHlc({ wall: Date.parse(e.at), count: 0, node: e.deviceId }),
  ...(e.base ? { base: e.base } : {}),
});

/** A push's body stays well under the endpoint's 5 MB limit, however long the notes. */
export const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * The next changes to send, in order: at most LIMITS.pushChanges, and at most BATCH_BYTES of JSON.
 * The first always goes, whatever its size, so that a tablet never stops sending.
 */
export function takeBatch(waiting: readonly OutboxEntry[]): OutboxEntry[] {
  const batch: OutboxEntry[] = [];
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const entry of waiting) {
    const size = encoder.encode(JSON.stringify(toPushChange(entry))).length;
    if (batch.length > 0 && (bytes + size > BATCH_BYTES || batch.length === LIMITS.pushChanges)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

/**
 * Sends the outbox in order; returns how many changes the endpoint took (applied or already had).
 *
 * Told the first change a tablet holds (`resumeFrom`), an endpoint behind it moves on to it; but
 * this tablet keeps changes it delivered, which an endpoint restored from a backup may lack. So
 * the first push of a sync names none. Its answer says how far the endpoint holds this tablet's
 * changes (`received`), and every kept change above that waits again: from then on the first
 * change waiting is the first the endpoint lacks that this tablet still holds, and a push names it.
 * An endpoint that does not say (an earlier release) is told it after an out-of-order answer.
 */
export async function pushOutbox(db: WaymarkDB, state: SyncState, options: SyncOptions): Promise<number> {
  let sent = 0;
  let told = false;
  for (let round = 0; round < 1000; round++) {
    const waiting = await db.outbox
      .orderBy('seq')
      .filter((e) => !e.rejected)
      .toArray();
    // An empty push still tells the endpoint the tablet's clock and what it holds; once is enough.
    if (waiting.length === 0 && round > 0) return sent;
    const batch = takeBatch(waiting);
    const now = clockOf(options)();
    const resumeFrom: number | undefined = told ? batch[0]?.seq : undefined;
    const answer: PushResponse = await call<PushResponse>(
      state,
      '/push',
      {
        protocol: PROTOCOL,
        changes: batch.map(toPushChange),
        unsent: waiting.length,
        deviceTime: now.toISOString(),
        ...(resumeFrom === undefined ? {} : { resumeFrom }),
      },
      options,
    );
    const { outOfOrder, sentAgain } = await recordResults(db, answer, now);
    await db.sync.update('sync', { clockSkewMs: answer.clockSkewMs });
    const taken = answer.results.filter((r) => r.status !== 'rejected').length;
    sent += taken;
    // Out of order the tablet cannot mend: it named where it resumes, and nothing moved on.
    if (outOfOrder && resumeFrom !== undefined && taken === 0 && sentAgain === 0) throw new SyncProblem('out_of_order', outOfOrder);
    told ||= answer.received !== undefined || outOfOrder !== undefined;
  }
  return sent;
}

/**
 * Keeps what the endpoint took, marks what it refused, and puts back into the outbox what it says
 * it no longer holds, in one transaction; returns an out-of-order message if any, and how many
 * changes are to go again.
 */
async function recordResults(db: WaymarkDB, answer: PushResponse, now: Date): Promise<{ outOfOrder?: string; sentAgain: number }> {
  let outOfOrder: string | undefined;
  let sentAgain = 0;
  const erased = answer.results.filter((r) => r.status === 'rejected' && r.code === 'erased');
  // Erasing reaches into every table.
  const scope = erased.length
    ? ERASURE_TABLES
    : [db.outbox.name, db.delivered.name, db.recordClocks.name, ...SYNCED_TABLES.map((t) => db.table(t).name)];
  await db.transaction('rw', scope, async () => {
    if (erased.length) await letErasedGo(db, erased);
    for (const result of answer.results) {
      if (result.status === 'rejected' && result.code === 'out_of_order') outOfOrder ??= result.message;
      else if (result.status === 'rejected' && result.code === 'erased') continue;
      else if (result.status === 'rejected') {
        const { code } = result;
        // Refused for want of its record, it waits for it and goes again by itself (waiting-for-record.ts): it says so.
        await db.outbox
          .where('seq')
          .equals(result.seq)
          .modify((entry) => {
            const message = code === 'record_not_found' ? recordNotFoundWords(entry.table) : result.message;
            entry.rejected = { code, message, at: now.toISOString() };
          });
      } else {
        const entry = await db.outbox.get(result.seq);
        if (!entry) continue;
        if (result.hlc) await adoptRedatedClock(db, entry, result.hlc);
        if (result.receivedAt && entry.op === 'create') await noteReceived(db, entry, result.receivedAt, result.hlc ?? entry.hlc);
        await keepDelivered(db, entry, toPushChange(entry).hlc, result.hlc, schoolTime(now, answer.clockSkewMs));
      }
    }
    if (answer.received !== undefined) sentAgain = await sendAgainAbove(db, answer.received);
    await forgetOldDelivered(db, schoolTime(now, answer.clockSkewMs));
  });
  return { outOfOrder, sentAgain };
}

/**
 * The endpoint did not keep these changes: they were about a pupil the school erased while this
 * tablet was away. Each goes, with the tablet's own copy of its record and everything hanging off
 * it (a pupil's, all about them); the pull that follows brings the erasure of the pupil itself.
 */
async function letErasedGo(db: WaymarkDB, results: readonly ChangeResult[]): Promise<void> {
  const entries = (await db.outbox.bulkGet(results.map((r) => r.seq))).filter((e) => e !== undefined);
  await db.outbox.bulkDelete(entries.map((e) => e.seq));
  await eraseFromTablet(db, {
    pupils: entries.filter((e) => e.table === 'pupils').map((e) => e.recordId),
    records: entries.filter((e) => e.table !== 'pupils').map((e) => e.recordId),
  });
}

/**
 * The school's word for when a record this tablet made reached it: its copy here says so too, set
 * at the reading the endpoint stored the create with, as the endpoint's copy is. It is set once, by
 * the endpoint, and never sent back (it is bookkeeping, see fields.ts).
 */
async function noteReceived(db: WaymarkDB, entry: OutboxEntry, receivedAt: string, hlc: string | undefined): Promise<void> {
  const updated = await db.table(entry.table).update(entry.recordId, { receivedAt });
  const stamped = await db.recordClocks.get(`${entry.table}:${entry.recordId}`);
  if (updated && stamped && hlc) await db.recordClocks.put({ ...stamped, clocks: { ...stamped.clocks, receivedAt: hlc } });
}

/**
 * The endpoint re-dated a change (this tablet's clock runs fast, or the change came after later
 * ones of this tablet's: section 3): the fields it set take the endpoint's reading here too, so
 * this tablet merges later changes exactly as the endpoint does. The endpoint also wrote who made
 * the change (deviceId, mentorId) at its reading: where this tablet holds them from an earlier
 * reading (the change did not carry them, or another tablet's change replaced them here), they
 * become this tablet's at that reading, as on the endpoint.
 */
async function adoptRedatedClock(db: WaymarkDB, entry: OutboxEntry, hlc: string): Promise<void> {
  if (!entry.hlc) return;
  const stamped = await db.recordClocks.get(`${entry.table}:${entry.recordId}`);
  if (!stamped) return;
  for (const [field, clock] of Object.entries(stamped.clocks)) if (clock === entry.hlc) stamped.clocks[field] = hlc;
  if (stamped.deleted === entry.hlc) stamped.deleted = hlc;
  const by = { deviceId: entry.deviceId, mentorId: entry.mentorId };
  const rewritten = Object.keys(by).filter((field) => compareHlc(stamped.clocks[field] ?? '', hlc) < 0);
  for (const field of rewritten) stamped.clocks[field] = hlc;
  if (rewritten.length > 0) await db.table(entry.table).update(entry.recordId, pick(by, rewritten));
  await db.recordClocks.put(stamped);
}

const pick = <T extends object>(o: T, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(o).filter(([key]) => keys.includes(key)));
