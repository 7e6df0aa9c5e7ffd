/**
 * The size and shape a pushed change may have, checked before anything reads into its values.
 * No record has lists nested deeper than LIMITS.depth, nor a change longer than LIMITS.change:
 * a change past either is one a tablet's own rules never made, refused alone with its reason, so
 * that it neither fills every school pull with megabytes nor overflows the stack of the code that
 * merges and stores it (JSON.stringify and the merge walk values recursively).
 */
import { LIMITS, type PushChange } from '../shared/protocol.ts';

/** How deep lists and objects nest in `value`, counted without recursion, and at most `max + 1`. */
export function nestingDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > max) return deepest;
    for (const inner of Object.values(item)) stack.push([inner, here]);
  }
  return deepest;
}

/** Why a change's size or shape is refused, in words, or undefined when it is one a record can have. */
export function shapeProblem(change: Pick<PushChange, 'values' | 'base'>): string | undefined {
  // `values` is an object itself: its fields' lists and objects are counted below it.
  if (nestingDepth(change.values, LIMITS.depth + 1) > LIMITS.depth + 1) {
    return `This change holds lists nested more than ${LIMITS.depth} deep, which no Waymark record has.`;
  }
  const tooLong = Object.entries(change.values).find(([, v]) => typeof v === 'string' && v.length > LIMITS.string);
  if (tooLong) return `${tooLong[0]} is longer than ${LIMITS.string} characters.`;
  const size = JSON.stringify(change.values).length + (change.base ? JSON.stringify(change.base).length : 0);
  if (size > LIMITS.change) {
    return `This change is ${size.toLocaleString('en-GB')} characters long, more than the ${LIMITS.change.toLocaleString('en-GB')} any record needs.`;
  }
  return undefined;
}
