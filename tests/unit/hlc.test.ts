import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, type Hlc, receive, tick } from '../../src/shared/hlc.ts';

const T = Date.parse('2026-11-24T09:00:00.000Z');
const at = (wall: number, count = 0, node = 'a'): Hlc => ({ wall, count, node });

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

describe('receive: after seeing another device’s reading', () => {
  it.each([
    ['the wall clock is ahead of both', at(T), at(T + 5, 0, 'b'), T + 10, at(T + 10)],
    ['the remote is ahead: follow it, counting past it', at(T), at(T + 50, 7, 'b'), T + 10, at(T + 50, 8)],
    ['all the same millisecond: count past the larger', at(T, 2), at(T, 5, 'b'), T, at(T, 6)],
    ['our last reading is ahead', at(T + 90, 4), at(T + 50, 9, 'b'), T, at(T + 90, 5)],
  ])('%s', (_, last, remote, now, expected) => {
    expect(receive(last, remote, now, 'a')).toEqual(expected);
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

  it('keeps a device id that itself contains the separator', () => {
    expect(decodeHlc(encodeHlc(at(T, 1, 'dev_1')))).toEqual(at(T, 1, 'dev_1'));
  });

  it('refuses text that is not a clock reading', () => {
    expect(() => decodeHlc('yesterday')).toThrow('Not a clock reading');
  });
});
