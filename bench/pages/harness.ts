/**
 * The benchmarks' hands inside the browser: the real data layer on the real 'waymark' database,
 * and the raw IndexedDB baselines, each timed here in the page so that no DevTools round trip is
 * counted. Loaded only by bench/pages/harness.html in the bench build.
 */
import { WaymarkDB } from '../../src/data/db.ts';
import { recordSession } from '../../src/data/sessions.ts';
import { enrolTablet, syncNow } from '../../src/data/sync.ts';
import { checkIn } from '../../src/data/targets.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { SESSION_KINDS } from '../../src/shared/model.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { toDay } from '../../src/shared/schedule.ts';

const db = new WaymarkDB();
const RAW = 'bench-raw';
const STORES = ['pupils', 'targets', 'checkIns', 'sessions', 'outbox'] as const;

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });

const deleteDb = (name: string) =>
  new Promise<void>((resolve, reject) => {
    const deleting = indexedDB.deleteDatabase(name);
    deleting.onsuccess = () => resolve();
    deleting.onerror = () => reject(deleting.error);
  });

const openDb = (name: string, create: (db: IDBDatabase) => void) =>
  new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => create(open.result);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });

/** A plain IndexedDB database with one store per table: what a write costs with nothing of ours around it. */
async function rawDb(fresh: boolean): Promise<IDBDatabase> {
  if (fresh) await deleteDb(RAW);
  return openDb(RAW, (raw) => {
    for (const store of STORES) raw.createObjectStore(store, { keyPath: store === 'outbox' ? 'seq' : 'id' });
  });
}

/** A raw database shaped like the tablet's synced tables: the same stores and indexes (read from its schema), and its clock rows if asked. */
async function rawTabletDb(withClocks: boolean): Promise<IDBDatabase> {
  const name = `${RAW}-${withClocks ? 'as-stored' : 'indexed'}`;
  await deleteDb(name);
  return openDb(name, (raw) => {
    for (const table of ['pupils', 'targets', 'checkIns', 'sessions']) {
      const store = raw.createObjectStore(table, { keyPath: 'id' });
      for (const index of db.table(table).schema.indexes) {
        store.createIndex(index.name, index.keyPath as string | string[], {
          multiEntry: Boolean(index.multi),
          unique: Boolean(index.unique),
        });
      }
    }
    if (withClocks) raw.createObjectStore('recordClocks', { keyPath: 'key' });
  });
}

type StoredRecord = { id: string; updatedAt: string; deviceId: string };

/** A record's field clocks as the tablet keeps them: every field stamped with the record's last change. */
const clockRow = (table: string, record: StoredRecord) => {
  const hlc = encodeHlc({ wall: Date.parse(record.updatedAt), count: 0, node: record.deviceId });
  return { key: `${table}:${record.id}`, clocks: Object.fromEntries(Object.keys(record).map((field) => [field, hlc])) };
};

async function rawPut(store: (typeof STORES)[number], record: unknown): Promise<number> {
  const raw = await rawDb(false);
  const started = performance.now();
  const tx = raw.transaction(store, 'readwrite');
  tx.objectStore(store).put(record);
  await done(tx);
  const ms = performance.now() - started;
  raw.close();
  return ms;
}

/**
 * The reads and writes every save makes (the tablet's identity and the row read; the row, its
 * clocks, its outbox entry and the identity written) through Dexie in one transaction, with none of
 * the data layer's own work: what Dexie itself adds to a raw put. A note's save also writes its
 * pupils' index rows and the concern index, left out here. Removed again afterwards, untimed.
 */
async function dexieAlone(table: 'checkIns' | 'sessions', saved: { id: string }): Promise<number> {
  const id = crypto.randomUUID();
  const seq = Number.MAX_SAFE_INTEGER - 1;
  const started = performance.now();
  await db.transaction('rw', [db.table(table), db.recordClocks, db.outbox, db.device], async () => {
    const [device] = await Promise.all([db.device.get('device'), db.table(table).get(saved.id)]);
    await Promise.all([
      db.table(table).add({ ...saved, id }),
      db.recordClocks.put({ key: `${table}:${id}`, clocks: {} }),
      db.outbox.add({ seq, values: { ...saved, id } } as never),
      db.device.put({ ...(device as object), key: 'bench-copy' } as never),
    ]);
  });
  const ms = performance.now() - started;
  await db.transaction('rw', [db.table(table), db.recordClocks, db.outbox, db.device], async () => {
    await Promise.all([
      db.table(table).delete(id),
      db.recordClocks.delete(`${table}:${id}`),
      db.outbox.delete(seq),
      db.device.delete('bench-copy' as never),
    ]);
  });
  return ms;
}

type Tables = Record<'pupils' | 'targets' | 'checkIns' | 'sessions', { id: string }[]>;

const bench = {
  db,
  /** Enrols this browser with a code (not timed), then times its first full sync. */
  async firstPull(serverUrl: string, code: string) {
    await enrolTablet(db, serverUrl, code, 'Bench tablet');
    const started = performance.now();
    const result = await syncNow(db);
    const ms = performance.now() - started;
    if (result.status !== 'done') throw new Error(`The first pull stopped: ${JSON.stringify(result)}`);
    return { ms, pulled: result.pulled };
  },

  /**
   * The same records written straight into IndexedDB, a page of 1,000 per transaction: the floor
   * for a pull. `plain` (the baseline) puts each table's records in a store of its own and nothing
   * else; `indexed` gives those stores the tablet's own indexes, from its schema; `as stored` adds
   * a row of field clocks per record, as the tablet keeps them. The last two say what the tablet's
   * design costs before any of its code runs.
   */
  async rawBulkWrite(dataUrl: string, layout: 'plain' | 'indexed' | 'as stored' = 'plain') {
    const tables = (await (await fetch(dataUrl)).json()) as Tables;
    const raw = layout === 'plain' ? await rawDb(true) : await rawTabletDb(layout === 'as stored');
    const all = (Object.keys(tables) as (keyof Tables)[]).flatMap((store) => tables[store].map((record) => ({ store, record })));
    const started = performance.now();
    for (let i = 0; i < all.length; i += 1000) {
      const page = all.slice(i, i + 1000);
      const stores: string[] = [...new Set(page.map((p) => p.store))];
      const tx = raw.transaction(layout === 'as stored' ? [...stores, 'recordClocks'] : stores, 'readwrite');
      for (const { store, record } of page) {
        tx.objectStore(store).put(record);
        if (layout === 'as stored') tx.objectStore('recordClocks').put(clockRow(store, record as StoredRecord));
      }
      await done(tx);
    }
    const ms = performance.now() - started;
    raw.close();
    if (layout !== 'plain') await deleteDb(raw.name);
    return { ms, written: all.length };
  },

  /** A check-in tap's save, through the data layer, for a target not yet checked in today; then the same record put raw. */
  async checkInSave(index: number) {
    const targets = await db.targets.where('status').equals('active').toArray();
    const day = toDay(new Date());
    const free = [];
    for (const t of targets) if ((await db.checkIns.where('[targetId+on]').equals([t.id, day]).count()) === 0) free.push(t);
    const target = free[index % free.length];
    if (!target) throw new Error('No target left to check in today.');
    const started = performance.now();
    const { id } = await checkIn(db, { targetId: target.id, pupilId: target.pupilId, on: day, result: 'met' });
    const save = performance.now() - started;
    const saved = (await db.checkIns.get(id)) as { id: string };
    const raw = await rawPut('checkIns', { ...saved, id: crypto.randomUUID() });
    return { save, raw, dexie: await dexieAlone('checkIns', saved) };
  },

  /** A session note's save (a one-to-one with a realistic note), then the same record put raw. */
  async noteSave(note: string) {
    const pupil = await db.pupils.where('status').equals('active').first();
    if (!pupil) throw new Error('No pupil on the caseload.');
    const started = performance.now();
    const id = await recordSession(db, {
      kind: SESSION_KINDS[0],
      occurredAt: new Date().toISOString(),
      minutes: 20,
      title: '',
      pupilIds: [pupil.id],
      note,
      concern: false,
    });
    const save = performance.now() - started;
    const saved = (await db.sessions.get(id)) as { id: string };
    const raw = await rawPut('sessions', { ...saved, id: crypto.randomUUID() });
    return { save, raw, dexie: await dexieAlone('sessions', saved) };
  },

  /** A day's worth of changes, made through the data layer as a mentor makes them (not timed). */
  async makeDay(changes: number, note: string) {
    const pupils = await db.pupils.where('status').equals('active').toArray();
    const targets = await db.targets.where('status').equals('active').toArray();
    let made = 0;
    for (let i = 0; made < changes; i++) {
      if (i % 5 === 4) {
        const pupil = pupils[i % pupils.length];
        if (!pupil) break;
        await recordSession(db, {
          kind: SESSION_KINDS[0],
          occurredAt: new Date().toISOString(),
          minutes: 15,
          title: '',
          pupilIds: [pupil.id],
          note,
          concern: false,
        });
      } else {
        const target = targets[i % targets.length];
        if (!target) break;
        // Earlier days keep each tap a new check-in, as a day of taps across the week would.
        const on = toDay(new Date(Date.now() - (Math.floor(i / targets.length) + 1) * 86_400_000));
        await checkIn(db, { targetId: target.id, pupilId: target.pupilId, on, result: i % 3 === 0 ? 'partly' : 'met' });
      }
      made = await db.outbox.count();
    }
    return made;
  },

  /** An end-of-day sync, timed from the start until every change is delivered and the pull is done. */
  async syncDay() {
    const waiting = await db.outbox.count();
    const body = JSON.stringify({
      protocol: PROTOCOL,
      changes: await db.outbox.toArray(),
      unsent: waiting,
      deviceTime: new Date().toISOString(),
    });
    const started = performance.now();
    const result = await syncNow(db);
    const ms = performance.now() - started;
    if (result.status !== 'done' || (await db.outbox.count()) !== 0)
      throw new Error(`The day's sync did not finish: ${JSON.stringify(result)}`);
    return { ms, pushed: result.pushed, bodyBytes: body.length };
  },

  /** The raw cost of the same sync's requests: the same bytes to an endpoint that only echoes them, and the outbox deletes. */
  async rawDay(echoUrl: string, bodyBytes: number, changes: number) {
    const body = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bodyBytes - 20)) });
    const raw = await rawDb(false);
    const fill = raw.transaction('outbox', 'readwrite');
    for (let seq = 1; seq <= changes; seq++) fill.objectStore('outbox').put({ seq, values: { id: crypto.randomUUID() } });
    await done(fill);
    const started = performance.now();
    const push = await fetch(`${echoUrl}/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await push.json();
    const pull = await fetch(`${echoUrl}/pull`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await pull.json();
    const tx = raw.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').delete(IDBKeyRange.bound(1, changes));
    await done(tx);
    const ms = performance.now() - started;
    raw.close();
    return { ms };
  },
};

Object.assign(globalThis, { bench });
export type Bench = typeof bench;
