/**
 * Waymark's domain model: what a mentor records, in the mentor's words.
 *
 * The records' rules are in validation.ts, which only the write path and the school endpoint load;
 * this file holds the words and the types, so showing records costs no validation code.
 * Dates a mentor thinks of as days ("start date", "checked in on") are local calendar days
 * (`yyyy-MM-dd`); moments ("written at") are UTC ISO timestamps.
 */
import type * as v from 'valibot';
import type {
  AddendumSchema,
  CheckInSchema,
  ConcernActionSchema,
  ConcernOpeningSchema,
  ConcernSchema,
  ContactSchema,
  PupilSchema,
  RevisionSchema,
  SessionSchema,
  TargetSchema,
} from './validation.ts';

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

/** What a safeguarding concern is about: the categories of Keeping Children Safe in Education. */
export const CONCERN_CATEGORIES = [
  'physical abuse',
  'emotional abuse',
  'sexual abuse',
  'neglect',
  'child-on-child abuse',
  'online safety',
  'self-harm and mental health',
  'domestic abuse',
  'child criminal or sexual exploitation',
  'radicalisation',
  'other',
] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

/**
 * What a DSL records on a concern, one entry at a time (append-only): seeing it, what was done, and
 * closing or reopening it. See src/shared/concerns.ts for how they make a concern's status.
 */
export const CONCERN_ACTIONS = [
  'acknowledged',
  'spoke to the child',
  'contacted parent or carer',
  'early help',
  'referral to children’s social care',
  'police',
  'monitor',
  'no further action',
  'closed',
  'reopened',
] as const;
export type ConcernActionKind = (typeof CONCERN_ACTIONS)[number];

/** The tables that sync. Drafts and device settings never leave the tablet. */
export const SYNCED_TABLES = [
  'pupils',
  'targets',
  'checkIns',
  'sessions',
  'revisions',
  'concerns',
  'concernActions',
  'concernOpenings',
  'addenda',
] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export type Pupil = v.InferOutput<typeof PupilSchema>;
export type Contact = v.InferOutput<typeof ContactSchema>;
export type Target = v.InferOutput<typeof TargetSchema>;
export type CheckIn = v.InferOutput<typeof CheckInSchema>;
export type Session = v.InferOutput<typeof SessionSchema>;
/**
 * The earlier values of a record's fields, kept whenever it is edited: target wording over time,
 * a note's edit history, a reopened pupil's closure. Append-only, so two mentors never collide.
 */
export type Revision = v.InferOutput<typeof RevisionSchema>;
/**
 * A safeguarding concern: what a mentor saw or heard, for the school's DSL. Its text goes only to
 * its author and those who read every concern (src/shared/roles.ts); others learn only that one
 * was recorded on a pupil, and when.
 */
export type Concern = v.InferOutput<typeof ConcernSchema>;
/**
 * What a tablet whose mentor may not read a concern holds of it: that it was recorded, on which
 * pupil and when ("a concern was recorded on 12 Nov; speak to the DSL").
 */
export interface ConcernNotice {
  id: string;
  pupilId: string;
  createdAt: string;
  updatedAt: string;
  notice: true;
}
export const isNotice = (c: Concern | ConcernNotice): c is ConcernNotice => 'notice' in c && c.notice === true;
/**
 * A concern's text opened on a tablet: who (the record's author), on which tablet and when, for the
 * audit trail. Recorded offline too, and never changed or removed.
 */
export type ConcernOpening = v.InferOutput<typeof ConcernOpeningSchema>;
/**
 * What another mentor adds to a session note they did not write (a note is changed only by its
 * author): shown under the note, with who wrote it and when. Never changed or removed.
 */
export type Addendum = v.InferOutput<typeof AddendumSchema>;
/** One thing a DSL recorded on a concern. Append-only: two DSLs, or one offline, never overwrite each other. */
export type ConcernAction = v.InferOutput<typeof ConcernActionSchema>;

export interface RecordTypes {
  pupils: Pupil;
  targets: Target;
  checkIns: CheckIn;
  sessions: Session;
  revisions: Revision;
  concerns: Concern;
  concernActions: ConcernAction;
  concernOpenings: ConcernOpening;
  addenda: Addendum;
}

/** What each table holds on a tablet: a record, or, of a concern its mentor may not read, the notice of it. */
export type StoredTypes = Omit<RecordTypes, 'concerns'> & { concerns: Concern | ConcernNotice };

/** A record that breaks the rules, with every problem in plain words. */
export class ValidationError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join(' '));
    this.name = 'ValidationError';
  }
}

/** The name a mentor calls the pupil by: the preferred first name with the family name. */
export function displayName(p: Pick<Pupil, 'name' | 'preferredName'>): string {
  const preferred = p.preferredName?.trim();
  if (!preferred) return p.name;
  const parts = p.name.trim().split(/\s+/);
  return parts.length > 1 ? `${preferred} ${parts.at(-1)}` : preferred;
}
