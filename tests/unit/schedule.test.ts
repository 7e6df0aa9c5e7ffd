import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECK_IN_RESULTS, type CheckIn } from '../../src/shared/model.ts';
import { addDaysTo, checkInStrip, fromDay, isDue, toDay, weekOf } from '../../src/shared/schedule.ts';

// 2026-11-23 is a Monday. The week runs Monday 23 to Sunday 29 November.
const MON = '2026-11-23';
const TUE = '2026-11-24';
const WED = '2026-11-25';
const FRI = '2026-11-27';
const SAT = '2026-11-28';
const SUN = '2026-11-29';
const NEXT_MON = '2026-11-30';
const LAST_SUN = '2026-11-22';

const target = (rhythm: 'daily' | 'weekly' | 'weekdays', weekdays: number[] = [], startOn = '2026-11-02') => ({
  rhythm,
  weekdays,
  startOn,
  status: 'active' as const,
  deletedAt: undefined,
});
const on = (day: string, extra: Partial<CheckIn> = {}) => ({ on: day, deletedAt: undefined, ...extra });

describe('isDue', () => {
  it.each([
    // rhythm, weekdays, day, check-ins on, due?
    ['daily', [], MON, [], true],
    ['daily', [], FRI, [], true],
    ['daily', [], SAT, [], false],
    ['daily', [], SUN, [], false],
    ['daily', [], TUE, [MON], true],
    ['daily', [], TUE, [TUE], false],
    ['weekdays', [1, 3], MON, [], true],
    ['weekdays', [1, 3], TUE, [], false],
    ['weekdays', [1, 3], WED, [MON], true],
    ['weekdays', [1, 3], WED, [WED], false],
    ['weekdays', [6], SAT, [], true],
    ['weekly', [], MON, [], true],
    ['weekly', [], SUN, [], true],
    ['weekly', [], FRI, [TUE], false],
    ['weekly', [], SUN, [MON], false],
    ['weekly', [], NEXT_MON, [FRI], true],
    ['weekly', [], MON, ['2026-11-22'], true],
  ] as const)('%s %j on %s after check-ins %j: due %s', (rhythm, weekdays, day, checkIns, due) => {
    expect(
      isDue(
        target(rhythm, [...weekdays]),
        day,
        checkIns.map((d) => on(d)),
      ),
    ).toBe(due);
  });

  it('is not due before the target starts', () => {
    expect(isDue(target('daily', [], WED), TUE, [])).toBe(false);
    expect(isDue(target('daily', [], WED), WED, [])).toBe(true);
  });

  it('is not due once achieved, dropped or removed', () => {
    expect(isDue({ ...target('daily'), status: 'achieved' }, TUE, [])).toBe(false);
    expect(isDue({ ...target('daily'), status: 'dropped' }, TUE, [])).toBe(false);
    expect(isDue({ ...target('daily'), deletedAt: '2026-11-24T10:00:00.000Z' }, TUE, [])).toBe(false);
  });

  it('a check-in that was taken back does not count', () => {
    expect(isDue(target('daily'), TUE, [on(TUE, { deletedAt: '2026-11-24T10:00:00.000Z' })])).toBe(true);
  });
});

describe('checkInStrip', () => {
  const checkIn = (day: string, result: CheckIn['result'], updatedAt = `${day}T12:00:00.000Z`) =>
    ({ on: day, result, word: '', updatedAt }) as CheckIn;

  it('shows a daily target as school days of the last weeks, with results where checked in', () => {
    const strip = checkInStrip(target('daily'), [checkIn(MON, 'met'), checkIn(TUE, 'partly')], WED, 2);
    expect(strip.map((c) => c.day)).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', MON, TUE, WED]);
    expect(strip.map((c) => c.result ?? '-')).toEqual(['-', '-', '-', '-', '-', 'met', 'partly', '-']);
  });

  it('shows a weekend check-in of a daily target even though none was asked for', () => {
    const strip = checkInStrip(target('daily'), [checkIn('2026-11-22', 'met')], MON, 1);
    expect(strip.map((c) => [c.day, c.expected, c.result])).toEqual([[MON, true, undefined]]);
    const twoWeeks = checkInStrip(target('daily'), [checkIn('2026-11-22', 'met')], MON, 2);
    expect(twoWeeks.find((c) => c.day === '2026-11-22')).toMatchObject({ expected: false, result: 'met' });
  });

  it('shows a weekly target as one cell a week, holding the latest check-in of that week', () => {
    const strip = checkInStrip(
      target('weekly'),
      [checkIn('2026-11-17', 'not met'), checkIn('2026-11-19', 'met'), checkIn(TUE, 'partly')],
      WED,
      3,
    );
    expect(strip.map((c) => [c.day, c.result])).toEqual([
      ['2026-11-09', undefined],
      ['2026-11-16', 'met'],
      [MON, 'partly'],
    ]);
  });

  it('holds the check-in saved last when a day has two, with its word; an empty word is no word', () => {
    const first = { ...checkIn(MON, 'not met', `${MON}T09:00:00.000Z`), word: 'tired' };
    const second = { ...checkIn(MON, 'met', `${MON}T15:00:00.000Z`), word: 'proud' };
    const noWord = checkIn(TUE, 'partly');
    // Listed with the later one first, as a sync may bring them.
    const daily = checkInStrip(target('daily'), [second, first, noWord], WED, 1);
    expect(daily.map((c) => [c.day, c.result, c.word])).toEqual([
      [MON, 'met', 'proud'],
      [TUE, 'partly', undefined],
      [WED, undefined, undefined],
    ]);
    const weekly = checkInStrip(target('weekly'), [second, first], WED, 2);
    expect(weekly.map((c) => [c.day, c.result, c.word])).toEqual([
      ['2026-11-16', undefined, undefined],
      [MON, 'met', 'proud'],
    ]);
    expect(checkInStrip(target('weekly'), [noWord], WED, 1).map((c) => [c.result, c.word])).toEqual([['partly', undefined]]);
  });

  it.each([
    // startOn, whether last week's and this week's cells expect a check-in
    ['2026-11-25', false, true],
    [LAST_SUN, true, true],
    ['2026-11-16', true, true],
  ])('a weekly target starting %s: last week expected %s, this week %s', (startOn, lastWeek, thisWeek) => {
    const strip = checkInStrip(target('weekly', [], startOn), [], WED, 2);
    expect(strip.map((c) => [c.day, c.expected])).toEqual([
      ['2026-11-16', lastWeek],
      [MON, thisWeek],
    ]);
  });

  it('leaves out days before the target started', () => {
    const strip = checkInStrip(target('daily', [], TUE), [], WED, 1);
    expect(strip.map((c) => [c.day, c.expected])).toEqual([
      [TUE, true],
      [WED, true],
    ]);
  });
});

describe('the week a day falls in', () => {
  it.each([
    // day, Monday, Sunday
    [MON, MON, SUN],
    [WED, MON, SUN],
    [SUN, MON, SUN],
    [LAST_SUN, '2026-11-16', LAST_SUN],
    [NEXT_MON, NEXT_MON, '2026-12-06'],
    // Across a year's end, and across the Sunday the clocks go back (25 October 2026 in London).
    ['2027-01-01', '2026-12-28', '2027-01-03'],
    ['2026-10-25', '2026-10-19', '2026-10-25'],
    ['2026-10-26', '2026-10-26', '2026-11-01'],
  ])('%s is in the week from Monday %s to Sunday %s', (day, from, to) => {
    expect(weekOf(day)).toEqual({ from, to });
  });
});

describe('a weekly target: a check-in counts for the week it was made in, Monday to Sunday', () => {
  it.each([
    // checked in on, due on this week's Monday, Wednesday and Sunday?
    ['this week’s Monday', MON, false],
    ['this week’s Sunday', SUN, false],
    ['last week’s Sunday', LAST_SUN, true],
    ['next week’s Monday', NEXT_MON, true],
  ])('checked in on %s: due this week %s', (_, checkedIn, due) => {
    for (const day of [MON, WED, SUN]) expect(isDue(target('weekly'), day, [on(checkedIn)]), `on ${day}`).toBe(due);
    const strip = checkInStrip(
      target('weekly'),
      [{ ...on(checkedIn), result: 'met', word: '', updatedAt: `${checkedIn}T12:00:00.000Z` } as CheckIn],
      SUN,
      1,
    );
    expect(strip.map((c) => [c.day, c.result])).toEqual([[MON, due ? undefined : 'met']]);
  });

  // The strip beside a target and the Today list must never tell a mentor different things.
  it('the strip’s cell for a week and whether the target is due agree, on every day of three weeks', () => {
    const first = '2026-11-09'; // a Monday; the three weeks end on Sunday 29 November
    const days = Array.from({ length: 21 }, (_, i) => addDaysTo(first, i));
    // Check-ins from the Sunday before the three weeks to the Monday after, some taken back.
    const checkInArb = fc.record({
      on: fc.integer({ min: -1, max: 21 }).map((i) => addDaysTo(first, i)),
      result: fc.constantFrom(...CHECK_IN_RESULTS),
      takenBack: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(checkInArb, { maxLength: 5 }),
        fc.integer({ min: 0, max: 20 }).map((i) => addDaysTo(first, i)),
        fc.integer({ min: 14, max: 20 }).map((i) => addDaysTo(first, i)),
        (made, startOn, today) => {
          const checkIns = made.map(
            (c, i) =>
              ({
                on: c.on,
                result: c.result,
                word: '',
                updatedAt: `${c.on}T12:00:0${i}.000Z`,
                deletedAt: c.takenBack ? `${c.on}T13:00:00.000Z` : undefined,
              }) as CheckIn,
          );
          const weekly = target('weekly', [], startOn);
          const strip = checkInStrip(weekly, checkIns, today, 3);
          expect(strip.map((c) => c.day)).toEqual([first, addDaysTo(first, 7), addDaysTo(first, 14)]);
          for (const day of days.filter((d) => d >= startOn)) {
            const cell = strip.findLast((c) => c.day <= day);
            const due = isDue(weekly, day, checkIns);
            expect(due, `due on ${day} while the strip shows ${cell?.result ?? 'nothing'} for the week of ${cell?.day}`).toBe(
              cell?.result === undefined,
            );
            expect(cell?.expected, `the strip expects a check-in in the week of ${day}`).toBe(true);
          }
        },
      ),
    );
  });
});

describe('a calendar day', () => {
  it.each([
    // A day starts at local midnight, in winter time and in summer time.
    ['2026-11-24', new Date(2026, 10, 24, 0, 0, 0, 0)],
    ['2026-07-01', new Date(2026, 6, 1, 0, 0, 0, 0)],
    ['2027-02-28', new Date(2027, 1, 28, 0, 0, 0, 0)],
  ])('%s starts at local midnight', (day, midnight) => {
    expect(fromDay(day).getTime()).toBe(midnight.getTime());
    expect(toDay(fromDay(day))).toBe(day);
  });

  it.each([
    ['30 February', '2026-02-30'],
    ['31 April', '2026-04-31'],
    ['29 February in a year that is not a leap year', '2027-02-29'],
    ['a thirteenth month', '2026-13-01'],
    ['a month 0', '2026-00-10'],
    ['a day 0', '2026-03-00'],
    // Rolled over by a whole year, it would land in the same month on another date.
    ['the 366th of January', '2026-01-366'],
    ['a day that is not a whole number', '2026-01-1.5'],
    ['not a day at all', 'next Tuesday'],
  ])('%s is no day: it is not rolled over into another one', (_, day) => {
    expect(Number.isNaN(fromDay(day).getTime())).toBe(true);
    expect(() => addDaysTo(day, 1)).toThrow('Invalid time value');
    expect(() => weekOf(day)).toThrow('Invalid time value');
  });

  it('a date that cannot be read has no day, rather than “NaN-NaN-NaN”', () => {
    expect(() => toDay(new Date('nonsense'))).toThrow('Invalid time value');
  });
});
