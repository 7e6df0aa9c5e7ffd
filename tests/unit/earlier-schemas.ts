/** The tablet database as earlier releases declared it, for tests that open one with this release. */
import Dexie from 'dexie';

const VERSION_3 = {
  pupils: 'id, status',
  targets: 'id, pupilId, status',
  checkIns: 'id, [targetId+on], on, pupilId, sessionId',
  sessions: 'id, occurredAt, *pupilIds',
  revisions: 'id, recordId',
  outbox: 'seq',
  drafts: 'key',
  device: 'key',
  recordClocks: 'key',
  conflicts: '++id, recordId',
  sync: 'key',
  concernIndex: 'sessionId, occurredAt',
};

const SCHEMAS = {
  3: VERSION_3,
  4: { ...VERSION_3, pupilSessions: '[pupilId+sessionId], [pupilId+occurredAt], [pupilId+standingConcern]' },
};

/** A database named `name` as the release with schema `version` made it. */
export function earlierRelease(name: string, version: keyof typeof SCHEMAS): Dexie {
  const old = new Dexie(name);
  old.version(version).stores(SCHEMAS[version]);
  return old;
}
