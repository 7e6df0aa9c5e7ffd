/**
 * The Web Lock held while a sync runs, in a page or in the service worker. An update waits for it,
 * so a new version never takes over in the middle of delivering the outbox.
 */
export const SYNC_LOCK = 'waymark-sync';

/** The Background Sync tag the page registers and the service worker answers. */
export const SYNC_TAG = 'waymark-sync';

/** Runs `work` holding the sync lock (waiting for a running sync to finish), where the browser has Web Locks. */
export function withSyncLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = webLocks();
  return locks ? locks.request(SYNC_LOCK, work) : work();
}

/**
 * Runs `work` holding the sync lock if no one else holds it; otherwise answers `busy` at once.
 * Without Web Locks (an old browser, or Node in tests) it just runs.
 */
export function ifSyncLockFree<T>(work: () => Promise<T>, busy: T): Promise<T> {
  const locks = webLocks();
  if (!locks) return work();
  return locks.request(SYNC_LOCK, { ifAvailable: true }, (lock) => (lock ? work() : busy));
}

const webLocks = (): LockManager | undefined => (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
