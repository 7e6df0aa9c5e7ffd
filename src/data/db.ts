/**
 * The tablet's database: one Dexie class holding every schema version, oldest first. A new version
 * is added below the last one and never edits an earlier one, so a tablet that has been asleep
 * through several releases upgrades step by step.
 *
 * Indexes are ids, days, statuses and foreign keys only. Names, notes and contacts are never
 * indexed: they are sensitive, a caseload fits in memory for searching, and keeping them out of
 * indexes lets a later release encrypt those fields at rest without touching a screen.
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import { encodeHlc } from '../shared/hlc.ts';
import { type CheckIn, type Pupil, type Revision, type Session, SYNCED_TABLES, type SyncedTable, type Target } from '../shared/model.ts';
import { pupilSessionRows } from './pupil-sessions.ts';

/** One change waiting to be delivered to the school's endpoint. */
export interface OutboxEntry {
  /** Per-device sequence number: rises by exactly one with every change this tablet makes. */
  seq: number;
  changeId: string;
  table: SyncedTable;
  recordId: string;
  op: 'create' | 'update' | 'delete';
  /** The fields this change sets, with their new values (the whole record for a create). */
  values: Record<string, unknown>;
  at: string;
  deviceId: string;
  mentorId: string | null;
  /** The change's clock reading (hybrid logical clock): orders it against every other tablet's. */
  hlc?: string;
  /** For an update, the clock of each field's value before it (null: none): tells a conflict from an edit on top. */
  base?: Record<string, string | null>;
  /** Set when the school's endpoint refused the change: it stays here, under "needs attention". */
  rejected?: { code: string; message: string; at: string };
}

/** Half-typed forms, saved as the mentor types. Local only: never synced, removed once saved. */
export interface Draft {
  key: string;
  value: unknown;
  savedAt: string;
}

/** This tablet: who it is, and the last outbox sequence number it handed out. */
export interface Device {
  key: 'device';
  deviceId: string;
  mentorId: string | null;
  createdAt: string;
  lastSeq: number;
  /** The last clock reading this tablet issued or saw. */
  lastHlc?: string;
}

/** Each synced record's field clocks and delete clock: what merging needs, kept apart from the record. */
export interface RecordClocks {
  /** `${table}:${id}` */
  key: string;
  clocks: Record<string, string>;
  deleted?: string;
}

/** A pupil in a session (see pupil-sessions.ts). */
export interface PupilSession {
  pupilId: string;
  sessionId: string;
  occurredAt: string;
  concern: boolean;
  withdrawn: boolean;
  /** 1 on a concern that is not withdrawn; absent otherwise, so only those rows are in its index. */
  standingConcern?: 1;
}

/** Notes flagged as safeguarding concerns, by when they happened: the DSL's list, without reading every note. */
export interface ConcernEntry {
  sessionId: string;
  occurredAt: string;
}

/** A value that lost a conflict with another tablet's change: kept, and shown with the record. */
export interface Conflict {
  id?: number;
  table: SyncedTable;
  recordId: string;
  field: string;
  value: unknown;
  hlc: string;
  lostTo: string;
}

/** This tablet's link to the school's endpoint, and how its syncing is going. Never synced itself. */
export interface SyncState {
  key: 'sync';
  serverUrl?: string;
  /** Attached to each request as it is sent; never put in the outbox. */
  token?: string;
  school?: { id: string; name: string };
  mentor?: { id: string; name: string; dsl: boolean };
  cursor: string | null;
  lastSyncAt?: string;
  lastAttemptAt?: string;
  /** Why the last attempt stopped, in the mentor's words, when it did not finish. */
  problem?: { code: string; message: string; at: string };
  /** Reported at enrolment: this browser was another tablet before, whose storage was wiped. */
  wiped?: { deviceId: string; lastSeenAt: string | null; unsent: number };
  /** The school's mentors, as of the last pull: who wrote what, and who the DSL is. */
  mentors?: { id: string; name: string; dsl: boolean }[];
  /** The endpoint's view of this tablet's clock, when far off. */
  clockSkewMs?: number;
  /** Failed attempts in a row, for backing off. */
  failures: number;
}

export class WaymarkDB extends Dexie {
  pupils!: EntityTable<Pupil, 'id'>;
  targets!: EntityTable<Target, 'id'>;
  checkIns!: EntityTable<CheckIn, 'id'>;
  sessions!: EntityTable<Session, 'id'>;
  revisions!: EntityTable<Revision, 'id'>;
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  drafts!: EntityTable<Draft, 'key'>;
  device!: EntityTable<Device, 'key'>;
  recordClocks!: EntityTable<RecordClocks, 'key'>;
  conflicts!: EntityTable<Conflict, 'id'>;
  sync!: EntityTable<SyncState, 'key'>;
  concernIndex!: EntityTable<ConcernEntry, 'sessionId'>;
  pupilSessions!: Table<PupilSession, [string, string]>;

  constructor(name = 'waymark') {
    super(name);
    this.version(1).stores({
      pupils: 'id, status',
      targets: 'id, pupilId, status',
      checkIns: 'id, [targetId+on], on, pupilId, sessionId',
      sessions: 'id, occurredAt, *pupilIds',
      revisions: 'id, recordId',
      outbox: 'seq',
      drafts: 'key',
      device: 'key',
    });
    // Sync: field clocks for merging, conflicts kept for the mentor, the link to the school.
    this.version(2)
      .stores({
        recordClocks: 'key',
        conflicts: '++id, recordId',
        sync: 'key',
      })
      .upgrade(async (tx) => {
        // Records written before clocks existed: each field dates from the record's last change.
        const device = (await tx.table('device').get('device')) as Device | undefined;
        const node = device?.deviceId ?? 'upgraded';
        for (const table of SYNCED_TABLES) {
          await tx
            .table(table)
            .toCollection()
            .each(async (record: { id: string; updatedAt: string; deletedAt?: string }) => {
              const hlc = encodeHlc({ wall: Date.parse(record.updatedAt), count: 0, node });
              const clocks = Object.fromEntries(Object.keys(record).map((f) => [f, hlc]));
              await tx.table('recordClocks').put({ key: `${table}:${record.id}`, clocks, ...(record.deletedAt ? { deleted: hlc } : {}) });
            });
        }
      });
    // The DSL's list of concerns: kept up to date by every write of a session (see concerns.ts).
    this.version(3)
      .stores({ concernIndex: 'sessionId, occurredAt' })
      .upgrade(async (tx) => {
        await tx
          .table('sessions')
          .toCollection()
          .each(async (s: Session) => {
            if (s.concern && !s.deletedAt) await tx.table('concernIndex').put({ sessionId: s.id, occurredAt: s.occurredAt });
          });
      });
    // Each pupil's sessions by date (see pupil-sessions.ts), so that a pupil's page reads their
    // latest notes, not three years of them.
    this.version(4)
      .stores({ pupilSessions: '[pupilId+sessionId], [pupilId+occurredAt], [pupilId+standingConcern]' })
      .upgrade(async (tx) => {
        const rows: PupilSession[] = [];
        await tx
          .table('sessions')
          .toCollection()
          .each((s: Session) => {
            rows.push(...pupilSessionRows(s));
          });
        await tx.table('pupilSessions').bulkPut(rows);
      });
  }
}
