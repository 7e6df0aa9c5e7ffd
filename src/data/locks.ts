/**
 * The Web Lock held while a sync runs, in a page or in the service worker. An update waits for it,
 * so a new version never takes over in the middle of delivering the outbox.
 */
export const SYNC_LOCK = 'waymark-sync';
