import { describe, expect, it } from 'vitest';
import type { CheckIn } from '../../src/shared/model.ts';
import { checkInStrip, isDue } from '../../src/shared/schedule.ts';

// 2026-11-23 is a Monday. The week runs Monday 23 to Sunday 29 November.
const MON = '2026-11-23';
const TUE = '2026-11-24';
const WED = '2026-11-25';
const FRI = '2026-11-27';
const SAT = '2026-11-28';
const SUN = '2026-11-29';
const NEXT_MON = '2026-11-30';

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

  it('leaves out days before the target started', () => {
    const strip = checkInStrip(target('daily', [], TUE), [], WED, 1);
    expect(strip.map((c) => [c.day, c.expected])).toEqual([
      [TUE, true],
      [WED, true],
    ]);
  });
});
