/**
 * What the sync code needs from storage, and nothing more, so that a PostgreSQL store for a trust
 * or local authority can sit beside the embedded SQLite one without touching the sync code.
 */

import type { Conflict, SyncedState } from '../shared/merge.ts';
import type { SyncedTable } from '../shared/model.ts';
import type { PulledChange, RejectCode } from '../shared/protocol.ts';
import type { Reader, Role } from '../shared/roles.ts';

export interface School {
  id: string;
  name: string;
}

export interface Mentor {
  id: string;
  schoolId: string;
  name: string;
  role: Role;
  /** Where the endpoint e-mails them: a DSL or deputy is told of new concerns here (alerts.ts). */
  email?: string;
}

/**
 * An e-mail telling the DSLs of a concern (`new`, when it reaches the school), or the deputies of
 * one no DSL acknowledged in the school's time (`escalated`). Ids and times only, never what the
 * concern says.
 */
export interface Alert {
  concernId: string;
  kind: 'new' | 'escalated';
  schoolId: string;
  /** Who recorded the concern, named in the message. */
  authorId: string;
  /** When the concern reached the school. */
  receivedAt: string;
  queuedAt: string;
  attempts: number;
  triedAt: string | null;
  sentAt: string | null;
  /** Why the last attempt to send it failed. */
  problem: string | null;
}

export interface Device {
  id: string;
  mentorId: string;
  schoolId: string;
  name: string;
  enrolledAt: string;
  revokedAt: string | null;
  /** When a new enrolment from the same browser showed this tablet's storage had been wiped. */
  wipedAt: string | null;
  lastSeenAt: string | null;
  /**
   * The last change sequence number applied from this device (a refused change uses its number up
   * too): kept for good, so a retry applies once. The tablet keeps the last number it handed out,
   * which runs ahead of this one by the changes it has not sent yet.
   */
  lastAppliedSeq: number;
  /** How many changes the tablet said it still held at its last sync. */
  unsent: number;
  clockSkewMs: number | null;
}

export interface StoredRecord {
  schoolId: string;
  table: SyncedTable;
  id: string;
  state: SyncedState;
}

/**
 * Why the endpoint refused one of a tablet's changes, kept for good: a tablet that never heard the
 * answer sends the change again, and must hear the refusal again, or it would drop the change as
 * delivered. `out_of_order` is no refusal of the change itself and is never kept.
 */
export interface Refusal {
  seq: number;
  changeId: string;
  code: Exclude<RejectCode, 'out_of_order'>;
  message: string;
}

/** Everything one pushed batch writes, inside the batch's one transaction. */
export interface BatchWriter {
  /** The device's last applied sequence number, read inside the batch's transaction. */
  lastAppliedSeq(deviceId: string): number;
  /** The last clock reading applied from the device, as stored (possibly re-dated). */
  lastHlc(deviceId: string): string | undefined;
  setLastHlc(deviceId: string, hlc: string): void;
  getRecord(table: SyncedTable, id: string): StoredRecord | undefined;
  /** Queues the e-mail telling the school's DSLs of a concern that has just reached it, in the push's transaction. */
  queueAlert(alert: Pick<Alert, 'concernId' | 'schoolId' | 'authorId' | 'receivedAt'>): void;
  /** Whether the school's lead mentors read every concern, read inside the batch. */
  leadReadsConcerns(schoolId: string): boolean;
  /** The fields of every action recorded on a concern (concernActions naming it), as stored. */
  actionsOn(concernId: string): Record<string, unknown>[];
  /** The mentor whose change made a record, as the log says: for records from before records carried `authorId`. */
  creatorOf(table: SyncedTable, id: string): string | undefined;
  putRecord(record: StoredRecord): void;
  /**
   * Logs a change, with when it reached the endpoint and, when the endpoint re-dated it, the
   * reading the tablet sent it with.
   */
  appendChange(
    schoolId: string,
    change: PulledChange,
    changeId: string,
    receivedAt: string,
    sentHlc?: string,
    concernText?: ConcernText,
  ): void;
  /**
   * How one of this tablet's changes was stored, if it was: its clock reading and, for a create,
   * when it reached the school (null for one logged before that was kept).
   */
  receiptOf(deviceId: string, changeId: string): { hlc: string; receivedAt: string | null } | undefined;
  /** The reading the endpoint re-dated one of this tablet's changes to, found by the reading it was sent with. */
  stampOfReading(deviceId: string, sentHlc: string): string | undefined;
  keepLost(schoolId: string, lost: Conflict): void;
  keepRefusal(deviceId: string, refusal: Refusal): void;
  /** Why the device's change with this sequence number was refused, if it was. */
  refusalOf(deviceId: string, seq: number): Refusal | undefined;
  /** Marks the device's changes up to `seq` as applied (or refused): never applied again. */
  setLastAppliedSeq(deviceId: string, seq: number): void;
  /** The pupil whose erasure took this record id (for a pupil's own id, that pupil), if one did. */
  erasedWith(id: string): string | undefined;
  /** Counts a record among those erased with a pupil: one a change refused as `erased` would have made. */
  keepErased(record: ErasedRecord): void;
}

/**
 * A logged change that carries the text of a concern, or the notice that one was recorded: who
 * receives it (src/shared/roles.ts `receives`). A change without one goes to the whole school.
 */
export interface ConcernText {
  /** The concern's author: they, and those who read every concern, receive its text. */
  by: string;
  /** This change is the notice that the concern was recorded, which everyone else receives instead. */
  notice?: true;
}

/** Who wrote, opened or received a pupil's concerns, in ids and times: never what they say. */
export interface ConcernTrail {
  changes: {
    seq: number;
    table: SyncedTable;
    recordId: string;
    op: PulledChange['op'];
    deviceId: string;
    mentorId: string;
    receivedAt: string | null;
    /** The concern the change is about. */
    concernId: string;
    /** When the tablet says it happened (the change's updatedAt). */
    at: string | null;
  }[];
  reads: { seq: number; deviceId: string; mentorId: string; pulledAt: string }[];
}

/** The tablet a page is pulled for: its own changes are left out, and it receives what its mentor may read. */
export interface Puller extends Reader {
  deviceId: string;
}

/** A record erased with a pupil: its id and table only, never what it said. */
export interface ErasedRecord {
  table: SyncedTable;
  id: string;
  schoolId: string;
  pupilId: string;
  erasedAt: string;
}

/** Why a pupil was erased: asked for (the admin command), the school's retention period, or again after a restore. */
export type ErasureReason = 'request' | 'retention' | 'restore';

/** A pupil as the erasure commands show one to the IT person: never a name, nor anything a mentor wrote. */
export interface PupilSummary {
  id: string;
  schoolId: string;
  yearGroup: string;
  startOn: string;
  status: string;
  closedOn?: string;
  deletedAt?: string;
}

/** Pupils were erased, but the register of erasures could not be written: the message says which lines to add by hand. */
export class ErasureNotRegistered extends Error {}

/** What erasing one pupil took away: counts and ids, never what the records said. */
export interface ErasedPupil {
  pupilId: string;
  schoolId: string;
  erasedAt: string;
  reason: ErasureReason;
  /** Records erased whole, by table. */
  records: Record<SyncedTable, number>;
  /** Values kept from conflicts about those records. */
  lostValues: number;
  /** Changes in the log about those records whose content was removed: never handed out again. */
  changesEmptied: number;
  /** Sessions with other pupils present that this one was taken out of: their notes stay, for the DSL to read. */
  groupSessions: { id: string; occurredAt: string }[];
}

/** A pupil erased: who, in which school, when. */
export interface Erasure {
  pupilId: string;
  schoolId: string;
  erasedAt: string;
}

export interface Store {
  /** Changes with this epoch are from this database's life; a restore from backup keeps it, a new database does not. */
  epoch(): string;
  /** 32 random bytes the database made once, which seal pull cursors (see cursor.ts): a restore keeps them. */
  cursorSecret(): Buffer;
  /**
   * Why the store cannot write, when it was opened on a database it cannot change (a read-only
   * file, folder or disk): it serves what it holds, and every write is StoreUnavailable.
   */
  readOnly(): string | undefined;
  addSchool(name: string): School;
  schools(): School[];
  addMentor(schoolId: string, name: string): Mentor;
  mentor(id: string): Mentor | undefined;
  mentors(schoolId?: string): Mentor[];
  setRole(mentorId: string, role: Role): Mentor;
  /** Stores a one-time enrolment code (its hash only) for a mentor. */
  addEnrolmentCode(mentorId: string, codeHash: string, expiresAt: string): void;
  /** Makes the mentor's codes not used yet stop working; how many of them had not expired by `now`. */
  cancelEnrolmentCodes(mentorId: string, now: string): number;
  /** Uses a code once: the mentor it was for, if it was valid, unused and not expired. */
  useEnrolmentCode(codeHash: string, now: string): Mentor | undefined;
  /**
   * Enrols a tablet under its own id (the one in its records). Enrolling a known tablet again (a
   * revoked one, or a new mentor) gives it a new token and keeps what it had applied.
   */
  enrolDevice(device: Pick<Device, 'id' | 'mentorId' | 'schoolId' | 'name' | 'enrolledAt'>, tokenHash: string): Device;
  device(id: string): Device | undefined;
  noteWiped(deviceId: string, at: string): void;
  deviceByTokenHash(tokenHash: string): Device | undefined;
  devices(schoolId?: string): Device[];
  revokeDevice(id: string, at: string): Device | undefined;
  noteSync(deviceId: string, at: string, unsent: number, clockSkewMs: number | null): void;
  /** Runs `work` in one transaction: all of it is written, or none. */
  batch<T>(work: (writer: BatchWriter) => T): T;
  /** Runs `work`, which calls this store's methods, in one transaction (an enrolment: the code used only if the tablet is enrolled). */
  atomically<T>(work: () => T): T;
  /**
   * A page of a school's changes after `after`, oldest first: the JSON text of each PulledChange
   * joined by commas (an array's inside) as UTF-8 bytes, how many, and the position of the last.
   * At most `limit` changes, and no more once their JSON has reached `maxChars` characters
   * (LIMITS.pullPageChars); the first always comes, whatever its length. For a `puller`, without
   * its own changes, and only those carrying a concern's text that its mentor receives; without
   * one, no concern's text, only the notices.
   */
  changesSince(schoolId: string, after: number, limit: number, puller?: Puller, maxChars?: number): ChangePage;
  lastChangeSeq(): number;
  /** The clock reading of the change at a position in the log: a fingerprint that tells whether a cursor's past is still this log's. */
  changeHlcAt(seq: number): string | undefined;
  /** The longest changes in the log, longest first: what the IT person looks at when pulls grow slow. */
  longestChanges(limit: number): LoggedChangeInfo[];
  /**
   * Withholds a change from every pull from now on (quarantine), or hands it on again: it stays in
   * the log, and in the record it changed. Returns the change, and whether this changed it.
   */
  withhold(seq: number, at: string, withheld: boolean): (LoggedChangeInfo & { changed: boolean }) | undefined;
  /** The log's hash chain at a position: it vouches for every change up to there (see chainOf in sqlite-store.ts). */
  chainAt(seq: number): string | undefined;
  /** Pupils whose id, or whose school pupil reference (in any case, spaces around it ignored), is `ref`. */
  pupilsByRef(ref: string): PupilSummary[];
  /** A school's pupils whose support closed, or who were removed: those a retention period can reach. */
  pupilsEnded(schoolId: string): PupilSummary[];
  /**
   * Erases pupils and everything about them, in one transaction, by the rules of
   * src/shared/erasure.ts: their records and the lost values about them; the content of every
   * logged change about them, which is never handed out again (each keeps its position, clock
   * reading and change id, which the log's hash chain covers, so every cursor stays good); the
   * erased pupils taken out of the pupils present in every session others were in, as a logged
   * change; and, for their school's tablets, one logged change telling them to erase each pupil.
   * The ids of what went are kept, so a change about it from a tablet that had not heard is
   * refused (`erasedWith`). Each erasure is also written to a register kept outside the database,
   * which a restore from a backup does not take back (`registeredErasures`). What was erased may
   * still lie in the store's files until `scrubDeleted`.
   */
  erasePupils(pupils: readonly { id: string; schoolId: string }[], at: string, reason: ErasureReason): ErasedPupil[];
  /** When a pupil was erased, if they were (by their id). */
  erasure(pupilId: string): Erasure | undefined;
  /** Every pupil this database knows was erased. */
  erasures(): Erasure[];
  /** Every pupil the register outside the database lists as erased: a database restored from a backup may know fewer. */
  registeredErasures(): Erasure[];
  /**
   * Rewrites the store's files so that nothing deleted is left in them, nor in any log beside them
   * (SQLite: the database rebuilt, its write-ahead log emptied). Says why when it could not finish.
   */
  scrubDeleted(): { problem?: string };
  setEmail(mentorId: string, email: string | null): Mentor;
  /** How long a concern waits for a DSL to acknowledge it before the deputies are told, in minutes. */
  escalateAfterMinutes(schoolId: string): number;
  setEscalateAfterMinutes(schoolId: string, minutes: number): void;
  /**
   * Records, for the audit trail, each change carrying a concern's text that a pull handed the
   * puller: those of the page after `after` up to `last` (changesSince's choice). Returns how many.
   */
  noteConcernReads(schoolId: string, puller: Puller, after: number, last: number, at: string): number;
  /** The audit trail of a pupil's concerns: every change that carried their text, and every pull that handed one on. */
  concernTrail(pupilId: string): ConcernTrail;
  /** E-mails about concerns not sent yet, oldest first. */
  unsentAlerts(): Alert[];
  /** The e-mails about one concern, sent or not. */
  alerts(concernId: string): Alert[];
  /** New concerns' alerts whose concern no DSL has acknowledged, and that were not escalated yet. */
  awaitingAcknowledgement(): Alert[];
  /** Queues the e-mail telling the deputies of a concern no DSL acknowledged (once per concern). */
  escalate(alert: Alert, at: string): void;
  /** Records an attempt to send an alert: sent, or why not. */
  noteAlertTried(concernId: string, kind: Alert['kind'], at: string, problem?: string): void;
  /** Whether the school's lead mentors read the text of every concern, as the DSLs do (off unless the school turns it on). */
  leadReadsConcerns(schoolId: string): boolean;
  setLeadReadsConcerns(schoolId: string, on: boolean): void;
  /** How long a school keeps a pupil's records after their support ended, in months; null: for ever. */
  retentionMonths(schoolId: string): number | null;
  setRetention(schoolId: string, months: number | null): void;
  /**
   * Folds the write-ahead log into the database as far as readers allow, and says how it went:
   * a log that cannot be folded in (a reader left open, a disk error) grows without end.
   */
  checkpoint(): Checkpoint;
  close(): void;
}

export interface ChangePage {
  /**
   * Bytes, not a string: a page is sent as it is stored, never decoded into JavaScript and encoded
   * back. In pieces, one after another, handed to the socket as they are, never joined.
   */
  json: readonly Uint8Array[];
  count: number;
  lastSeq: number | null;
  /** The page stopped at its limit or its length, and more changes wait after it. */
  full: boolean;
}

/**
 * The store cannot keep what it is given (its file was deleted or moved under the running server):
 * nothing is taken until the IT person acts, and the message says what to do.
 */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

export interface Checkpoint {
  /** Bytes in the write-ahead log, and how many of them are not in the database yet. */
  logBytes: number;
  behindBytes: number;
  /** Why it could not finish, when it could not. */
  problem?: string;
}

/** A change in the log, as the admin command shows it (never its values: they are about children). */
export interface LoggedChangeInfo {
  seq: number;
  schoolId: string;
  deviceId: string;
  table: SyncedTable;
  recordId: string;
  op: PulledChange['op'];
  /** Its JSON's length, in characters. */
  chars: number;
  receivedAt: string | null;
  /** When it was withheld from pulls, if it is. */
  withheldAt: string | null;
  /** When its content was removed because the record it changed was erased: it is never handed out again. */
  erasedAt: string | null;
}
