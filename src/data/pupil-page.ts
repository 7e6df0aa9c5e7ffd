/** Everything about one pupil for their page, from index ranges on their id. */
import type { CheckIn, Pupil, Session, Target } from '../shared/model.ts';
import { addDaysTo, type Day, weekStartOf } from '../shared/schedule.ts';
import type { WaymarkDB } from './db.ts';
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
  sessions: Session[];
}

export async function pupilPage(db: WaymarkDB, id: string, today: Day): Promise<PupilPageView | null> {
  const pupil = await getPupil(db, id);
  if (!pupil) return null;
  const from = addDaysTo(weekStartOf(today), -7 * (STRIP_WEEKS - 1));
  const [targets, sessions] = await Promise.all([targetsOf(db, id), sessionsOf(db, id)]);
  const byCreated = (a: Target, b: Target) => a.createdAt.localeCompare(b.createdAt);
  const active = targets.filter((t) => t.status === 'active').sort(byCreated);
  const ended = targets.filter((t) => t.status !== 'active').sort((a, b) => (b.endedOn ?? '').localeCompare(a.endedOn ?? ''));
  const strips = await Promise.all(active.map(async (t) => [t.id, await checkInsOf(db, t.id, from, today)] as const));
  return { pupil, active, ended, checkIns: new Map(strips), sessions };
}
