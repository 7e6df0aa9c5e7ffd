/** Everything about one pupil for their page, from index ranges on their id. */
import type { CheckIn, Pupil, Session, Target } from '../shared/model.ts';
import { addDaysTo, type Day, weekStartOf } from '../shared/schedule.ts';
import type { WaymarkDB } from './db.ts';
import { sessionCountsOf } from './pupil-sessions.ts';
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
  /** Every session the pupil has been in, and the notes among them that raise a concern. */
  counts: { sessions: number; concerns: number };
}

export async function pupilPage(db: WaymarkDB, id: string, today: Day, notes: number): Promise<PupilPageView | null> {
  const from = addDaysTo(weekStartOf(today), -7 * (STRIP_WEEKS - 1));
  // Everything is read side by side, strips once the targets are known: two round trips to the
  // database rather than four.
  const stripsOf = async (targets: Promise<Target[]>) =>
    Promise.all(
      (await targets).filter((t) => t.status === 'active').map(async (t) => [t.id, await checkInsOf(db, t.id, from, today)] as const),
    );
  const targetsRead = targetsOf(db, id);
  const [pupil, targets, sessions, counts, strips] = await Promise.all([
    getPupil(db, id),
    targetsRead,
    sessionsOf(db, id, notes),
    sessionCountsOf(db, id),
    stripsOf(targetsRead),
  ]);
  if (!pupil) return null;
  const byCreated = (a: Target, b: Target) => a.createdAt.localeCompare(b.createdAt);
  const active = targets.filter((t) => t.status === 'active').sort(byCreated);
  const ended = targets.filter((t) => t.status !== 'active').sort((a, b) => (b.endedOn ?? '').localeCompare(a.endedOn ?? ''));
  return { pupil, active, ended, checkIns: new Map(strips), sessions, counts };
}
