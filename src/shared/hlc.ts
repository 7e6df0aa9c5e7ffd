/**
 * Hybrid logical clocks: timestamps that follow the wall clock when it behaves, never go
 * backwards when it does not, and order every change from every tablet. Encoded as text that
 * sorts in clock order: `2026-11-24T13:52:00.000Z_0000_<device id>`; the device id breaks ties.
 */

export interface Hlc {
  /** Milliseconds since 1970, never less than the last one this device issued or saw. */
  wall: number;
  /** Orders events within the same millisecond. */
  count: number;
  /** The device that issued it: ties between devices are broken by this id. */
  node: string;
}

const COUNT_DIGITS = 4;
const MAX_COUNT = 36 ** COUNT_DIGITS - 1;

export function encodeHlc(h: Hlc): string {
  return `${new Date(h.wall).toISOString()}_${h.count.toString(36).padStart(COUNT_DIGITS, '0')}_${h.node}`;
}

/**
 * Reads a clock reading back. Only the exact form `encodeHlc` writes is one: a time that does not
 * exist (30 February, 24:00) would otherwise be rolled over by `Date.parse` into another time, and
 * a reading would then sort where it does not belong.
 */
export function decodeHlc(text: string): Hlc {
  const [iso = '', count = '', ...node] = text.split('_');
  const wall = Date.parse(iso);
  const real = !Number.isNaN(wall) && new Date(wall).toISOString() === iso;
  if (!real || !/^[0-9a-z]{4,}$/.test(count) || node.length === 0 || node.join('_') === '') throw new Error(`Not a clock reading: ${text}`);
  return { wall, count: Number.parseInt(count, 36), node: node.join('_') };
}

/** The clock reading for a change made on this device now. */
export function tick(last: Hlc | undefined, now: number, node: string): Hlc {
  if (!last || now > last.wall) return { wall: now, count: 0, node };
  return bump(last.wall, last.count + 1, node);
}

/** This device's clock after seeing a reading from elsewhere (so its next change sorts after it). */
export function receive(last: Hlc | undefined, remote: Hlc, now: number, node: string): Hlc {
  const wall = Math.max(now, last?.wall ?? 0, remote.wall);
  if (wall === now && wall > (last?.wall ?? 0) && wall > remote.wall) return { wall, count: 0, node };
  const count = Math.max(wall === last?.wall ? last.count : -1, wall === remote.wall ? remote.count : -1) + 1;
  return bump(wall, count, node);
}

/**
 * The first reading after `reading`, issued by `node`: the next count in the same millisecond, or
 * the next millisecond past its last count. For placing a change just after another one.
 */
export function after(reading: Hlc, node: string): Hlc {
  return bump(reading.wall, reading.count + 1, node);
}

/** Past the last count of a millisecond, move to the next millisecond rather than overflow. */
const bump = (wall: number, count: number, node: string): Hlc =>
  count > MAX_COUNT ? { wall: wall + 1, count: 0, node } : { wall, count, node };

/** Negative, zero or positive, as `a` is before, the same as, or after `b`. Encoded readings compare as text. */
export const compareHlc = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** When a clock reading says its change was made, as a UTC moment like `2026-11-24T13:52:00.000Z`. */
export const momentOf = (reading: string): string => new Date(decodeHlc(reading).wall).toISOString();
