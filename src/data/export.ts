/**
 * Everything on the tablet as one JSON document: the last resort when a tablet must be handed in
 * before it can sync. Its format is versioned, so a later import (by the endpoint or Waymark) can read it.
 */
import { SYNCED_TABLES } from '../shared/model.ts';
import type { WaymarkDB } from './db.ts';

export const EXPORT_FORMAT = 'waymark-export';
export const EXPORT_VERSION = 1;

export async function exportEverything(db: WaymarkDB, now = new Date()) {
  return db.transaction('r', db.tables, async () => {
    const [device, outbox, drafts, ...tables] = await Promise.all([
      db.device.get('device'),
      db.outbox.toArray(),
      db.drafts.toArray(),
      ...SYNCED_TABLES.map((t) => db.table(t).toArray()),
    ]);
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now.toISOString(),
      schemaVersion: db.verno,
      device: device ? { deviceId: device.deviceId, mentorId: device.mentorId, lastIssuedSeq: device.lastIssuedSeq } : null,
      /** Every kind of record the tablet holds (a concern it may not read, as only its notice). */
      records: Object.fromEntries(SYNCED_TABLES.map((t, i) => [t, tables[i]])),
      /** Changes not yet delivered to the school, in order. */
      outbox,
      /** Half-typed forms: text the mentor has not saved yet. */
      drafts,
    };
  });
}
