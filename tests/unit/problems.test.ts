import { describe, expect, it } from 'vitest';
import { whyNotSaved } from '../../src/app/problems.ts';
import { NotFoundError, SaveError } from '../../src/data/save-error.ts';

const named = (name: string, message = 'Internal error.', extra: object = {}) => Object.assign(new Error(message), { name }, extra);
const STORAGE = 'Waymark could not write to the tablet’s storage. Reload Waymark, then try again.';
const FULL = 'The tablet is out of storage space: free some space, then try again.';

describe('why a save started from a button did not happen', () => {
  it.each<[string, unknown, string]>([
    [
      'a rule’s refusal, in its own words',
      new SaveError('This target has already been finished.'),
      'This target has already been finished.',
    ],
    ['a record no longer on the tablet', new NotFoundError('pupils', 'p1'), 'That record (pupils p1) is not on this tablet.'],
    ['a field the rules refuse', named('ValidationError', 'Give the target a wording.'), 'Give the target a wording.'],
    ['the storage failed under a save', new SaveError('This was not saved: Internal error.', { cause: named('UnknownError') }), STORAGE],
    ['the storage failed, not wrapped', named('UnknownError'), STORAGE],
    ['the database closed under the page', named('DatabaseClosedError', 'Database has been closed'), STORAGE],
    ['the tablet out of space', named('QuotaExceededError'), FULL],
    ['out of space, under a save', new SaveError('The tablet is out of storage space…', { cause: named('QuotaExceededError') }), FULL],
    [
      'out of space, inside an aborted transaction',
      new SaveError('…', { cause: named('AbortError', 'Aborted', { inner: named('QuotaExceededError') }) }),
      FULL,
    ],
    ['something that is not an error at all', 'nope', STORAGE],
  ])('%s', (_, error, said) => {
    expect(whyNotSaved(error)).toBe(said);
  });
});
