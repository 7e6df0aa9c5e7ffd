/** Dates the British way: en-GB, weeks from Monday, relative where that reads better. */
import { differenceInCalendarDays } from 'date-fns';
import { type Day, fromDay, pad } from './schedule.ts';

// Spelt out rather than asked of Intl.DateTimeFormat('en-GB'), whose words differ between browsers
// and versions ("Sept", "Tue, 24 Nov"), and rather than date-fns `format`, which is most of
// date-fns's weight in the first download. Short names are the first three letters.
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date that cannot be read throws, rather than showing "NaN" on screen. */
function valid(d: Date): Date {
  if (Number.isNaN(d.getTime())) throw new RangeError('Invalid time value');
  return d;
}

/** "Tue 24 Nov", with the year "Tue 24 Nov 2026", in full "Tuesday 24 November 2026". */
function spell(d: Date, { full = false, year = false } = {}): string {
  const name = (words: string[], i: number) => (full ? words[i] : words[i]?.slice(0, 3));
  return `${name(WEEKDAYS, valid(d).getDay())} ${d.getDate()} ${name(MONTHS, d.getMonth())}${year ? ` ${pad(d.getFullYear(), 4)}` : ''}`;
}

/** "Tuesday 24 November 2026" */
export const longDay = (day: Day): string => spell(fromDay(day), { full: true, year: true });

/** "Tue 24 Nov" */
export const shortDay = (day: Day): string => spell(fromDay(day));

/** "today", "yesterday", "3 days ago", "in 2 days", or "Tue 24 Nov 2025" further than a fortnight away. */
export function relativeDay(day: Day, today: Day): string {
  const diff = differenceInCalendarDays(fromDay(day), fromDay(today));
  if (diff === 0) return 'today';
  if (diff === -1) return 'yesterday';
  if (diff === 1) return 'tomorrow';
  if (Math.abs(diff) <= 14) return diff < 0 ? `${-diff} days ago` : `in ${diff} days`;
  return spell(fromDay(day), { year: true });
}

/** "14:05" */
export function clock(iso: string): string {
  const d = valid(new Date(iso));
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "today at 14:05", "yesterday at 09:30", "Mon 2 Nov at 11:00" */
export function relativeMoment(iso: string, now: Date): string {
  const d = valid(new Date(iso));
  const diff = differenceInCalendarDays(d, now);
  const when = diff === 0 ? 'today' : diff === -1 ? 'yesterday' : spell(d, { year: d.getFullYear() !== now.getFullYear() });
  return `${when} at ${clock(iso)}`;
}

const MINUTES_IN = { minute: 1, hour: 60, day: 1440, month: 43_200, year: 525_600 };

/**
 * "just now", "3 minutes ago", "3 hours ago", "2 days ago", "1 year ago": the words and rounding of
 * date-fns `formatDistanceStrict`, whose days, months and years leave out a clock change's hour.
 */
export function ago(iso: string, now: Date): string {
  const then = valid(new Date(iso));
  const minutes = (now.getTime() - then.getTime()) / 60_000;
  if (minutes < 1) return 'just now';
  const calendarMinutes = minutes + then.getTimezoneOffset() - now.getTimezoneOffset();
  const unit =
    minutes < MINUTES_IN.hour
      ? 'minute'
      : minutes < MINUTES_IN.day
        ? 'hour'
        : calendarMinutes < MINUTES_IN.month
          ? 'day'
          : calendarMinutes < MINUTES_IN.year
            ? 'month'
            : 'year';
  const count = Math.round((unit === 'minute' || unit === 'hour' ? minutes : calendarMinutes) / MINUTES_IN[unit]);
  // Twelve months read as a year.
  if (unit === 'month' && count === 12) return '1 year ago';
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}
