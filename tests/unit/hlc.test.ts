import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, type Hlc, receive, tick } from '../../src/shared/hlc.ts';

const T = Date.parse('2026-11-24T09:00:00.000Z');
const at = (wall: number, count = 0, node = 'a'): Hlc => ({ wall, count, node });
/** The last count of a millisecond (four base-36 digits). */
const MAX = 36 ** 4 - 1;

describe('tick: a change made on this device', () => {
  it.each([
    ['follows the wall clock when it moves on', at(T), T + 5, at(T + 5)],
    ['counts within the same millisecond', at(T, 3), T, at(T, 4)],
    ['never goes backwards when the wall clock does', at(T + 60_000, 2), T, at(T + 60_000, 3)],
    ['starts from the wall clock', undefined, T, at(T)],
    ['moves to the next millisecond rather than overflow its count', at(T, 36 ** 4 - 1), T, at(T + 1, 0)],
  ])('%s', (_, last, now, expected) => {
    expect(tick(last, now, 'a')).toEqual(expected);
  });
});

describe('many changes in one millisecond', () => {
  it('each of ten changes made in the same millisecond sorts after the one before, and no two share a reading', () => {
    const readings: string[] = [];
    let last: Hlc | undefined;
    for (let i = 0; i < 10; i++) {
      last = tick(last, T, 'a');
      readings.push(encodeHlc(last));
    }
    for (const [i, reading] of readings.entries())
      if (i > 0) expect(compareHlc(reading, readings[i - 1] as string), `change ${i + 1}`).toBe(1);
    expect(new Set(readings).size).toBe(10);
  });
});

describe('receive: after seeing another device’s reading', () => {
  it.each([
    ['the wall clock is ahead of both', at(T), at(T + 5, 0, 'b'), T + 10, at(T + 10)],
    ['the remote is ahead: follow it, counting past it', at(T), at(T + 50, 7, 'b'), T + 10, at(T + 50, 8)],
    ['all the same millisecond: count past the larger', at(T, 2), at(T, 5, 'b'), T, at(T, 6)],
    ['our last reading is ahead', at(T + 90, 4), at(T + 50, 9, 'b'), T, at(T + 90, 5)],
  ])('%s', (_, last, remote, now, expected) => {
    expect(receive(last, remote, now, 'a')).toEqual(expected);
  });

  // At the edges, where the wall clock meets a reading's millisecond, the next change must still
  // sort after both readings: otherwise an older edit from another tablet would win.
  it.each([
    ['the wall clock is at the remote’s millisecond: count past the remote', at(T), at(T + 5, 3, 'b'), T + 5, at(T + 5, 4)],
    ['the wall clock is at the remote’s millisecond, its count 0: still count past it', at(T), at(T + 5, 0, 'z'), T + 5, at(T + 5, 1)],
    ['the wall clock is at our last millisecond: count past ours', at(T + 5, 3), at(T, 9, 'b'), T + 5, at(T + 5, 4)],
    ['the wall clock is at our last millisecond, its count 0: the next count', at(T + 5, 0), at(T, 9, 'b'), T + 5, at(T + 5, 1)],
    ['the wall clock is behind both: follow the later, counting past it', at(T + 10, 2), at(T + 20, 1, 'b'), T, at(T + 20, 2)],
    ['the wall clock is behind both, in one millisecond: count past ours, the larger', at(T + 20, 7), at(T + 20, 3, 'b'), T, at(T + 20, 8)],
    ['no reading of our own yet, the wall clock at the remote’s', undefined, at(T + 5, 2, 'b'), T + 5, at(T + 5, 3)],
    ['the remote one short of a millisecond’s last count: take that last count', at(T), at(T + 5, MAX - 1, 'b'), T, at(T + 5, MAX)],
    ['the remote at a millisecond’s last count: move to the next millisecond', at(T), at(T + 5, MAX, 'b'), T + 5, at(T + 6, 0)],
    ['ours at a millisecond’s last count: move to the next millisecond', at(T + 5, MAX), at(T, 0, 'b'), T + 5, at(T + 6, 0)],
  ])('%s', (_, last, remote, now, expected) => {
    expect(receive(last, remote, now, 'a')).toEqual(expected);
  });

  it('the next change sorts after the reading received and after our own last, for any readings', () => {
    // Few milliseconds and counts at the edges, so that walls and counts often meet.
    const wall = fc.integer({ min: T, max: T + 4 });
    const count = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(MAX - 1, MAX));
    const reading = (node: fc.Arbitrary<string>) => fc.record({ wall, count, node });
    fc.assert(
      fc.property(
        fc.option(reading(fc.constant('m')), { nil: undefined }),
        // Device ids on either side of ours, so that ties break both ways.
        reading(fc.constantFrom('a', 'z')),
        wall,
        wall,
        (last, remote, now, later) => {
          const next = encodeHlc(tick(receive(last, remote, now, 'm'), later, 'm'));
          expect(compareHlc(next, encodeHlc(remote)), 'after the reading received').toBe(1);
          if (last) expect(compareHlc(next, encodeHlc(last)), 'after our own last').toBe(1);
        },
      ),
    );
  });

  it('sorts after what it received, whatever the wall clock says', () => {
    const remote = encodeHlc(at(T + 3_600_000, 12, 'b'));
    const next = encodeHlc(tick(receive(at(T), decodeHlc(remote), T, 'a'), T, 'a'));
    expect(compareHlc(next, remote)).toBe(1);
  });
});

describe('encoding', () => {
  it('round-trips, and sorts as text in clock order with the device id breaking ties', () => {
    const readings = [at(T + 1, 0, 'a'), at(T, 10, 'b'), at(T, 2, 'z'), at(T, 2, 'b'), at(T, 36, 'a')];
    const encoded = readings.map(encodeHlc);
    for (const [i, text] of encoded.entries()) expect(decodeHlc(text)).toEqual(readings[i]);
    expect([...encoded].sort(compareHlc).map((e) => decodeHlc(e))).toEqual([
      at(T, 2, 'b'),
      at(T, 2, 'z'),
      at(T, 10, 'b'),
      at(T, 36, 'a'),
      at(T + 1, 0, 'a'),
    ]);
  });

  it.each([
    ['before', at(T, 2, 'b'), -1],
    ['the same as', at(T, 3, 'b'), 0],
    ['after', at(T, 3, 'c'), 1],
  ])('a reading %s another compares %d', (_, reading, order) => {
    expect(compareHlc(encodeHlc(reading), encodeHlc(at(T, 3, 'b')))).toBe(order);
  });

  it('keeps a device id that itself contains the separator', () => {
    expect(decodeHlc(encodeHlc(at(T, 1, 'dev_1')))).toEqual(at(T, 1, 'dev_1'));
    // Everything after the second separator is the device, even the separator alone.
    expect(decodeHlc(encodeHlc(at(T, 1, '_')))).toEqual(at(T, 1, '_'));
  });

  it('refuses text that is not a clock reading', () => {
    expect(() => decodeHlc('yesterday')).toThrow('Not a clock reading');
  });
});

describe('reading a clock reading back', () => {
  it.each([
    ['30 February', '2026-02-30T10:00:00.000Z_0000_a'],
    ['24:00', '2026-11-24T24:00:00.000Z_0000_a'],
    ['a time without its milliseconds', '2026-11-24T10:00:00Z_0000_a'],
    ['a count of three characters', '2026-11-24T10:00:00.000Z_000_a'],
    ['a count that is not base 36', '2026-11-24T10:00:00.000Z_00-0_a'],
    ['a count with a sign before it', '2026-11-24T10:00:00.000Z_+0001_a'],
    ['a count with a character after it', '2026-11-24T10:00:00.000Z_0001+_a'],
    ['no tablet', '2026-11-24T10:00:00.000Z_0000_'],
    ['no count and no tablet', '2026-11-24T10:00:00.000Z'],
  ])('refuses %s', (_, text) => {
    expect(() => decodeHlc(text)).toThrow(/Not a clock reading/);
  });

  it('reads a count past four characters, as an endpoint before this release could store it', () => {
    expect(decodeHlc('2026-11-24T10:00:00.000Z_10000_a')).toEqual({
      wall: Date.parse('2026-11-24T10:00:00.000Z'),
      count: 36 ** 4,
      node: 'a',
    });
  });

  it('keeps an underscore in a tablet’s name', () => {
    expect(decodeHlc('2026-11-24T10:00:00.000Z_0001_dev_1').node).toBe('dev_1');
  });
});
