/**
 * Erasing a pupil (UK GDPR, the right to erasure): which records go with them, and what is taken
 * out of the records that stay. The school's endpoint and every tablet erase by these same rules,
 * so each is left holding the same.
 *
 * - Erased whole: the pupil; their targets; those targets' check-ins, and any check-in naming the
 *   pupil; every session whose pupils present are all erased pupils (a one-to-one, a parent
 *   contact, a group of one); the concerns recorded about them, what the DSL did about each and
 *   the record of who opened each; the addenda to the sessions erased;
 *   and every revision (earlier version) of any of these.
 * - Kept: a session with other pupils present. The erased pupils are taken out of its pupils
 *   present, and out of the pupils present in its earlier versions. Its note is about several
 *   children and stays as written: the DSL reads it, since it may name the pupil.
 */
import type { SyncedTable } from './model.ts';

/** A record as erasing looks at it: its table, its id and its fields. */
export interface ErasableRecord {
  table: SyncedTable;
  id: string;
  fields: Record<string, unknown>;
}

export interface ErasurePlan {
  /** Records erased whole. */
  erased: ErasableRecord[];
  /** Records that stay, with the erased pupils taken out of them: their fields as they are now to be. */
  narrowed: ErasableRecord[];
}

/** The fields by which one record names another: a change about an erased record is known by these. */
export const REFERENCE_FIELDS = ['pupilId', 'targetId', 'recordId', 'pupilIds', 'concernId', 'sessionId'] as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;

/**
 * A record's (or a change's) fields with the erased pupils taken out: a session's pupils present,
 * and the pupils present in a session's earlier version (a revision's `before`). Returns the very
 * same object when there is nothing to take out.
 */
export function withoutErasedPupils(
  table: SyncedTable,
  fields: Record<string, unknown>,
  gone: (pupilId: string) => boolean,
): Record<string, unknown> {
  const narrow = (pupilIds: unknown) => {
    const ids = list(pupilIds);
    return ids?.some(gone) ? ids.filter((id) => !gone(id)) : undefined;
  };
  if (table === 'sessions') {
    const pupilIds = narrow(fields.pupilIds);
    return pupilIds ? { ...fields, pupilIds } : fields;
  }
  if (table === 'revisions') {
    const before = fields.before;
    if (!before || typeof before !== 'object' || Array.isArray(before)) return fields;
    const pupilIds = narrow((before as Record<string, unknown>).pupilIds);
    return pupilIds ? { ...fields, before: { ...before, pupilIds } } : fields;
  }
  return fields;
}

/**
 * Which of `records` go with the erased `pupils`, and what the others keep. `records` must hold
 * every record that names a pupil, a target or a session erased (more do no harm); `alsoErased`
 * names records erased on their own account (a change the endpoint refused as `erased`), with
 * what hangs off them.
 */
export function planErasure(
  pupils: ReadonlySet<string>,
  records: Iterable<ErasableRecord>,
  alsoErased: ReadonlySet<string> = new Set(),
): ErasurePlan {
  const byTable = new Map<SyncedTable, ErasableRecord[]>();
  for (const record of records) byTable.set(record.table, [...(byTable.get(record.table) ?? []), record]);
  const of = (table: SyncedTable) => byTable.get(table) ?? [];
  const erased: ErasableRecord[] = [];
  const narrowed: ErasableRecord[] = [];
  const erasedIds = new Set<string>();
  const erase = (record: ErasableRecord) => {
    if (erasedIds.has(record.id)) return;
    erasedIds.add(record.id);
    erased.push(record);
  };
  const named = (id: string | undefined) => id !== undefined && erasedIds.has(id);
  const pupilGone = (id: string) => pupils.has(id) || erasedIds.has(id);

  // In the order records hang off one another: a check-in off its target, a revision off anything.
  for (const r of of('pupils')) if (pupils.has(r.id) || alsoErased.has(r.id)) erase(r);
  for (const r of of('targets')) if (alsoErased.has(r.id) || pupilGone(text(r.fields.pupilId) ?? '')) erase(r);
  for (const r of of('checkIns')) {
    if (alsoErased.has(r.id) || pupilGone(text(r.fields.pupilId) ?? '') || named(text(r.fields.targetId))) erase(r);
  }
  for (const r of of('sessions')) {
    const present = list(r.fields.pupilIds) ?? [];
    if (alsoErased.has(r.id) || (present.length > 0 && present.every(pupilGone))) erase(r);
    else if (present.some(pupilGone)) narrowed.push({ ...r, fields: withoutErasedPupils('sessions', r.fields, pupilGone) });
  }
  for (const r of of('concerns')) if (alsoErased.has(r.id) || pupilGone(text(r.fields.pupilId) ?? '')) erase(r);
  for (const r of of('concernActions')) {
    if (alsoErased.has(r.id) || pupilGone(text(r.fields.pupilId) ?? '') || named(text(r.fields.concernId))) erase(r);
  }
  // An addendum goes with its note; a group note kept keeps its addenda.
  for (const r of of('addenda')) if (alsoErased.has(r.id) || named(text(r.fields.sessionId))) erase(r);
  for (const r of of('concernOpenings')) {
    if (alsoErased.has(r.id) || pupilGone(text(r.fields.pupilId) ?? '') || named(text(r.fields.concernId))) erase(r);
  }
  for (const r of of('revisions')) {
    if (alsoErased.has(r.id) || named(text(r.fields.recordId))) erase(r);
    else {
      const fields = withoutErasedPupils('revisions', r.fields, pupilGone);
      if (fields !== r.fields) narrowed.push({ ...r, fields });
    }
  }
  return { erased, narrowed };
}

/**
 * The erased pupil a change is about, if it is about one: a change to a record that went with
 * them, or one that makes a record about them (a target, a check-in, a session with no one else
 * present, an earlier version of a record erased). `erasedWith` says which pupil's erasure took a
 * record id (for a pupil's own id, that pupil).
 */
export function erasedPupilOf(
  change: { table: SyncedTable; op: string; recordId: string; values: Record<string, unknown> },
  erasedWith: (id: string) => string | undefined,
): string | undefined {
  const direct = erasedWith(change.recordId);
  if (direct || change.op !== 'create') return direct;
  const ref = (field: (typeof REFERENCE_FIELDS)[number]) => {
    const id = text(change.values[field]);
    return id === undefined ? undefined : erasedWith(id);
  };
  switch (change.table) {
    case 'targets':
    case 'concerns':
      return ref('pupilId');
    case 'concernActions':
    case 'concernOpenings':
      return ref('pupilId') ?? ref('concernId');
    case 'addenda':
      return ref('sessionId');
    case 'checkIns':
      return ref('pupilId') ?? ref('targetId');
    case 'revisions':
      return ref('recordId');
    case 'sessions': {
      const present = list(change.values.pupilIds) ?? [];
      const pupilsOf = present.map(erasedWith);
      // With no one present, the first is no one.
      return pupilsOf.every(Boolean) ? pupilsOf[0] : undefined;
    }
    default:
      return undefined;
  }
}
