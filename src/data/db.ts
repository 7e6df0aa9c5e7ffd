/**
 * The tablet's database: one Dexie class holding every schema version, oldest first. A new version
 * is added below the last one and never edits an earlier one, so a tablet that has been asleep
 * through several releases upgrades step by step.
 *
 * Indexes are ids, days, statuses and foreign keys only. Names, notes and contacts are never
 * indexed: they are sensitive, a caseload fits in memory for searching, and keeping them out of
 * indexes lets a later release encrypt those fields at rest without touching a screen.
 */
import Dexie, { type EntityTable, type Table, type Transaction } from 'dexie';
import { encodeHlc, momentOf } from '../shared/hlc.ts';
import type { Conflict } from '../shared/merge.ts';
import {
  type Addendum,
  type CheckIn,
  type Concern,
  type ConcernAction,
  type ConcernNotice,
  type ConcernOpening,
  type Pupil,
  type Revision,
  type Session,
  SYNCED_TABLES,
  type SyncedTable,
  type Target,
} from '../shared/model.ts';
import type { Access } from '../shared/protocol.ts';
import type { Role } from '../shared/roles.ts';
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

/**
 * A change the school's endpoint acknowledged, kept for KEEP_DELIVERED_DAYS (sync/delivered.ts):
 * an endpoint restored from a backup taken before it arrived says it no longer has it, and the
 * tablet sends it again, the same change under the same number.
 */
export interface DeliveredEntry extends Omit<OutboxEntry, 'rejected'> {
  /** When the endpoint acknowledged it (the tablet's clock). */
  deliveredAt: string;
  /** The reading it was sent with, when the endpoint re-dated it: `hlc` is then the endpoint's. */
  sentHlc?: string;
}

/** Half-typed forms, saved as the mentor types. Local only: never synced, removed once saved. */
export interface Draft {
  key: string;
  value: unknown;
  savedAt: string;
}

/** This tablet: who it is, and the last outbox sequence number it handed out. */
export interface ThisTablet {
  key: 'device';
  deviceId: string;
  mentorId: string | null;
  createdAt: string;
  /** The sequence number of the last change this tablet queued (the endpoint counts the last it applied). */
  lastIssuedSeq: number;
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
  withdrawn: boolean;
  /**
   * 1 when the note is flagged as a safeguarding concern (withdrawn or not); absent otherwise, so
   * only those rows are in the concern indexes: the DSL's list, and each pupil's count.
   */
  concern?: 1;
}

/** A record removed on one tablet and changed on another afterwards: it stays removed, and the mentor is told. */
export interface ChangedAfterRemoval {
  key: string;
  table: SyncedTable;
  recordId: string;
  /** When the change came after the removal. */
  changedAt: string;
  removedAt: string;
}

/** A value that lost a conflict with another tablet's change: kept, and shown with the record. */
export interface KeptConflict extends Conflict {
  id?: number;
}

/** This tablet's link to the school's endpoint, and how its syncing is going. Never synced itself. */
export interface SyncState {
  key: 'sync';
  serverUrl?: string;
  /** Attached to each request as it is sent; never put in the outbox. */
  token?: string;
  school?: { id: string; name: string };
  /** This tablet's mentor; `role` is missing until the first sync with an endpoint that has roles. */
  mentor?: { id: string; name: string; dsl: boolean; role?: Role };
  /** What the endpoint lets this tablet's mentor receive, as of the last pull. */
  access?: Access;
  /** How long a concern may wait for a DSL's acknowledgement, as of the last pull (PullResponse). */
  escalateAfterMinutes?: number;
  cursor: string | null;
  /**
   * Set once this tablet has fetched everything from the school with a release that erases pupils.
   * An earlier release took the school's erasure of a pupil for a removal and kept their records:
   * fetching everything again hands it the erasure once more (see sync.ts).
   */
  erasesPupils?: true;
  lastSyncAt?: string;
  lastAttemptAt?: string;
  /** Why the last attempt stopped, in the mentor's words, when it did not finish. */
  problem?: { code: string; message: string; at: string };
  /** Reported at enrolment: this browser was another tablet before, whose storage was wiped. */
  wiped?: { deviceId: string; lastSeenAt: string | null; unsent: number };
  /** The school's mentors, as of the last pull: who wrote what, who the DSL is, and whose each tablet is. */
  mentors?: { id: string; name: string; dsl: boolean; role?: Role; devices?: string[] }[];
  /** The endpoint's view of this tablet's clock, when far off. */
  clockSkewMs?: number;
  /** Failed attempts in a row, for backing off. */
  failures: number;
}

/** Builds the pupils-in-sessions index afresh from the sessions the tablet holds, in an upgrade. */
async function rebuildPupilSessions(tx: Transaction): Promise<void> {
  const rows: PupilSession[] = [];
  await tx
    .table('sessions')
    .toCollection()
    .each((s: Session) => {
      rows.push(...pupilSessionRows(s));
    });
  await tx.table('pupilSessions').clear();
  await tx.table('pupilSessions').bulkPut(rows);
}

/** How versions before 5 marked a record changed after its removal, in the conflicts table. */
const OLD_CHANGED_AFTER_REMOVAL = '(changed after removal)';

export class WaymarkDB extends Dexie {
  pupils!: EntityTable<Pupil, 'id'>;
  targets!: EntityTable<Target, 'id'>;
  checkIns!: EntityTable<CheckIn, 'id'>;
  sessions!: EntityTable<Session, 'id'>;
  revisions!: EntityTable<Revision, 'id'>;
  concerns!: EntityTable<Concern | ConcernNotice, 'id'>;
  concernActions!: EntityTable<ConcernAction, 'id'>;
  concernOpenings!: EntityTable<ConcernOpening, 'id'>;
  addenda!: EntityTable<Addendum, 'id'>;
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  delivered!: EntityTable<DeliveredEntry, 'seq'>;
  drafts!: EntityTable<Draft, 'key'>;
  device!: EntityTable<ThisTablet, 'key'>;
  recordClocks!: EntityTable<RecordClocks, 'key'>;
  conflicts!: EntityTable<KeptConflict, 'id'>;
  changedAfterRemoval!: EntityTable<ChangedAfterRemoval, 'key'>;
  sync!: EntityTable<SyncState, 'key'>;
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
        const device = (await tx.table('device').get('device')) as { deviceId: string } | undefined;
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
      .upgrade((tx) => rebuildPupilSessions(tx));
    // Version 5: one meaning for each word and index.
    // - The concern list and each pupil's concern count read one index (pupilSessions' `concern`),
    //   not two that counted withdrawn notes differently; the sessions' `pupilIds` index had no reader.
    // - "Changed after removal" is a table of its own, not a conflict under a made-up field name.
    // - The tablet's last sequence number is called what it is: the last it issued.
    this.version(5)
      .stores({
        sessions: 'id, occurredAt',
        concernIndex: null,
        pupilSessions: '[pupilId+sessionId], [pupilId+occurredAt], [pupilId+concern], [concern+occurredAt]',
        changedAfterRemoval: 'key',
      })
      .upgrade(async (tx) => {
        const device = await tx.table('device').get('device');
        if (device && device.lastIssuedSeq === undefined) {
          const { lastSeq, ...rest } = device;
          await tx.table('device').put({ ...rest, lastIssuedSeq: lastSeq ?? 0 });
        }
        await rebuildPupilSessions(tx);
        const flagged: KeptConflict[] = await tx
          .table('conflicts')
          .filter((c: KeptConflict) => c.field === OLD_CHANGED_AFTER_REMOVAL)
          .toArray();
        await tx.table('changedAfterRemoval').bulkPut(
          flagged.map((c) => ({
            key: `${c.table}:${c.recordId}`,
            table: c.table,
            recordId: c.recordId,
            changedAt: momentOf(c.hlc),
            removedAt: c.lostTo ? momentOf(c.lostTo) : momentOf(c.hlc),
          })),
        );
        await tx.table('conflicts').bulkDelete(flagged.map((c) => c.id));
      });
    // Version 6: changes the endpoint acknowledged are kept a while (see sync/delivered.ts), so a
    // school restored from a backup gets them again. They start from this version on: nothing to move.
    this.version(6).stores({ delivered: 'seq, deliveredAt' });
    // Version 7: safeguarding concerns, records of their own, and what the DSL did about each.
    this.version(7).stores({
      concerns: 'id, pupilId, noticedAt',
      concernActions: 'id, concernId, pupilId',
      concernOpenings: 'id, concernId, pupilId',
      addenda: 'id, sessionId',
    });
  }
}
