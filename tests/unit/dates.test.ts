import { describe, expect, it } from 'vitest';
import { ago, longDay, relativeDay } from '../../src/shared/dates.ts';

const now = new Date('2026-11-24T14:00:00.000Z');

describe('dates the British way', () => {
  it.each([
    ['2026-11-24T13:59:30.000Z', 'just now'],
    ['2026-11-24T13:57:00.000Z', '3 minutes ago'],
    ['2026-11-24T11:00:00.000Z', '3 hours ago'],
    ['2026-11-21T14:00:00.000Z', '3 days ago'],
  ])('%s is “%s”', (iso, words) => {
    expect(ago(iso, now)).toBe(words);
  });

  it.each([
    ['2026-11-24', 'today'],
    ['2026-11-23', 'yesterday'],
    ['2026-11-25', 'tomorrow'],
    ['2026-11-21', '3 days ago'],
    ['2026-11-01', 'Sun 1 Nov 2026'],
  ])('%s is “%s”', (day, words) => {
    expect(relativeDay(day, '2026-11-24')).toBe(words);
  });

  it('writes a day in full, day first', () => {
    expect(longDay('2026-11-24')).toBe('Tuesday 24 November 2026');
  });
});
