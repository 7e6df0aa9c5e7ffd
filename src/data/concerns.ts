/**
 * Safeguarding concerns: every note flagged as one, for the school's Designated Safeguarding Lead.
 * Sensitive text is never indexed, so a small index of flagged notes (id and time only) is kept
 * by the two places that write sessions: `commit` and `applyPulled`.
 */
import type { Session } from '../shared/model.ts';
import type { WaymarkDB } from './db.ts';

/**
 * Keeps the concern index in step with sessions just written (`before`: as stored until then), in
 * the caller's transaction: two requests however many sessions a pull's page holds. Only a session
 * already stored can have an entry to remove; a new one that is no concern needs nothing.
 */
export async function indexConcerns(db: WaymarkDB, written: readonly { session: Session; before?: Session }[]): Promise<void> {
  const flagged = written.filter(({ session }) => session.concern && !session.deletedAt).map(({ session }) => session);
  const cleared = written
    .filter(({ session, before }) => before && !(session.concern && !session.deletedAt))
    .map(({ session }) => session.id);
  await Promise.all([
    flagged.length ? db.concernIndex.bulkPut(flagged.map((s) => ({ sessionId: s.id, occurredAt: s.occurredAt }))) : undefined,
    cleared.length ? db.concernIndex.bulkDelete(cleared) : undefined,
  ]);
}

/** Every note flagged as a concern, newest first (withdrawn ones too, marked as such). */
export async function concerns(db: WaymarkDB): Promise<Session[]> {
  const ids = await db.concernIndex.orderBy('occurredAt').reverse().primaryKeys();
  return (await db.sessions.bulkGet(ids)).filter((s): s is Session => Boolean(s && !s.deletedAt));
}
