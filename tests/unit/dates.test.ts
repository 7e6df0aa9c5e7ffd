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

describe('the words a mentor reads for a day', () => {
  // One day of each weekday and one of each month, so every name is seen spelt out and shortened.
  it.each([
    ['2026-11-23', 'Monday 23 November 2026', 'Mon 23 Nov'],
    ['2026-11-24', 'Tuesday 24 November 2026', 'Tue 24 Nov'],
    ['2026-11-25', 'Wednesday 25 November 2026', 'Wed 25 Nov'],
    ['2026-11-26', 'Thursday 26 November 2026', 'Thu 26 Nov'],
    ['2026-11-27', 'Friday 27 November 2026', 'Fri 27 Nov'],
    ['2026-11-28', 'Saturday 28 November 2026', 'Sat 28 Nov'],
    ['2026-11-29', 'Sunday 29 November 2026', 'Sun 29 Nov'],
    ['2027-01-04', 'Monday 4 January 2027', 'Mon 4 Jan'],
    ['2027-02-09', 'Tuesday 9 February 2027', 'Tue 9 Feb'],
    ['2027-03-10', 'Wednesday 10 March 2027', 'Wed 10 Mar'],
    ['2027-04-15', 'Thursday 15 April 2027', 'Thu 15 Apr'],
    ['2027-05-21', 'Friday 21 May 2027', 'Fri 21 May'],
    ['2027-06-26', 'Saturday 26 June 2027', 'Sat 26 Jun'],
    ['2027-07-04', 'Sunday 4 July 2027', 'Sun 4 Jul'],
    ['2027-08-02', 'Monday 2 August 2027', 'Mon 2 Aug'],
    ['2027-09-07', 'Tuesday 7 September 2027', 'Tue 7 Sep'],
    ['2027-10-13', 'Wednesday 13 October 2027', 'Wed 13 Oct'],
    ['2027-12-31', 'Friday 31 December 2027', 'Fri 31 Dec'],
  ])('%s is “%s”, shortened “%s”', (day, long, short) => {
    expect(longDay(day)).toBe(long);
    expect(shortDay(day)).toBe(short);
  });

  it.each([
    // A fortnight either way still reads as a count of days; a day further is the date itself.
    ['2026-11-10', '14 days ago'],
    ['2026-11-09', 'Mon 9 Nov 2026'],
    ['2026-11-27', 'in 3 days'],
    ['2026-12-08', 'in 14 days'],
    ['2026-12-09', 'Wed 9 Dec 2026'],
  ])('%s from Tuesday 24 November 2026 is “%s”', (day, words) => {
    expect(relativeDay(day, '2026-11-24')).toBe(words);
  });

  it.each([
    ['a day that does not exist', () => longDay('2026-02-30')],
    ['a short day that does not exist', () => shortDay('2026-13-01')],
    ['a time that cannot be read', () => clock('half past nine')],
    ['a moment that cannot be read', () => relativeMoment('yesterday', now)],
    ['a moment “ago” that cannot be read', () => ago('2026-11-24T25:00:00.000Z', now)],
  ])('%s throws rather than showing “NaN” on screen', (_, show) => {
    expect(show).toThrow('Invalid time value');
  });
});

describe('how long ago, by the clock and by the calendar', () => {
  it.each([
    // Exactly a day is a day, not 24 hours; exactly 30 days is a month; 365 days a year.
    ['2026-11-23T14:00:00.000Z', now, '1 day ago'],
    ['2026-11-12T14:00:00.000Z', now, '12 days ago'],
    ['2026-10-25T14:00:00.000Z', now, '1 month ago'],
    ['2025-11-24T14:00:00.000Z', now, '1 year ago'],
    ['2014-11-24T14:00:00.000Z', now, '12 years ago'],
    // Minutes and hours are counted as they passed, even across the night the clocks go back
    // (Sunday 25 October 2026: 02:00 summer time is 01:00 winter time).
    ['2026-10-25T00:50:00.000Z', new Date('2026-10-25T01:10:00.000Z'), '20 minutes ago'],
    ['2026-10-25T00:30:00.000Z', new Date('2026-10-25T03:30:00.000Z'), '3 hours ago'],
    // Days and months are counted on the calendar: noon Saturday in summer time to 23:00 Sunday in
    // winter time is 35 hours on the clock face (36 passed), so one day.
    ['2026-10-24T11:00:00.000Z', new Date('2026-10-25T23:00:00.000Z'), '1 day ago'],
    // Noon 1 March (winter time) to noon 31 March (summer time) is 30 days on the calendar, though
    // an hour less passed: a month.
    ['2026-03-01T12:00:00.000Z', new Date('2026-03-31T11:00:00.000Z'), '1 month ago'],
  ])('%s, seen at %s, is “%s”', (iso, seenAt, words) => {
    expect(ago(iso, seenAt)).toBe(words);
  });
});
