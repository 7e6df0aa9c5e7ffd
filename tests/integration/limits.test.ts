/**
 * Every field's upper limit, on the tablet and on the school's endpoint alike. A tablet that saved
 * what the endpoint then refused would leave the change under "needs attention" for good, and a
 * mentor with a note they cannot send; so for each limit, the tablet's write path (`commit`, on
 * fake-indexeddb) and the endpoint (the real server code over SQLite, in this process) both take a
 * record at the limit and both refuse one past it, in the same words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Change, commit } from '../../src/data/commit.ts';
import { newId } from '../../src/shared/ids.ts';
import { type SyncedTable, ValidationError } from '../../src/shared/model.ts';
import { LIMITS } from '../../src/shared/protocol.ts';
import type { Role } from '../../src/shared/roles.ts';
import { freshDb, pupil, target } from '../unit/helpers.ts';
import { openSchool, type Tablet, type TestSchool } from './school.ts';

type Table = Exclude<SyncedTable, 'revisions'>;

const someone = newId();
/** The concern the actions and openings are about: the school has it (see beforeAll). */
const aConcern = newId();
const contact = { name: 'Mrs Smith', relationship: 'Mother', phone: '07700 900123', email: 'smith@example.org' };
/** A valid new record of each kind, as a form would hand it to the write path. */
const valid: Record<Table, Record<string, unknown>> = {
  pupils: { ...pupil(), status: 'active' },
  targets: { ...target(someone), status: 'active' },
  checkIns: { targetId: newId(), pupilId: someone, on: '2026-11-24', result: 'met', word: '' },
  sessions: {
    kind: 'one-to-one',
    occurredAt: '2026-11-24T09:30:00.000Z',
    minutes: 30,
    title: '',
    pupilIds: [someone],
    note: '',
    concern: false,
  },
  concerns: {
    pupilId: someone,
    category: 'neglect',
    account: 'Came in without a coat again.',
    noticedAt: '2026-11-24T08:40:00.000Z',
    toldWhom: '',
  },
  concernActions: { concernId: aConcern, pupilId: someone, action: 'monitor', note: '', on: '2026-11-24', stillOpen: false },
  concernOpenings: { concernId: aConcern, pupilId: someone },
  addenda: { sessionId: newId(), note: 'Seen in the library after.' },
};

const chars = (n: number) => 'x'.repeat(n);
/** A limit on a text field: the field holds `n` characters. */
const text = (field: string) => (n: number) => ({ [field]: chars(n) });
/** A limit on a contact's text field: the pupil has one contact whose field holds `n` characters. */
const contactText = (field: keyof typeof contact) => (n: number) => ({ contacts: [{ ...contact, [field]: chars(n) }] });

interface Limit {
  table: Table;
  what: string;
  max: number;
  /** The fields that make a record of size `n` for this limit. */
  sized: (n: number) => Record<string, unknown>;
  /** The words the mentor reads when the record is one past the limit. */
  message: string;
  /** Who may write it, when not every role may (all but a caseload may be written by the DSL). */
  as?: Role;
  /** What the record says before an edit of it, when the edit needs more than a valid record (a flag to take off). */
  before?: Record<string, unknown>;
}

const limits: Limit[] = [
  { table: 'pupils', what: 'name', max: 120, sized: text('name'), message: 'Name must be at most 120 characters.' },
  {
    table: 'pupils',
    what: 'preferred name',
    max: 60,
    sized: text('preferredName'),
    message: 'Preferred name must be at most 60 characters.',
  },
  { table: 'pupils', what: 'form', max: 30, sized: text('form'), message: 'Form or class must be at most 30 characters.' },
  {
    table: 'pupils',
    what: 'school reference',
    max: 40,
    sized: text('schoolRef'),
    message: 'School pupil reference must be at most 40 characters.',
  },
  {
    table: 'pupils',
    what: 'other reason',
    max: 300,
    sized: text('referralOther'),
    message: 'Other reason must be at most 300 characters.',
  },
  { table: 'pupils', what: 'referred by', max: 120, sized: text('referredBy'), message: 'Referred by must be at most 120 characters.' },
  { table: 'pupils', what: 'what helps', max: 1000, sized: text('whatHelps'), message: 'What helps must be at most 1000 characters.' },
  {
    table: 'pupils',
    what: 'exit summary',
    max: 4000,
    sized: text('exitSummary'),
    message: 'Exit summary must be at most 4000 characters.',
  },
  {
    table: 'pupils',
    what: 'contacts',
    max: 10,
    sized: (n) => ({ contacts: Array.from({ length: n }, () => contact) }),
    message: 'At most 10 contacts.',
  },
  { table: 'pupils', what: 'contact name', max: 120, sized: contactText('name'), message: 'Contact name must be at most 120 characters.' },
  {
    table: 'pupils',
    what: 'contact relationship',
    max: 60,
    sized: contactText('relationship'),
    message: 'Relationship must be at most 60 characters.',
  },
  { table: 'pupils', what: 'contact phone', max: 40, sized: contactText('phone'), message: 'Phone must be at most 40 characters.' },
  { table: 'pupils', what: 'contact email', max: 200, sized: contactText('email'), message: 'Email must be at most 200 characters.' },
  { table: 'targets', what: 'wording', max: 300, sized: text('wording'), message: 'The target must be at most 300 characters.' },
  {
    table: 'targets',
    what: 'how we will know',
    max: 300,
    sized: text('howWeKnow'),
    message: 'How we will know must be at most 300 characters.',
  },
  { table: 'checkIns', what: 'word', max: 200, sized: text('word'), message: 'The word must be at most 200 characters.' },
  { table: 'sessions', what: 'group name', max: 120, sized: text('title'), message: 'Group name must be at most 120 characters.' },
  { table: 'sessions', what: 'note', max: 20_000, sized: text('note'), message: 'The note must be at most 20000 characters.' },
  {
    table: 'sessions',
    what: 'pupils',
    max: 60,
    sized: (n) => ({ kind: 'group', pupilIds: Array.from({ length: n }, () => newId()) }),
    message: 'At most 60 pupils in one session.',
  },
  { table: 'sessions', what: 'minutes', max: 600, sized: (n) => ({ minutes: n }), message: 'Length is at most 10 hours.' },
  {
    table: 'sessions',
    what: 'withdrawn reason',
    max: 500,
    sized: (n) => ({ withdrawnAt: '2026-11-24T10:00:00.000Z', withdrawnReason: chars(n) }),
    message: 'The reason for withdrawing must be at most 500 characters.',
  },
  {
    table: 'sessions',
    what: 'reason for clearing the concern',
    max: 500,
    // The DSL takes a note's flag off, saying why.
    sized: (n) => ({ concern: false, concernClearedReason: chars(n) }),
    before: { concern: true },
    message: 'The reason for clearing the concern must be at most 500 characters.',
  },
  {
    table: 'pupils',
    what: 'mentors who support the pupil',
    max: 20,
    sized: (n) => ({ caseload: Array.from({ length: n }, () => newId()) }),
    message: 'At most 20 mentors support one pupil.',
    as: 'lead mentor',
  },
  {
    table: 'concerns',
    what: 'account',
    max: 20_000,
    sized: text('account'),
    message: 'What was seen or said must be at most 20000 characters.',
  },
  {
    table: 'concerns',
    what: 'who was told',
    max: 300,
    sized: text('toldWhom'),
    message: 'Who was told in person must be at most 300 characters.',
  },
  { table: 'concernActions', what: 'note', max: 4000, sized: text('note'), message: 'The note must be at most 4000 characters.' },
  { table: 'addenda', what: 'note', max: 4000, sized: text('note'), message: 'The addendum must be at most 4000 characters.' },
];

/** What was done about a concern, and an addendum, are never edited (append-only): their limits hold for new records only. */
const editable = limits.filter((l) => l.table !== 'concernActions' && l.table !== 'addenda');

/** Why the tablet's write path refused the changes (or that it did not). */
async function refusal(save: Promise<unknown>): Promise<readonly string[] | 'saved'> {
  try {
    await save;
    return 'saved';
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
}

let school: TestSchool;
let tablet: Tablet;
beforeAll(async () => {
  school = openSchool();
  tablet = await school.enrolTablet('Sam Patel');
});
beforeAll(async () => {
  writingAs('dsl');
  const at = school.clock.now.toISOString();
  const concern = { ...valid.concerns, id: aConcern, createdAt: at, updatedAt: at, deviceId: tablet.deviceId, mentorId: null };
  const { body } = await tablet.push([tablet.change('concerns', aConcern, 'create', concern)]);
  expect(body.results[0]).toMatchObject({ status: 'applied' });
});
// Every kind of record: the DSL records what was done about a concern; a lead mentor changes who supports a pupil.
const writingAs = (role: Role = 'dsl') => school.store.setRole(tablet.mentorId, role);
afterAll(() => school.close());

/** The endpoint's answer to one pushed change. */
async function pushed(...change: Parameters<Tablet['change']>) {
  const { status, body } = await tablet.push([tablet.change(...change)]);
  expect(status).toBe(200);
  return body.results[0];
}

describe.each(limits)('$table: $what, at most $max', ({ table, max, sized, message, as }) => {
  it('a new record at the limit is saved on the tablet and applied by the endpoint; one past it is refused by both, in the same words', async () => {
    writingAs(as);
    const db = freshDb();
    const create = (n: number): Change => ({ op: 'create', table, record: { ...valid[table], ...sized(n) } }) as Change;

    expect(await refusal(commit(db, [create(max)])), 'tablet, at the limit').toBe('saved');
    const [entry] = await db.outbox.toArray();
    // Exactly what the tablet would send.
    const atMax = entry?.values as Record<string, unknown>;
    expect(await pushed(table, atMax.id as string, 'create', atMax), 'endpoint, at the limit').toMatchObject({ status: 'applied' });

    expect(await refusal(commit(db, [create(max + 1)])), 'tablet, one past the limit').toEqual([message]);
    const id = newId();
    const over = { ...atMax, id, ...sized(max + 1) };
    expect(await pushed(table, id, 'create', over), 'endpoint, one past the limit').toEqual({
      seq: expect.any(Number),
      changeId: expect.any(String),
      status: 'rejected',
      code: 'invalid_record',
      message,
    });
  });
});

describe.each(editable)('$table: $what, at most $max, in an edit', ({ table, max, sized, message, as, before }) => {
  it('an edit up to the limit is saved and applied; an edit past it is refused by both, in the same words', async () => {
    writingAs(as);
    const db = freshDb();
    const [id] = await commit(db, [{ op: 'create', table, record: { ...valid[table], ...before } } as Change]);
    const [entry] = await db.outbox.toArray();
    expect(await pushed(table, id as string, 'create', entry?.values as Record<string, unknown>)).toMatchObject({ status: 'applied' });
    const edit = (patch: Record<string, unknown>): Change => ({ op: 'update', table, id: id as string, patch }) as Change;

    const atMax = sized(max);
    expect(await refusal(commit(db, [edit(atMax)])), 'tablet, at the limit').toBe('saved');
    // Exactly the edit the tablet would send.
    const update = (await db.outbox.toArray()).find((e) => e.op === 'update');
    expect(update?.values).toMatchObject(atMax);
    expect(await pushed(table, id as string, 'update', update?.values ?? {}), 'endpoint, at the limit').toMatchObject({
      status: 'applied',
    });

    expect(await refusal(commit(db, [edit(sized(max + 1))])), 'tablet, one past the limit').toEqual([message]);
    expect(await pushed(table, id as string, 'update', sized(max + 1)), 'endpoint, one past the limit').toMatchObject({
      status: 'rejected',
      code: 'invalid_record',
      message,
    });
  });
});

describe('the endpoint’s cap on any one string', () => {
  // LIMITS.string is a coarse cap on every string a change carries, above the longest field's own
  // limit: a note past its limit, up to the cap itself, is refused for the note's rule, in the
  // note's words; only past the cap for the cap.
  it.each([
    ['one past the note’s own limit', 'its own rule', 20_001, 'The note must be at most 20000 characters.'],
    ['exactly as long as the cap', 'its own rule', LIMITS.string, 'The note must be at most 20000 characters.'],
    ['one past the cap', 'the cap', LIMITS.string + 1, `note is longer than ${LIMITS.string} characters.`],
  ])('sits above the note’s own limit: a note %s is refused for %s', async (_what, _for, length, message) => {
    const at = school.clock.now.toISOString();
    /** A new session with this note, as a tablet that skipped the note's rule would send it. */
    const withNote = (note: string) => {
      const id = newId();
      return pushed('sessions', id, 'create', {
        ...valid.sessions,
        id,
        createdAt: at,
        updatedAt: at,
        deviceId: tablet.deviceId,
        mentorId: null,
        note,
      });
    };
    expect(await withNote(chars(length))).toMatchObject({ status: 'rejected', code: 'invalid_record', message });
  });
});
