/**
 * The sync protocol between a tablet and the school's endpoint, version 1. Both sides import this
 * file; docs/sync-protocol.md describes it for anyone writing another endpoint.
 *
 * Every request carries `protocol`; every path starts with /api/v1. A tablet pushes its outbox
 * (each change with its own id and a per-device sequence number rising by one), and gets a result
 * for every change; then it pulls what others changed since its cursor, page by page.
 */
import * as v from 'valibot';
import { SYNCED_TABLES } from './model.ts';
import type { Role } from './roles.ts';

export const PROTOCOL = 1;
export const API = '/api/v1';

export const LIMITS = {
  /** Changes in one push; a day offline (50 to 300) fits in one. */
  pushChanges: 500,
  /** Request body, in bytes. */
  body: 5 * 1024 * 1024,
  /** Changes in one pulled page. */
  pullPage: 1000,
  /** Any one string in a change: the longest field (a note) is 20,000 characters. */
  string: 25_000,
  /**
   * Lists and objects inside one change's `values`, one in another: a pupil's contacts are 2 deep
   * (a list of objects), an earlier version of them in a revision's `before` 3.
   */
  depth: 4,
  /** One change's `values` and `base` as JSON, in characters: a 20,000-character note is at most 120,000 written out. */
  change: 250_000,
  /** A pulled page's changes as JSON, in characters, about: a page holds at least one change, then stops before passing this. */
  pullPageChars: 4 * 1024 * 1024,
} as const;

const hlc = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-z]{4}_.{1,64}$/, 'Not a clock reading.'));
const uuid = v.pipe(v.string(), v.uuid());
const protocolField = v.literal(PROTOCOL, `This endpoint speaks sync protocol ${PROTOCOL}.`);

export const PushChangeSchema = v.object({
  changeId: uuid,
  /** Per-device: the first change a device makes is 1, and each next one is one more. */
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  table: v.picklist(SYNCED_TABLES, 'Unknown kind of record.'),
  recordId: uuid,
  op: v.picklist(['create', 'update', 'delete']),
  /** The fields set (the whole record for a create); a cleared field is null. */
  values: v.record(v.string(), v.unknown()),
  hlc,
  /** For each field set by an update, the clock of the value the editor saw (null: none). */
  base: v.optional(v.record(v.string(), v.nullable(hlc))),
});
export type PushChange = v.InferOutput<typeof PushChangeSchema>;

export const PushRequestSchema = v.object({
  protocol: protocolField,
  changes: v.pipe(v.array(PushChangeSchema), v.maxLength(LIMITS.pushChanges, `At most ${LIMITS.pushChanges} changes in one push.`)),
  /** How many changes the tablet still holds, this push included: the school sees tablets with unsent work. */
  unsent: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The tablet's clock when it sent the request: a clock far off is flagged to the mentor. */
  deviceTime: v.pipe(v.string(), v.isoTimestamp()),
  /**
   * The push's first change, said to be the first the tablet holds that the endpoint lacks: an
   * endpoint whose count is behind this lost the changes in between (a restore from a backup
   * taken before they arrived, and the tablet no longer keeps them): it moves on to here instead
   * of waiting for changes that will never come. A tablet that keeps delivered changes sends it
   * only after an out_of_order answer, once it has put back into its outbox every kept change
   * above that answer's `received`.
   */
  resumeFrom: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
export type PushRequest = v.InferOutput<typeof PushRequestSchema>;

export type RejectCode =
  /** The record fails validation (the message says how, in the mentor's words). */
  | 'invalid_record'
  /** The record belongs to another school. */
  | 'not_your_school'
  /** The change's mentor may not make it (their role, or the record is another's): the message says who may. */
  | 'not_allowed'
  /** An update or delete for a record the endpoint has never had. */
  | 'record_not_found'
  /** A sequence number that skips ahead: an earlier change has not arrived. */
  | 'out_of_order'
  /**
   * The change is about a pupil the school erased (UK GDPR), or a record that went with them: it
   * is not kept, and the tablet lets it go with its own copy of the record (see `erase` below).
   */
  | 'erased';

/** The endpoint's answer for one pushed change. A rejected change never blocks the others. */
export type ChangeResult =
  | {
      seq: number;
      changeId: string;
      status: 'applied';
      /** Set when the endpoint re-dated the change (the tablet's clock runs fast): the tablet uses this reading from now on. */
      hlc?: string;
      /** For a create: when the record reached the school (its `receivedAt`), which the tablet's copy then says too. */
      receivedAt?: string;
    }
  | { seq: number; changeId: string; status: 'duplicate'; hlc?: string; receivedAt?: string }
  | { seq: number; changeId: string; status: 'rejected'; code: RejectCode; message: string };

export interface PushResponse {
  protocol: typeof PROTOCOL;
  results: ChangeResult[];
  /**
   * How far the endpoint holds this tablet's changes once this push is through: its last `seq`
   * from it, applied or refused. A tablet keeping delivered changes above it sends them again:
   * the endpoint was restored from a backup taken before they arrived. Endpoints of earlier
   * releases do not send it.
   */
  received?: number;
  /** Set when the tablet's clock is far from the endpoint's, in milliseconds (positive: ahead). */
  clockSkewMs?: number;
}

export const PullRequestSchema = v.object({
  protocol: protocolField,
  /** Opaque; null for a first pull (or a resync from scratch). */
  cursor: v.nullable(v.pipe(v.string(), v.maxLength(1000))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.pullPage))),
});
export type PullRequest = v.InferOutput<typeof PullRequestSchema>;

/**
 * A change another tablet made, as the endpoint hands it on; or, with `op: 'erase'`, one the
 * endpoint made: the school erased the pupil `recordId` (table `pupils`), and the tablet erases
 * them and everything about them. Its `values` (`deletedAt`, `updatedAt`) are only for a tablet
 * from before erasure existed, which merges it as an edit and so hides the pupil as removed.
 */
export interface PulledChange {
  table: (typeof SYNCED_TABLES)[number];
  recordId: string;
  op: 'create' | 'update' | 'delete' | 'erase';
  values: Record<string, unknown>;
  hlc: string;
  /** As pushed: the clocks the editor saw, so each tablet tells a conflict from an edit on top. */
  base?: Record<string, string | null>;
  deviceId: string;
  mentorId: string;
}

export interface PullResponse {
  protocol: typeof PROTOCOL;
  changes: PulledChange[];
  /** Store with the page, in the same transaction; send it with the next pull. */
  cursor: string;
  /** More pages wait: pull again at once. */
  more: boolean;
  /** How far the endpoint holds this tablet's changes, as in a push's answer. */
  received?: number;
  /**
   * The school's mentors as they are now: who wrote what, and each one's role. `dsl` (the DSL or a
   * deputy) is for tablets from before roles.
   */
  mentors: MentorInfo[];
  /** The pulling tablet's mentor as the endpoint sees them now: what this tablet may show and change follows it. */
  you?: Access;
  /**
   * How long, in minutes, a concern may wait at the school for a DSL's acknowledgement before the
   * deputies are told: after it, the DSLs' tablets list it as overdue.
   */
  escalateAfterMinutes?: number;
}

export interface MentorInfo {
  id: string;
  name: string;
  role: Role;
  dsl: boolean;
  /**
   * In a pull's list: the tablets ever enrolled for them, revoked ones too. A clock reading ends with
   * its tablet's id (section 3), so a value kept from a conflict can say whose it was.
   */
  devices?: string[];
}

/** What the endpoint lets a tablet's mentor receive (docs/sync-protocol.md, "Roles"). */
export interface Access {
  mentorId: string;
  role: Role;
  /** The text of every concern in the school is sent to this tablet, not only its mentor's own. */
  readsEveryConcern: boolean;
  /** The need-to-know rules the endpoint applies (roles.ts NEED_TO_KNOW_RULES); missing means 1. */
  rules?: number;
}

export const AuditRequestSchema = v.object({
  protocol: protocolField,
  /** The pupil whose concerns' audit trail is asked for. */
  pupilId: uuid,
});
export type AuditRequest = v.InferOutput<typeof AuditRequestSchema>;

/** One entry of a pupil's concerns' audit trail: ids, names and times only, never what a concern says. */
export interface AuditEntry {
  /** When it happened: for a pull, when the endpoint answered it; otherwise when the tablet says. */
  at: string;
  /** When it reached the school, for what a tablet did. */
  receivedAt: string | null;
  mentor: string;
  tablet: string;
  /** The concern, or the note flagged as one, it is about. */
  concernId: string;
  what: string;
}

/** `POST /api/v1/audit`, for the DSL and the deputies only. */
export interface AuditResponse {
  protocol: typeof PROTOCOL;
  entries: AuditEntry[];
}

export const EnrolRequestSchema = v.object({
  protocol: protocolField,
  /** The tablet's own id, made when Waymark first opened on it: its records already carry it. */
  deviceId: uuid,
  /** The one-time code printed by `npm run admin -- add-mentor`. */
  code: v.pipe(v.string(), v.trim(), v.minLength(6), v.maxLength(64)),
  /** How the tablet will be listed to the school's IT person ("Year 9 iPad 3"). */
  deviceName: v.pipe(v.string(), v.trim(), v.maxLength(80)),
});
export type EnrolRequest = v.InferOutput<typeof EnrolRequestSchema>;

export interface EnrolResponse {
  protocol: typeof PROTOCOL;
  deviceId: string;
  /** Sent as `Authorization: Bearer <token>` with every request; only its hash is kept. */
  token: string;
  mentor: MentorInfo;
  school: { id: string; name: string };
  /**
   * Set when this browser was enrolled before as another tablet (a cookie the browser cannot wipe
   * says so) whose storage has since been wiped: what that tablet last told the endpoint.
   */
  wiped?: { deviceId: string; lastSeenAt: string | null; unsent: number };
}

export type ErrorCode =
  | 'bad_request'
  | 'too_large'
  | 'unauthorised'
  /** The device was revoked (a lost tablet): it keeps its changes and must be enrolled again. */
  | 'device_revoked'
  | 'code_invalid'
  /** Too many wrong enrolment codes from one network address: wait (Retry-After, in seconds). */
  | 'too_many_attempts'
  | 'protocol_too_old'
  | 'protocol_too_new'
  /** The endpoint was restored from a backup or replaced: pull again from scratch, keeping unsent changes. */
  | 'resync'
  | 'not_found'
  /** The tablet's mentor may not ask this (the audit trail is the DSL's and the deputies'). */
  | 'not_allowed'
  /** Asked over plain HTTP from another machine: records travel only over HTTPS. */
  | 'https_required'
  /** Asked under a name that is not the server's, or by another site's page (421 or 403). */
  | 'wrong_address'
  | 'server_error';

/** Every error answer: an HTTP status, a code for programs and a message for people. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
