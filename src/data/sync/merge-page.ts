/**
 * Merging one pulled page into the records the tablet holds: a pure function, so the rules that
 * decide what a tablet ends up with are tested as a table, apart from IndexedDB.
 */
import { fromWire } from '../../shared/fields.ts';
import { decodeHlc, type Hlc, momentOf, receive } from '../../shared/hlc.ts';
import { type Conflict, editedAfterDelete, mergeChange, type SyncedState } from '../../shared/merge.ts';
import type { SyncedTable } from '../../shared/model.ts';
import type { PulledChange } from '../../shared/protocol.ts';
import type { ChangedAfterRemoval } from '../db.ts';

/** Where records are kept while merging: `${table}:${id}`, as the tablet's clocks are keyed. */
export const recordKey = (table: SyncedTable, id: string): string => `${table}:${id}`;

export interface MergedPage {
  /** Every record the page changed, as it now stands (its fields as the tablet stores them). */
  written: { table: SyncedTable; recordId: string; state: SyncedState }[];
  /** Values that lost a merge: kept beside their records. */
  conflicts: Conflict[];
  changedAfterRemoval: ChangedAfterRemoval[];
  /** Pupils the school erased: the tablet erases them, and everything about them, once the page is stored. */
  erased: string[];
  /** The tablet's clock after seeing every change of the page, so its next change sorts after them all. */
  clock: Hlc | undefined;
}

/**
 * Merges a page's changes, in order, into `stored` (the records the page touches, as the tablet
 * holds them; a record the tablet does not have is absent). A record changed twice in one page
 * merges twice. Nothing in `stored` is modified.
 */
export function mergePage(
  stored: ReadonlyMap<string, SyncedState>,
  changes: readonly PulledChange[],
  clock: { last: Hlc | undefined; now: number; node: string },
): MergedPage {
  const current = new Map(stored);
  const touched = new Map<string, { table: SyncedTable; recordId: string }>();
  const conflicts: Conflict[] = [];
  const changedAfterRemoval: ChangedAfterRemoval[] = [];
  const erased: string[] = [];
  let last = clock.last;
  for (const change of changes) {
    last = receive(last, decodeHlc(change.hlc), clock.now, clock.node);
    if (change.op === 'erase') {
      erased.push(change.recordId);
      continue;
    }
    const key = recordKey(change.table, change.recordId);
    const before = current.get(key);
    const merged = mergeChange(before, { ...change, op: change.op });
    // Stored under the change's own record id, whatever its values say.
    current.set(key, { ...merged.state, fields: { ...fromWire(merged.state.fields), id: change.recordId } });
    touched.set(key, { table: change.table, recordId: change.recordId });
    for (const lost of merged.lost) conflicts.push({ table: change.table, recordId: change.recordId, ...lost });
    if (editedAfterDelete(merged.state) && !(before && editedAfterDelete(before))) {
      changedAfterRemoval.push({
        key,
        table: change.table,
        recordId: change.recordId,
        changedAt: momentOf(change.hlc),
        removedAt: momentOf(merged.state.deleted ?? change.hlc),
      });
    }
  }
  const written = [...touched].map(([key, ref]) => ({ ...ref, state: current.get(key) as SyncedState }));
  return { written, conflicts, changedAfterRemoval, erased, clock: last };
}
