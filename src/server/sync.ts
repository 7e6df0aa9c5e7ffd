/**
 * The endpoint's side of the sync protocol (src/shared/protocol.ts), over any Store. Functions
 * here take parsed, schema-checked requests and return protocol answers or throw a SyncError;
 * HTTP lives in app.ts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { actionProblem } from '../shared/concerns.ts';
import { erasedPupilOf, withoutErasedPupils } from '../shared/erasure.ts';
import { fromWire } from '../shared/fields.ts';
import { after, compareHlc, decodeHlc, encodeHlc, type Hlc } from '../shared/hlc.ts';
import { ERASED_WORDS, inWords } from '../shared/issue-words.ts';
import { mergeChange } from '../shared/merge.ts';
import { type ConcernAction, type SyncedTable, ValidationError } from '../shared/model.ts';
import { NOT_ALLOWED, notAllowed, revisionNotAllowed, type Standing, type Writer } from '../shared/permissions.ts';
import type {
  Access,
  ChangeResult,
  EnrolRequest,
  EnrolResponse,
  ErrorCode,
  MentorInfo,
  PullRequest,
  PullResponse,
  PushChange,
  PushRequest,
  PushResponse,
} from '../shared/protocol.ts';
import { LIMITS, PROTOCOL } from '../shared/protocol.ts';
import { isConcernNote, NEED_TO_KNOW_RULES, readsEveryConcern, receives, safeguards } from '../shared/roles.ts';
import { SCHEMAS, validate } from '../shared/validation.ts';
import { shapeProblem } from './change-shape.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { printableName } from './printable.ts';
import type { BatchWriter, Device, Mentor, Refusal, Store, StoredRecord } from './store.ts';

/** Checks a record's fields one by one (types, lengths, lists), without the rules across fields. */
function checkFields(table: SyncedTable, record: Record<string, unknown>): void {
  const result = v.safeParse(v.object(SCHEMAS[table].entries), record);
  if (!result.success) throw new ValidationError(result.issues.map((issue) => inWords(issue)));
}

/** The fields each kind of record has: a change may set only these. */
const FIELDS = Object.fromEntries(
  // A piped object schema keeps its object's entries.
  Object.entries(SCHEMAS).map(([table, schema]) => [table, new Set(Object.keys(schema.entries))]),
) as Record<SyncedTable, Set<string>>;

/** A record's identity, set by the change that creates it (the last two by the endpoint): no later change may alter it. */
const SET_AT_CREATION = ['id', 'createdAt', 'authorId', 'receivedAt'] as const;
/** What a concern is about, set when it is recorded: moved to another pupil, its notice and actions would stay behind. */
const CONCERN_SET_AT_CREATION = ['pupilId', 'sessionId'] as const;

/** The tablet a concern's notice says it came from: the school, not the mentor's. */
export const NOTICE_NODE = 'school';

/** A tablet whose clock is further than this from the endpoint's is told so. */
export const CLOCK_SKEW_FLAG_MS = 5 * 60_000;
/** A change stamped later than this into the future is re-stamped with the endpoint's time, so a fast clock cannot win every later edit. */
export const FUTURE_TOLERANCE_MS = 60_000;
/** An enrolment code lasts a day, and works once. */
export const CODE_LIFETIME_MS = 24 * 60 * 60_000;

export class SyncError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Codes are typed on a tablet: no 0/O or 1/I/L to confuse, case and dashes ignored. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** A new one-time enrolment code for a mentor: only its hash is stored. */
export function issueEnrolmentCode(store: Store, mentorId: string, now = new Date()): string {
  const bytes = randomBytes(10);
  const code = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  store.addEnrolmentCode(mentorId, sha256(normaliseCode(code)), new Date(now.getTime() + CODE_LIFETIME_MS).toISOString());
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * A new code for a mentor that replaces their earlier codes not used yet: a code printed and lost,
 * or handed to the wrong person, stops working once the IT person issues another. Returns the new
 * code and how many earlier ones stopped working.
 */
export function replaceEnrolmentCode(store: Store, mentorId: string, now = new Date()): { code: string; cancelled: number } {
  const cancelled = store.cancelEnrolmentCodes(mentorId, now.toISOString());
  return { code: issueEnrolmentCode(store, mentorId, now), cancelled };
}

/**
 * Enrols a tablet. `previousDeviceId` comes from a cookie the endpoint set in this browser at an
 * earlier enrolment: script-written storage can be wiped (Safari does after days without a visit),
 * that cookie cannot, so a different tablet id behind it means the earlier tablet's data is gone.
 */
export function enrol(store: Store, request: EnrolRequest, now = new Date(), previousDeviceId?: string): EnrolResponse {
  // A refused enrolment leaves its code unused: the mentor enrols the right tablet with it.
  return store.atomically(() => enrolWithCode(store, request, now, previousDeviceId));
}

function enrolWithCode(store: Store, request: EnrolRequest, now: Date, previousDeviceId?: string): EnrolResponse {
  const mentor = store.useEnrolmentCode(sha256(normaliseCode(request.code)), now.toISOString());
  if (!mentor)
    throw new SyncError(
      401,
      'code_invalid',
      'That code does not work: it may be mistyped, already used, or more than a day old. Ask for a new one.',
    );
  const school = store.schools().find((s) => s.id === mentor.schoolId);
  if (!school) throw new SyncError(500, 'server_error', 'The mentor’s school is missing.');
  const token = randomBytes(32).toString('base64url');
  let device: Device;
  try {
    device = store.enrolDevice(
      {
        id: request.deviceId,
        mentorId: mentor.id,
        schoolId: school.id,
        // Control characters are left out, not refused: invisible on the tablet, the mentor could not see what to change.
        name: printableName(request.deviceName) || 'Tablet',
        enrolledAt: now.toISOString(),
      },
      sha256(token),
    );
  } catch (error) {
    throw new SyncError(409, 'bad_request', (error as Error).message);
  }
  const previous = previousDeviceId && previousDeviceId !== device.id ? store.device(previousDeviceId) : undefined;
  // Only the same mentor learns about their own earlier tablet.
  const wiped =
    previous && previous.schoolId === school.id && previous.mentorId === mentor.id
      ? { deviceId: previous.id, lastSeenAt: previous.lastSeenAt, unsent: previous.unsent }
      : undefined;
  if (wiped) store.noteWiped(wiped.deviceId, now.toISOString());
  return {
    protocol: PROTOCOL,
    deviceId: device.id,
    token,
    mentor: mentorInfo(mentor),
    school,
    ...(wiped ? { wiped } : {}),
  };
}

const mentorInfo = ({ id, name, role }: Mentor): MentorInfo => ({ id, name, role, dsl: safeguards(role) });

/** What the tablet's mentor may receive, as of now: a role changed since the last pull counts from this one. */
export function access(store: Store, device: Device): Access {
  const role = store.mentor(device.mentorId)?.role ?? 'mentor';
  return {
    mentorId: device.mentorId,
    role,
    readsEveryConcern: readsEveryConcern(role, store.leadReadsConcerns(device.schoolId)),
    rules: NEED_TO_KNOW_RULES,
  };
}

/** The device a bearer token belongs to; refuses unknown and revoked tablets with a clear reason. */
export function authenticate(store: Store, authorization: string | undefined): Device {
  const token = authorization?.match(/^Bearer (\S+)$/)?.[1];
  if (!token) throw new SyncError(401, 'unauthorised', 'This tablet is not enrolled: enter the school’s address and an enrolment code.');
  const device = store.deviceByTokenHash(sha256(token));
  if (!device) throw new SyncError(401, 'unauthorised', 'This tablet’s enrolment is not known here: enrol it again with a new code.');
  if (device.revokedAt) {
    throw new SyncError(
      403,
      'device_revoked',
      'This tablet was removed from the school’s Waymark (reported lost or replaced). Nothing on it has been deleted: ask for a new code to enrol it again.',
    );
  }
  return device;
}

/** Changes a tablet had delivered that this endpoint no longer has (it was restored from a backup). */
export interface LostRange {
  deviceId: string;
  from: number;
  to: number;
}

/** Applies a batch in one transaction: each change once, in order, with a result for every one. */
export function push(
  store: Store,
  device: Device,
  request: PushRequest,
  now = new Date(),
  onLostRange?: (range: LostRange) => void,
): PushResponse {
  // The first change the tablet holds is the first it sends: an endpoint told of a first change it
  // is not sent cannot tell it from one it never received, and would answer "duplicate" for those.
  const first = request.changes[0]?.seq;
  if (request.resumeFrom !== undefined && request.resumeFrom !== first) {
    throw new SyncError(
      400,
      'bad_request',
      first === undefined
        ? 'A push names the first change the tablet holds (resumeFrom) only when it sends that change.'
        : `This push says the first change the tablet holds is ${request.resumeFrom}, but it starts with change ${first}: send the changes from the first one held.`,
    );
  }
  const skew = Date.parse(request.deviceTime) - now.getTime();
  const clockSkewMs = Math.abs(skew) > CLOCK_SKEW_FLAG_MS ? skew : undefined;
  // Told once the batch is stored: a batch rolled back lost nothing.
  let lostRange: LostRange | undefined;
  // The mentor as the endpoint knows them now, whatever the tablet believes its role to be.
  const by: Writer = { mentorId: device.mentorId, role: store.mentor(device.mentorId)?.role ?? 'mentor' };
  const { results, received } = store.batch((writer) => {
    let last = writer.lastAppliedSeq(device.id);
    if (request.resumeFrom && request.resumeFrom - 1 > last) {
      lostRange = { deviceId: device.id, from: last + 1, to: request.resumeFrom - 1 };
      last = request.resumeFrom - 1;
      writer.setLastAppliedSeq(device.id, last);
    }
    const results = request.changes.map((change): ChangeResult => {
      const ids = { seq: change.seq, changeId: change.changeId };
      if (change.seq <= last) {
        // Taken before, its answer lost. Refused: refused again for the same reason, so the tablet
        // keeps it for its mentor. Applied: a duplicate, told how it was stored if it was re-dated.
        const refusal = writer.refusalOf(device.id, change.seq);
        if (refusal) return { ...ids, status: 'rejected', code: refusal.code, message: refusal.message };
        // Only this tablet's own change answers: another's change id names nothing here.
        const stored = writer.receiptOf(device.id, change.changeId);
        return {
          ...ids,
          status: 'duplicate',
          ...(stored && stored.hlc !== change.hlc ? { hlc: stored.hlc } : {}),
          ...(stored?.receivedAt ? { receivedAt: stored.receivedAt } : {}),
        };
      }
      if (change.seq > last + 1) {
        return {
          ...ids,
          status: 'rejected',
          code: 'out_of_order',
          message: `Change ${last + 1} has not arrived yet; send the changes in order.`,
        };
      }
      last = change.seq;
      writer.setLastAppliedSeq(device.id, change.seq);
      const outcome = apply(writer, device, by, change, now);
      if (outcome.status === 'rejected') writer.keepRefusal(device.id, { ...ids, code: outcome.code, message: outcome.message });
      return { ...ids, ...outcome };
    });
    // What the tablet still holds once this push is through (the school sees tablets holding
    // unsent work), in the same transaction: one commit a push, not two.
    const taken = results.filter((r) => r.status !== 'rejected' || r.code !== 'out_of_order').length;
    store.noteSync(device.id, now.toISOString(), Math.max(0, request.unsent - taken), clockSkewMs ?? null);
    return { results, received: last };
  });
  if (lostRange) onLostRange?.(lostRange);
  return { protocol: PROTOCOL, results, received, ...(clockSkewMs === undefined ? {} : { clockSkewMs }) };
}

type Outcome = { status: 'applied'; hlc?: string; receivedAt?: string } | { status: 'rejected'; code: Refusal['code']; message: string };

function apply(writer: BatchWriter, device: Device, by: Writer, sent: PushChange, now: Date): Outcome {
  // A tablet that had not heard of an erasure yet: what it sends about the pupil is not kept, and
  // a record it would have made is counted among the erased, so its later changes are refused alike.
  const erasedPupil = erasedPupilOf(sent, (id) => writer.erasedWith(id));
  if (erasedPupil) {
    if (sent.op === 'create' && !writer.erasedWith(sent.recordId)) {
      writer.keepErased({
        table: sent.table,
        id: sent.recordId,
        schoolId: device.schoolId,
        pupilId: erasedPupil,
        erasedAt: now.toISOString(),
      });
    }
    return { status: 'rejected', code: 'erased', message: ERASED_WORDS };
  }
  const change = withoutErasedPupilsIn(writer, sent);
  const existing = writer.getRecord(change.table, change.recordId);
  if (existing && existing.schoolId !== device.schoolId)
    return { status: 'rejected', code: 'not_your_school', message: 'That record belongs to another school.' };
  // A record's id and creation time are set once, by the change that made it; a tablet never
  // makes a record under an id it already holds (the same create sent again is a duplicate, by seq).
  if (existing && change.op === 'create') return { status: 'rejected', code: 'invalid_record', message: 'That record already exists.' };
  if (!existing && change.op !== 'create')
    return { status: 'rejected', code: 'record_not_found', message: 'The record this change is for never reached the school.' };
  const badShape = shapeProblem(change);
  if (badShape) return { status: 'rejected', code: 'invalid_record', message: badShape };
  // A revision is what a record said before an edit: history, written once by the edit.
  if (change.table === 'revisions' && change.op !== 'create') {
    return { status: 'rejected', code: 'invalid_record', message: 'A record’s history cannot be changed or deleted.' };
  }

  let reading: Hlc;
  try {
    reading = decodeHlc(change.hlc);
  } catch {
    return { status: 'rejected', code: 'invalid_record', message: 'This change’s clock reading is not a real time.' };
  }
  // A reading names the tablet that made it, and ties between tablets are broken by that name: a
  // tablet naming another would win or lose ties in its place.
  if (reading.node !== device.id) {
    return { status: 'rejected', code: 'invalid_record', message: 'This change’s clock reading names another tablet.' };
  }
  const known = FIELDS[change.table];
  const unknown = Object.keys(change.values).find((f) => !known.has(f));
  if (unknown) return { status: 'rejected', code: 'invalid_record', message: `Unknown field “${unknown}” for ${change.table}.` };
  if (change.op === 'create' && change.values.id !== change.recordId) {
    return { status: 'rejected', code: 'invalid_record', message: 'The record’s id does not match the change’s record id.' };
  }
  if (change.op !== 'create' && SET_AT_CREATION.some((field) => field in change.values)) {
    return { status: 'rejected', code: 'invalid_record', message: 'A change cannot alter a record’s id, who wrote it or when.' };
  }
  if (change.table === 'concerns' && change.op !== 'create' && CONCERN_SET_AT_CREATION.some((field) => field in change.values)) {
    return { status: 'rejected', code: 'invalid_record', message: 'A concern stays with the pupil and the note it was recorded about.' };
  }
  const refusal = whyNotAllowed(writer, device, by, change, existing);
  if (refusal) return { status: 'rejected', code: 'not_allowed', message: refusal };
  // The merge needs the reading the change will be stored with; the tablet's last reading moves
  // only once the change is stored, so a refused change re-dates none of its later ones.
  const hlc = stampFor(writer.lastHlc(device.id), reading, now);
  // Who wrote it is the enrolled tablet and its mentor, whatever the change claims; who wrote it
  // first, and when it reached the school, are set once, by the change that makes it.
  const values = {
    ...change.values,
    deviceId: device.id,
    mentorId: device.mentorId,
    ...(change.op === 'create' ? { authorId: device.mentorId, receivedAt: now.toISOString() } : {}),
  };
  // Only an update is made on top of values its editor saw: a create or a delete carrying base
  // would have other tablets take what it replaces for ordinary history rather than a conflict.
  const base = change.op === 'update' ? ownReadingsAsStored(writer, device.id, change.base) : undefined;
  const merged = mergeChange(existing?.state, { op: change.op, values, hlc, base });
  // An action or an opening is about a concern of this school, and of its pupil; an opening is by
  // someone who may read it (the audit trail says who read what).
  if ((change.table === 'concernActions' || change.table === 'concernOpenings') && change.op === 'create') {
    const concern = typeof change.values.concernId === 'string' ? writer.getRecord('concerns', change.values.concernId) : undefined;
    if (!concern || concern.schoolId !== device.schoolId)
      return { status: 'rejected', code: 'invalid_record', message: 'The concern this is about never reached the school.' };
    if (fromWire(concern.state.fields).pupilId !== change.values.pupilId)
      return { status: 'rejected', code: 'invalid_record', message: 'This names another pupil than its concern does.' };
    const reader = { mentorId: by.mentorId, readsEveryConcern: readsEveryConcern(by.role, writer.leadReadsConcerns(device.schoolId)) };
    if (change.table === 'concernOpenings' && !receives(reader, standing(writer, concern).authorId ?? ''))
      return { status: 'rejected', code: 'not_allowed', message: NOT_ALLOWED.openConcern };
  }
  // What the DSL records must follow from what is recorded already (a concern closes with nothing open).
  if (change.table === 'concernActions' && change.op === 'create') {
    const problem = actionProblem(
      writer.actionsOn(String(change.values.concernId)).map(fromWire) as ConcernAction[],
      change.values as ConcernAction,
    );
    if (problem) return { status: 'rejected', code: 'invalid_record', message: problem };
  }
  try {
    const record = fromWire(merged.state.fields);
    // A new record must make sense as a whole. A merged one is checked field by field: two tablets'
    // edits that clash across fields (a closing date before a start date moved elsewhere) are
    // kept on every copy alike, and the mentor is asked to fix them at the next edit, rather than
    // one tablet's change being refused and the copies drifting apart.
    if (existing) checkFields(change.table, record);
    else validate(change.table, record);
  } catch (error) {
    if (error instanceof ValidationError) return { status: 'rejected', code: 'invalid_record', message: error.issues.join(' ') };
    throw error;
  }
  writer.setLastHlc(device.id, hlc);
  writer.putRecord({ schoolId: device.schoolId, table: change.table, id: change.recordId, state: merged.state });
  const concernBy = concernAuthorOf(writer, device, change, existing);
  const concernText = concernBy === undefined ? undefined : { by: concernBy };
  const logged = { table: change.table, recordId: change.recordId, op: change.op, hlc, deviceId: device.id, mentorId: device.mentorId };
  writer.appendChange(
    device.schoolId,
    { ...logged, values, ...(base ? { base } : {}) },
    change.changeId,
    now.toISOString(),
    change.hlc,
    concernText,
  );
  // Everyone who may not read the concern learns that it was recorded, on which pupil and when;
  // the DSLs are e-mailed (alerts.ts).
  if (concernText && change.table === 'concerns' && change.op === 'create') {
    writer.queueAlert({ concernId: change.recordId, schoolId: device.schoolId, authorId: device.mentorId, receivedAt: now.toISOString() });
    const { pupilId, createdAt } = change.values;
    const notice = { id: change.recordId, pupilId, createdAt, updatedAt: createdAt, notice: true };
    // It names no one: not the mentor, nor the tablet (whose other changes carry the mentor), in its clock reading either.
    const { wall, count } = decodeHlc(hlc);
    const anonymous = { ...logged, deviceId: NOTICE_NODE, mentorId: '', hlc: encodeHlc({ wall, count, node: NOTICE_NODE }) };
    writer.appendChange(device.schoolId, { ...anonymous, values: notice }, randomUUID(), now.toISOString(), undefined, {
      ...concernText,
      notice: true,
    });
  }
  for (const lost of merged.lost) writer.keepLost(device.schoolId, { table: change.table, recordId: change.recordId, ...lost });
  return {
    status: 'applied',
    ...(hlc === change.hlc ? {} : { hlc }),
    ...(change.op === 'create' ? { receivedAt: now.toISOString() } : {}),
  };
}

/**
 * The author of the concern whose text a change carries (src/shared/roles.ts `receives`): a
 * concern's, an action's on it, or an earlier version's of it; a note's flagged as a concern, its
 * earlier versions' and its addenda's; undefined for a change that carries none. A concern the endpoint cannot find, or whose author it does not know, is read by those who
 * read every concern, and no one else ('' names no author); so is the record of who opened one.
 */
function concernAuthorOf(writer: BatchWriter, device: Device, change: PushChange, existing: StoredRecord | undefined): string | undefined {
  const authorOf = (id: unknown) => {
    const concern = typeof id === 'string' ? writer.getRecord('concerns', id) : undefined;
    return (concern && concern.schoolId === device.schoolId && standing(writer, concern).authorId) || '';
  };
  // A note flagged as a concern (roles.ts isConcernNote), as it stands with this change: its author's.
  const noteBy = (id: unknown) => {
    const note = typeof id === 'string' ? writer.getRecord('sessions', id) : undefined;
    // A note the endpoint does not hold (a restore lost it) may be one flagged: what goes with it
    // (an earlier version, an addendum) is read only by those who read every concern.
    if (!note || note.schoolId !== device.schoolId) return '';
    if (!isConcernNote(fromWire(note.state.fields))) return undefined;
    return standing(writer, note).authorId || '';
  };
  if (change.table === 'concerns') return existing ? authorOf(change.recordId) : device.mentorId;
  if (change.table === 'concernActions') return authorOf(change.values.concernId);
  if (change.table === 'revisions' && change.values.table === 'concerns') return authorOf(change.values.recordId);
  if (change.table === 'sessions') return noteBy(change.recordId);
  if (change.table === 'revisions' && change.values.table === 'sessions') return noteBy(change.values.recordId);
  if (change.table === 'addenda') return noteBy(change.values.sessionId);
  // Who opened a concern is for the DSLs' audit trail: no author of it reads it.
  if (change.table === 'concernOpenings') return '';
  return undefined;
}

/** A stored record as the rules of permissions.ts look at it: who first wrote it, and its fields now. */
function standing(writer: BatchWriter, record: StoredRecord): Standing {
  const fields = fromWire(record.state.fields);
  const authorId = typeof fields.authorId === 'string' ? fields.authorId : writer.creatorOf(record.table, record.id);
  return { authorId, fields };
}

/** Why the change's mentor may not make it (src/shared/permissions.ts), if they may not. */
function whyNotAllowed(
  writer: BatchWriter,
  device: Device,
  by: Writer,
  change: PushChange,
  existing: StoredRecord | undefined,
): string | undefined {
  if (change.table !== 'revisions') return notAllowed(by, change, existing && standing(writer, existing));
  // A tablet queues an edit's earlier version right after the edit: an edit refused for who made
  // it, or for what it would make of the record, leaves no history of a change that never happened.
  const edit = writer.refusalOf(device.id, change.seq - 1);
  if (edit?.code === 'not_allowed' || edit?.code === 'invalid_record') return edit.message;
  const { table, recordId } = change.values;
  const of = typeof table === 'string' && typeof recordId === 'string' ? writer.getRecord(table as SyncedTable, recordId) : undefined;
  return revisionNotAllowed(by, change.values, of && standing(writer, of));
}

/**
 * A change with the erased pupils taken out of the pupils present it sets (a session others were
 * in, now or in an earlier version), as the endpoint took them out of its own records. An update
 * whose pupils present were all erased no longer sets them.
 */
function withoutErasedPupilsIn(writer: BatchWriter, change: PushChange): PushChange {
  const values = withoutErasedPupils(change.table, change.values, (id) => writer.erasedWith(id) === id);
  if (values === change.values) return change;
  if (change.table !== 'sessions' || (values.pupilIds as unknown[]).length > 0) return { ...change, values };
  const { pupilIds: _values, ...rest } = values;
  const { base: sentBase, ...sent } = change;
  const { pupilIds: _base, ...base } = sentBase ?? {};
  return { ...sent, values: rest, ...(sentBase ? { base } : {}) };
}

/**
 * An update's base, with each reading of this tablet's own that the endpoint re-dated put as it
 * was stored. A tablet queues its next edits before it hears its earlier ones were re-dated, so
 * their base names its own readings; read as they are, every replica but the tablet would take
 * the tablet's own successive edits for a conflict, and keep a "lost" value the tablet does not.
 */
function ownReadingsAsStored(writer: BatchWriter, deviceId: string, base: PushChange['base']): PushChange['base'] {
  if (!base) return base;
  return Object.fromEntries(
    Object.entries(base).map(([field, clock]) => {
      if (clock === null || !clock.endsWith(`_${deviceId}`)) return [field, clock];
      return [field, writer.stampOfReading(deviceId, clock) ?? clock];
    }),
  );
}

/**
 * The clock reading a change is stored with. A reading further ahead of the endpoint's clock than
 * FUTURE_TOLERANCE_MS is brought back to that limit (a fast tablet must not win every later
 * edit), and a tablet's readings never fall below `last`, the last one stored from it, so its own
 * changes keep their order.
 */
function stampFor(last: string | undefined, reading: Hlc, now: Date): string {
  const ceiling = now.getTime() + FUTURE_TOLERANCE_MS;
  let stamp = reading.wall > ceiling ? { ...reading, wall: ceiling, count: 0 } : reading;
  if (last && compareHlc(encodeHlc(stamp), last) <= 0) stamp = after(decodeHlc(last), reading.node);
  return encodeHlc(stamp);
}

/**
 * Whether a cursor's `at` vouches for the log up to its position: the chain there, which tells a
 * restored log apart from the one the tablet read, all of it (a change sent again after a restore
 * can land where it stood before). A cursor of the releases before the chain carried the clock
 * reading there, which a tablet knows of its own school's changes: taken, it would let a tablet
 * find, position by position, where they stand in the log all schools share. It fetches
 * everything again instead, once.
 */
const sameLog = (store: Store, seq: number, at: string | undefined) => at !== undefined && at === store.chainAt(seq);

/**
 * The school's changes made by other tablets since the cursor, a page at a time: a PullResponse as
 * UTF-8 JSON in pieces, to be sent one after another, the stored changes passed on as stored.
 */
export function pull(
  store: Store,
  device: Device,
  request: PullRequest,
  now = new Date(),
  onUnrecorded?: (error: unknown) => void,
): readonly Uint8Array[] {
  const epoch = store.epoch();
  const latest = store.lastChangeSeq();
  const from = request.cursor === null ? { epoch, seq: 0 } : openCursor(store.cursorSecret(), epoch, request.cursor);
  if (!from) throw new SyncError(400, 'bad_request', 'That pull cursor is not one this endpoint issued.');
  if (from.epoch !== epoch || from.seq > latest || (from.seq > 0 && !sameLog(store, from.seq, from.at))) {
    throw new SyncError(
      409,
      'resync',
      'The school’s Waymark was restored or replaced since this tablet last synced: fetch everything again, keeping the changes not yet sent.',
    );
  }
  const limit = request.limit ?? LIMITS.pullPage;
  const you = access(store, device);
  const puller = { deviceId: device.id, ...you };
  const page = store.changesSince(device.schoolId, from.seq, limit, puller);
  // The audit trail: who was handed a concern's text, and when. A failure to record it (a full
  // disk) is told, and does not keep the school's records from the tablet.
  try {
    if (page.lastSeq !== null) store.noteConcernReads(device.schoolId, puller, from.seq, page.lastSeq, now.toISOString());
  } catch (error) {
    onUnrecorded?.(error);
  }
  const more = page.full;
  // With nothing more to send, the cursor moves past this tablet's own changes too.
  const seq = more ? (page.lastSeq ?? from.seq) : latest;
  // Each mentor with the tablets ever enrolled for them: a clock reading names its tablet, and so its mentor.
  const tablets = new Map<string, string[]>();
  for (const d of store.devices(device.schoolId)) tablets.set(d.mentorId, [...(tablets.get(d.mentorId) ?? []), d.id]);
  const mentors = store.mentors(device.schoolId).map((m) => ({ ...mentorInfo(m), devices: tablets.get(m.id) ?? [] }));
  const rest: Omit<PullResponse, 'changes'> = {
    protocol: PROTOCOL,
    cursor: sealCursor(store.cursorSecret(), { epoch, seq, at: store.chainAt(seq) }),
    more,
    // A tablet told of a restore by the cursor learns here which of its own changes went with it.
    received: device.lastAppliedSeq,
    mentors,
    you,
    escalateAfterMinutes: store.escalateAfterMinutes(device.schoolId),
  };
  return [Buffer.from('{"changes":['), ...page.json, Buffer.from(`],${JSON.stringify(rest).slice(1)}`)];
}
