import { describe, expect, it } from 'vitest';
import { after, compareHlc, encodeHlc, type Hlc } from '../../src/shared/hlc.ts';

const T = Date.parse('2026-11-24T09:00:00.000Z');
const at = (wall: number, count = 0, node = 'a'): Hlc => ({ wall, count, node });
/** The last count a millisecond has: `zzzz`. */
const LAST_COUNT = 36 ** 4 - 1;

describe('after: the first reading after another one', () => {
  it.each([
    ['the next count in the same millisecond', at(T), 'a', at(T, 1)],
    ['counts on from where the reading was', at(T, 41), 'a', at(T, 42)],
    ['is issued by the node given, not the reading’s', at(T, 7, 'b'), 'a', at(T, 8, 'a')],
    ['past the last count of a millisecond, the next millisecond from count 0', at(T, LAST_COUNT), 'a', at(T + 1, 0)],
    ['one count short of the last, still the same millisecond', at(T, LAST_COUNT - 1), 'a', at(T, LAST_COUNT)],
  ])('%s', (_, reading, node, expected) => {
    const next = after(reading, node);
    expect(next).toEqual(expected);
    // What it is for: the new reading sorts after the old, as text.
    expect(compareHlc(encodeHlc(next), encodeHlc(reading))).toBe(1);
  });
});
