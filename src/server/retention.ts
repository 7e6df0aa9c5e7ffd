/**
 * A school's retention period: how long a pupil's records are kept after their support ended.
 * Past it they are erased (see erasure.ts), as a data protection officer's retention schedule
 * says. Pure rules, in days as a mentor counts them (local calendar days).
 */
import { addMonths, format, parseISO } from 'date-fns';

/** A pupil as far as the rule needs: whether and when their support ended. */
export interface Ended {
  status: string;
  /** The day support closed (`yyyy-MM-dd`). */
  closedOn?: string;
  /** When the pupil was removed (added by mistake): their records end that day too. */
  deletedAt?: string;
}

/** The longest period the school can set: a hundred years. */
export const MAX_RETENTION_MONTHS = 1200;

/** The day a pupil's support ended, if it has: closed on its day, or removed on the day it was. */
export function supportEndedOn(pupil: Ended): string | undefined {
  if (pupil.deletedAt) return format(new Date(pupil.deletedAt), 'yyyy-MM-dd');
  if (pupil.status === 'closed') return pupil.closedOn;
  return undefined;
}

/**
 * Whether a pupil's records are due for erasure on `today`: support ended more than `months`
 * months ago. The day the period ends is still kept (closed 15 January 2020, kept a year: kept on
 * 15 January 2021, erased from the 16th); a month without that day counts to its last (31 August
 * plus six months is 28 or 29 February).
 */
export function dueForErasure(pupil: Ended, months: number, today: string): boolean {
  const ended = supportEndedOn(pupil);
  if (!ended) return false;
  return format(addMonths(parseISO(ended), months), 'yyyy-MM-dd') < today;
}

/**
 * A retention period as the IT person types it (`6 years`, `18 months`, `2y`, `off`): months,
 * null for none, or a message saying what to type.
 */
export function parseRetention(typed: string): { months: number | null } | { problem: string } {
  const words = typed.trim().toLowerCase();
  if (['off', 'none', 'never'].includes(words)) return { months: null };
  const found = words.match(/^(\d+)\s*(y|yr|yrs|years?|m|mo|months?)$/);
  const problem = `“${typed}” is not a retention period: give one such as "6 years" or "18 months", or "off".`;
  if (!found) return { problem };
  const count = Number(found[1]);
  const months = (found[2] as string).startsWith('y') ? count * 12 : count;
  if (months < 1) return { problem: 'A retention period is at least a month: give "off" to erase nothing by it.' };
  if (months > MAX_RETENTION_MONTHS) return { problem: `A retention period is at most ${MAX_RETENTION_MONTHS / 12} years.` };
  return { months };
}

/** A period in words, as the commands print it: "6 years", "18 months", "1 year". */
export function retentionInWords(months: number): string {
  if (months % 12 === 0) return months === 12 ? '1 year' : `${months / 12} years`;
  return months === 1 ? '1 month' : `${months} months`;
}
