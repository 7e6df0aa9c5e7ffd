/**
 * Changes waiting for their record. The school refuses an edit or a removal of a record it does
 * not have (`record_not_found`): the tablet that added it has not synced since, or the school was
 * restored from a backup taken before it arrived. The refusal is for good (the change's number is
 * used up there), so the change cannot go again as it is; it waits under "needs attention",
 * saying so. Once a pull brings the record, the school has it: in the pull's transaction, the
 * refused change leaves the outbox and a new change takes its place at the end, under the next
 * number and a new id, saying what the refused one said, with its clock reading and its base, so
 * it merges as it would have the first time. It goes in the same sync.
 *
 * Only what still stands on this tablet goes again. A field whose value a later change replaced
 * here (this tablet's own, or another tablet's that won the merge, its value then kept as lost)
 * is left out: the school stores a tablet's changes in number order and may re-date this one to
 * come after its later ones (protocol section 3), and the old value would then win over the one
 * that replaced it.
 */
import { EDIT_BOOKKEEPING } from '../../shared/fields.ts';
import { newId } from '../../shared/ids.ts';
import type { SyncedState } from '../../shared/merge.ts';
import type { SyncedTable } from '../../shared/model.ts';
import type { OutboxEntry, WaymarkDB } from '../db.ts';
import { recordKey } from './merge-page.ts';
import { toPushChange } from './push.ts';

/** What the rule makes of one record's refused changes. */
export interface SentAgain {
  /** The changes to queue again, in order, each to get the next number and a new id. */
  again: Omit<OutboxEntry, 'seq' | 'changeId'>[];
  /** Waiting changes whose base named a value that is not going to the school, with the base it stood on. */
  rebased: { seq: number; base: Record<string, string | null> }[];
}

const SAYS_NOTHING_ALONE: ReadonlySet<string> = new Set(EDIT_BOOKKEEPING);

/** The reading a change is sent with (one queued before readings existed dates from when it was made). */
const readingOf = (change: OutboxEntry): string => toPushChange(change).hlc;

/**
 * The rule, for one record: `refused`, its changes the school refused for want of it, in number
 * order; `state`, the record as the tablet now holds it; `waiting`, its other changes still in the
 * outbox. A refused change keeps each field it set whose value still stands (the field's clock is
 * its reading), or stands from a later change going again with it (which then says it on top of
 * this one, as it was made). A change left with nothing but who saved it and when goes no more.
 */
export function sendAgain(refused: readonly OutboxEntry[], state: SyncedState, waiting: readonly OutboxEntry[]): SentAgain {
  const again: SentAgain['again'] = [];
  // The reading a value not going again was made on, by the reading that set it, field by field.
  const madeOn = new Map<string, Map<string, string | null>>();
  // From the last: whether a change goes decides what the ones before it may leave to it.
  const goingAgain = new Set<string>();
  for (const change of [...refused].reverse()) {
    const reading = readingOf(change);
    const going = new Set([...goingAgain, reading]);
    const stands = (field: string) => state.clocks[field] !== undefined && going.has(state.clocks[field]);
    const fields = Object.keys(change.values);
    const goes = fields.some((field) => stands(field) && !SAYS_NOTHING_ALONE.has(field));
    const values = goes ? Object.fromEntries(Object.entries(change.values).filter(([field]) => stands(field))) : {};
    for (const field of fields.filter((f) => !(f in values))) {
      madeOn.set(field, (madeOn.get(field) ?? new Map()).set(reading, change.base?.[field] ?? null));
    }
    if (!goes) continue;
    goingAgain.add(reading);
    const { rejected: _, seq: __, changeId: ___, base, ...rest } = change;
    const keptBase = base && Object.fromEntries(Object.entries(base).filter(([field]) => field in values));
    again.unshift({ ...rest, values, ...(keptBase ? { base: keptBase } : {}) });
  }
  const rebased: SentAgain['rebased'] = [];
  for (const entry of waiting) {
    if (!entry.base) continue;
    let moved = false;
    const base = Object.fromEntries(
      Object.entries(entry.base).map(([field, clock]) => {
        // A chain of values none of which goes: the first one's base is what the school has.
        const madeOnFor = madeOn.get(field);
        let reading = clock;
        const passed = new Set<string>();
        while (reading !== null && !passed.has(reading) && madeOnFor?.has(reading)) {
          passed.add(reading);
          reading = madeOnFor.get(reading) ?? null;
        }
        moved ||= reading !== clock;
        return [field, reading];
      }),
    );
    if (moved) rebased.push({ seq: entry.seq, base });
  }
  return { again, rebased };
}

/**
 * Queues again the refused changes of records a pulled page brought, in the page's transaction
 * (its scope holds the outbox and the device row); returns how many changes are to go.
 */
export async function sendAgainNowFound(
  db: WaymarkDB,
  written: readonly { table: SyncedTable; recordId: string; state: SyncedState }[],
): Promise<number> {
  const found = new Map(written.map((w) => [recordKey(w.table, w.recordId), w.state]));
  const keyOf = (e: OutboxEntry) => recordKey(e.table, e.recordId);
  const refused = await db.outbox.filter((e) => e.rejected?.code === 'record_not_found' && found.has(keyOf(e))).toArray();
  if (refused.length === 0) return 0;
  const keys = new Set(refused.map(keyOf));
  const waiting = await db.outbox.filter((e) => !e.rejected && keys.has(keyOf(e))).toArray();
  const device = await db.device.get('device');
  if (!device) return 0;
  let seq = device.lastIssuedSeq;
  const queued: OutboxEntry[] = [];
  for (const key of keys) {
    const mine = (e: OutboxEntry) => keyOf(e) === key;
    const { again, rebased } = sendAgain(refused.filter(mine), found.get(key) as SyncedState, waiting.filter(mine));
    for (const change of again) queued.push({ ...change, seq: ++seq, changeId: newId() });
    for (const { seq: waitingSeq, base } of rebased) await db.outbox.update(waitingSeq, { base });
  }
  await db.outbox.bulkDelete(refused.map((e) => e.seq));
  await db.outbox.bulkAdd(queued);
  await db.device.put({ ...device, lastIssuedSeq: seq });
  return queued.length;
}
