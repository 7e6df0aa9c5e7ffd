/**
 * When a target wants a check-in. Pure functions over calendar days (`yyyy-MM-dd`), so the same
 * answer comes out on the tablet, on the server and in tests, whatever the time zone.
 *
 * - daily: every school day, Monday to Friday.
 * - weekdays: the chosen ISO weekdays (1 = Monday … 7 = Sunday).
 * - weekly: once in each week, due from Monday until checked in. A week runs Monday to Sunday
 *   (`weekOf`): a check-in on the Sunday counts for the week that Sunday ends. Whether a target
 *   is due and the strip's weekly cells both ask `weekOf`, so they always agree.
 */
import { addDays, getISODay, startOfISOWeek } from 'date-fns';
import type { CheckIn, Target } from './model.ts';

export type Day = string;

export const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// Written by hand rather than with date-fns `format` and `parseISO`: they are most of date-fns's
// weight in the first download, and a day is only ever `yyyy-MM-dd`.
export function toDay(date: Date): Day {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid time value');
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight at the start of the day; an Invalid Date for a day that does not exist. */
export function fromDay(day: Day): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  // setFullYear, unlike the Date constructor, leaves years before 100 as they are.
  date.setFullYear(y, m - 1, d);
  date.setHours(0, 0, 0, 0);
  return date.getMonth() === m - 1 && date.getDate() === d ? date : new Date(Number.NaN);
}
export const addDaysTo = (day: Day, n: number): Day => toDay(addDays(fromDay(day), n));

/** The week a day falls in, as its first and last day: Monday to Sunday, both included. */
export function weekOf(day: Day): { from: Day; to: Day } {
  const from = toDay(startOfISOWeek(fromDay(day)));
  return { from, to: addDaysTo(from, 6) };
}
/** The Monday of the week a day falls in. */
export const weekStartOf = (day: Day): Day => weekOf(day).from;

type Scheduled = Pick<Target, 'rhythm' | 'weekdays' | 'startOn' | 'status' | 'deletedAt'>;

/** Whether the target's rhythm asks for a check-in on this day at all (ignoring check-ins made). */
export function isCheckInDay(target: Scheduled, day: Day): boolean {
  if (target.status !== 'active' || target.deletedAt || day < target.startOn) return false;
  const weekday = getISODay(fromDay(day));
  switch (target.rhythm) {
    case 'daily':
      return weekday <= 5;
    case 'weekdays':
      return target.weekdays.includes(weekday);
    case 'weekly':
      return true;
  }
}

/**
 * Whether a target is due for a check-in on `day`, given that target's check-ins (any range that
 * covers the day's week is enough).
 */
export function isDue(target: Scheduled, day: Day, checkIns: readonly Pick<CheckIn, 'on' | 'deletedAt'>[]): boolean {
  if (!isCheckInDay(target, day)) return false;
  const live = checkIns.filter((c) => !c.deletedAt);
  if (target.rhythm === 'weekly') {
    const { from, to } = weekOf(day);
    return !live.some((c) => c.on >= from && c.on <= to);
  }
  return !live.some((c) => c.on === day);
}

export interface StripCell {
  /** The day (or, for weekly targets, the Monday of the week) this cell stands for. */
  day: Day;
  /** Whether the rhythm asked for a check-in here. */
  expected: boolean;
  /** The latest check-in in the cell, if any. */
  result?: CheckIn['result'];
  word?: string;
}

/**
 * The check-in strip shown beside a target: the last `weeks` weeks up to `today`, a cell per
 * check-in day (per week for weekly targets), oldest first.
 */
export function checkInStrip(
  target: Pick<Target, 'rhythm' | 'weekdays' | 'startOn'>,
  checkIns: readonly CheckIn[],
  today: Day,
  weeks = 4,
): StripCell[] {
  const live = checkIns.filter((c) => !c.deletedAt).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  const active = { ...target, status: 'active' as const, deletedAt: undefined };
  const cells: StripCell[] = [];
  const firstMonday = addDaysTo(weekStartOf(today), -7 * (weeks - 1));
  if (target.rhythm === 'weekly') {
    for (let w = 0; w < weeks; w++) {
      const { from, to } = weekOf(addDaysTo(firstMonday, 7 * w));
      const last = live.filter((c) => c.on >= from && c.on <= to).at(-1);
      cells.push({ day: from, expected: to >= target.startOn, result: last?.result, word: last?.word || undefined });
    }
    return cells;
  }
  for (let d = firstMonday; d <= today; d = addDaysTo(d, 1)) {
    const last = live.filter((c) => c.on === d).at(-1);
    const expected = isCheckInDay(active, d);
    if (expected || last) cells.push({ day: d, expected, result: last?.result, word: last?.word || undefined });
  }
  return cells;
}
