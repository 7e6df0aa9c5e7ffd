/** Everything about one pupil for their page, from index ranges on their id. */
import type { CheckIn, Pupil, Revision, Session, Target } from '../shared/model.ts';
import { addDaysTo, type Day, weekStartOf } from '../shared/schedule.ts';
import type { KeptConflict, WaymarkDB } from './db.ts';
import { conflictsOf, eachOf, historyOf } from './history.ts';
import { sessionCountOf, standingConcernsOf } from './pupil-sessions.ts';
import { getPupil } from './pupils.ts';
import { sessionsOf } from './sessions.ts';
import { checkInsOf, targetsOf } from './targets.ts';

/** How far back the check-in strips reach. */
export const STRIP_WEEKS = 4;

export interface PupilPageView {
  pupil: Pupil;
  active: Target[];
  ended: Target[];
  /** Recent check-ins of each active target, for its strip. */
  checkIns: Map<string, CheckIn[]>;
  /** The latest sessions, newest first, as many as asked for. */
  sessions: Session[];
  /** How many of the pupil's notes raise a concern that stands. */
  concerns: number;
  /** How many sessions the pupil has been in. */
  total: number;
  /** Whether a concern (or the notice of one) about the pupil is on this tablet: its list loads only then. */
  hasConcerns: boolean;
  /** Earlier versions of each target (absent: never edited), newest first. */
  history: Map<string, Revision[]>;
  /** Values of the pupil and their active targets that lost to another tablet's change, by record id. */
  conflicts: Map<string, KeptConflict[]>;
}

export async function pupilPage(db: WaymarkDB, id: string, today: Day, notes: number): Promise<PupilPageView | null> {
  // One read transaction for the whole page, not one per request (Dexie opens one for each read
  // made outside a transaction, and the page makes a few dozen).
  return db.transaction(
    'r',
    [db.pupils, db.targets, db.checkIns, db.sessions, db.pupilSessions, db.revisions, db.conflicts, db.concerns],
    () => readPupilPage(db, id, today, notes),
  );
}

async function readPupilPage(db: WaymarkDB, id: string, today: Day, notes: number): Promise<PupilPageView | null> {
  const from = addDaysTo(weekStartOf(today), -7 * (STRIP_WEEKS - 1));
  // Everything is read side by side, what hangs off the targets once they are known: two round
  // trips to the database rather than one per target.
  const targetsRead = targetsOf(db, id);
  const perTarget = async () => {
    const targets = await targetsRead;
    const active = targets.filter((t) => t.status === 'active').map((t) => t.id);
    return Promise.all([
      Promise.all(active.map(async (t) => [t, await checkInsOf(db, t, from, today)] as const)),
      eachOf(
        db,
        targets.map((t) => t.id),
        historyOf,
      ),
      eachOf(db, [id, ...active], conflictsOf),
    ]);
  };
  const [pupil, targets, sessions, concerns, [strips, history, conflicts], total, recorded] = await Promise.all([
    getPupil(db, id),
    targetsRead,
    sessionsOf(db, id, notes),
    standingConcernsOf(db, id),
    perTarget(),
    sessionCountOf(db, id),
    db.concerns.where('pupilId').equals(id).count(),
  ]);
  if (!pupil) return null;
  const byCreated = (a: Target, b: Target) => a.createdAt.localeCompare(b.createdAt);
  const active = targets.filter((t) => t.status === 'active').sort(byCreated);
  const ended = targets.filter((t) => t.status !== 'active').sort((a, b) => (b.endedOn ?? '').localeCompare(a.endedOn ?? ''));
  return { pupil, active, ended, checkIns: new Map(strips), sessions, concerns, history, conflicts, total, hasConcerns: recorded > 0 };
}
