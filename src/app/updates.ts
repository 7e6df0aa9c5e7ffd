/**
 * New versions of Waymark: registering the service worker, noticing a new version waiting, and
 * letting it take over once the mentor agrees. Loaded by pwa.ts once the first screen is up.
 */
import { Workbox } from 'workbox-window';
import { SYNC_LOCK } from '../data/index.ts';
import { flushAllDrafts } from './hooks.ts';
import { pwa } from './pwa.ts';

let workbox: Workbox | undefined;

export function registerServiceWorker(): void {
  workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => pwa.update({ updateReady: true }));
  workbox.register().catch((error) => console.error('Waymark: the service worker did not register', error));
  // Look for a new version whenever the mentor comes back to the app.
  document.addEventListener('visibilitychange', () => {
    // A failed check (offline, or a broken new version) leaves the current version running.
    if (document.visibilityState === 'visible') workbox?.update().catch((error) => console.warn('Waymark: no new version checked', error));
  });
}

/**
 * Switches to the waiting version: saves every draft, waits for any sync to finish (holding the
 * sync lock until the page goes, so none starts), then lets the new service worker take over and
 * reloads once it has.
 */
export async function applyUpdate(): Promise<void> {
  const wb = workbox;
  if (!wb) return;
  pwa.update({ updating: true });
  await flushAllDrafts();
  const takeOver = () =>
    new Promise<void>(() => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
      // If the new version never takes control, reload anyway: the current one still serves.
      setTimeout(() => window.location.reload(), 10_000);
    });
  if (navigator.locks) await navigator.locks.request(SYNC_LOCK, takeOver);
  else await takeOver();
}
