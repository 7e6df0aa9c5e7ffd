import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { LIMITS, PROTOCOL, PullRequestSchema, PushRequestSchema } from '../../src/shared/protocol.ts';

const change = (seq: number) => ({
  changeId: '01a20000-0000-7000-8000-0000000000c1',
  seq,
  table: 'pupils',
  recordId: '01a20000-0000-7000-8000-0000000000a1',
  op: 'update',
  values: { form: '9S', closedOn: null },
  hlc: encodeHlc({ wall: Date.parse('2026-11-24T09:00:00.000Z'), count: 0, node: '01a20000-0000-7000-8000-0000000000d1' }),
  base: { form: null },
});
const push = (overrides: Record<string, unknown> = {}) => ({
  protocol: PROTOCOL,
  changes: [change(1)],
  unsent: 1,
  deviceTime: '2026-11-24T09:00:01.000Z',
  ...overrides,
});
const problems = (schema: v.GenericSchema, input: unknown) => {
  const result = v.safeParse(schema, input);
  return result.success ? [] : result.issues.map((i) => i.message);
};

describe('what an endpoint accepts from a tablet', () => {
  it('accepts a well-formed push, with a cleared field as null', () => {
    expect(problems(PushRequestSchema, push())).toEqual([]);
  });

  it.each([
    ['another protocol version', push({ protocol: 2 }), `This endpoint speaks sync protocol ${PROTOCOL}.`],
    ['an unknown kind of record', push({ changes: [{ ...change(1), table: 'grades' }] }), 'Unknown kind of record.'],
    ['a clock reading that is not one', push({ changes: [{ ...change(1), hlc: 'yesterday' }] }), 'Not a clock reading.'],
    [
      'too many changes at once',
      push({ changes: Array.from({ length: LIMITS.pushChanges + 1 }, (_, i) => change(i + 1)) }),
      `At most ${LIMITS.pushChanges} changes in one push.`,
    ],
  ])('refuses %s, saying why', (_, input, message) => {
    expect(problems(PushRequestSchema, input)).toContain(message);
  });

  it('refuses a pull page larger than the limit', () => {
    expect(problems(PullRequestSchema, { protocol: PROTOCOL, cursor: null, limit: LIMITS.pullPage + 1 })).not.toEqual([]);
    expect(problems(PullRequestSchema, { protocol: PROTOCOL, cursor: null })).toEqual([]);
  });
});
