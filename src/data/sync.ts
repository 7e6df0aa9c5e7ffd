/**
 * The tablet's side of sync: one engine for the page and the service worker (no DOM here). A sync
 * pushes the outbox, then pulls what other tablets changed. Only one runs at a time across tabs
 * and the service worker (the sync Web Lock), and no IndexedDB transaction is held open across a
 * network request: each answer is stored in its own short transaction, so a sync cut off at any
 * point resumes safely next time.
 */
import { decodeHlc, encodeHlc, receive } from '../shared/hlc.ts';
import { editedAfterDelete, mergeChange, type SyncedState } from '../shared/merge.ts';
import { type Session, SYNCED_TABLES, type SyncedTable } from '../shared/model.ts';
import {
  API,
  type ChangeResult,
  type EnrolResponse,
  type ErrorBody,
  LIMITS,
  PROTOCOL,
  type PulledChange,
  type PullResponse,
  type PushChange,
  type PushResponse,
} from '../shared/protocol.ts';
import { thisDevice } from './commit.ts';
import type { Conflict, OutboxEntry, SyncState, WaymarkDB } from './db.ts';
import { SYNC_LOCK } from './locks.ts';
import { indexSessions } from './pupil-sessions.ts';
import { EDITED_AFTER_REMOVAL, NEEDS_MENTOR, syncState } from './sync-state.ts';

// What the screens read about sync, without loading this engine (see sync-state.ts).
export { changedAfterRemoval, EDITED_AFTER_REMOVAL, NEEDS_MENTOR, outboxSummary, retryDelayMs, syncState } from './sync-state.ts';

export interface SyncOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  /** A request that has not answered after this long is given up (and retried next time). */
  timeoutMs?: number;
}

export type SyncResult =
  | { status: 'done'; pushed: number; pulled: number }
  | { status: 'busy' }
  | { status: 'not enrolled' }
  | { status: 'stopped'; problem: NonNullable<SyncState['problem']> };

/** Why a sync stopped, in the mentor's words, with the endpoint's code when it gave one. */
export class SyncProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncProblem';
  }
}

async function call<T>(state: SyncState, path: string, body: unknown, options: SyncOptions, token = state.token): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(new URL(`${API}${path}`, state.serverUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
  } catch {
    throw new SyncProblem(
      'unreachable',
      'The school’s server could not be reached. Everything is kept on the tablet and will be sent later.',
    );
  } finally {
    clearTimeout(timer);
  }
  const answer = (await response.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!response.ok || !answer) {
    const error = answer?.error;
    if (error) throw new SyncProblem(error.code, error.message);
    throw new SyncProblem(
      'server_error',
      `The school’s server answered ${response.status}. Everything is kept on the tablet and will be sent later.`,
    );
  }
  return answer;
}

/** Links this tablet to the school's endpoint with a one-time code; its records stay as they are. */
export async function enrolTablet(
  db: WaymarkDB,
  serverUrl: string,
  code: string,
  deviceName: string,
  options: SyncOptions = {},
): Promise<SyncState> {
  // Never while a sync with the old token is running: its answer must not land after this one.
  return withSyncLock(async () => {
    const device = await thisDevice(db);
    const url = new URL(serverUrl.trim()).origin;
    const state = { ...(await syncState(db)), serverUrl: url };
    const answer = await call<EnrolResponse>(
      state,
      '/enrol',
      { protocol: PROTOCOL, deviceId: device.deviceId, code, deviceName },
      options,
      undefined,
    );
    const enrolled: SyncState = {
      ...state,
      token: answer.token,
      school: answer.school,
      mentor: answer.mentor,
      problem: undefined,
      failures: 0,
      ...(answer.wiped ? { wiped: answer.wiped } : {}),
    };
    const tables = SYNCED_TABLES.map((t) => db.table(t));
    await db.transaction('rw', [db.sync, db.device, ...tables], async () => {
      await db.sync.put(enrolled);
      // From now on this tablet's records say which mentor wrote them; those written before
      // enrolling get the mentor the endpoint will stamp on them when they arrive, so both agree.
      await db.device.put({ ...(await thisDevice(db)), mentorId: answer.mentor.id });
      for (const table of tables) {
        await table
          .filter((r: { deviceId: string; mentorId: string | null }) => r.deviceId === device.deviceId && r.mentorId === null)
          .modify({ mentorId: answer.mentor.id });
      }
    });
    return enrolled;
  });
}

const wire = (e: OutboxEntry): PushChange => ({
  changeId: e.changeId,
  seq: e.seq,
  table: e.table,
  recordId: e.recordId,
  op: e.op,
  values: e.values,
  hlc: e.hlc ?? encodeHlc({ wall: Date.parse(e.at), count: 0, node: e.deviceId }),
  ...(e.base ? { base: e.base } : {}),
});

/** A push's body stays well under the endpoint's 5 MB limit, however long the notes. */
const BATCH_BYTES = 4 * 1024 * 1024;

/** The next changes to send, in order: at most LIMITS.pushChanges, and at most BATCH_BYTES of JSON. */
function takeBatch(waiting: OutboxEntry[]): OutboxEntry[] {
  const batch: OutboxEntry[] = [];
  let bytes = 0;
  for (const entry of waiting) {
    const size = new TextEncoder().encode(JSON.stringify(wire(entry))).length;
    if (batch.length > 0 && (bytes + size > BATCH_BYTES || batch.length === LIMITS.pushChanges)) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

/** Sends the outbox in order; returns how many changes the endpoint took (applied or already had). */
async function pushOutbox(db: WaymarkDB, state: SyncState, options: SyncOptions): Promise<number> {
  let sent = 0;
  for (let round = 0; round < 1000; round++) {
    const waiting = await db.outbox
      .orderBy('seq')
      .filter((e) => !e.rejected)
      .toArray();
    // An empty push still tells the endpoint the tablet's clock and what it holds; once is enough.
    if (waiting.length === 0 && round > 0) return sent;
    const batch = takeBatch(waiting);
    const now = (options.now ?? (() => new Date()))();
    const answer = await call<PushResponse>(
      state,
      '/push',
      { protocol: PROTOCOL, changes: batch.map(wire), unsent: waiting.length, deviceTime: now.toISOString(), resumeFrom: batch[0]?.seq },
      options,
    );
    const outOfOrder = await recordResults(db, answer.results, now);
    await db.sync.update('sync', { clockSkewMs: answer.clockSkewMs });
    sent += answer.results.filter((r) => r.status !== 'rejected').length;
    if (outOfOrder) throw new SyncProblem('out_of_order', outOfOrder);
  }
  return sent;
}

/** Removes delivered changes and marks refused ones, in one transaction; returns an out-of-order message if any. */
async function recordResults(db: WaymarkDB, results: ChangeResult[], now: Date): Promise<string | undefined> {
  let outOfOrder: string | undefined;
  await db.transaction('rw', db.outbox, db.recordClocks, async () => {
    for (const result of results) {
      if (result.status === 'rejected' && result.code === 'out_of_order') outOfOrder ??= result.message;
      else if (result.status === 'rejected')
        await db.outbox.update(result.seq, { rejected: { code: result.code, message: result.message, at: now.toISOString() } });
      else {
        if (result.hlc) await adoptRedatedClock(db, result.seq, result.hlc);
        await db.outbox.delete(result.seq);
      }
    }
  });
  return outOfOrder;
}

/**
 * The endpoint re-dated a change because this tablet's clock runs fast: the fields it set take the
 * endpoint's reading here too, so this tablet merges later changes exactly as the endpoint does.
 */
async function adoptRedatedClock(db: WaymarkDB, seq: number, hlc: string): Promise<void> {
  const entry = await db.outbox.get(seq);
  if (!entry?.hlc) return;
  const key = `${entry.table}:${entry.recordId}`;
  const stamped = await db.recordClocks.get(key);
  if (!stamped) return;
  for (const [field, clock] of Object.entries(stamped.clocks)) if (clock === entry.hlc) stamped.clocks[field] = hlc;
  if (stamped.deleted === entry.hlc) stamped.deleted = hlc;
  await db.recordClocks.put(stamped);
}

/**
 * Stores a pulled page and its cursor in one transaction: a crash between the two cannot happen.
 * The page's records and clocks are read in one go and written in one go: a first pull of three
 * years is 62 pages of 1,000, and a request per change would make it minutes instead of seconds.
 */
export async function applyPulled(
  db: WaymarkDB,
  changes: readonly PulledChange[],
  cursor: string,
  now = new Date(),
  mentors?: PullResponse['mentors'],
): Promise<void> {
  const tables = SYNCED_TABLES.map((t) => db.table(t));
  const scope = [...tables, db.recordClocks, db.conflicts, db.device, db.sync, db.concernIndex, db.pupilSessions];
  await db.transaction('rw', scope, async () => {
    const device = await thisDevice(db);
    let clock = device.lastHlc ? decodeHlc(device.lastHlc) : undefined;
    const keyOf = (c: PulledChange) => `${c.table}:${c.recordId}`;
    // Every record on the tablet has its clocks (written with it, by commit or here), so the
    // clocks say which records exist: a first pull, where none do, reads nothing more.
    const known = await db.recordClocks
      .where(':id')
      .anyOf([...new Set(changes.map(keyOf))])
      .primaryKeys();
    const stored = new Map((await db.recordClocks.bulkGet(known)).map((c, i) => [known[i] as string, c]));
    const idsOf = (table: SyncedTable) => known.filter((k) => k.startsWith(`${table}:`)).map((k) => k.slice(table.length + 1));
    const records = await Promise.all(
      SYNCED_TABLES.map(async (t) => db.table(t).bulkGet(idsOf(t)) as Promise<(Record<string, unknown> | undefined)[]>),
    );

    /** Each record as it stands, changes of this page included: a record changed twice in one page merges twice. */
    const current = new Map<string, SyncedState>();
    for (const [i, table] of SYNCED_TABLES.entries()) {
      for (const [j, id] of idsOf(table).entries()) {
        const record = records[i]?.[j];
        const stamped = stored.get(`${table}:${id}`);
        if (record) current.set(`${table}:${id}`, { fields: record, clocks: stamped?.clocks ?? {}, deleted: stamped?.deleted });
      }
    }
    const conflicts: Conflict[] = [];
    const touched = new Set<string>();
    for (const change of changes) {
      const key = keyOf(change);
      const before = current.get(key);
      const merged = mergeChange(before, change);
      // A cleared field arrives as null; the tablet's records leave it out. Stored under the
      // change's own record id, whatever its values say.
      const fields = { ...Object.fromEntries(Object.entries(merged.state.fields).filter(([, v]) => v !== null)), id: change.recordId };
      current.set(key, { ...merged.state, fields });
      touched.add(key);
      for (const lost of merged.lost) conflicts.push({ table: change.table, recordId: change.recordId, ...lost });
      // Removed on one tablet, changed on another afterwards: it stays removed, and the mentor is told.
      if (editedAfterDelete(merged.state) && !(before && editedAfterDelete(before))) {
        conflicts.push({
          table: change.table,
          recordId: change.recordId,
          field: EDITED_AFTER_REMOVAL,
          value: null,
          hlc: change.hlc,
          lostTo: merged.state.deleted ?? '',
        });
      }
      // The tablet's next change must sort after everything it has seen.
      clock = receive(clock, decodeHlc(change.hlc), now.getTime(), device.deviceId);
    }

    const storedSessions = new Map(idsOf('sessions').map((id, j) => [id, records[SYNCED_TABLES.indexOf('sessions')]?.[j]]));
    const written = [...touched].map((key) => ({
      table: key.slice(0, key.indexOf(':')) as SyncedTable,
      state: current.get(key) as SyncedState,
      key,
    }));
    const sessionsWritten = written
      .filter((w) => w.table === 'sessions')
      .map((w) => {
        const session = w.state.fields as Session;
        return { session, before: storedSessions.get(session.id) as Session | undefined };
      });
    await Promise.all([
      ...SYNCED_TABLES.map((t) => {
        const rows = written.filter((w) => w.table === t).map((w) => w.state.fields);
        return rows.length ? db.table(t).bulkPut(rows) : undefined;
      }),
      db.recordClocks.bulkPut(
        written.map((w) => ({ key: w.key, clocks: w.state.clocks, ...(w.state.deleted ? { deleted: w.state.deleted } : {}) })),
      ),
      indexSessions(db, sessionsWritten),
      conflicts.length ? db.conflicts.bulkAdd(conflicts) : undefined,
    ]);
    if (clock) await db.device.put({ ...device, lastHlc: encodeHlc(clock) });
    const state = await db.sync.get('sync');
    const me = mentors?.find((m) => m.id === state?.mentor?.id);
    await db.sync.update('sync', { cursor, ...(mentors ? { mentors } : {}), ...(me ? { mentor: me } : {}) });
  });
}

/**
 * Pulls page after page until caught up. The next page is already on its way while one is being
 * stored, so the network and the database work side by side; each page is still stored whole with
 * its cursor before the next one is.
 */
async function pullAll(db: WaymarkDB, state: SyncState, options: SyncOptions): Promise<number> {
  const request = (cursor: string | null) => {
    const answer = call<PullResponse>(state, '/pull', { protocol: PROTOCOL, cursor }, options);
    // Not awaited if storing the page before it fails: that error is the one reported.
    answer.catch(() => undefined);
    return { cursor, answer };
  };
  let pulled = 0;
  let next = request(state.cursor);
  for (let page = 0; page < 10_000; page++) {
    let answer: PullResponse;
    try {
      answer = await next.answer;
    } catch (error) {
      // The endpoint was restored or replaced: fetch everything again. Merging is idempotent, and
      // unsent changes stay in the outbox.
      if (error instanceof SyncProblem && error.code === 'resync' && next.cursor !== null) {
        next = request(null);
        continue;
      }
      throw error;
    }
    if (answer.more) next = request(answer.cursor);
    await applyPulled(db, answer.changes, answer.cursor, (options.now ?? (() => new Date()))(), answer.mentors);
    pulled += answer.changes.length;
    if (!answer.more) break;
  }
  return pulled;
}

/**
 * One sync: push, then pull. Returns at once as `busy` if another tab or the service worker is
 * syncing. Every outcome is recorded in the sync state, for the status the mentor sees.
 */
export async function syncNow(db: WaymarkDB, options: SyncOptions = {}): Promise<SyncResult> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const run = () => syncOnce(db, options);
  if (!locks) return run();
  return locks.request(SYNC_LOCK, { ifAvailable: true }, (lock) => (lock ? run() : { status: 'busy' as const }));
}

/** Runs `work` holding the sync lock (waiting for a running sync to finish), where the browser has Web Locks. */
function withSyncLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? locks.request(SYNC_LOCK, work) : work();
}

async function syncOnce(db: WaymarkDB, options: SyncOptions): Promise<SyncResult> {
  const state = await syncState(db);
  if (!state.serverUrl || !state.token) return { status: 'not enrolled' };
  // Paused until the mentor enrols the tablet again: every change stays, nothing is sent.
  if (state.problem && NEEDS_MENTOR.has(state.problem.code)) return { status: 'stopped', problem: state.problem };
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  await db.sync.update('sync', { lastAttemptAt: now() });
  try {
    const pushed = await pushOutbox(db, state, options);
    const pulled = await pullAll(db, { ...state, cursor: (await syncState(db)).cursor }, options);
    await db.sync.update('sync', { lastSyncAt: now(), problem: undefined, failures: 0 });
    return { status: 'done', pushed, pulled };
  } catch (error) {
    const problem = {
      code: error instanceof SyncProblem ? error.code : 'failed',
      message: error instanceof Error ? error.message : String(error),
      at: now(),
    };
    // A tablet enrolled again meanwhile has a new token: this old attempt's problem is not its own.
    if ((await syncState(db)).token === state.token) await db.sync.update('sync', { problem, failures: state.failures + 1 });
    return { status: 'stopped', problem };
  }
}

/** The mentor discards a refused change: it is gone from the tablet's queue (the record stays as it is). */
export async function discardRefused(db: WaymarkDB, seq: number): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const entry = await db.outbox.get(seq);
    if (entry?.rejected) await db.outbox.delete(seq);
  });
}
