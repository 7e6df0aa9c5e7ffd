/**
 * What a mentor reads when a record or a request is refused for its shape: the field named as the
 * form names it, what it must be, and in a push which change, never the validation library's text.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LABELS } from '../../src/shared/field-labels.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { inWords, recordNotFoundWords } from '../../src/shared/issue-words.ts';
import { ValidationError } from '../../src/shared/model.ts';
import { EnrolRequestSchema, PROTOCOL, PullRequestSchema, PushChangeSchema, PushRequestSchema } from '../../src/shared/protocol.ts';
import { ContactSchema, SCHEMAS, validate } from '../../src/shared/validation.ts';
import { pupil } from './helpers.ts';

const words = (schema: v.GenericSchema, input: unknown) => {
  const result = v.safeParse(schema, input);
  return result.success ? [] : result.issues.map((issue) => inWords(issue));
};

/** The messages a record's refusal gives, as the tablet and the endpoint both say them. */
const refusal = (table: 'pupils' | 'sessions' | 'checkIns' | 'revisions', record: unknown) => {
  try {
    validate(table, record);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
};

const at = '2026-11-24T09:00:00.000Z';
const stamp = {
  id: '01a20000-0000-7000-8000-0000000000a1',
  createdAt: at,
  updatedAt: at,
  deviceId: '01a20000-0000-7000-8000-0000000000d1',
  mentorId: null,
};
const aPupil = { ...stamp, ...pupil(), status: 'active' };
const aSession = {
  ...stamp,
  kind: 'one-to-one',
  occurredAt: at,
  minutes: 30,
  title: '',
  pupilIds: ['01a20000-0000-7000-8000-0000000000b1'],
  note: '',
  concern: false,
};
const change = {
  changeId: '01a20000-0000-7000-8000-0000000000c1',
  seq: 1,
  table: 'pupils',
  recordId: stamp.id,
  op: 'update',
  values: { form: '9S' },
  hlc: encodeHlc({ wall: Date.parse(at), count: 0, node: stamp.deviceId }),
};
const push = (changes: unknown[], rest: Record<string, unknown> = {}) => ({
  protocol: PROTOCOL,
  changes,
  unsent: 1,
  deviceTime: at,
  ...rest,
});

describe('a record refused for its shape', () => {
  it.each([
    ['a missing name', 'pupils', (({ name: _, ...rest }) => rest)(aPupil), ['Name is missing.']],
    ['a name that is not text', 'pupils', { ...aPupil, name: null }, ['Name must be text.']],
    ['a name there with nothing in it', 'pupils', { ...aPupil, name: undefined }, ['Name is missing.']],
    [
      'a contact’s phone that is a number',
      'pupils',
      { ...aPupil, contacts: [{ name: 'Mrs Smith', relationship: '', phone: 7700, email: '' }] },
      ['Contact 1: Phone must be text.'],
    ],
    [
      'a second contact with no name',
      'pupils',
      {
        ...aPupil,
        contacts: [
          { name: 'Mrs Smith', relationship: '', phone: '', email: '' },
          { relationship: '', phone: '', email: '' },
        ],
      },
      ['Contact 2: Name is missing.'],
    ],
    ['referral reasons that are not a list', 'pupils', { ...aPupil, referralReasons: 'attendance' }, ['Referral reasons must be a list.']],
    [
      'a status no pupil has',
      'pupils',
      { ...aPupil, status: 'paused' },
      ['Whether it is open or closed is not one Waymark knows ("paused").'],
    ],
    ['a length of half a minute', 'sessions', { ...aSession, minutes: 30.5 }, ['The length must be a whole number.']],
    ['a concern that is not yes or no', 'sessions', { ...aSession, concern: 'yes' }, ['Whether it is a concern must be yes or no.']],
    // A time in the wrong form is told the form once, not also that it does not exist.
    [
      'a time without its milliseconds',
      'sessions',
      { ...aSession, occurredAt: '2026-11-24T09:30:00Z' },
      ['Use a UTC time like 2026-11-24T09:30:00.000Z.'],
    ],
    ['a time that does not exist', 'sessions', { ...aSession, occurredAt: '2026-02-30T09:30:00.000Z' }, ['That time does not exist.']],
    ['a rule’s own words, kept as they are', 'pupils', { ...aPupil, name: '  ' }, ['Name is required.']],
    ['a session of no minutes', 'sessions', { ...aSession, minutes: 0 }, ['Length is at least a minute.']],
    [
      'a check-in that is neither met, partly nor not met',
      'checkIns',
      { ...stamp, targetId: stamp.id, pupilId: stamp.id, on: '2026-11-24', result: 'maybe', word: '' },
      ['A check-in is met, partly or not met.'],
    ],
    ['a pupil in a session given as a number', 'sessions', { ...aSession, pupilIds: [7] }, ['The pupils: item 1 must be text.']],
    ['a contact that is a number, not a contact', 'pupils', { ...aPupil, contacts: [5] }, ['Contact 1 must be a set of named values.']],
    [
      'a revision of fields the record did not have yet (left out, as JSON leaves them)',
      'revisions',
      { ...stamp, table: 'pupils', recordId: stamp.id, before: { name: undefined, closedOn: undefined } },
      [],
    ],
  ] as const)('%s', (_, table, record, expected) => {
    expect(refusal(table, record)).toEqual(expected);
  });
});

describe('a request refused for its shape', () => {
  it.each([
    [
      'a change with no clock reading',
      PushRequestSchema,
      push([(({ hlc: _, ...rest }) => rest)(change)]),
      ['Change 1: The clock reading is missing.'],
    ],
    [
      'the second change’s number as text',
      PushRequestSchema,
      push([change, { ...change, seq: '2' }]),
      ['Change 2: The change’s number must be a number.'],
    ],
    [
      'a change whose values are text',
      PushRequestSchema,
      push([{ ...change, values: 'Maya' }]),
      ['Change 1: What the change sets must be a set of named values.'],
    ],
    [
      'a change’s number with a fraction',
      PushRequestSchema,
      push([{ ...change, seq: 1.5 }]),
      ['Change 1: The change’s number must be a whole number.'],
    ],
    [
      'a change that does something unknown',
      PushRequestSchema,
      push([{ ...change, op: 'merge' }]),
      ['Change 1: What the change does is not one Waymark knows ("merge").'],
    ],
    [
      'a rule’s own words, told which change',
      PushRequestSchema,
      push([{ ...change, table: 'grades' }]),
      ['Change 1: Unknown kind of record.'],
    ],
    ['changes that are not a list', PushRequestSchema, push([], { changes: {} }), ['The changes must be a list.']],
    ['no tablet clock', PushRequestSchema, (({ deviceTime: _, ...rest }) => rest)(push([change])), ['The tablet’s clock is missing.']],
    ['a pull cursor that is a number', PullRequestSchema, { protocol: PROTOCOL, cursor: 7 }, ['The pull cursor must be text.']],
    [
      'an enrolment without its code',
      EnrolRequestSchema,
      { protocol: PROTOCOL, deviceId: stamp.deviceId, deviceName: 'iPad' },
      ['The enrolment code is missing.'],
    ],
    ['a request that is not an object', PullRequestSchema, 'pull', ['The request must be a set of named values.']],
    ['no request at all', PullRequestSchema, undefined, ['The request must be a set of named values.']],
    [
      'a rule’s own words about the whole push, told of no change',
      PushRequestSchema,
      push(Array.from({ length: 501 }, () => change)),
      ['At most 500 changes in one push.'],
    ],
    [
      'a change id that is not one',
      PushRequestSchema,
      push([{ ...change, changeId: 'abc' }]),
      ['Change 1: The change’s id is not in a form Waymark can read.'],
    ],
  ] as const)('%s', (_, schema, input, expected) => {
    expect(words(schema as v.GenericSchema, input)).toEqual(expected);
  });
});

describe('the names refusals give fields', () => {
  it('are there for every field of every record and request: none is named by its code', () => {
    const schemas = {
      ...SCHEMAS,
      contacts: ContactSchema,
      push: PushRequestSchema,
      change: PushChangeSchema,
      pull: PullRequestSchema,
      enrol: EnrolRequestSchema,
    };
    const unnamed = Object.entries(schemas).flatMap(([name, schema]) =>
      Object.keys(schema.entries)
        .filter((field) => !LABELS[field])
        .map((field) => `${name}.${field}`),
    );
    expect(unnamed).toEqual([]);
  });
});

describe('a change that waits for its record says so, naming the record as the mentor does', () => {
  it.each([
    ['pupils', 'pupil'],
    ['targets', 'target'],
    ['checkIns', 'check-in'],
    ['sessions', 'session note'],
    ['a table Waymark does not know', 'record'],
  ])('%s: “%s”', (table, noun) => {
    const words = recordNotFoundWords(table);
    expect(words).toContain(`does not have this ${noun} yet`);
    expect(words).toContain(`sent again by itself once the school has the ${noun}.`);
  });
});
