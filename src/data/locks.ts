/**
 * The Web Lock held while a sync runs, in a page or in the service worker. An update waits for it,
 * so a new version never takes over in the middle of delivering the outbox.
 */
export const SYNC_LOCK = 'waymark-sync';

/** The Background Sync tag the page registers and the service worker answers. */
export const SYNC_TAG = 'waymark-sync';
