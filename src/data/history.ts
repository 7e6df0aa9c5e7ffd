import type { Revision, SyncedTable } from '../shared/model.ts';
import type { KeptConflict, WaymarkDB } from './db.ts';

/** A record as an edit form opens on it: its fields, and the clock of each (its `base`, see commit.ts). */
export interface Editing<T> {
  record: T;
  clocks: Record<string, string>;
}

/** The record `get` finds, with its field clocks, read together; null when there is none. */
export async function forEditing<T>(
  db: WaymarkDB,
  table: SyncedTable,
  id: string,
  get: (db: WaymarkDB, id: string) => Promise<T | undefined>,
): Promise<Editing<T> | null> {
  return db.transaction('r', [db.table(table), db.recordClocks], async () => {
    const [record, stamped] = await Promise.all([get(db, id), db.recordClocks.get(`${table}:${id}`)]);
    return record ? { record, clocks: stamped?.clocks ?? {} } : null;
  });
}

/** What a record of `table` said before each edit, newest edit first (an earlier version naming another table is not its). */
export async function historyOf(db: WaymarkDB, recordId: string, table?: SyncedTable): Promise<Revision[]> {
  const found = (await db.revisions.where('recordId').equals(recordId).toArray()).filter((r) => table === undefined || r.table === table);
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Values of this record that lost to another tablet's change made at the same time: kept, never dropped. */
export async function conflictsOf(db: WaymarkDB, recordId: string): Promise<KeptConflict[]> {
  const found = await db.conflicts.where('recordId').equals(recordId).toArray();
  return found.sort((a, b) => b.lostTo.localeCompare(a.lostTo));
}

/**
 * `read` for each record, all requests sent at once, by record id. A screen showing many records
 * reads their histories or conflicts here, inside its own query, rather than watching each one by
 * itself: a pupil's page with a dozen targets is then one query, not a dozen (each its own
 * transaction and its own redraw).
 */
export async function eachOf<T>(
  db: WaymarkDB,
  recordIds: readonly string[],
  read: (db: WaymarkDB, recordId: string) => Promise<T[]>,
): Promise<Map<string, T[]>> {
  const found = await Promise.all(recordIds.map(async (id) => [id, await read(db, id)] as const));
  return new Map(found.filter(([, rows]) => rows.length > 0));
}
