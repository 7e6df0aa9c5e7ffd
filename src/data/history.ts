import type { Revision } from '../shared/model.ts';
import type { WaymarkDB } from './db.ts';

/** What a record said before each edit, newest edit first. */
export async function historyOf(db: WaymarkDB, recordId: string): Promise<Revision[]> {
  const found = await db.revisions.where('recordId').equals(recordId).toArray();
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
