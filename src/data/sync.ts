/**
 * The tablet's side of sync: one engine for the page and the service worker (no DOM here). A sync
 * pushes the outbox (sync/push.ts), then pulls what other tablets changed (sync/pull.ts). Only one
 * runs at a time across tabs and the service worker (the sync Web Lock), and no IndexedDB
 * transaction is held open across a network request: each answer is stored in its own short
 * transaction, so a sync cut off at any point resumes safely next time.
 */
import type { SyncState, WaymarkDB } from './db.ts';
import { ifSyncLockFree } from './locks.ts';
import { pullAll } from './sync/pull.ts';
import { pushOutbox } from './sync/push.ts';
import { clockOf, type SyncOptions, SyncProblem } from './sync/transport.ts';
import { NEEDS_MENTOR, syncState } from './sync-state.ts';

export { auditTrailOf } from './sync/audit.ts';
export { enrolTablet } from './sync/enrol.ts';
export { applyPulled } from './sync/pull.ts';
export { type SyncOptions, SyncProblem } from './sync/transport.ts';
// What the screens read about sync, without loading this engine (see sync-state.ts).
export { changedAfterRemoval, NEEDS_MENTOR, outboxSummary, retryDelayMs, syncState } from './sync-state.ts';

export type SyncResult =
  | { status: 'done'; pushed: number; pulled: number }
  | { status: 'busy' }
  | { status: 'not enrolled' }
  | { status: 'stopped'; problem: NonNullable<SyncState['problem']> };

/**
 * One sync: push, then pull. Returns at once as `busy` if another tab or the service worker is
 * syncing. Never rejects: every outcome, a failure to read or write the tablet's own database
 * included, is an answer, and is recorded in the sync state where it can be, for the status the
 * mentor sees.
 */
export function syncNow(db: WaymarkDB, options: SyncOptions = {}): Promise<SyncResult> {
  return ifSyncLockFree(() => syncOnce(db, options), { status: 'busy' } as SyncResult);
}

async function syncOnce(db: WaymarkDB, options: SyncOptions): Promise<SyncResult> {
  const now = () => clockOf(options)().toISOString();
  let state: SyncState | undefined;
  try {
    state = await syncState(db);
    if (!state.serverUrl || !state.token) return { status: 'not enrolled' };
    // Paused until the mentor enrols the tablet again: every change stays, nothing is sent.
    if (state.problem && NEEDS_MENTOR.has(state.problem.code)) return { status: 'stopped', problem: state.problem };
    await db.sync.update('sync', { lastAttemptAt: now() });
    let pushed = await pushOutbox(db, state, options);
    // Once, on the first release that erases pupils: everything from the start, so that an erasure
    // an earlier release took for a removal is done now. A pull cut off resumes where it stopped.
    if (!(await syncState(db)).erasesPupils) await db.sync.update('sync', { cursor: null, erasesPupils: true });
    const { pulled, sentAgain } = await pullAll(db, { ...state, cursor: (await syncState(db)).cursor }, options);
    // Restored between the push and the pull: what it lost of this tablet's goes now, not next time.
    if (sentAgain > 0) pushed += await pushOutbox(db, state, options);
    await db.sync.update('sync', { lastSyncAt: now(), problem: undefined, failures: 0 });
    return { status: 'done', pushed, pulled };
  } catch (error) {
    const problem = {
      code: error instanceof SyncProblem ? error.code : 'failed',
      message: error instanceof Error ? error.message : String(error),
      at: now(),
    };
    await noteProblem(db, state, problem);
    return { status: 'stopped', problem };
  }
}

/** Records why a sync stopped, unless the tablet was enrolled again meanwhile (that problem is not the new link's). */
async function noteProblem(db: WaymarkDB, state: SyncState | undefined, problem: NonNullable<SyncState['problem']>): Promise<void> {
  if (!state) return;
  try {
    if ((await syncState(db)).token === state.token) await db.sync.update('sync', { problem, failures: state.failures + 1 });
  } catch {
    // The database itself failed (closed, wiped, full): the answer still says why.
  }
}

/**
 * The mentor discards a refused change: it is gone from the tablet's queue (the record stays as it
 * is), with the earlier version an edit queued right after it, which the school refused with it.
 */
export async function discardRefused(db: WaymarkDB, seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const [entry, next] = await db.outbox.bulkGet([seq, seq + 1]);
    if (!entry?.rejected) return;
    await db.outbox.delete(seq);
    if (next?.rejected && next.table === 'revisions' && next.values.recordId === entry.recordId) await db.outbox.delete(seq + 1);
  });
}
