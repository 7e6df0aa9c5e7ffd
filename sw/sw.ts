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

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// The school endpoint's API is never answered from the cache: a sync must reach the server or fail.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }));

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first version takes control of the page that installed it, so that page works offline at
// once; later versions only activate after SKIP_WAITING, and the page then reloads.
clientsClaim();
