/**
 * Need to know, on the tablet: the endpoint sends a concern's text only to those who may read it
 * (src/shared/roles.ts `receives`), and everyone else the notice that one was recorded; a note
 * flagged as a concern (roles.ts `isConcernNote`) goes only to those who may read it. When what
 * this tablet's mentor may read changes (a role given or taken away, the lead mentor's access
 * turned on or off, the tablet enrolled for another mentor), or the tablet first hears it from an
 * endpoint that has roles, the tablet lets go of every concern and flagged note it holds that is
 * not its mentor's own, with what the DSL did about each, their earlier versions and addenda, and
 * fetches everything again: the endpoint then sends each one as this mentor may now read it. Its
 * own unsent changes stay in the outbox; those it delivered about what it lets go of go too (kept
 * to send again after a restore, they would be refused now).
 */
import { decodeHlc } from '../../shared/hlc.ts';
import { type Concern, isNotice, type Session } from '../../shared/model.ts';
import type { Access } from '../../shared/protocol.ts';
import { isConcernNote } from '../../shared/roles.ts';
import type { WaymarkDB } from '../db.ts';

/**
 * Whether what `now` may read differs from what the tablet last pulled as (`before`): another
 * mentor, reading every concern or not, or other need-to-know rules (an upgraded endpoint); or,
 * with nothing before, whether the tablet pulled before (`pulledBefore`) from an endpoint without
 * roles, which sent it everything.
 */
export function readsOtherwise(before: Access | undefined, now: Access | undefined, pulledBefore: boolean): boolean {
  if (!now) return false;
  if (!before) return pulledBefore;
  return before.mentorId !== now.mentorId || before.readsEveryConcern !== now.readsEveryConcern || (before.rules ?? 1) !== (now.rules ?? 1);
}

/**
 * Lets go of the concerns `now` is not to hold as they are, in one transaction, and sets the
 * tablet to fetch everything again: kept are only the full text of the mentor's own concerns (by
 * their author, or for one not yet synced, by this tablet having written it), and of every
 * concern when they read every one. Notices go too: a mentor who now reads a concern is sent it whole.
 */
export async function letGoOfConcerns(db: WaymarkDB, now: Access): Promise<number> {
  const tables = [
    db.concerns,
    db.concernActions,
    db.concernOpenings,
    db.sessions,
    db.addenda,
    db.pupilSessions,
    db.revisions,
    db.recordClocks,
    db.conflicts,
    db.changedAfterRemoval,
    db.delivered,
    db.sync,
    db.device,
  ];
  return db.transaction('rw', tables, async () => {
    const device = await db.device.get('device');
    const own = (c: Concern) => (c.authorId === undefined ? c.deviceId === device?.deviceId : c.authorId === now.mentorId);
    const concerns = await db.concerns.toArray();
    const kept = new Set(concerns.filter((c) => !isNotice(c) && (now.readsEveryConcern || own(c))).map((c) => c.id));
    const gone = concerns.filter((c) => !kept.has(c.id)).map((c) => c.id);
    const actions = (await db.concernActions.filter((a) => !kept.has(a.concernId)).toArray()).map((a) => a.id);
    // A flagged note's author is the endpoint's word. A note from before it is kept if this tablet
    // made it (the clock of its id, set by the change that made it, names the tablet): a pull never
    // brings a tablet its own changes back. Any other is let go of, and the fetch that follows
    // brings it back if the endpoint counts this mentor its author.
    const flagged = now.readsEveryConcern ? [] : await db.sessions.filter((s) => isConcernNote(s)).toArray();
    const clocks = await db.recordClocks.bulkGet(flagged.map((s) => `sessions:${s.id}`));
    const madeHere = (i: number) => {
      const made = clocks[i]?.clocks.id;
      return made !== undefined && decodeHlc(made).node === device?.deviceId;
    };
    const ownNote = (s: Session, i: number) => (s.authorId === undefined ? madeHere(i) : s.authorId === now.mentorId);
    const notes = new Set(flagged.filter((s, i) => !ownNote(s, i)).map((s) => s.id));
    // This tablet's own addenda to those notes stay: its mentor wrote them, and they are kept to send
    // again after a restore.
    const addenda = (await db.addenda.filter((a) => notes.has(a.sessionId) && a.deviceId !== device?.deviceId).toArray()).map((a) => a.id);
    const revisions = (
      await db.revisions
        .filter((r) => (r.table === 'concerns' && !kept.has(r.recordId)) || (r.table === 'sessions' && notes.has(r.recordId)))
        .toArray()
    ).map((r) => r.id);
    // Who opened a concern is for those who read every concern; this tablet keeps its own openings of its mentor's.
    const openings = (
      await db.concernOpenings
        .filter((o) => !now.readsEveryConcern && !(kept.has(o.concernId) && o.deviceId === device?.deviceId))
        .toArray()
    ).map((o) => o.id);
    const keys = [
      ...gone.map((id) => `concerns:${id}`),
      ...actions.map((id) => `concernActions:${id}`),
      ...revisions.map((id) => `revisions:${id}`),
      ...openings.map((id) => `concernOpenings:${id}`),
      ...[...notes].map((id) => `sessions:${id}`),
      ...addenda.map((id) => `addenda:${id}`),
    ];
    const goneKeys = new Set(keys);
    await Promise.all([
      db.delivered.filter((d) => goneKeys.has(`${d.table}:${d.recordId}`)).delete(),
      db.concerns.bulkDelete(gone),
      db.concernActions.bulkDelete(actions),
      db.revisions.bulkDelete(revisions),
      db.concernOpenings.bulkDelete(openings),
      db.sessions.bulkDelete([...notes]),
      db.addenda.bulkDelete(addenda),
      db.pupilSessions.filter((row) => notes.has(row.sessionId)).delete(),
      db.recordClocks.bulkDelete(keys),
      db.changedAfterRemoval.bulkDelete(keys),
      db.conflicts
        .where('recordId')
        .anyOf([...gone, ...actions, ...revisions, ...openings, ...notes, ...addenda])
        .delete(),
      db.sync.update('sync', { access: now, cursor: null }),
    ]);
    return gone.length + actions.length + revisions.length + openings.length + notes.size + addenda.length;
  });
}
