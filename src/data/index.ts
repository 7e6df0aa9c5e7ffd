/**
 * The data layer's public face. Screens call these functions and watch queries with `live`;
 * they never touch Dexie or IndexedDB themselves.
 */
export { liveQuery as live } from 'dexie';
export { type CommitOptions, NotFoundError, SaveError, thisDevice } from './commit.ts';
export * from './concerns.ts';
export { type OutboxEntry, WaymarkDB } from './db.ts';
export * from './drafts.ts';
export * from './export.ts';
export * from './history.ts';
export { SYNC_LOCK, SYNC_TAG } from './locks.ts';
export * from './pupil-page.ts';
export * from './pupils.ts';
export * from './sessions.ts';
export * from './sync.ts';
export * from './targets.ts';
export * from './today.ts';

/** Whether the mentor has recorded anything yet (worth asking the browser to keep). */
export const hasRecords = async (db: import('./db.ts').WaymarkDB): Promise<boolean> => (await db.pupils.limit(1).count()) > 0;
