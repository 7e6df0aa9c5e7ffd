/**
 * The tablet's database: one Dexie class holding every schema version, oldest first. A new version
 * is added below the last one and never edits an earlier one, so a tablet that has been asleep
 * through several releases upgrades step by step.
 *
 * Indexes are ids, days, statuses and foreign keys only. Names, notes and contacts are never
 * indexed: they are sensitive, a caseload fits in memory for searching, and keeping them out of
 * indexes lets a later release encrypt those fields at rest without touching a screen.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { CheckIn, Pupil, Revision, Session, SyncedTable, Target } from '../shared/model.ts';

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
  }
}
