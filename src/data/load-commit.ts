/**
 * Loads the write path (commit.ts, with the records' rules in valibot and record ids in uuidv7)
 * when it is first needed, and forwards to it. Showing a screen needs none of it, so it is not in
 * the first download: `preloadWritePath` fetches it once the first screen is up, and the first
 * save waits for it only if it comes sooner than that. Everything in src/data that saves calls
 * `commit` through here; only tests and the sync engine import commit.ts itself.
 */
import type * as Commit from './commit.ts';

const commitModule = () => import('./commit.ts');

export const commit: typeof Commit.commit = async (...args) => (await commitModule()).commit(...args);

/** This tablet's identity, made the first time anything is written (or asked for). */
export const thisDevice: typeof Commit.thisDevice = async (db) => (await commitModule()).thisDevice(db);

/** A record id made on the tablet, for a record whose id is needed before it is saved. */
export const newId = async (): Promise<string> => (await commitModule()).newId();

export function preloadWritePath(): void {
  void commitModule();
}
