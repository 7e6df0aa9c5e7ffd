/**
 * The audit trail of a pupil's safeguarding concerns: who recorded, changed, acted on, opened or
 * was handed each one, on which tablet, and when, in order. Drawn from the change log (every change
 * carrying a concern's text, and the tablets' records of each opening, made offline too) and from
 * the endpoint's record of every pull that handed that text on. Ids, names and times only: never
 * what a concern says, nor what it is about.
 */
import type { Store } from './store.ts';

export interface AuditEntry {
  /** When it happened: for a pull, when the endpoint answered it; otherwise when the tablet says. */
  at: string;
  /** When it reached the school, for what a tablet did. */
  receivedAt: string | null;
  mentor: string;
  tablet: string;
  concernId: string;
  what: string;
}

const WHAT: Record<string, string> = {
  'concerns create': 'recorded the concern',
  'concerns update': 'changed the concern',
  'concernActions create': 'recorded what was done',
  'concernOpenings create': 'opened the concern',
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
