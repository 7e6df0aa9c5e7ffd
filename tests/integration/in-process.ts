/**
 * A school endpoint and its tablets meeting in this process: the real sync engine on
 * fake-indexeddb, the real server code over SQLite, and a network between them that the test can
 * fail (down, answering 500, or losing the answer after the server did its work).
 */
import 'fake-indexeddb/auto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { WaymarkDB } from '../../src/data/db.ts';
import { enrolTablet, syncNow } from '../../src/data/sync.ts';
import { createApp } from '../../src/server/app.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Store } from '../../src/server/store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';

export type NetworkMode = 'up' | 'down' | 'error500' | 'dropAnswer';

export interface InProcessTablet {
  db: WaymarkDB;
  /** The tablet's mentor, as the school knows them (for the IT person's commands: a role, a revocation). */
  mentorId: string;
  now?: () => Date;
  sync: () => ReturnType<typeof syncNow>;
}

let tablets = 0;

export function inProcessSchool(options: { dataDir?: string; now?: () => Date } = {}) {
  const open = () => openSqliteStore(options.dataDir ?? ':memory:');
  const serve = (store: Store) =>
    createApp({ staticDir: 'dist', store, logger: pino({ level: 'silent' }), ...(options.now ? { now: options.now } : {}) });
  let store = open();
  let app = serve(store);
  const { id: schoolId } = store.addSchool('Hillside Academy');
  /** `beforeRequest` runs as each request reaches the school, before it is answered (a restore can happen then). */
  const network: { mode: NetworkMode; beforeRequest?: (path: string) => void } = { mode: 'up' };

  const fetchVia: typeof fetch = async (input, init) => {
    if (network.mode === 'down') throw new TypeError('Failed to fetch');
    network.beforeRequest?.(new URL(input as string).pathname);
    if (network.mode === 'error500') return new Response('{}', { status: 500 });
    const response = await app.fetch(new Request(input as string, init));
    // The server did its work, but the answer never reached the tablet (the Wi-Fi dropped).
    if (network.mode === 'dropAnswer') throw new TypeError('Failed to fetch');
    return response;
  };

  return {
    /** The server's store (a new one after `reopen`). */
    get store() {
      return store;
    },
    network,
    /** How the tablets reach the school, through `network`. */
    fetch: fetchVia,
    /** A tablet enrolled for a new mentor of the school, with its own clock if given; a new tablet unless `db` is given. */
    async tablet(mentor: string, now?: () => Date, db = new WaymarkDB(`in-process-${process.pid}-${++tablets}`)): Promise<InProcessTablet> {
      const { id } = store.addMentor(schoolId, mentor);
      const clock = now ? { now } : {};
      await enrolTablet(db, 'http://school.test', issueEnrolmentCode(store, id, now?.()), `${mentor}'s iPad`, {
        fetch: fetchVia,
        ...clock,
      });
      return { db, mentorId: id, now, sync: () => syncNow(db, { fetch: fetchVia, ...clock }) };
    },
    /**
     * Stops and starts the server on its data directory; with `from`, the database file is first
     * replaced by that one (a restore from backup). Closing folds the write-ahead log into the file.
     */
    reopen(from?: string) {
      if (!options.dataDir) throw new Error('Only a school with a data directory can be reopened.');
      store.close();
      if (from) copyFileSync(from, join(options.dataDir, 'waymark.sqlite'));
      store = open();
      app = serve(store);
    },
  };
}
