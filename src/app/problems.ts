/** What the mentor is told when the tablet's storage lets the page down: a save refused, a screen unread. */
import { SaveError } from '../data/index.ts';

const names = (error: unknown): (string | undefined)[] => {
  const cause = (error as { cause?: unknown })?.cause;
  return [error, cause, (error as { inner?: unknown })?.inner, (cause as { inner?: unknown })?.inner].map(
    (e) => (e as Error | undefined)?.name,
  );
};

/**
 * Why a save started from a button did not happen, for a toast: a rule's refusal in its own words
 * (the data layer's SaveErrors with no cause, and validation), or what to do when the storage
 * itself failed (the data layer keeps that failure as the SaveError's cause).
 */
export function whyNotSaved(error: unknown): string {
  if (names(error).includes('QuotaExceededError')) return 'The tablet is out of storage space: free some space, then try again.';
  const isRule = (error instanceof SaveError && error.cause === undefined) || (error as Error | undefined)?.name === 'ValidationError';
  if (isRule) return (error as Error).message;
  return 'Waymark could not write to the tablet’s storage. Reload Waymark, then try again.';
}

/**
 * A screen's live query failed (the tablet's storage closed or broke under the page). Thrown while
 * the screen is drawn, so that the screen's ReadProblem says so instead of "Loading" for good.
 */
export class ReadFailed extends Error {
  constructor(cause: unknown) {
    super(`A screen's records could not be read: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ReadFailed';
  }
}
