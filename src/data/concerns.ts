/**
 * Safeguarding concerns: every note flagged as one, for the school's Designated Safeguarding Lead.
 * Sensitive text is never indexed: the list is read from the pupils-in-sessions index
 * (pupil-sessions.ts), whose rows of flagged notes carry `concern`.
 */
import { actionProblem, type Queue, URGENCIES, urgencyIn } from '../shared/concerns.ts';
import {
  type Concern,
  type ConcernAction,
  type ConcernNotice,
  isNotice,
  type Revision,
  type Session,
  ValidationError,
} from '../shared/model.ts';
import type { CommitOptions, NewRecord } from './commit.ts';
import type { WaymarkDB } from './db.ts';
import { historyOf } from './history.ts';
import { commit } from './load-commit.ts';
import { NotFoundError } from './save-error.ts';
import { queueOf, syncState } from './sync-state.ts';

/** Every note flagged as a concern, newest first (withdrawn ones too, marked as such). */
export async function concerns(db: WaymarkDB): Promise<Session[]> {
  const rows = await db.pupilSessions.where('[concern+occurredAt]').between([1, ''], [1, '\uffff'], true, true).reverse().toArray();
  // A group session has a row for each pupil in it: its note is listed once.
  const ids = [...new Set(rows.map((r) => r.sessionId))];
  return (await db.sessions.bulkGet(ids)).filter((s): s is Session => Boolean(s && !s.deletedAt));
}

export type ConcernInput = NewRecord<'concerns'>;
export type ConcernActionInput = Omit<NewRecord<'concernActions'>, 'pupilId'>;

/** Records a safeguarding concern about a pupil. It goes to the DSL at the next sync. */
export async function recordConcern(db: WaymarkDB, input: ConcernInput, options?: CommitOptions): Promise<string> {
  const [id] = await commit(db, [{ op: 'create', table: 'concerns', record: input }], options);
  return id as string;
}

/** The DSL records what was done about a concern (append-only: a later action follows up an earlier one). */
export async function recordConcernAction(db: WaymarkDB, input: ConcernActionInput, options?: CommitOptions): Promise<string> {
  const [id] = await commit(
    db,
    async () => {
      const [concern, actions] = await Promise.all([
        db.concerns.get(input.concernId),
        db.concernActions.where('concernId').equals(input.concernId).toArray(),
      ]);
      if (!concern) throw new NotFoundError('concerns', input.concernId);
      const problem = actionProblem(actions, input);
      if (problem) throw new ValidationError([problem]);
      return [{ op: 'create', table: 'concernActions', record: { ...input, pupilId: concern.pupilId } }];
    },
    options,
  );
  return id as string;
}

/** A concern as this tablet holds it (its text, or only the notice that it was recorded), with what the DSL did about it, oldest first. */
export async function concernWithActions(
  db: WaymarkDB,
  id: string,
): Promise<{ concern: Concern | ConcernNotice; actions: ConcernAction[] } | undefined> {
  const [concern, actions] = await Promise.all([db.concerns.get(id), db.concernActions.where('concernId').equals(id).toArray()]);
  if (!concern) return undefined;
  return { concern, actions: isNotice(concern) ? [] : actions.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
}

/**
 * Records, for the audit trail, that this tablet's mentor opened a concern's text: offline too, and
 * it syncs like any record. A notice (a concern this mentor may not read) opens nothing.
 */
export async function noteConcernOpened(db: WaymarkDB, concernId: string, options?: CommitOptions): Promise<void> {
  await commit(
    db,
    async () => {
      const concern = await db.concerns.get(concernId);
      if (!concern || isNotice(concern)) return [];
      return [{ op: 'create', table: 'concernOpenings', record: { concernId, pupilId: concern.pupilId } }];
    },
    options,
  );
}

/** A concern as a list shows it: the concern (or its notice), where it stands, and whether the DSL has it yet. */
export interface ConcernSummary {
  concern: Concern | ConcernNotice;
  actions: ConcernAction[];
  /** Still in this tablet's outbox: the school, and so the DSL, has not got it. */
  waiting: boolean;
  /** The mentors who have opened it, as the records of its openings this tablet holds say (the DSLs' tablets hold every one). */
  openedBy: Set<string>;
}

async function summaries(db: WaymarkDB, concerns: (Concern | ConcernNotice)[]): Promise<ConcernSummary[]> {
  const ids = concerns.map((c) => c.id);
  const [actions, queued, openings] = await Promise.all([
    db.concernActions.where('concernId').anyOf(ids).toArray(),
    db.outbox.filter((e) => e.table === 'concerns' && e.op === 'create' && !e.rejected).toArray(),
    db.concernOpenings.where('concernId').anyOf(ids).toArray(),
  ]);
  const waiting = new Set(queued.map((e) => e.recordId));
  return concerns.map((concern) => ({
    concern,
    actions: actions.filter((a) => a.concernId === concern.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    waiting: waiting.has(concern.id),
    openedBy: new Set(openings.flatMap((o) => (o.concernId === concern.id ? [o.authorId ?? o.mentorId ?? ''] : []))),
  }));
}

/** A pupil's concerns as this tablet holds them, newest first. */
export async function concernsAbout(db: WaymarkDB, pupilId: string): Promise<ConcernSummary[]> {
  const concerns = await db.concerns.where('pupilId').equals(pupilId).toArray();
  return summaries(
    db,
    concerns.sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  );
}

/** Every concern whose text this tablet holds, newest first: the DSL's list. */
export async function concernRecords(db: WaymarkDB): Promise<ConcernSummary[]> {
  const concerns = (await db.concerns.toArray()).filter((c) => !isNotice(c));
  return summaries(
    db,
    concerns.sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  );
}

/**
 * One concern's page: the concern and its actions, whether the DSL has it yet, its earlier
 * versions, and this tablet's id (whose versions are its own).
 */
export async function concernPage(
  db: WaymarkDB,
  id: string,
): Promise<(ConcernSummary & { history: Revision[]; thisTablet?: string }) | undefined> {
  const [held, device, history] = await Promise.all([concernWithActions(db, id), db.device.get('device'), historyOf(db, id, 'concerns')]);
  if (!held) return undefined;
  const [summary] = await summaries(db, [held.concern]);
  return {
    ...(summary as ConcernSummary),
    actions: held.actions,
    history: isNotice(held.concern) ? [] : history,
    ...(device ? { thisTablet: device.deviceId } : {}),
  };
}

/** Overdue first, then new, then not acknowledged, then open, then closed; within each, the longest waiting first. */
export function forTheDsl(list: readonly ConcernSummary[], q: Queue): ConcernSummary[] {
  const rank = (s: ConcernSummary) => URGENCIES.indexOf(urgencyIn(s, q));
  // How long each has waited, by the school's clock where it can be.
  const since = (s: ConcernSummary) => ('receivedAt' in s.concern ? s.concern.receivedAt : undefined) ?? s.concern.createdAt;
  return [...list].sort((a, b) => rank(a) - rank(b) || since(a).localeCompare(since(b)));
}

/** Every concern whose text this tablet holds, in the DSL's order, with what ordered it. */
export async function dslQueue(db: WaymarkDB, now = new Date()): Promise<{ queue: ConcernSummary[]; q: Queue }> {
  const state = await syncState(db);
  const q = queueOf(state, now);
  return { queue: forTheDsl(await concernRecords(db), q), q };
}
