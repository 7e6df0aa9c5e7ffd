/** Where a concern stands, from what the DSL recorded on it (src/shared/concerns.ts), as tables. */
import { describe, expect, it } from 'vitest';
import { actionProblem, concernStatus, firstAcknowledgement, openActions } from '../../src/shared/concerns.ts';
import type { ConcernActionKind } from '../../src/shared/model.ts';

let n = 0;
/** An action recorded at minute `at` of the day. */
const act = (action: ConcernActionKind, at: number, more: { stillOpen?: boolean; completes?: string; id?: string } = {}) => ({
  id: more.id ?? `a${++n}`,
  action,
  createdAt: `2026-11-12T10:${String(at).padStart(2, '0')}:00.000Z`,
  stillOpen: more.stillOpen ?? false,
  ...(more.completes ? { completes: more.completes } : {}),
});

describe('where a concern stands', () => {
  it.each([
    ['nothing recorded yet', [], 'open'],
    ['only seen by the DSL', [act('acknowledged', 1)], 'open'],
    ['seen, then an action', [act('acknowledged', 1), act('spoke to the child', 2)], 'in progress'],
    ['an action without being acknowledged first', [act('monitor', 1)], 'in progress'],
    ['closed', [act('acknowledged', 1), act('no further action', 2), act('closed', 3)], 'closed'],
    ['closed, then reopened', [act('monitor', 1), act('closed', 2), act('reopened', 3)], 'open'],
    ['reopened, then an action', [act('closed', 2), act('reopened', 3), act('contacted parent or carer', 4)], 'in progress'],
    ['reopened and closed again', [act('closed', 2), act('reopened', 3), act('closed', 5)], 'closed'],
    // What was done while it was closed belongs to before the reopening.
    ['acted on while closed, then reopened', [act('closed', 1), act('monitor', 2), act('reopened', 3)], 'open'],
    // Two DSLs, one offline: the order they were recorded in, not the order they arrived in.
    ['a reopening that arrived before the closing it follows', [act('reopened', 3), act('closed', 2)], 'open'],
    ['a closing that arrived before the reopening it precedes', [act('closed', 4), act('reopened', 3)], 'closed'],
    [
      'two recorded in the same millisecond: by id, the same everywhere',
      [act('closed', 2, { id: 'b' }), act('reopened', 2, { id: 'a' })],
      'closed',
    ],
  ])('%s: %s', (_case, actions, expected) => {
    expect(concernStatus(actions)).toBe(expected);
    expect(concernStatus([...actions].reverse())).toBe(expected);
  });

  it('says when the DSL first saw it, whoever recorded an acknowledgement later', () => {
    const first = act('acknowledged', 5);
    expect(firstAcknowledgement([act('monitor', 2), act('acknowledged', 9), first])).toBe(first);
    expect(firstAcknowledgement([act('monitor', 2)])).toBeUndefined();
  });

  it('lists the actions left open that nothing has followed up', () => {
    const referral = act('referral to children’s social care', 1, { stillOpen: true });
    const police = act('police', 2, { stillOpen: true });
    const answered = act('early help', 3, { completes: referral.id });
    expect(openActions([referral, police])).toEqual([referral, police]);
    expect(openActions([referral, police, answered])).toEqual([police]);
  });
});

describe('what the DSL may record next', () => {
  const referral = act('referral to children’s social care', 1, { stillOpen: true });
  it.each([
    ['close with nothing open', [act('monitor', 1)], { action: 'closed' }, undefined],
    [
      'close with a referral still open',
      [referral],
      { action: 'closed' },
      'Follow up what is still open before closing the concern: referral to children’s social care.',
    ],
    [
      'close once the referral is followed up',
      [referral, act('early help', 2, { completes: referral.id })],
      { action: 'closed' },
      undefined,
    ],
    ['close it twice', [act('closed', 1)], { action: 'closed' }, 'This concern is closed already.'],
    ['reopen a closed one', [act('closed', 1)], { action: 'reopened' }, undefined],
    ['reopen an open one', [act('monitor', 1)], { action: 'reopened' }, 'Only a closed concern can be reopened.'],
    ['follow up an open action', [referral], { action: 'early help', completes: referral.id }, undefined],
    [
      'follow up one that is not there, while another is open',
      [referral],
      { action: 'monitor', completes: 'elsewhere' },
      'The action this follows up is not one still open on this concern.',
    ],
    [
      'close with two still open',
      [referral, act('police', 2, { stillOpen: true })],
      { action: 'closed' },
      'Follow up what is still open before closing the concern: referral to children’s social care, police.',
    ],
    [
      'follow up one already followed up',
      [referral, act('early help', 2, { completes: referral.id })],
      { action: 'monitor', completes: referral.id },
      'The action this follows up is not one still open on this concern.',
    ],
    [
      'follow up one that is not there',
      [],
      { action: 'monitor', completes: 'elsewhere' },
      'The action this follows up is not one still open on this concern.',
    ],
    ['an action on a closed concern', [act('closed', 1)], { action: 'monitor' }, undefined],
  ] as const)('%s', (_case, actions, next, expected) => {
    expect(actionProblem(actions, next)).toBe(expected);
  });
});
