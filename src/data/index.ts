/**
 * The data layer's public face. Screens call these functions and watch queries with `live`;
 * they never touch Dexie or IndexedDB themselves.
 */
export { liveQuery as live } from 'dexie';
export { type CommitOptions, NotFoundError, SaveError, thisDevice } from './commit.ts';
export * from './concerns.ts';
export { type OutboxEntry, WaymarkDB } from './db.ts';
export * from './drafts.ts';
export * from './history.ts';
export * from './pupil-page.ts';
export * from './pupils.ts';
export * from './sessions.ts';
export * from './targets.ts';
export * from './today.ts';

/** How many changes wait to be delivered to the school. */
export const pendingChanges = (db: import('./db.ts').WaymarkDB): Promise<number> => db.outbox.count();
export * from './export.ts';
export { SYNC_LOCK, SYNC_TAG } from './locks.ts';
export * from './sync.ts';

/** Whether the mentor has recorded anything yet (worth asking the browser to keep). */
export const hasRecords = async (db: import('./db.ts').WaymarkDB): Promise<boolean> => (await db.pupils.limit(1).count()) > 0;
