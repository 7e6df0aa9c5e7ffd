/** Where a concern stands in the DSL's queue (src/shared/concerns.ts urgencyOf). */
import { describe, expect, it } from 'vitest';
import { forTheDsl } from '../../src/data/concerns.ts';
import { type Urgency, urgencyOf } from '../../src/shared/concerns.ts';

const at = (hhmm: string) => `2026-11-24T${hhmm}:00.000Z`;
let ids = 0;
const action = (kind: 'acknowledged' | 'monitor' | 'closed' | 'reopened', time: string) => ({
  id: `a${String(++ids).padStart(3, '0')}`,
  action: kind,
  createdAt: at(time),
  stillOpen: false,
});
/** Recorded on the tablet at 09:00, at the school at 10:00. */
const concern = { createdAt: at('09:00'), receivedAt: at('10:00') };

describe('urgencyOf: the DSL’s queue, with the school letting a concern wait an hour', () => {
  it.each<[string, Parameters<typeof urgencyOf>[0], ReturnType<typeof action>[], boolean, string, Urgency]>([
    ['just arrived, not opened by this DSL', concern, [], false, '10:05', 'new'],
    ['opened by this DSL, not acknowledged', concern, [], true, '10:05', 'unacknowledged'],
    ['59 minutes at the school, not acknowledged', concern, [], true, '10:59', 'unacknowledged'],
    ['an hour at the school, not acknowledged: overdue, opened or not', concern, [], true, '11:00', 'overdue'],
    ['an hour at the school, never opened', concern, [], false, '11:00', 'overdue'],
    [
      'two hours after the tablet wrote it, but only one minute at the school',
      { createdAt: at('08:00'), receivedAt: at('09:59') },
      [],
      false,
      '10:00',
      'new',
    ],
    [
      'from before the school kept when it arrived: counted from when it was written',
      { createdAt: at('09:00') },
      [],
      false,
      '10:00',
      'overdue',
    ],
    ['acknowledged, even late', concern, [action('acknowledged', '12:00')], true, '13:00', 'open'],
    ['acted on without an acknowledgement, not closed', concern, [action('monitor', '10:30')], true, '12:00', 'overdue'],
    ['closed', concern, [action('acknowledged', '10:10'), action('closed', '10:20')], true, '12:00', 'closed'],
    ['closed without an acknowledgement', concern, [action('closed', '10:20')], false, '12:00', 'closed'],
    [
      'closed, then reopened',
      concern,
      [action('acknowledged', '10:10'), action('closed', '10:20'), action('reopened', '10:30')],
      true,
      '12:00',
      'open',
    ],
  ])('%s', (_, recorded, actions, openedByMe, now, expected) => {
    expect(urgencyOf(recorded, actions, openedByMe, new Date(at(now)), 60)).toBe(expected);
  });
});

describe('forTheDsl: the queue in order of urgency first, then of how long each has waited at the school', () => {
  it('lists overdue, new, unacknowledged, open, then closed, whichever waited longest', () => {
    const summary = (id: string, receivedAt: string, actions: ReturnType<typeof action>[], openedBy: string[] = []) => ({
      concern: { id, pupilId: 'p', createdAt: at('08:00'), receivedAt: at(receivedAt) },
      actions,
      waiting: false,
      openedBy: new Set(openedBy),
    });
    // Oldest first: the closed one waited longest, the overdue one least of the five.
    const list = [
      summary('closed', '09:00', [action('acknowledged', '09:05'), action('closed', '09:10')]),
      summary('open', '09:10', [action('acknowledged', '09:15')]),
      summary('unacknowledged', '10:55', [], ['dana']),
      summary('new', '10:58', []),
      summary('overdue', '09:30', [], ['dana']),
      summary('also new, arrived first', '10:50', []),
    ];
    const q = { me: 'dana', overdueAfterMinutes: 60, now: new Date(at('11:00')) };
    expect(forTheDsl(list as unknown as Parameters<typeof forTheDsl>[0], q).map((s) => s.concern.id)).toEqual([
      'overdue',
      'also new, arrived first',
      'new',
      'unacknowledged',
      'open',
      'closed',
    ]);
  });
});
