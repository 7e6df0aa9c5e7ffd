/**
 * The words a refusal is given in. Every rule a mentor can break says so in its own message
 * (validation.ts); what is left are the shapes only a faulty tablet or another program sends (a
 * field missing, a list where text belongs), for which the validation library's own text is for
 * programmers ("Invalid key: Expected "name" but received undefined"). These say it in words,
 * naming the field as the mentor's form does.
 */
import type * as v from 'valibot';
import { LABELS } from './field-labels.ts';

/** What a value of each type is, in words. */
const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of named values',
  record: 'a set of named values',
  integer: 'a whole number',
};

/** Where an issue is: "Change 3: Contact 2: Phone", as a person reads it. */
function place(path: v.BaseIssue<unknown>['path'], field?: string): string {
  const keys = [...(field === undefined ? [] : [field]), ...(path ?? []).map((p) => p.key)];
  const words: string[] = [];
  keys.forEach((key, i) => {
    if (typeof key === 'number') {
      const list = keys[i - 1];
      if (list === 'changes') words.splice(-1, 1, `Change ${key + 1}`);
      else if (list === 'contacts') words.splice(-1, 1, `Contact ${key + 1}`);
      else words.push(`item ${key + 1}`);
    } else words.push(LABELS[String(key)] ?? `“${String(key)}”`);
  });
  return words.join(': ');
}

/**
 * One issue in words a mentor reads: its own message when the rule has one, else what is wrong and
 * where. `field` names the field an issue is about when one field's value was checked alone.
 */
export function inWords(issue: v.BaseIssue<unknown>, field?: string): string {
  const where = place(issue.path, field);
  // Valibot's own messages all start so; none that Waymark gives its rules does.
  if (!issue.message.startsWith('Invalid ')) {
    // A rule's own message names its field already; in a push, it is told which change it is about.
    const [first, second] = issue.path ?? [];
    return first?.key === 'changes' && typeof second?.key === 'number' ? `Change ${second.key + 1}: ${issue.message}` : issue.message;
  }
  const what = where || 'The request';
  // A key left out, or there with nothing in it (a tablet's own record, before it is sent as JSON).
  if (issue.received === 'undefined' && issue.path?.length) return `${what} is missing.`;
  if (issue.type === 'picklist') return `${what} is not one Waymark knows (${issue.received}).`;
  const kind = KINDS[issue.type];
  return kind ? `${what} must be ${kind}.` : `${what} is not in a form Waymark can read.`;
}

/**
 * Why the endpoint did not keep a change about a pupil the school erased (reject code `erased`).
 * A tablet of this release lets the change go without showing it; one from before erasure
 * existed keeps it under "needs attention", where the mentor reads this and discards it.
 */
export const ERASED_WORDS =
  'This change was not kept: the school’s Waymark erased this pupil’s records (a data protection request, or the end of the time the school keeps them). Discard it.';

/** Each kind of record as a mentor calls it. */
const RECORD_NOUNS: Record<string, string> = {
  pupils: 'pupil',
  targets: 'target',
  checkIns: 'check-in',
  sessions: 'session note',
  revisions: 'record',
};

/**
 * What a change the school refused for want of its record (`record_not_found`) says while it
 * waits: the tablet sends it again by itself once the school has the record (a pull brings it),
 * so the mentor has nothing to do but may discard it.
 */
export function recordNotFoundWords(table: string): string {
  const noun = RECORD_NOUNS[table] ?? 'record';
  return `The school’s server does not have this ${noun} yet: the tablet it was added on may not have synced since. This change is kept here, and sent again by itself once the school has the ${noun}.`;
}
