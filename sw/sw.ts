/**
 * Waymark's service worker. It precaches the whole app shell at install, so Waymark opens offline
 * from the first visit, and answers every navigation (deep links included) with the app shell.
 *
 * A new version waits: it never takes over by itself, because an open page may still need its own
 * version's files. The page asks it to take over (SKIP_WAITING) once the mentor agrees and no
 * sync is running.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { WaymarkDB } from '../src/data/db.ts';
import { SYNC_TAG } from '../src/data/locks.ts';
import { type SyncResult, syncNow } from '../src/data/sync.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The school endpoint's API is never answered from the cache: a sync must reach the server or fail.
// Nor is the IT person's set-up page, which the server makes, not the app.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/setup(\/|$)/] }));

const db = new WaymarkDB();

/**
 * Runs a sync and tells every open page how it went, so they can show it. A page waits for this
 * answer before syncing by itself, so it is sent whatever happened.
 */
async function syncAndTell(): Promise<void> {
  let result: SyncResult;
  try {
    result = await syncNow(db);
  } catch (error) {
    result = { status: 'stopped', problem: { code: 'failed', message: String(error), at: new Date().toISOString() } };
  }
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage({ type: 'SYNCED', result });
}

// Background Sync (Chromium): a sync registered while offline runs when the tablet is back online,
// even if Waymark was closed meanwhile.
self.addEventListener('sync', (event) => {
  const e = event as ExtendableEvent & { tag: string };
  if (e.tag === SYNC_TAG) e.waitUntil(syncAndTell());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
  // The page asks: it came online, became visible, or the mentor pressed "Sync now".
  if (event.data?.type === 'SYNC_NOW') event.waitUntil(syncAndTell());
});

// The first version takes control of the page that installed it, so that page works offline at
// once; later versions only activate after SKIP_WAITING, and the page then reloads.
clientsClaim();
