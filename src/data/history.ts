import type { Revision } from '../shared/model.ts';
import type { Conflict, WaymarkDB } from './db.ts';

/** What a record said before each edit, newest edit first. */
export async function historyOf(db: WaymarkDB, recordId: string): Promise<Revision[]> {
  const found = await db.revisions.where('recordId').equals(recordId).toArray();
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Values of this record that lost to another tablet's change made at the same time: kept, never dropped. */
export async function conflictsOf(db: WaymarkDB, recordId: string): Promise<Conflict[]> {
  const found = await db.conflicts.where('recordId').equals(recordId).toArray();
  return found.sort((a, b) => b.lostTo.localeCompare(a.lostTo));
}
