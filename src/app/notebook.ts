import { WaymarkDB } from '../data/index.ts';
import { stashAllDrafts } from './hooks.ts';
import { observable } from './observable.ts';

/** The tablet's one database connection, shared by every screen. */
export const db = new WaymarkDB();

/** Set when a newer Waymark in another tab or window upgraded the database under this page. */
export const replacedByNewerVersion = observable(false);

// A newer version wants to upgrade the database. Never block it: keep what is being typed (a
// synchronous stash, as the connection is about to close), close, and ask the mentor to reload.
db.on('versionchange', () => {
  stashAllDrafts();
  db.close();
  replacedByNewerVersion.set(true);
  return false;
});

// This page's code is older than the database on the tablet (a newer version already upgraded
// it): nothing can be read safely until the new version is loaded.
db.open().catch((error: Error) => {
  if (error.name === 'VersionError') replacedByNewerVersion.set(true);
  else console.error('Waymark: the database did not open', error);
});
