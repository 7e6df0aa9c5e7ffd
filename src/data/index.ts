/**
 * The data layer's public face. Screens call these functions and watch queries with `live`;
 * they never touch Dexie or IndexedDB themselves.
 */
export { liveQuery as live } from 'dexie';
export type { CommitOptions, EditOptions } from './commit.ts';
export type { ConcernActionInput, ConcernInput, ConcernSummary } from './concerns.ts';
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

// Concerns load with the screens that show them (the DSL's list, a concern's page, a pupil's
// concerns): most mentors' Today and pupils' pages need none of it.
type Concerns = typeof import('./concerns.ts');
const concernsModule = () => import('./concerns.ts');
export const concerns: Concerns['concerns'] = async (...args) => (await concernsModule()).concerns(...args);
export const recordConcern: Concerns['recordConcern'] = async (...args) => (await concernsModule()).recordConcern(...args);
export const recordConcernAction: Concerns['recordConcernAction'] = async (...args) =>
  (await concernsModule()).recordConcernAction(...args);
export const concernWithActions: Concerns['concernWithActions'] = async (...args) => (await concernsModule()).concernWithActions(...args);
export const noteConcernOpened: Concerns['noteConcernOpened'] = async (...args) => (await concernsModule()).noteConcernOpened(...args);
export const concernsAbout: Concerns['concernsAbout'] = async (...args) => (await concernsModule()).concernsAbout(...args);
export const concernRecords: Concerns['concernRecords'] = async (...args) => (await concernsModule()).concernRecords(...args);
export const concernPage: Concerns['concernPage'] = async (...args) => (await concernsModule()).concernPage(...args);
export const dslQueue: Concerns['dslQueue'] = async (...args) => (await concernsModule()).dslQueue(...args);

/** Whether the mentor has recorded anything yet (worth asking the browser to keep). */
export const hasRecords = async (db: import('./db.ts').WaymarkDB): Promise<boolean> => (await db.pupils.limit(1).count()) > 0;
