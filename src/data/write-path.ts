/**
 * The write path: commit.ts with the records' rules (valibot) and record ids (uuidv7). Showing a
 * screen needs none of it, so it is not in the first download: `preloadWritePath` fetches it once
 * the first screen is up, and the first save waits for it only if it comes sooner than that.
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
