/**
 * The rules every synced record keeps, checked on the tablet before it is saved and on the school
 * endpoint before it is applied, so both sides reject the same things with the same words.
 * Loaded with the write path, not to show a screen (valibot is a fair share of the first download).
 */
import * as v from 'valibot';
import { inWords } from './issue-words.ts';
import {
  CHECK_IN_RESULTS,
  CLOSE_REASONS,
  CONCERN_ACTIONS,
  CONCERN_CATEGORIES,
  CONSENT,
  OUTCOMES,
  REFERRAL_REASONS,
  type RecordTypes,
  RHYTHMS,
  SESSION_KINDS,
  type SyncedTable,
  TARGET_STATUSES,
  ValidationError,
  YEAR_GROUPS,
} from './model.ts';

const day = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-09-01.'),
  v.check((s) => {
    // Only a well-formed date can fail to exist; a malformed one has its own message.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return true;
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'That date does not exist.'),
);
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A UTC instant exactly as `Date.prototype.toISOString` writes it, so that it sorts as text. */
const moment = v.pipe(
  v.string(),
  v.regex(MOMENT, 'Use a UTC time like 2026-11-24T09:30:00.000Z.'),
  // Only a well-formed time can fail to exist; a malformed one has its own message.
  v.check((s) => !MOMENT.test(s) || (!Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s), 'That time does not exist.'),
);
const id = v.pipe(v.string(), v.uuid('Record ids are UUIDs.'));
const text = (max: number, what: string) => v.pipe(v.string(), v.maxLength(max, `${what} must be at most ${max} characters.`));
const required = (max: number, what: string) =>
  v.pipe(v.string(), v.trim(), v.nonEmpty(`${what} is required.`), v.maxLength(max, `${what} must be at most ${max} characters.`));

/** Who wrote a record, and when. Every synced record carries these. */
const stamp = {
  id,
  createdAt: moment,
  updatedAt: moment,
  deviceId: id,
  mentorId: v.nullable(v.string()),
  /**
   * Who wrote the record first: set by the endpoint from the tablet that sent it, never changed.
   * Missing on records from before it, and on a new record until it reaches the school.
   */
  authorId: v.optional(v.string()),
  /**
   * When the record first reached the school, by the endpoint's clock (createdAt is the tablet's
   * word): set by the endpoint, never changed. Missing until it reaches the school, and on records
   * from before it.
   */
  receivedAt: v.optional(moment),
  /** A tombstone: the record was deleted, and the deletion must sync. */
  deletedAt: v.optional(moment),
};

export const ContactSchema = v.object({
  name: required(120, 'Contact name'),
  relationship: text(60, 'Relationship'),
  phone: text(40, 'Phone'),
  email: text(200, 'Email'),
});

export const PupilSchema = v.pipe(
  v.object({
    ...stamp,
    name: required(120, 'Name'),
    preferredName: text(60, 'Preferred name'),
    yearGroup: v.picklist(YEAR_GROUPS, 'Choose a year group.'),
    form: text(30, 'Form or class'),
    schoolRef: text(40, 'School pupil reference'),
    referralReasons: v.array(v.picklist(REFERRAL_REASONS, 'Choose referral reasons from the list.')),
    referralOther: text(300, 'Other reason'),
    referredBy: text(120, 'Referred by'),
    consent: v.picklist(CONSENT, 'Say whether parental consent was given.'),
    startOn: day,
    contacts: v.pipe(v.array(ContactSchema), v.maxLength(10, 'At most 10 contacts.')),
    whatHelps: text(1000, 'What helps'),
    status: v.picklist(['active', 'closed']),
    closedOn: v.optional(day),
    closeReason: v.optional(v.picklist(CLOSE_REASONS, 'Choose why support ended.')),
    outcome: v.optional(v.picklist(OUTCOMES, 'Choose an outcome.')),
    exitSummary: v.optional(text(4000, 'Exit summary')),
    /** The mentors who support the pupil (ids); changed only by a lead mentor once the pupil is added. */
    caseload: v.optional(v.pipe(v.array(id), v.maxLength(20, 'At most 20 mentors support one pupil.'))),
  }),
  v.check(
    (p) => p.status === 'active' || Boolean(p.closedOn && p.closeReason && p.outcome),
    'Closing support needs a date, a reason and an outcome.',
  ),
  v.check((p) => !p.closedOn || p.closedOn >= p.startOn, 'Support cannot end before it started.'),
);

export const TargetSchema = v.pipe(
  v.object({
    ...stamp,
    pupilId: id,
    wording: required(300, 'The target'),
    howWeKnow: text(300, 'How we will know'),
    rhythm: v.picklist(RHYTHMS, 'Choose how often to check in.'),
    /** ISO weekdays (1 = Monday … 7 = Sunday); used when rhythm is `weekdays`. */
    weekdays: v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7))),
    startOn: day,
    reviewOn: v.optional(day),
    status: v.picklist(TARGET_STATUSES),
    endedOn: v.optional(day),
    /** The target this one replaces, when set as "the next one". */
    follows: v.optional(id),
  }),
  v.check((t) => t.rhythm !== 'weekdays' || t.weekdays.length > 0, 'Choose at least one weekday for the check-ins.'),
  v.check((t) => t.status === 'active' || Boolean(t.endedOn), 'Say when the target was achieved or dropped.'),
  v.check((t) => !t.reviewOn || t.reviewOn >= t.startOn, 'The review date cannot be before the target starts.'),
  v.check((t) => !t.endedOn || t.endedOn >= t.startOn, 'A target cannot end before it starts.'),
);

export const CheckInSchema = v.object({
  ...stamp,
  targetId: id,
  pupilId: id,
  on: day,
  result: v.picklist(CHECK_IN_RESULTS, 'A check-in is met, partly or not met.'),
  word: text(200, 'The word'),
  sessionId: v.optional(id),
});

export const SessionSchema = v.pipe(
  v.object({
    ...stamp,
    kind: v.picklist(SESSION_KINDS, 'Choose what kind of session it was.'),
    /** When it happened; `createdAt` is when it was written up. */
    occurredAt: moment,
    minutes: v.pipe(v.number(), v.integer(), v.minValue(1, 'Length is at least a minute.'), v.maxValue(600, 'Length is at most 10 hours.')),
    title: text(120, 'Group name'),
    pupilIds: v.pipe(v.array(id), v.minLength(1, 'Choose at least one pupil.'), v.maxLength(60, 'At most 60 pupils in one session.')),
    note: text(20000, 'The note'),
    concern: v.boolean(),
    withdrawnAt: v.optional(moment),
    withdrawnReason: v.optional(required(500, 'The reason for withdrawing')),
    /** Why the DSL took the concern flag off the note: only a DSL may, and never without saying why. */
    concernClearedReason: v.optional(required(500, 'The reason for clearing the concern')),
  }),
  v.check((s) => new Set(s.pupilIds).size === s.pupilIds.length, 'A pupil is in the session twice.'),
  v.check(
    (s) => s.kind !== 'one-to-one' || s.pupilIds.length === 1,
    'A one-to-one session is with one pupil: choose a group session for more.',
  ),
  v.check((s) => !s.withdrawnAt === !s.withdrawnReason, 'Withdrawing a note needs a reason.'),
);

export const ConcernSchema = v.pipe(
  v.object({
    ...stamp,
    pupilId: id,
    /** The session note it came up in, if it did. */
    sessionId: v.optional(id),
    category: v.picklist(CONCERN_CATEGORIES, 'Choose what the concern is about.'),
    /** What was seen or said, in the child's own words where they were spoken. */
    account: required(20000, 'What was seen or said'),
    /** When it was seen or said. */
    noticedAt: moment,
    /** Who the mentor told in person (the DSL, a deputy, the head), and when. */
    toldWhom: text(300, 'Who was told in person'),
    toldAt: v.optional(moment),
  }),
  v.check((c) => !c.toldAt || Boolean(c.toldWhom.trim()), 'Say who was told in person.'),
);

export const ConcernActionSchema = v.pipe(
  v.object({
    ...stamp,
    concernId: id,
    pupilId: id,
    action: v.picklist(CONCERN_ACTIONS, 'Choose what was done.'),
    note: text(4000, 'The note'),
    /** The day it was done. */
    on: day,
    /** Still to be followed up (a referral waiting for an answer): the concern cannot close while it is. */
    stillOpen: v.boolean(),
    /** The earlier action, still open, that this one follows up and so closes. */
    completes: v.optional(id),
  }),
  v.check((a) => !a.stillOpen || !['acknowledged', 'closed', 'reopened'].includes(a.action), 'Only an action can be left open.'),
  v.check((a) => !['closed', 'reopened'].includes(a.action) || a.note.trim() !== '', 'Say why the concern is closed or reopened.'),
);

export const ConcernOpeningSchema = v.object({ ...stamp, concernId: id, pupilId: id });

export const AddendumSchema = v.object({ ...stamp, sessionId: id, note: required(4000, 'The addendum') });

const EDITED = {
  pupils: PupilSchema,
  targets: TargetSchema,
  checkIns: CheckInSchema,
  sessions: SessionSchema,
  concerns: ConcernSchema,
} as const;

/**
 * A refusal of a value's content, not its shape: a length or a date's form (a validation), or a
 * word that is not in today's list. What a field held before an edit may break today's rules (a
 * word since retired, a limit since lowered, a value an earlier release took); refusing the edit's
 * revision for it would stop the mentor from ever correcting that very field.
 */
const ofContentOnly = (issue: v.BaseIssue<unknown>) =>
  issue.kind === 'validation' || (issue.type === 'picklist' && typeof issue.input === 'string');

/**
 * Why a revision's `before` is not what its record could have said, or undefined: only fields the
 * record has, each with a value of that field's shape, or none (a field the record did not have
 * yet). A revision is handed to every tablet and shown in the record's history as written.
 */
function beforeProblem(table: keyof typeof EDITED, before: Record<string, unknown>): string | undefined {
  const fields: Record<string, v.GenericSchema> = EDITED[table].entries;
  for (const [field, value] of Object.entries(before)) {
    const rule = fields[field];
    if (!rule) return `The record’s history names a field it does not have (“${field}”).`;
    if (value === null || value === undefined) continue;
    const result = v.safeParse(rule, value);
    const wrongShape = result.success ? undefined : result.issues.find((issue) => !ofContentOnly(issue));
    // Checked alone, the value's issue has no field in its path: it is named as the field's.
    if (wrongShape) return `What the record said before this edit cannot be read: ${inWords(wrongShape, field)}`;
  }
  return undefined;
}

/** Earlier values of an edited record's fields (see `Revision`). */
export const RevisionSchema = v.pipe(
  v.object({
    ...stamp,
    table: v.picklist(
      ['pupils', 'targets', 'checkIns', 'sessions', 'concerns'],
      'A revision is of a pupil, a target, a check-in, a session or a concern.',
    ),
    recordId: id,
    /** The values the fields had before this edit. */
    before: v.record(v.string(), v.unknown()),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = beforeProblem(dataset.value.table, dataset.value.before);
    if (problem) addIssue({ message: problem });
  }),
);

export const SCHEMAS = {
  ...EDITED,
  revisions: RevisionSchema,
  concernActions: ConcernActionSchema,
  concernOpenings: ConcernOpeningSchema,
  addenda: AddendumSchema,
} as const;

/** Checks a record against its schema; throws a ValidationError listing every problem in plain words. */
export function validate<T extends SyncedTable>(table: T, record: unknown): RecordTypes[T] {
  const result = v.safeParse(SCHEMAS[table], record);
  if (!result.success) throw new ValidationError(result.issues.map((issue) => inWords(issue)));
  return result.output as RecordTypes[T];
}
