/**
 * Erasing pupils from this tablet (UK GDPR), when the school's endpoint says so: a pulled change
 * `erase` (the school erased the pupil), or a change of this tablet's refused as `erased` (made
 * about a pupil erased while the tablet was away). Everything about them goes from every table,
 * by the rules the endpoint erases by (src/shared/erasure.ts), in one transaction.
 *
 * The browser may keep deleted bytes in its own storage files until it next compacts them; nothing
 * of the pupil is left that Waymark, or anything else reading the tablet's database, can read.
 */
import type { Table } from 'dexie';
import { type ErasableRecord, planErasure, REFERENCE_FIELDS, withoutErasedPupils } from '../shared/erasure.ts';
import type { SyncedTable } from '../shared/model.ts';
import type { WaymarkDB } from './db.ts';

/** What to erase: pupils, with everything about them; and records erased on their own account, with what hangs off them. */
export interface ToErase {
  pupils: Iterable<string>;
  records?: Iterable<string>;
}

/** Every table of the tablet's database, by name. */
// biome-ignore lint/suspicious/noExplicitAny: any table, whatever it holds.
type TableName = { [K in keyof WaymarkDB]: WaymarkDB[K] extends Table<any, any, any> ? K : never }[keyof WaymarkDB];

/** One erasure as it goes through the tables. */
interface Erasing {
  db: WaymarkDB;
  /** Whether a pupil is erased: asked for, or their own record asked for. */
  pupilGone: (id: string) => boolean;
  /** Every record erased whole, by id, whatever its table. */
  ids: Set<string>;
  /** Every record erased whole, by `${table}:${id}` (as the tablet keys its clocks). */
  keys: Set<string>;
  /** Records erased whole, and records kept with the pupils taken out of them, by table. */
  erased: Map<SyncedTable, ErasableRecord[]>;
  narrowed: Map<SyncedTable, ErasableRecord[]>;
}

const recordTable = (table: SyncedTable) => async (e: Erasing) => {
  const records = e.db.table(table);
  const erased = e.erased.get(table) ?? [];
  const narrowed = e.narrowed.get(table) ?? [];
  if (erased.length) await records.bulkDelete(erased.map((r) => r.id));
  if (narrowed.length) await records.bulkPut(narrowed.map((r) => r.fields));
};

/**
 * What erasing does in each table. Every table of the database has its line, or the compiler
 * says so: a table added later is erased from by one more line here.
 */
const IN_EACH_TABLE: Record<TableName, (e: Erasing) => Promise<unknown>> = {
  // The records: erased whole, or kept with the pupils taken out (a session others were in, and
  // its earlier versions).
  pupils: recordTable('pupils'),
  targets: recordTable('targets'),
  checkIns: recordTable('checkIns'),
  sessions: recordTable('sessions'),
  revisions: recordTable('revisions'),
  concerns: recordTable('concerns'),
  concernActions: recordTable('concernActions'),
  concernOpenings: recordTable('concernOpenings'),
  addenda: recordTable('addenda'),
  recordClocks: (e) => e.db.recordClocks.bulkDelete([...e.keys]),
  changedAfterRemoval: (e) => e.db.changedAfterRemoval.bulkDelete([...e.keys]),
  pupilSessions: (e) => e.db.pupilSessions.filter((row) => e.pupilGone(row.pupilId) || e.ids.has(row.sessionId)).delete(),
  conflicts: async (e) => {
    await e.db.conflicts
      .where('recordId')
      .anyOf([...e.ids])
      .delete();
    const kept = [...e.narrowed.values()].flat().map((r) => r.id);
    for (const conflict of await e.db.conflicts.where('recordId').anyOf(kept).toArray()) {
      const value = withoutErasedPupils(conflict.table, { [conflict.field]: conflict.value }, e.pupilGone)[conflict.field];
      if (value !== conflict.value) await e.db.conflicts.put({ ...conflict, value });
    }
  },
  // A change not yet sent keeps its number, which the endpoint counts on, and only the ids it is
  // about: sent, the endpoint answers `erased`, and it goes (see push.ts). One refused already has
  // used its number, and goes now.
  outbox: async (e) => {
    for (const entry of await e.db.outbox.toArray()) {
      if (e.keys.has(`${entry.table}:${entry.recordId}`)) {
        if (entry.rejected) await e.db.outbox.delete(entry.seq);
        else {
          const { base: _base, ...rest } = entry;
          const about = Object.fromEntries(REFERENCE_FIELDS.filter((f) => f in entry.values).map((f) => [f, entry.values[f]]));
          await e.db.outbox.put({ ...rest, values: about });
        }
        continue;
      }
      const values = withoutErasedPupils(entry.table, entry.values, e.pupilGone);
      if (values !== entry.values) await e.db.outbox.put({ ...entry, values });
    }
  },
  // A draft keyed to a record erased (a pupil's edit form, a note started from their page) goes,
  // as does one about no one else; one that lists them among others (a group note) keeps the others.
  drafts: async (e) => {
    const gone = (id: string) => e.pupilGone(id) || e.ids.has(id);
    for (const draft of await e.db.drafts.toArray()) {
      const scrubbed = draft.key.split(':').some(gone) ? undefined : withoutIds(draft.value, gone);
      if (!scrubbed || scrubbed.about) await e.db.drafts.delete(draft.key);
      else if (scrubbed.value !== draft.value) await e.db.drafts.put({ ...draft, value: scrubbed.value });
    }
  },
  // Nothing about a pupil: who this tablet is, and its link to the school.
  device: async () => undefined,
  sync: async () => undefined,
  // The changes the school took, kept a month in case it is restored: those about records erased
  // go (the school refuses them as erased, should it ask for them again), and the others have the
  // pupils taken out, as in the outbox.
  delivered: async (e) => {
    for (const entry of await e.db.delivered.toArray()) {
      if (e.keys.has(`${entry.table}:${entry.recordId}`)) await e.db.delivered.delete(entry.seq);
      else {
        const values = withoutErasedPupils(entry.table, entry.values, e.pupilGone);
        if (values !== entry.values) await e.db.delivered.put({ ...entry, values });
      }
    }
  },
};

/** The tables erasing writes: all of them. A transaction that erases must hold every one. */
export const ERASURE_TABLES = Object.keys(IN_EACH_TABLE) as TableName[];

/**
 * A draft's value with the erased ids taken out of its lists and keys (a group note's pupils, the
 * targets it reviews), and whether it is about them: it names one alone, or a list held only them.
 */
export function withoutIds(value: unknown, gone: (id: string) => boolean): { value: unknown; about: boolean } {
  if (typeof value === 'string') return { value, about: gone(value) };
  if (Array.isArray(value)) {
    const kept = value.filter((item) => !(typeof item === 'string' && gone(item)));
    const inner = kept.map((item) => withoutIds(item, gone));
    const changed = kept.length !== value.length || inner.some((r, i) => r.value !== kept[i]);
    const about = (value.length > 0 && kept.length === 0) || inner.some((r) => r.about);
    return { value: changed ? inner.map((r) => r.value) : value, about };
  }
  if (value && typeof value === 'object') {
    let changed = false;
    let about = false;
    const entries: [string, unknown][] = [];
    for (const [key, inner] of Object.entries(value)) {
      if (gone(key)) {
        changed = true;
        continue;
      }
      const r = withoutIds(inner, gone);
      about ||= r.about;
      changed ||= r.value !== inner;
      entries.push([key, r.value]);
    }
    return { value: changed ? Object.fromEntries(entries) : value, about };
  }
  return { value, about: false };
}

/**
 * The records that name the pupils, or a record erased: everything erasing must look at. Read by
 * index where there is one; sessions and earlier versions are read whole (a pupil may be in a
 * session withdrawn, or removed, or listed only as it was before an edit). `pupils` holds every
 * pupil erased, those whose own record is among `records` too.
 */
async function lookedAt(db: WaymarkDB, pupils: Set<string>, records: Set<string>): Promise<ErasableRecord[]> {
  const found = new Map<string, ErasableRecord>();
  const add = (table: SyncedTable, rows: readonly ({ id: string } | undefined)[]) => {
    for (const row of rows) if (row) found.set(`${table}:${row.id}`, { table, id: row.id, fields: row as Record<string, unknown> });
  };
  const asked = [...records];
  const named = (ids: readonly string[] | undefined) => ids?.some((id) => pupils.has(id)) ?? false;
  add('pupils', await db.pupils.bulkGet([...pupils]));
  add('targets', [
    ...(await db.targets
      .where('pupilId')
      .anyOf([...pupils])
      .toArray()),
    ...(await db.targets.bulkGet(asked)),
  ]);
  add('sessions', await db.sessions.filter((s) => named(s.pupilIds) || records.has(s.id)).toArray());
  const targets = [...found.values()].filter((r) => r.table === 'targets').map((r) => r.id);
  const ofTargets = await Promise.all(
    targets.map((t) => db.checkIns.where('[targetId+on]').between([t, ''], [t, '\uffff'], true, true).toArray()),
  );
  add('checkIns', [
    ...(await db.checkIns
      .where('pupilId')
      .anyOf([...pupils])
      .toArray()),
    ...ofTargets.flat(),
    ...(await db.checkIns.bulkGet(asked)),
  ]);
  add('concerns', [
    ...(await db.concerns
      .where('pupilId')
      .anyOf([...pupils])
      .toArray()),
    ...(await db.concerns.bulkGet(asked)),
  ]);
  const concernIds = [...found.values()].filter((r) => r.table === 'concerns').map((r) => r.id);
  add('concernActions', [
    ...(await db.concernActions
      .where('pupilId')
      .anyOf([...pupils])
      .toArray()),
    ...(await db.concernActions.where('concernId').anyOf(concernIds).toArray()),
    ...(await db.concernActions.bulkGet(asked)),
  ]);
  add('concernOpenings', [
    ...(await db.concernOpenings
      .where('pupilId')
      .anyOf([...pupils])
      .toArray()),
    ...(await db.concernOpenings.where('concernId').anyOf(concernIds).toArray()),
    ...(await db.concernOpenings.bulkGet(asked)),
  ]);
  const sessionIds = [...found.values()].filter((r) => r.table === 'sessions').map((r) => r.id);
  add('addenda', [...(await db.addenda.where('sessionId').anyOf(sessionIds).toArray()), ...(await db.addenda.bulkGet(asked))]);
  // Now that everything an earlier version can be of is known.
  const ids = new Set([...found.values()].map((r) => r.id));
  const listedBefore = (before: Record<string, unknown>) => (Array.isArray(before.pupilIds) ? (before.pupilIds as string[]) : undefined);
  add('revisions', await db.revisions.filter((r) => ids.has(r.recordId) || records.has(r.id) || named(listedBefore(r.before))).toArray());
  return [...found.values()];
}

/**
 * Erases pupils, and everything about them, from every table of this tablet in one transaction
 * (inside the caller's, when it holds every table). Returns how many records went whole.
 */
export async function eraseFromTablet(db: WaymarkDB, what: ToErase): Promise<number> {
  const pupils = new Set(what.pupils);
  const records = new Set(what.records ?? []);
  if (pupils.size === 0 && records.size === 0) return 0;
  return db.transaction('rw', ERASURE_TABLES, async () => {
    // A pupil's own record asked for is that pupil erased: everything about them is looked for too.
    for (const p of await db.pupils.bulkGet([...records])) if (p) pupils.add(p.id);
    const plan = planErasure(pupils, await lookedAt(db, pupils, records), records);
    const byTable = (list: ErasableRecord[]) => {
      const map = new Map<SyncedTable, ErasableRecord[]>();
      for (const r of list) map.set(r.table, [...(map.get(r.table) ?? []), r]);
      return map;
    };
    const ids = new Set(plan.erased.map((r) => r.id));
    const erasing: Erasing = {
      db,
      pupilGone: (id) => pupils.has(id),
      ids,
      keys: new Set(plan.erased.map((r) => `${r.table}:${r.id}`)),
      erased: byTable(plan.erased),
      narrowed: byTable(plan.narrowed),
    };
    // In order: IndexedDB runs a transaction's requests in turn.
    for (const table of ERASURE_TABLES) await IN_EACH_TABLE[table](erasing);
    return plan.erased.length;
  });
}
