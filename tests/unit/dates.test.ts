import { describe, expect, it } from 'vitest';
import { ago, clock, longDay, relativeDay, relativeMoment, shortDay } from '../../src/shared/dates.ts';
import { toDay } from '../../src/shared/schedule.ts';

const now = new Date('2026-11-24T14:00:00.000Z');

describe('dates the British way', () => {
  it.each([
    ['2026-11-24T13:59:30.000Z', 'just now'],
    ['2026-11-24T13:57:00.000Z', '3 minutes ago'],
    ['2026-11-24T11:00:00.000Z', '3 hours ago'],
    ['2026-11-21T14:00:00.000Z', '3 days ago'],
    ['2026-11-24T13:59:00.000Z', '1 minute ago'],
    ['2026-11-24T13:00:29.000Z', '60 minutes ago'],
    ['2026-11-24T13:00:00.000Z', '1 hour ago'],
    ['2026-11-23T13:00:00.000Z', '1 day ago'],
    ['2026-10-20T14:00:00.000Z', '1 month ago'],
    ['2026-09-20T14:00:00.000Z', '2 months ago'],
    ['2025-12-01T14:00:00.000Z', '1 year ago'],
    ['2023-11-24T14:00:00.000Z', '3 years ago'],
    // A clock running behind reads as now, not as the future.
    ['2026-11-24T14:05:00.000Z', 'just now'],
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

  it('shortens day and month to three letters, whatever the browser’s own en-GB says', () => {
    expect(shortDay('2026-09-01')).toBe('Tue 1 Sep');
    expect(relativeDay('2026-09-01', '2026-11-24')).toBe('Tue 1 Sep 2026');
    expect(longDay('2026-09-01')).toBe('Tuesday 1 September 2026');
  });

  it('writes times on the 24-hour clock, local time', () => {
    expect(clock('2026-07-01T08:05:00.000Z')).toBe('09:05');
    expect(relativeMoment('2026-11-24T09:30:00.000Z', now)).toBe('today at 09:30');
    expect(relativeMoment('2026-11-23T09:30:00.000Z', now)).toBe('yesterday at 09:30');
    expect(relativeMoment('2026-11-02T11:00:00.000Z', now)).toBe('Mon 2 Nov at 11:00');
    expect(relativeMoment('2025-11-02T11:00:00.000Z', now)).toBe('Sun 2 Nov 2025 at 11:00');
  });

  it('names the local day, even in the first hour of a summer day', () => {
    expect(toDay(new Date('2026-07-01T23:30:00.000Z'))).toBe('2026-07-02');
  });
});
