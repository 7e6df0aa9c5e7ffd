/**
 * Which sessions each pupil was in, and when: a small index (ids, time and two flags, never the
 * note) kept by the two places that write sessions, `commit` and `applyPulled`, in the same
 * transaction as the session. Three years in, a pupil has hundreds of notes; their page, and
 * Today's "not seen lately", read a few rows of this instead of every note.
 */
import type { Session } from '../shared/model.ts';
import type { PupilSession, WaymarkDB } from './db.ts';

/** The index rows a stored session should have: one per pupil in it, none once it is removed. */
export function pupilSessionRows(session: Session): PupilSession[] {
  if (session.deletedAt) return [];
  return [...new Set(session.pupilIds)].map((pupilId) => ({
    pupilId,
    sessionId: session.id,
    occurredAt: session.occurredAt,
    withdrawn: Boolean(session.withdrawnAt),
    // Only on a concern, so that the concern indexes hold these rows and no others.
    ...(session.concern ? { concern: 1 as const } : {}),
  }));
}

/** The rows to write and the keys to remove when `session` replaces `before` (undefined for a new session). */
export function pupilSessionChanges(session: Session, before?: Pick<Session, 'pupilIds'>) {
  const rows = pupilSessionRows(session);
  const kept = new Set(rows.map((r) => r.pupilId));
  const gone = (before?.pupilIds ?? []).filter((p) => !kept.has(p)).map((p): [string, string] => [p, session.id]);
  return { rows, gone };
}

/** Keeps the index in step with sessions just written, in the caller's transaction: `commit` and `applyPulled` call it. */
export async function indexSessions(db: WaymarkDB, written: readonly { session: Session; before?: Pick<Session, 'pupilIds'> }[]) {
  const changes = written.map(({ session, before }) => pupilSessionChanges(session, before));
  const gone = changes.flatMap((c) => c.gone);
  const rows = changes.flatMap((c) => c.rows);
  // Removals first: IndexedDB runs a transaction's requests in order.
  await Promise.all([
    gone.length ? db.pupilSessions.bulkDelete(gone) : undefined,
    rows.length ? db.pupilSessions.bulkPut(rows) : undefined,
  ]);
}

/** A pupil's index rows, newest first. */
export const pupilSessionRange = (db: WaymarkDB, pupilId: string) =>
  db.pupilSessions.where('[pupilId+occurredAt]').between([pupilId, ''], [pupilId, '\uffff'], true, true).reverse();

/** How many sessions a pupil has been in, counted by the index without reading a row. */
export const sessionCountOf = (db: WaymarkDB, pupilId: string): Promise<number> => pupilSessionRange(db, pupilId).count();

/** How many of a pupil's notes raise a concern that stands, not withdrawn (a handful of index rows). */
export const standingConcernsOf = (db: WaymarkDB, pupilId: string): Promise<number> =>
  db.pupilSessions
    .where('[pupilId+concern]')
    .equals([pupilId, 1])
    .filter((r) => !r.withdrawn)
    .count();

/** When the pupil was last in a session that still stands (withdrawn notes do not count), if ever. */
export async function lastSeen(db: WaymarkDB, pupilId: string): Promise<string | undefined> {
  return (
    await pupilSessionRange(db, pupilId)
      .filter((r) => !r.withdrawn)
      .first()
  )?.occurredAt;
}
