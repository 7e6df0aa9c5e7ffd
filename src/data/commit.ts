/**
 * The one way records are written. Each call is one IndexedDB transaction that changes the rows,
 * keeps the previous values of edited fields as a revision, and appends one outbox entry per
 * record written. If anything fails (validation, a duplicate id, a full disk) the transaction
 * aborts and nothing is written: no row without its outbox entry, no outbox entry without its row.
 */

import { BOOKKEEPING_FIELDS, EDIT_BOOKKEEPING, sameValue, toWire } from '../shared/fields.ts';
import { decodeHlc, encodeHlc, tick } from '../shared/hlc.ts';
import { newId } from '../shared/ids.ts';
import { mergeChange, type SyncedState } from '../shared/merge.ts';
import { type RecordTypes, type Session, SYNCED_TABLES, type SyncedTable } from '../shared/model.ts';
import { validate } from '../shared/validation.ts';
import type { OutboxEntry, RecordClocks, ThisTablet, WaymarkDB } from './db.ts';
import { indexSessions } from './pupil-sessions.ts';
import { NotFoundError, SaveError } from './save-error.ts';

type Stamp = 'createdAt' | 'updatedAt' | 'deviceId' | 'mentorId' | 'authorId' | 'deletedAt';
type Editable = Exclude<SyncedTable, 'revisions'>;

export type NewRecord<T extends Editable> = Omit<RecordTypes[T], Stamp | 'id'> & { id?: string };

// Ids come with the write path, in the same download, for a record whose id is needed before it
// is saved (a session, for its check-ins).
export { newId };

export type Change =
  | { [T in Editable]: { op: 'create'; table: T; record: NewRecord<T> } }[Editable]
  | {
      [T in Editable]: {
        op: 'update';
        table: T;
        id: string;
        patch: Partial<Omit<RecordTypes[T], Stamp | 'id'>>;
        /**
         * What the edit was made on: the clock of each field as the mentor saw it (an edit form's
         * record when it opened). It travels as the change's `base`: a field another tablet changed
         * since is then a conflict, and the value it replaces is kept. Without it, the edit is
         * taken as made on the record as it is now.
         */
        base?: Record<string, string>;
      };
    }[Editable]
  | { op: 'delete'; table: Editable; id: string };

export interface CommitOptions {
  /** A draft to remove in the same transaction, so a saved form never comes back as a draft. */
  clearDraft?: string;
  now?: Date;
}

/** An edit from a form: with the clock of each field as the form showed it (see `base` above). */
export interface EditOptions extends CommitOptions {
  base?: Record<string, string>;
}

const pick = (o: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** This tablet's identity, made the first time anything is written. */
export async function thisDevice(db: WaymarkDB): Promise<ThisTablet> {
  return db.transaction('rw', db.device, async () => {
    const found = await db.device.get('device');
    if (found) return found;
    const device: ThisTablet = { key: 'device', deviceId: newId(), mentorId: null, createdAt: new Date().toISOString(), lastIssuedSeq: 0 };
    await db.device.add(device);
    return device;
  });
}

/**
 * Applies the changes in one transaction; returns the id of each record written, in order.
 * Changes that depend on what is stored (a second check-in tap the same day) are passed as a
 * function, so that they are worked out inside the same transaction and cannot race.
 */
export async function commit(
  db: WaymarkDB,
  plan: readonly Change[] | (() => Promise<readonly Change[]>),
  options: CommitOptions = {},
): Promise<string[]> {
  const now = (options.now ?? new Date()).toISOString();
  const touched = typeof plan === 'function' ? SYNCED_TABLES : plan.map((c) => c.table);
  const tables = [...new Set(touched)].map((t) => db.table(t));
  try {
    return await db.transaction(
      'rw',
      [...tables, db.revisions, db.outbox, db.device, db.drafts, db.recordClocks, db.pupilSessions, db.conflicts],
      async () => {
        // The plan and the tablet's identity are read side by side, and every write below is
        // issued without waiting for the one before: IndexedDB runs a transaction's requests in
        // order, and all of them are awaited before it commits. A tap is then two round trips to
        // the database, not seven.
        const [changes, found] = await Promise.all([typeof plan === 'function' ? plan() : plan, db.device.get('device')]);
        const device: ThisTablet = found ?? { key: 'device', deviceId: newId(), mentorId: null, createdAt: now, lastIssuedSeq: 0 };
        const by = { deviceId: device.deviceId, mentorId: device.mentorId };
        let seq = device.lastIssuedSeq;
        let clock = device.lastHlc ? decodeHlc(device.lastHlc) : undefined;
        const writes: Promise<unknown>[] = [];
        const write = (request: Promise<unknown>) => {
          // Handled here so a failure is not reported as unhandled before it is awaited below.
          request.catch(() => undefined);
          writes.push(request);
        };
        /** Queues a change with the next sequence number and clock reading, and stamps the fields it sets. */
        const queue = (
          table: SyncedTable,
          recordId: string,
          op: OutboxEntry['op'],
          values: Record<string, unknown>,
          stamped: RecordClocks,
          edited?: Record<string, string>,
        ) => {
          clock = tick(clock, Date.parse(now), device.deviceId);
          const hlc = encodeHlc(clock);
          const saw = (f: string) => (BOOKKEEPING_FIELDS.has(f) ? undefined : edited?.[f]) ?? stamped.clocks[f] ?? null;
          const base = op === 'update' ? Object.fromEntries(Object.keys(values).map((f) => [f, saw(f)])) : undefined;
          for (const field of Object.keys(values)) stamped.clocks[field] = hlc;
          if (op === 'delete') stamped.deleted = hlc;
          write(db.recordClocks.put(stamped));
          write(
            db.outbox.add({
              seq: ++seq,
              changeId: newId(),
              table,
              recordId,
              op,
              values,
              at: now,
              ...by,
              hlc,
              ...(base ? { base } : {}),
            }),
          );
          return { hlc, base };
        };
        const fresh = (table: SyncedTable, id: string): RecordClocks => ({ key: `${table}:${id}`, clocks: {} });

        const ids: string[] = [];
        for (const change of changes) {
          const table = db.table(change.table);
          if (change.op === 'create') {
            const record = validate(change.table, {
              ...change.record,
              id: change.record.id ?? newId(),
              createdAt: now,
              updatedAt: now,
              ...by,
              // The endpoint sets it from the enrolled tablet; until then, so does this one.
              ...(device.mentorId ? { authorId: device.mentorId } : {}),
            });
            // A new record has no clocks yet: an id already taken fails the add, and the whole save.
            write(table.add(record));
            if (change.table === 'sessions') write(indexSessions(db, [{ session: record as Session }]));
            queue(change.table, record.id, 'create', { ...record }, fresh(change.table, record.id));
            ids.push(record.id);
            continue;
          }
          const [existing, stamped] = await Promise.all([table.get(change.id), db.recordClocks.get(`${change.table}:${change.id}`)]);
          if (!existing || existing.deletedAt) throw new NotFoundError(change.table, change.id);
          const next: Record<string, unknown> =
            change.op === 'delete'
              ? { ...existing, deletedAt: now, updatedAt: now, ...by }
              : validate(change.table, { ...existing, ...change.patch, updatedAt: now, ...by });
          const changed = Object.keys({ ...existing, ...next }).filter(
            (k) => !BOOKKEEPING_FIELDS.has(k) && !sameValue(existing[k], next[k]),
          );
          ids.push(change.id);
          if (changed.length === 0) continue;
          write(table.put(next));
          if (change.table === 'sessions') write(indexSessions(db, [{ session: next as Session, before: existing as Session }]));
          // Who wrote it travels with every change, so every copy says who last changed the record.
          const values = toWire(next, [...changed, ...EDIT_BOOKKEEPING]);
          // As it stood, for the merge below: queueing stamps the clocks.
          const before: SyncedState = { fields: existing, clocks: { ...stamped?.clocks } };
          const edited = change.op === 'update' ? change.base : undefined;
          const { hlc, base } = queue(change.table, change.id, change.op, values, stamped ?? fresh(change.table, change.id), edited);
          if (change.op === 'update') {
            // A field another tablet changed after the mentor's form opened is a conflict by the
            // same rules a pull merges with: the mentor's later value wins, and the one it
            // replaces is kept, never dropped unseen.
            for (const lost of mergeChange(before, { op: 'update', values, hlc, base }).lost) {
              write(db.conflicts.add({ table: change.table, recordId: change.id, ...lost }));
            }
            const revision = validate('revisions', {
              id: newId(),
              table: change.table,
              recordId: change.id,
              before: pick(existing, changed),
              createdAt: now,
              updatedAt: now,
              ...by,
            });
            write(db.revisions.add(revision));
            queue('revisions', revision.id, 'create', { ...revision }, fresh('revisions', revision.id));
          }
        }
        write(db.device.put({ ...device, lastIssuedSeq: seq, ...(clock ? { lastHlc: encodeHlc(clock) } : {}) }));
        if (options.clearDraft) write(db.drafts.delete(options.clearDraft));
        await Promise.all(writes);
        return ids;
      },
    );
  } catch (error) {
    throw asSaveError(error);
  }
}

function asSaveError(error: unknown): Error {
  if (error instanceof SaveError || (error instanceof Error && error.name === 'ValidationError')) return error;
  const names = [error, (error as { inner?: unknown })?.inner].map((e) => (e as Error | undefined)?.name);
  if (names.includes('QuotaExceededError')) {
    return new SaveError(
      'The tablet is out of storage space, so this was not saved. What you typed is still here: free some space, then save again.',
      { cause: error },
    );
  }
  if (names.includes('ConstraintError')) return new SaveError('A record with that id already exists; nothing was saved.', { cause: error });
  return new SaveError(`This was not saved: ${(error as Error)?.message ?? String(error)}. What you typed is still here.`, {
    cause: error,
  });
}
