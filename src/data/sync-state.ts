/**
 * How syncing stands, as the screens show it: read from the database without loading the sync
 * engine (sync.ts), which a tablet not linked to a school never needs. sync.ts re-exports these.
 */
import type { Queue } from '../shared/concerns.ts';
import type { Role } from '../shared/roles.ts';
import type { OutboxEntry, SyncState, WaymarkDB } from './db.ts';

/** Records removed on one tablet and changed on another afterwards: they stay removed. `at`: when the change was made. */
export async function changedAfterRemoval(db: WaymarkDB): Promise<{ table: string; recordId: string; name: string; at: string }[]> {
  const flagged = await db.changedAfterRemoval.toArray();
  return Promise.all(
    flagged.map(async (c) => {
      const record = (await db.table(c.table).get(c.recordId)) as { name?: string; wording?: string; note?: string } | undefined;
      const name = record?.name ?? record?.wording ?? record?.note?.slice(0, 60) ?? c.recordId;
      return { table: c.table, recordId: c.recordId, name, at: c.changedAt };
    }),
  );
}

/** Problems that need the mentor (enrol again) rather than another try later. */
export const NEEDS_MENTOR = new Set(['device_revoked', 'unauthorised']);

const blankState = (): SyncState => ({ key: 'sync', cursor: null, failures: 0 });

export async function syncState(db: WaymarkDB): Promise<SyncState> {
  return (await db.sync.get('sync')) ?? blankState();
}

/** How long to wait before trying again after `failures` failed attempts: 30 s doubling to 30 min. */
export const retryDelayMs = (failures: number): number => Math.min(30_000 * 2 ** Math.max(0, failures - 1), 30 * 60_000);

/** Changes waiting to be sent, and those the endpoint refused (kept until the mentor decides). */
export async function outboxSummary(db: WaymarkDB): Promise<{ waiting: number; needsAttention: OutboxEntry[]; oldestWaiting?: string }> {
  const entries = await db.outbox.toArray();
  const waiting = entries.filter((e) => !e.rejected);
  return { waiting: waiting.length, needsAttention: entries.filter((e) => e.rejected), oldestWaiting: waiting[0]?.at };
}

/**
 * How many concerns recorded on this tablet the school has not got yet: the header shows them apart
 * from other waiting changes (here, not with the concerns, so the first download needs none of those).
 */
export async function concernsNotDelivered(db: WaymarkDB): Promise<number> {
  return db.outbox.filter((e) => e.table === 'concerns' && e.op === 'create' && !e.rejected).count();
}

/**
 * This tablet's mentor as the endpoint last said: their role, and whether they read every concern.
 * An endpoint from before roles said only who the DSL is; before any sync, a tablet is a mentor's.
 */
export function accessOf(state: SyncState): { mentorId?: string; role: Role; readsEveryConcern: boolean } {
  const role = state.access?.role ?? (state.mentor?.dsl ? 'dsl' : 'mentor');
  return {
    ...(state.mentor ? { mentorId: state.mentor.id } : {}),
    role,
    readsEveryConcern: state.access?.readsEveryConcern ?? state.mentor?.dsl === true,
  };
}

/**
 * What places a concern in this tablet's mentor's queue (src/shared/concerns.ts urgencyIn): who
 * they are, and how long the school lets a concern wait, as of the last pull (60 minutes, the
 * endpoint's default, before one said).
 */
export const queueOf = (state: SyncState, now: Date): Queue => ({
  me: accessOf(state).mentorId,
  overdueAfterMinutes: state.escalateAfterMinutes ?? 60,
  now,
});
