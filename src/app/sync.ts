/**
 * When the tablet syncs, seen from the page. The service worker does the work where it can (and
 * Background Sync lets it finish after the app is closed); where no service worker answers, as
 * can happen on an iPad, the page runs the same engine itself. The sync lock keeps it to one at once.
 */
import { NEEDS_MENTOR, outboxSummary, retryDelayMs, SYNC_TAG, type SyncResult, syncNow, syncState } from '../data/index.ts';
import { db } from './notebook.ts';
import { observable } from './observable.ts';

export const syncActivity = observable({ running: false, online: navigator.onLine });

/** How long the page waits for the service worker to report before running the sync itself. */
const SERVICE_WORKER_WAIT_MS = 45_000;

/** The service worker's result, or undefined when none answered in time. */
function askServiceWorker(): Promise<SyncResult | undefined> {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (result: SyncResult | undefined) => {
      clearTimeout(timer);
      navigator.serviceWorker.removeEventListener('message', onMessage);
      resolve(result);
    };
    const onMessage = (event: MessageEvent) => event.data?.type === 'SYNCED' && done(event.data.result as SyncResult);
    const timer = setTimeout(() => done(undefined), SERVICE_WORKER_WAIT_MS);
    navigator.serviceWorker.addEventListener('message', onMessage);
    worker.postMessage({ type: 'SYNC_NOW' });
  });
}

/** Asks for a sync when the tablet is back online (Chromium's Background Sync), even if Waymark is closed by then. */
async function syncWhenOnline(): Promise<void> {
  const registration = (await navigator.serviceWorker?.getRegistration()) as
    | (ServiceWorkerRegistration & { sync?: { register: (tag: string) => Promise<void> } })
    | undefined;
  await registration?.sync?.register(SYNC_TAG).catch(() => undefined);
}

let retry: ReturnType<typeof setTimeout> | undefined;

/**
 * Syncs now if the tablet is online and enrolled; otherwise as soon as it can. Never rejects: it is
 * asked for by timers and events that nobody awaits, and a sync that cannot run (the browser wiped
 * or closed the database meanwhile, which notebook.ts handles) must not become an uncaught error.
 */
export async function requestSync(): Promise<void> {
  try {
    await syncHere();
  } catch (error) {
    console.error('Waymark: a sync could not run', error);
  }
}

async function syncHere(): Promise<void> {
  const state = await syncState(db);
  if (!state.token || (state.problem && NEEDS_MENTOR.has(state.problem.code))) return;
  if (!navigator.onLine) return syncWhenOnline();
  if (syncActivity.get().running) return;
  syncActivity.update({ running: true });
  let result: SyncResult | undefined;
  try {
    result = await askServiceWorker();
    // No service worker answered (as can happen on an iPad), or it was busy: run it here.
    if (!result || result.status === 'busy') result = await syncNow(db);
  } finally {
    syncActivity.update({ running: false });
  }
  const [after, outbox] = await Promise.all([syncState(db), outboxSummary(db)]);
  clearTimeout(retry);
  if (after.problem && !NEEDS_MENTOR.has(after.problem.code)) retry = setTimeout(requestSync, retryDelayMs(after.failures));
  // Another sync was running, or changes were made meanwhile: go again shortly.
  else if (!after.problem && (result.status === 'busy' || outbox.waiting > 0)) retry = setTimeout(requestSync, 5_000);
}

/** Syncs when the tablet comes online or the mentor comes back to Waymark, and shortly after changes. */
export function startSync(): void {
  window.addEventListener('online', () => {
    syncActivity.update({ online: true });
    void requestSync();
  });
  window.addEventListener('offline', () => syncActivity.update({ online: false }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void requestSync();
  });
  void requestSync();
}

let soon: ReturnType<typeof setTimeout> | undefined;
/** After a save: sync a little later, so a burst of taps goes in one push. */
export function syncSoon(): void {
  clearTimeout(soon);
  soon = setTimeout(() => void requestSync(), 3_000);
}
