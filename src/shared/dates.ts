/** Dates the British way: en-GB, weeks from Monday, relative where that reads better. */
import { differenceInCalendarDays, format, formatDistanceStrict, parseISO } from 'date-fns';
import { enGB } from 'date-fns/locale/en-GB';
import type { Day } from './schedule.ts';

const opts = { locale: enGB, weekStartsOn: 1 } as const;

/** "Tuesday 24 November 2026" */
export const longDay = (day: Day): string => format(parseISO(day), 'EEEE d MMMM yyyy', opts);

/** "Tue 24 Nov" */
export const shortDay = (day: Day): string => format(parseISO(day), 'EEE d MMM', opts);

/** "today", "yesterday", "3 days ago", "in 2 days", or "Tue 24 Nov 2025" further than a fortnight away. */
export function relativeDay(day: Day, today: Day): string {
  const diff = differenceInCalendarDays(parseISO(day), parseISO(today));
  if (diff === 0) return 'today';
  if (diff === -1) return 'yesterday';
  if (diff === 1) return 'tomorrow';
  if (Math.abs(diff) <= 14) return diff < 0 ? `${-diff} days ago` : `in ${diff} days`;
  return format(parseISO(day), 'EEE d MMM yyyy', opts);
}

/** "14:05" */
export const clock = (iso: string): string => format(parseISO(iso), 'HH:mm', opts);

/** "today at 14:05", "yesterday at 09:30", "Mon 2 Nov at 11:00" */
export function relativeMoment(iso: string, now: Date): string {
  const d = parseISO(iso);
  const diff = differenceInCalendarDays(d, now);
  const when =
    diff === 0
      ? 'today'
      : diff === -1
        ? 'yesterday'
        : format(d, d.getFullYear() === now.getFullYear() ? 'EEE d MMM' : 'EEE d MMM yyyy', opts);
  return `${when} at ${clock(iso)}`;
}

/** "just now", "3 minutes ago", "3 hours ago" */
export function ago(iso: string, now: Date): string {
  const then = parseISO(iso);
  if (now.getTime() - then.getTime() < 60_000) return 'just now';
  return `${formatDistanceStrict(then, now, { locale: enGB })} ago`;
}
