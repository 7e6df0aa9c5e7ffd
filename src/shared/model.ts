/**
 * Waymark's domain model: what a mentor records, in the mentor's words.
 *
 * Every synced record is validated here, on the tablet before it is saved and (later) on the
 * school endpoint before it is applied, so both sides reject the same things with the same words.
 * Dates a mentor thinks of as days ("start date", "checked in on") are local calendar days
 * (`yyyy-MM-dd`); moments ("written at") are UTC ISO timestamps.
 */
import * as v from 'valibot';

export const REFERRAL_REASONS = [
  'low self-esteem',
  'catching up after illness or absence',
  'disaffection with school',
  'behaviour',
  'attendance',
  'special educational need or disability',
  'family circumstances',
  'transition',
  'bereavement',
  'friendship or social difficulties',
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

export const YEAR_GROUPS = ['Reception', ...Array.from({ length: 13 }, (_, i) => `Year ${i + 1}`)] as readonly string[];

export const CONSENT = ['given', 'refused', 'not yet asked'] as const;

export const CLOSE_REASONS = [
  'targets met',
  'moved school',
  'left school',
  'referred to another service',
  'pupil or family declined',
  'other',
] as const;

export const OUTCOMES = ['much improved', 'improved', 'no change', 'worse'] as const;

export const RHYTHMS = ['daily', 'weekly', 'weekdays'] as const;
export type Rhythm = (typeof RHYTHMS)[number];

export const TARGET_STATUSES = ['active', 'achieved', 'dropped'] as const;

export const CHECK_IN_RESULTS = ['met', 'partly', 'not met'] as const;
export type CheckInResult = (typeof CHECK_IN_RESULTS)[number];

export const SESSION_KINDS = ['one-to-one', 'group', 'observation', 'parent contact'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SESSION_KIND_LABELS: Record<SessionKind, string> = {
  'one-to-one': 'One-to-one',
  group: 'Group or homework club',
  observation: 'Lesson observation',
  'parent contact': 'Parent or carer contact',
};

/** The tables that sync. Drafts and device settings never leave the tablet. */
export const SYNCED_TABLES = ['pupils', 'targets', 'checkIns', 'sessions', 'revisions'] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

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
/** A UTC instant exactly as `Date.prototype.toISOString` writes it, so that it sorts as text. */
const moment = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'Use a UTC time like 2026-11-24T09:30:00.000Z.'),
  v.check((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, 'That time does not exist.'),
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
  }),
  v.check(
    (p) => p.status === 'active' || Boolean(p.closedOn && p.closeReason && p.outcome),
    'Closing support needs a date, a reason and an outcome.',
  ),
  v.check((p) => !p.closedOn || p.closedOn >= p.startOn, 'Support cannot end before it started.'),
);
export type Pupil = v.InferOutput<typeof PupilSchema>;
export type Contact = v.InferOutput<typeof ContactSchema>;

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
export type Target = v.InferOutput<typeof TargetSchema>;

export const CheckInSchema = v.object({
  ...stamp,
  targetId: id,
  pupilId: id,
  on: day,
  result: v.picklist(CHECK_IN_RESULTS, 'A check-in is met, partly or not met.'),
  word: text(200, 'The word'),
  sessionId: v.optional(id),
});
export type CheckIn = v.InferOutput<typeof CheckInSchema>;

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
  }),
  v.check((s) => new Set(s.pupilIds).size === s.pupilIds.length, 'A pupil is in the session twice.'),
  v.check(
    (s) => s.kind !== 'one-to-one' || s.pupilIds.length === 1,
    'A one-to-one session is with one pupil: choose a group session for more.',
  ),
  v.check((s) => !s.withdrawnAt === !s.withdrawnReason, 'Withdrawing a note needs a reason.'),
);
export type Session = v.InferOutput<typeof SessionSchema>;

/**
 * The earlier values of a record's fields, kept whenever it is edited: target wording over time,
 * a note's edit history, a reopened pupil's closure. Append-only, so two mentors never collide.
 */
export const RevisionSchema = v.object({
  ...stamp,
  table: v.picklist(['pupils', 'targets', 'checkIns', 'sessions']),
  recordId: id,
  /** The values the fields had before this edit. */
  before: v.record(v.string(), v.unknown()),
});
export type Revision = v.InferOutput<typeof RevisionSchema>;

export interface RecordTypes {
  pupils: Pupil;
  targets: Target;
  checkIns: CheckIn;
  sessions: Session;
  revisions: Revision;
}

export const SCHEMAS = {
  pupils: PupilSchema,
  targets: TargetSchema,
  checkIns: CheckInSchema,
  sessions: SessionSchema,
  revisions: RevisionSchema,
} as const;

export class ValidationError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join(' '));
    this.name = 'ValidationError';
  }
}

/** Checks a record against its schema; throws a ValidationError listing every problem in plain words. */
export function validate<T extends SyncedTable>(table: T, record: unknown): RecordTypes[T] {
  const result = v.safeParse(SCHEMAS[table], record);
  if (!result.success) throw new ValidationError(result.issues.map((i) => i.message));
  return result.output as RecordTypes[T];
}

/** The name a mentor calls the pupil by: the preferred first name with the family name. */
export function displayName(p: Pick<Pupil, 'name' | 'preferredName'>): string {
  const preferred = p.preferredName?.trim();
  if (!preferred) return p.name;
  const parts = p.name.trim().split(/\s+/);
  return parts.length > 1 ? `${preferred} ${parts.at(-1)}` : preferred;
}
