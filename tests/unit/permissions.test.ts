/** Who may change what (src/shared/permissions.ts), case by case: the rules the endpoint enforces. */
import { describe, expect, it } from 'vitest';
import {
  NOT_ALLOWED,
  notAllowed,
  type ProposedChange,
  revisionNotAllowed,
  type Standing,
  type Writer,
} from '../../src/shared/permissions.ts';
import { type Role, readsEveryConcern, seesWholeSchool, supports } from '../../src/shared/roles.ts';

const SAM = 'sam';
const ALEX = 'alex';
const as = (mentorId: string, role: Role = 'mentor'): Writer => ({ mentorId, role });
const samsNote = (fields: Record<string, unknown> = {}): Standing => ({
  authorId: SAM,
  fields: { note: 'Read well.', concern: false, ...fields },
});
const samsConcern: Standing = { authorId: SAM, fields: { account: 'He said he was hungry.' } };
const pupil: Standing = { authorId: SAM, fields: { name: 'Maya Okafor', caseload: [SAM] } };
const action: Standing = { authorId: 'dana', fields: { action: 'monitor' } };
const change = (
  table: ProposedChange['table'],
  values: Record<string, unknown> = {},
  op: ProposedChange['op'] = 'update',
): ProposedChange => ({
  table,
  op,
  values,
});

describe('who may change what', () => {
  it.each<[string, Writer, ProposedChange, Standing | undefined, string | undefined]>([
    // Notes: their author; a flagged one, the DSL and deputies too.
    ['the author edits their note', as(SAM), change('sessions', { note: 'Read very well.' }), samsNote(), undefined],
    ['another mentor edits it', as(ALEX), change('sessions', { note: 'x' }), samsNote(), NOT_ALLOWED.editNote],
    ['another mentor removes it', as(ALEX), change('sessions', {}, 'delete'), samsNote(), NOT_ALLOWED.editNote],
    ['a lead mentor edits it', as(ALEX, 'lead mentor'), change('sessions', { note: 'x' }), samsNote(), NOT_ALLOWED.editNote],
    ['the DSL edits an unflagged note', as(ALEX, 'dsl'), change('sessions', { note: 'x' }), samsNote(), NOT_ALLOWED.editNote],
    ['the DSL edits a flagged note', as(ALEX, 'dsl'), change('sessions', { note: 'x' }), samsNote({ concern: true }), undefined],
    ['a deputy edits a flagged note', as(ALEX, 'deputy dsl'), change('sessions', { note: 'x' }), samsNote({ concern: true }), undefined],
    [
      'a mentor edits a note whose author is unknown',
      as(ALEX),
      change('sessions', { note: 'x' }),
      { authorId: undefined, fields: {} },
      undefined,
    ],
    [
      'the author removes their flagged note',
      as(SAM),
      change('sessions', {}, 'delete'),
      samsNote({ concern: true }),
      NOT_ALLOWED.removeFlagged,
    ],
    [
      'the DSL removes a flagged note',
      as(ALEX, 'dsl'),
      change('sessions', {}, 'delete'),
      samsNote({ concern: true }),
      NOT_ALLOWED.removeFlagged,
    ],
    ['the author removes their unflagged note', as(SAM), change('sessions', {}, 'delete'), samsNote(), undefined],
    ['anyone writes a new note', as(ALEX), change('sessions', { note: 'x' }, 'create'), undefined, undefined],
    // The concern flag comes off only by the DSL's hand, with a reason.
    // A note is flagged when it is written, or not at all: once at the school it has gone to every tablet.
    ['the author flags their note later', as(SAM), change('sessions', { concern: true }), samsNote(), NOT_ALLOWED.flagLater],
    ['the DSL flags a note later', as(ALEX, 'dsl'), change('sessions', { concern: true }), samsNote(), NOT_ALLOWED.flagLater],
    ['anyone writes a flagged note', as(ALEX), change('sessions', { concern: true }, 'create'), undefined, undefined],
    [
      'the DSL flags again a note whose flag came off',
      as(ALEX, 'dsl'),
      change('sessions', { concern: true }),
      samsNote({ concern: false, concernClearedReason: 'Not a concern after all.' }),
      undefined,
    ],
    [
      'the author edits their flagged note, keeping the flag',
      as(SAM),
      change('sessions', { concern: true, note: 'x' }),
      samsNote({ concern: true }),
      undefined,
    ],
    ['the author unflags it', as(SAM), change('sessions', { concern: false }), samsNote({ concern: true }), NOT_ALLOWED.clearConcern],
    // Why a flag came off is the DSL's to write, on a note that was flagged, and never taken back.
    [
      'the author takes back why the flag came off',
      as(SAM),
      change('sessions', { concernClearedReason: null }),
      samsNote({ concern: false, concernClearedReason: 'Not a concern after all.' }),
      NOT_ALLOWED.clearConcern,
    ],
    [
      'the DSL takes back why the flag came off',
      as(ALEX, 'dsl'),
      change('sessions', { concernClearedReason: null }),
      samsNote({ concern: false, concernClearedReason: 'Not a concern after all.' }),
      NOT_ALLOWED.clearWithoutReason,
    ],
    [
      'the DSL rewords why the flag came off',
      as(ALEX, 'dsl'),
      change('sessions', { concernClearedReason: 'Spoke to mum.' }),
      samsNote({ concern: false, concernClearedReason: 'Not a concern after all.' }),
      undefined,
    ],
    [
      'the DSL gives a reason on a note never flagged',
      as(ALEX, 'dsl'),
      change('sessions', { concernClearedReason: 'x' }),
      samsNote(),
      NOT_ALLOWED.flagLater,
    ],
    [
      'the author gives a reason on their own note never flagged',
      as(SAM),
      change('sessions', { concernClearedReason: 'x' }),
      samsNote(),
      NOT_ALLOWED.flagLater,
    ],
    // Saying again what a note already says is no clearing, nor a removal.
    [
      'the author saves their unflagged note with the flag still off',
      as(SAM),
      change('sessions', { concern: false, note: 'x' }),
      samsNote(),
      undefined,
    ],
    [
      'the author edits their flagged note, which says it was never removed',
      as(SAM),
      change('sessions', { note: 'x', deletedAt: null }),
      samsNote({ concern: true }),
      undefined,
    ],
    [
      'a lead mentor unflags it',
      as(ALEX, 'lead mentor'),
      change('sessions', { concern: false }),
      samsNote({ concern: true }),
      NOT_ALLOWED.clearConcern,
    ],
    [
      'the DSL unflags it without a reason',
      as(ALEX, 'dsl'),
      change('sessions', { concern: false }),
      samsNote({ concern: true }),
      NOT_ALLOWED.clearWithoutReason,
    ],
    [
      'the DSL unflags it with a blank reason',
      as(ALEX, 'dsl'),
      change('sessions', { concern: false, concernClearedReason: '  ' }),
      samsNote({ concern: true }),
      NOT_ALLOWED.clearWithoutReason,
    ],
    [
      'the DSL unflags it with a reason',
      as(ALEX, 'dsl'),
      change('sessions', { concern: false, concernClearedReason: 'Spoke to mum: a misunderstanding.' }),
      samsNote({ concern: true }),
      undefined,
    ],
    [
      'a deputy unflags it with a reason',
      as(ALEX, 'deputy dsl'),
      change('sessions', { concern: false, concernClearedReason: 'Checked.' }),
      samsNote({ concern: true }),
      undefined,
    ],
    // Concerns: their author and the DSLs; never removed.
    ['the author adds to their concern', as(SAM), change('concerns', { account: 'More.' }), samsConcern, undefined],
    ['another mentor edits it', as(ALEX), change('concerns', { account: 'x' }), samsConcern, NOT_ALLOWED.editConcern],
    ['a lead mentor edits it', as(ALEX, 'lead mentor'), change('concerns', { account: 'x' }), samsConcern, NOT_ALLOWED.editConcern],
    ['the DSL edits it', as(ALEX, 'dsl'), change('concerns', { category: 'neglect' }), samsConcern, undefined],
    ['a deputy edits it', as(ALEX, 'deputy dsl'), change('concerns', { category: 'neglect' }), samsConcern, undefined],
    ['the author removes it', as(SAM), change('concerns', {}, 'delete'), samsConcern, NOT_ALLOWED.removeConcern],
    [
      'the author removes it by an edit that says when',
      as(SAM),
      change('concerns', { deletedAt: '2026-11-24T10:00:00.000Z' }),
      samsConcern,
      NOT_ALLOWED.removeConcern,
    ],
    [
      'the author removes a flagged note by an edit that says when',
      as(SAM),
      change('sessions', { deletedAt: '2026-11-24T10:00:00.000Z' }),
      samsNote({ concern: true }),
      NOT_ALLOWED.removeFlagged,
    ],
    ['the author restores an unflagged note', as(SAM), change('sessions', { deletedAt: null }), samsNote(), undefined],
    ['the DSL removes it', as(ALEX, 'dsl'), change('concerns', {}, 'delete'), samsConcern, NOT_ALLOWED.removeConcern],
    ['any mentor records a concern', as(ALEX), change('concerns', {}, 'create'), undefined, undefined],
    // What was done: the DSLs record it, and nobody changes it.
    ['the DSL records an action', as(ALEX, 'dsl'), change('concernActions', {}, 'create'), undefined, undefined],
    ['a deputy records an action', as(ALEX, 'deputy dsl'), change('concernActions', {}, 'create'), undefined, undefined],
    ['a mentor records an action', as(SAM), change('concernActions', {}, 'create'), undefined, NOT_ALLOWED.recordAction],
    [
      'a lead mentor records an action',
      as(SAM, 'lead mentor'),
      change('concernActions', {}, 'create'),
      undefined,
      NOT_ALLOWED.recordAction,
    ],
    ['the DSL who recorded it edits it', as('dana', 'dsl'), change('concernActions', { note: 'x' }), action, NOT_ALLOWED.changeAction],
    ['the DSL removes it', as('dana', 'dsl'), change('concernActions', {}, 'delete'), action, NOT_ALLOWED.changeAction],
    // Caseloads: set when the pupil is added; then only a lead mentor changes them.
    ['a mentor adds a pupil to their caseload', as(SAM), change('pupils', { caseload: [SAM] }, 'create'), undefined, undefined],
    ['a mentor edits a pupil', as(ALEX), change('pupils', { form: '9S' }), pupil, undefined],
    ['a mentor changes who supports them', as(SAM), change('pupils', { caseload: [SAM, ALEX] }), pupil, NOT_ALLOWED.caseload],
    ['the DSL changes who supports them', as(ALEX, 'dsl'), change('pupils', { caseload: [ALEX] }), pupil, NOT_ALLOWED.caseload],
    ['a lead mentor changes who supports them', as(ALEX, 'lead mentor'), change('pupils', { caseload: [ALEX] }), pupil, undefined],
    // Addenda: anyone adds one to a note, and nobody changes it.
    ['another mentor adds an addendum', as(ALEX), change('addenda', {}, 'create'), undefined, undefined],
    [
      'its author edits an addendum',
      as(ALEX),
      change('addenda', { note: 'x' }),
      { authorId: ALEX, fields: {} },
      NOT_ALLOWED.changeAddendum,
    ],
    ['its author removes it', as(ALEX), change('addenda', {}, 'delete'), { authorId: ALEX, fields: {} }, NOT_ALLOWED.changeAddendum],
    [
      'who opened a concern, changed',
      as('dana', 'dsl'),
      change('concernOpenings', {}),
      { authorId: 'dana', fields: {} },
      NOT_ALLOWED.changeOpening,
    ],
    // Targets and check-ins are the whole caseload's work.
    ['another mentor edits a target', as(ALEX), change('targets', { wording: 'x' }), { authorId: SAM, fields: {} }, undefined],
  ])('%s', (_case, writer, proposed, record, expected) => {
    expect(notAllowed(writer, proposed, record)).toBe(expected);
  });
});

describe('an earlier version is written only by whoever may make the edit it keeps', () => {
  const revision = (table: string, before: Record<string, unknown>) => ({ table, recordId: 'r', before });
  it.each<[string, Writer, Record<string, unknown>, Standing | undefined, string | undefined]>([
    ['of their own note', as(SAM), revision('sessions', { note: 'Read well.' }), samsNote(), undefined],
    ['of another’s note', as(ALEX), revision('sessions', { note: 'Read well.' }), samsNote(), NOT_ALLOWED.editNote],
    // The edit took the flag off: as the note stood before it, it was flagged, and the DSL's to change.
    [
      'of a note the DSL unflagged',
      as(ALEX, 'dsl'),
      revision('sessions', { concern: true }),
      samsNote({ concern: false, concernClearedReason: 'Checked.' }),
      undefined,
    ],
    ['of another’s concern', as(ALEX), revision('concerns', { account: 'x' }), samsConcern, NOT_ALLOWED.editConcern],
    ['of a concern, by the DSL', as(ALEX, 'dsl'), revision('concerns', { account: 'x' }), samsConcern, undefined],
    ['of who supported a pupil, by a mentor', as(SAM), revision('pupils', { caseload: [SAM] }), pupil, NOT_ALLOWED.caseload],
    ['of who supported a pupil, by a lead mentor', as(ALEX, 'lead mentor'), revision('pupils', { caseload: [SAM] }), pupil, undefined],
    ['of a pupil’s form, by a mentor', as(ALEX), revision('pupils', { form: '9R' }), pupil, undefined],
    ['of a record the endpoint does not have', as(ALEX), revision('sessions', { note: 'x' }), undefined, undefined],
  ])('%s', (_case, writer, rev, of, expected) => {
    expect(revisionNotAllowed(writer, rev, of)).toBe(expected);
  });
});

describe('who reads what, and whose pupils a screen shows (src/shared/roles.ts)', () => {
  it.each<[Role, boolean, boolean]>([
    ['mentor', false, false],
    ['mentor', true, false],
    ['lead mentor', false, false],
    ['lead mentor', true, true],
    ['dsl', false, true],
    ['deputy dsl', false, true],
  ])('a %s, with lead mentors reading every concern %s, reads every concern: %s', (role, leadReads, expected) => {
    expect(readsEveryConcern(role, leadReads)).toBe(expected);
  });

  it.each<[Role, boolean]>([
    ['mentor', false],
    ['lead mentor', true],
    ['dsl', true],
    ['deputy dsl', true],
  ])('a %s may look at every pupil in the school: %s', (role, expected) => {
    expect(seesWholeSchool(role)).toBe(expected);
  });

  it.each<[string, { caseload?: string[] }, string | undefined, boolean]>([
    ['on their caseload', { caseload: [SAM] }, SAM, true],
    ['on another’s caseload', { caseload: [ALEX] }, SAM, false],
    ['shared between two', { caseload: [ALEX, SAM] }, SAM, true],
    ['added before caseloads', {}, SAM, true],
    ['assigned to no one', { caseload: [] }, SAM, true],
    ['on a caseload, for a tablet not linked yet', { caseload: [SAM] }, undefined, false],
  ])('a pupil %s is supported by them: %s', (_case, pupil, mentorId, expected) => {
    expect(supports(pupil, mentorId)).toBe(expected);
  });
});
