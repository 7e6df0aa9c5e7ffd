/**
 * The data layer's public face. Screens call these functions and watch queries with `live`;
 * they never touch Dexie or IndexedDB themselves.
 */
export { liveQuery as live } from 'dexie';
export type { CommitOptions, EditOptions } from './commit.ts';
export * from './concerns.ts';
export { type KeptConflict, type OutboxEntry, type ThisTablet, WaymarkDB } from './db.ts';
export * from './drafts.ts';
export * from './export.ts';
export * from './history.ts';
export { preloadWritePath, thisDevice } from './load-commit.ts';
export { SYNC_LOCK, SYNC_TAG } from './locks.ts';
export * from './pupil-page.ts';
export * from './pupils.ts';
export { NotFoundError, SaveError } from './save-error.ts';
export * from './sessions.ts';
export type { SyncOptions, SyncResult } from './sync.ts';
export * from './sync-state.ts';
export * from './targets.ts';
export * from './today.ts';

// The sync engine (and the protocol it speaks) loads when the page first syncs or enrols: a tablet
// whose service worker syncs for it, or that is not linked to a school, never needs it.
type Engine = typeof import('./sync.ts');
const engine = () => import('./sync.ts');
export const syncNow: Engine['syncNow'] = async (...args) => (await engine()).syncNow(...args);
export const enrolTablet: Engine['enrolTablet'] = async (...args) => (await engine()).enrolTablet(...args);
export const discardRefused: Engine['discardRefused'] = async (...args) => (await engine()).discardRefused(...args);
export const auditTrailOf: Engine['auditTrailOf'] = async (...args) => (await engine()).auditTrailOf(...args);

/** Whether the mentor has recorded anything yet (worth asking the browser to keep). */
export const hasRecords = async (db: import('./db.ts').WaymarkDB): Promise<boolean> => (await db.pupils.limit(1).count()) > 0;
