/** Sessions and their notes: written once, edited with history kept, withdrawn but never erased. */
import type { Addendum, Session } from '../shared/model.ts';
import { type Day, toDay } from '../shared/schedule.ts';
import type { Change, CommitOptions, EditOptions, NewRecord } from './commit.ts';
import type { WaymarkDB } from './db.ts';
import { commit, newId } from './load-commit.ts';
import { pupilSessionRange } from './pupil-sessions.ts';
import { SaveError } from './save-error.ts';
import { type CheckInTap, checkInChange } from './targets.ts';

export type SessionInput = Omit<NewRecord<'sessions'>, 'withdrawnAt' | 'withdrawnReason'>;
export type SessionEdit = Partial<
  Pick<Session, 'kind' | 'occurredAt' | 'minutes' | 'title' | 'pupilIds' | 'note' | 'concern' | 'concernClearedReason'>
>;
export type ReviewedTarget = Omit<CheckInTap, 'sessionId' | 'on'>;

/**
 * Records a session, its note and the check-ins of the targets reviewed in it, in one save. The
 * check-ins are dated on the day the session happened, which may be before the day it is written.
 */
export async function recordSession(
  db: WaymarkDB,
  input: SessionInput,
  reviewed: readonly ReviewedTarget[] = [],
  options?: CommitOptions,
): Promise<string> {
  const id = input.id ?? (await newId());
  const on = toDay(new Date(input.occurredAt));
  const [sessionId] = await commit(
    db,
    async () => {
      const changes: Change[] = [{ op: 'create', table: 'sessions', record: { ...input, id } }];
      for (const r of reviewed) changes.push((await checkInChange(db, { ...r, on, sessionId: id })).change);
      return changes;
    },
    options,
  );
  return sessionId as string;
}

/** A withdrawn note stays as it was withdrawn: it can be read, not changed. */
async function stillOpen(db: WaymarkDB, id: string): Promise<void> {
  const session = await getSession(db, id);
  if (session?.withdrawnAt) throw new SaveError('This note was withdrawn, so it can no longer be changed.');
}

/** Edits a session or its note; what it said before is kept in its history. */
export async function editSession(db: WaymarkDB, id: string, patch: SessionEdit, { base, ...options }: EditOptions = {}): Promise<void> {
  await commit(
    db,
    async () => {
      await stillOpen(db, id);
      return [{ op: 'update', table: 'sessions', id, patch, base }];
    },
    options,
  );
}

/** A note written by mistake is withdrawn, with a reason; it stays in the record, marked. */
export async function withdrawSession(db: WaymarkDB, id: string, reason: string, now = new Date()): Promise<void> {
  await commit(
    db,
    async () => {
      await stillOpen(db, id);
      return [{ op: 'update', table: 'sessions', id, patch: { withdrawnAt: now.toISOString(), withdrawnReason: reason } }];
    },
    { now },
  );
}

export async function getSession(db: WaymarkDB, id: string): Promise<Session | undefined> {
  const s = await db.sessions.get(id);
  return s && !s.deletedAt ? s : undefined;
}

/** A pupil's sessions, newest first: the latest `limit` of them, or all. */
export async function sessionsOf(db: WaymarkDB, pupilId: string, limit?: number): Promise<Session[]> {
  const range = pupilSessionRange(db, pupilId);
  const rows = await (limit === undefined ? range : range.limit(limit)).toArray();
  const found = await db.sessions.bulkGet(rows.map((r) => r.sessionId));
  return found.filter((s): s is Session => Boolean(s && !s.deletedAt));
}

/** Sessions that happened on a local calendar day, earliest first. */
export async function sessionsOn(db: WaymarkDB, day: Day): Promise<Session[]> {
  const [from, to] = localDayBounds(day);
  const found = await db.sessions.where('occurredAt').between(from, to, true, false).toArray();
  return found.filter((s) => !s.deletedAt).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

/** The UTC instants that bound a local calendar day, as stored in `occurredAt`. */
export function localDayBounds(day: Day): [string, string] {
  const start = new Date(`${day}T00:00:00`);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return [start.toISOString(), end.toISOString()];
}

/** The check-ins made during a session. */
export async function checkInsIn(db: WaymarkDB, sessionId: string) {
  return (await db.checkIns.where('sessionId').equals(sessionId).toArray()).filter((c) => !c.deletedAt);
}

/** Adds an addendum to a note: what another mentor adds to it (a note is changed only by its author). */
export async function addAddendum(db: WaymarkDB, sessionId: string, note: string, options?: CommitOptions): Promise<void> {
  await commit(
    db,
    async () => {
      await stillOpen(db, sessionId);
      return [{ op: 'create', table: 'addenda', record: { sessionId, note } }];
    },
    options,
  );
}

/** A note's addenda, oldest first. */
export async function addendaOf(db: WaymarkDB, sessionId: string): Promise<Addendum[]> {
  const found = await db.addenda.where('sessionId').equals(sessionId).toArray();
  return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
