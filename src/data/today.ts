/** The Today screen: what wants doing now, from index ranges rather than scans of every record. */

import type { CheckIn, Pupil, Session, Target } from '../shared/model.ts';
import { supports } from '../shared/roles.ts';
import { addDaysTo, type Day, isDue, weekOf } from '../shared/schedule.ts';
import type { WaymarkDB } from './db.ts';
import { lastSeen } from './pupil-sessions.ts';
import { activePupils } from './pupils.ts';
import { localDayBounds, sessionsOn } from './sessions.ts';
import { activeTargets } from './targets.ts';

/** A pupil on the caseload who has had no session for this many days shows as "not seen lately". */
export const NOT_SEEN_DAYS = 10;

export interface DueTarget {
  target: Target;
  pupil: Pupil;
}

/** Active targets and the pupils on the caseload: they change rarely, so Today reads them once and keeps them live. */
export interface CaseloadNow {
  targets: Target[];
  pupils: Pupil[];
}

export async function caseloadNow(db: WaymarkDB, mine?: string): Promise<CaseloadNow> {
  const [targets, pupils] = await Promise.all([activeTargets(db), activePupils(db)]);
  return { targets, pupils: mine === undefined ? pupils : pupils.filter((p) => supports(p, mine)) };
}

/**
 * This week's check-ins, Monday to Sunday: only they can make a target not due today, and the
 * week is the one `isDue` counts (a check-in dated later this week counts too). Kept apart from
 * the caseload, so that a check-in tap re-reads this and nothing else.
 */
export function checkInsThisWeek(db: WaymarkDB, day: Day): Promise<CheckIn[]> {
  const week = weekOf(day);
  return db.checkIns.where('on').between(week.from, week.to, true, true).toArray();
}

/** What deciding whether a target is due needs of a check-in (a tap not yet saved has no more). */
export type DayCheckIn = Pick<CheckIn, 'targetId' | 'on' | 'deletedAt'>;

/** Active targets that want a check-in on `day`, for pupils still on the caseload. */
export function dueFrom({ targets, pupils }: CaseloadNow, checkIns: readonly DayCheckIn[], day: Day): DueTarget[] {
  const byId = new Map(pupils.map((p) => [p.id, p]));
  const checkInsByTarget = new Map<string, DayCheckIn[]>();
  for (const c of checkIns) checkInsByTarget.set(c.targetId, [...(checkInsByTarget.get(c.targetId) ?? []), c]);
  return targets
    .filter((t) => byId.has(t.pupilId) && isDue(t, day, checkInsByTarget.get(t.id) ?? []))
    .map((target) => ({ target, pupil: byId.get(target.pupilId) as Pupil }))
    .sort((a, b) => a.pupil.name.localeCompare(b.pupil.name, 'en-GB') || a.target.createdAt.localeCompare(b.target.createdAt));
}

/** Active targets whose review date has come. */
export function reviewsFrom({ targets, pupils }: CaseloadNow, day: Day): DueTarget[] {
  const byId = new Map(pupils.map((p) => [p.id, p]));
  return targets
    .filter((t) => t.reviewOn && t.reviewOn <= day && byId.has(t.pupilId))
    .map((target) => ({ target, pupil: byId.get(target.pupilId) as Pupil }));
}

export async function dueTargets(db: WaymarkDB, day: Day): Promise<DueTarget[]> {
  const [caseload, checkIns] = await Promise.all([caseloadNow(db), checkInsThisWeek(db, day)]);
  return dueFrom(caseload, checkIns, day);
}

export async function reviewsDue(db: WaymarkDB, day: Day): Promise<DueTarget[]> {
  return reviewsFrom(await caseloadNow(db), day);
}

export interface NotSeen {
  pupil: Pupil;
  /** When they were last in a session, if ever. */
  lastSeen?: string;
}

/** Pupils on the caseload with no session in the last NOT_SEEN_DAYS days, longest unseen first. */
export async function notSeenLately(db: WaymarkDB, day: Day): Promise<NotSeen[]> {
  const since = localDayBounds(addDaysTo(day, -NOT_SEEN_DAYS))[0];
  const [pupils, recent] = await Promise.all([activePupils(db), db.sessions.where('occurredAt').aboveOrEqual(since).toArray()]);
  const seen = new Set(recent.filter((s) => !s.deletedAt && !s.withdrawnAt).flatMap((s) => s.pupilIds));
  const unseen = pupils.filter((p) => !seen.has(p.id));
  const result = await Promise.all(unseen.map(async (pupil) => ({ pupil, lastSeen: await lastSeen(db, pupil.id) })));
  return result.sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? '') || a.pupil.name.localeCompare(b.pupil.name, 'en-GB'));
}

export interface TodayView {
  due: DueTarget[];
  reviews: DueTarget[];
  notSeen: NotSeen[];
  sessions: Session[];
}

export async function today(db: WaymarkDB, day: Day): Promise<TodayView> {
  const [caseload, checkIns, notSeen, sessions] = await Promise.all([
    caseloadNow(db),
    checkInsThisWeek(db, day),
    notSeenLately(db, day),
    sessionsOn(db, day),
  ]);
  return { due: dueFrom(caseload, checkIns, day), reviews: reviewsFrom(caseload, day), notSeen, sessions };
}
