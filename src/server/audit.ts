/**
 * The audit trail of a pupil's safeguarding concerns, and of the notes about them flagged as
 * concerns: who recorded, changed, acted on, opened or was handed each one, on which tablet, and
 * when, in order. Drawn from the change log (every change
 * carrying a concern's text, and the tablets' records of each opening, made offline too) and from
 * the endpoint's record of every pull that handed that text on. Ids, names and times only: never
 * what a concern says, nor what it is about.
 */
import { type AuditEntry, type AuditRequest, type AuditResponse, PROTOCOL } from '../shared/protocol.ts';
import { safeguards } from '../shared/roles.ts';
import type { Device, Store } from './store.ts';
import { SyncError } from './sync.ts';

export type { AuditEntry };

const WHAT: Record<string, string> = {
  'concerns create': 'recorded the concern',
  'concerns update': 'changed the concern',
  'concernActions create': 'recorded what was done',
  'concernOpenings create': 'opened the concern',
  // A note flagged as a concern (roles.ts isConcernNote) is in the trail as a concern is.
  'sessions create': 'wrote the note flagged as a concern',
  'sessions update': 'changed the note flagged as a concern',
  'sessions delete': 'removed the note flagged as a concern',
  'addenda create': 'added an addendum to the note flagged as a concern',
};

/** Every entry of the pupil's concerns' trail, oldest first. */
export function auditTrail(store: Store, pupilId: string): AuditEntry[] {
  const trail = store.concernTrail(pupilId);
  const mentors = new Map(store.mentors().map((m) => [m.id, m.name]));
  const tablets = new Map(store.devices().map((d) => [d.id, d.name]));
  const who = (mentorId: string, deviceId: string) => ({
    mentor: mentors.get(mentorId) ?? mentorId,
    tablet: tablets.get(deviceId) ?? deviceId,
  });
  const concernOf = new Map(trail.changes.map((c) => [c.seq, c.concernId]));
  const entries: AuditEntry[] = [];
  for (const c of trail.changes) {
    const what = WHAT[`${c.table} ${c.op}`];
    // An earlier version is written with its edit, which is listed.
    if (!what) continue;
    entries.push({
      at: c.at ?? c.receivedAt ?? '',
      receivedAt: c.receivedAt,
      ...who(c.mentorId, c.deviceId),
      concernId: c.concernId,
      what,
    });
  }
  // One entry for each pull, however many of the concern's changes it handed on.
  const pulls = new Map<string, AuditEntry>();
  for (const r of trail.reads) {
    const concernId = concernOf.get(r.seq) ?? '';
    const key = `${r.pulledAt} ${r.deviceId} ${concernId}`;
    if (!pulls.has(key)) {
      pulls.set(key, { at: r.pulledAt, receivedAt: null, ...who(r.mentorId, r.deviceId), concernId, what: 'was sent the concern' });
    }
  }
  return [...entries, ...pulls.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The audit trail a DSL's or a deputy's tablet asks for (`POST /api/v1/audit`): their role as the
 * endpoint holds it now, never as the tablet says; a pupil of their own school only.
 */
export function auditFor(store: Store, device: Device, request: AuditRequest): AuditResponse {
  if (!safeguards(store.mentor(device.mentorId)?.role ?? 'mentor')) {
    throw new SyncError(403, 'not_allowed', 'Only the Designated Safeguarding Lead or a deputy can see who saw or changed a concern.');
  }
  const pupil = store.batch((w) => w.getRecord('pupils', request.pupilId));
  if (!pupil || pupil.schoolId !== device.schoolId) throw new SyncError(404, 'not_found', 'That pupil is not one of this school’s.');
  return { protocol: PROTOCOL, entries: auditTrail(store, request.pupilId) };
}
