/**
 * Everything on the tablet as one JSON document: the last resort when a tablet must be handed in
 * before it can sync. Its format is versioned, so a later import (by the endpoint or Waymark) can read it.
 */
import type { WaymarkDB } from './db.ts';

export const EXPORT_FORMAT = 'waymark-export';
export const EXPORT_VERSION = 1;

export async function exportEverything(db: WaymarkDB, now = new Date()) {
  return db.transaction('r', db.tables, async () => {
    const [device, pupils, targets, checkIns, sessions, revisions, outbox, drafts] = await Promise.all([
      db.device.get('device'),
      db.pupils.toArray(),
      db.targets.toArray(),
      db.checkIns.toArray(),
      db.sessions.toArray(),
      db.revisions.toArray(),
      db.outbox.toArray(),
      db.drafts.toArray(),
    ]);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now.toISOString(),
      schemaVersion: db.verno,
      device: device ? { deviceId: device.deviceId, mentorId: device.mentorId, lastIssuedSeq: device.lastIssuedSeq } : null,
      records: { pupils, targets, checkIns, sessions, revisions },
      /** Changes not yet delivered to the school, in order. */
      outbox,
      /** Half-typed forms: text the mentor has not saved yet. */
      drafts,
    };
  });
}
