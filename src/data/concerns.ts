/**
 * Safeguarding concerns: every note flagged as one, for the school's Designated Safeguarding Lead.
 * Sensitive text is never indexed: the list is read from the pupils-in-sessions index
 * (pupil-sessions.ts), whose rows of flagged notes carry `concern`.
 */
import type { Session } from '../shared/model.ts';
import type { WaymarkDB } from './db.ts';

/** Every note flagged as a concern, newest first (withdrawn ones too, marked as such). */
export async function concerns(db: WaymarkDB): Promise<Session[]> {
  const rows = await db.pupilSessions.where('[concern+occurredAt]').between([1, ''], [1, '\uffff'], true, true).reverse().toArray();
  // A group session has a row for each pupil in it: its note is listed once.
  const ids = [...new Set(rows.map((r) => r.sessionId))];
  return (await db.sessions.bulkGet(ids)).filter((s): s is Session => Boolean(s && !s.deletedAt));
}
