/** Targets: small, regular goals for one pupil, and their check-ins. */
import type { CheckIn, CheckInResult, Target } from '../shared/model.ts';
import type { Day } from '../shared/schedule.ts';
import type { Change, CommitOptions, EditOptions, NewRecord } from './commit.ts';
import type { WaymarkDB } from './db.ts';
import { commit } from './load-commit.ts';
import { SaveError } from './save-error.ts';

export type TargetInput = Omit<NewRecord<'targets'>, 'status' | 'endedOn'>;
export type TargetEdit = Partial<Pick<Target, 'wording' | 'howWeKnow' | 'rhythm' | 'weekdays' | 'startOn' | 'reviewOn'>>;

export async function setTarget(db: WaymarkDB, input: TargetInput, options?: CommitOptions): Promise<string> {
  const [id] = await commit(db, [{ op: 'create', table: 'targets', record: { ...input, status: 'active' } }], options);
  return id as string;
}

/** Rewords or reschedules a target; the earlier wording is kept as a revision. */
export async function reviseTarget(db: WaymarkDB, id: string, patch: TargetEdit, { base, ...options }: EditOptions = {}): Promise<void> {
  await commit(db, [{ op: 'update', table: 'targets', id, patch, base }], options);
}

/**
 * Marks a target achieved or dropped and, when given, sets the next one in the same save, so the
 * pupil is never left between targets by a half-finished tap.
 */
export async function endTarget(
  db: WaymarkDB,
  id: string,
  outcome: { status: 'achieved' | 'dropped'; endedOn: Day },
  next?: Omit<TargetInput, 'follows'>,
  options?: CommitOptions,
): Promise<string | undefined> {
  const ids = await commit(
    db,
    async () => {
      // A second tap on "Save" must not set a second "next" target.
      if ((await getTarget(db, id))?.status !== 'active') throw new SaveError('This target has already been finished.');
      const changes: Change[] = [{ op: 'update', table: 'targets', id, patch: outcome }];
      if (next) changes.push({ op: 'create', table: 'targets', record: { ...next, status: 'active', follows: id } });
      return changes;
    },
    options,
  );
  return next ? ids[1] : undefined;
}

/** Removes a target set by mistake (a tombstone, so the removal syncs). */
export async function removeTarget(db: WaymarkDB, id: string): Promise<void> {
  await commit(db, [{ op: 'delete', table: 'targets', id }]);
}

export interface CheckInTap {
  targetId: string;
  pupilId: string;
  on: Day;
  result: CheckInResult;
  word?: string;
  sessionId?: string;
}

/** What a check-in was before a tap changed it, so the tap can be undone. */
export type CheckInBefore = Pick<CheckIn, 'result' | 'word' | 'sessionId'>;

/**
 * The change one check-in tap makes: a new check-in, or, if this tablet already checked the
 * target in on that day, a change to that one (a second tap corrects the first, it does not
 * count twice).
 */
export async function checkInChange(db: WaymarkDB, tap: CheckInTap): Promise<{ change: Change; before?: CheckInBefore }> {
  const sameDay = (await db.checkIns.where('[targetId+on]').equals([tap.targetId, tap.on]).toArray()).filter((c) => !c.deletedAt);
  const existing = sameDay.at(-1);
  if (existing) {
    const patch = { result: tap.result, word: tap.word ?? existing.word, sessionId: tap.sessionId ?? existing.sessionId };
    return {
      change: { op: 'update', table: 'checkIns', id: existing.id, patch },
      before: { result: existing.result, word: existing.word, sessionId: existing.sessionId },
    };
  }
  return { change: { op: 'create', table: 'checkIns', record: { ...tap, word: tap.word ?? '' } } };
}

export interface CheckInDone {
  id: string;
  /** Set when the tap corrected an earlier check-in that day. */
  before?: CheckInBefore;
}

export async function checkIn(db: WaymarkDB, tap: CheckInTap, options?: CommitOptions): Promise<CheckInDone> {
  let before: CheckInBefore | undefined;
  const [id] = await commit(
    db,
    async () => {
      const planned = await checkInChange(db, tap);
      before = planned.before;
      return [planned.change];
    },
    options,
  );
  return { id: id as string, before };
}

/** Takes back a check-in tap: removes a new check-in, or puts a corrected one back as it was. */
export async function undoCheckIn(db: WaymarkDB, done: CheckInDone): Promise<void> {
  await commit(db, [
    done.before ? { op: 'update', table: 'checkIns', id: done.id, patch: done.before } : { op: 'delete', table: 'checkIns', id: done.id },
  ]);
}

export async function targetsOf(db: WaymarkDB, pupilId: string): Promise<Target[]> {
  return (await db.targets.where('pupilId').equals(pupilId).toArray()).filter((t) => !t.deletedAt);
}

export async function activeTargets(db: WaymarkDB): Promise<Target[]> {
  return (await db.targets.where('status').equals('active').toArray()).filter((t) => !t.deletedAt);
}

/** A target's check-ins between two days, inclusive (an index range, never a scan). */
export async function checkInsOf(db: WaymarkDB, targetId: string, from: Day, to: Day): Promise<CheckIn[]> {
  return (await db.checkIns.where('[targetId+on]').between([targetId, from], [targetId, to], true, true).toArray()).filter(
    (c) => !c.deletedAt,
  );
}

export async function getTarget(db: WaymarkDB, id: string): Promise<Target | undefined> {
  const t = await db.targets.get(id);
  return t && !t.deletedAt ? t : undefined;
}
