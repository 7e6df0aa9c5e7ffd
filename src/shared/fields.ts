/**
 * A record's fields as the sync protocol carries them: which ones are bookkeeping, how a cleared
 * field travels, and when two values are the same. The tablet's write path, its pull and the
 * endpoint all use these, so a value means one thing everywhere.
 */

/**
 * Who wrote a record and when: set by the write path on every save, never by a mentor. They travel
 * with every change (every copy says who last changed a record), but a change to them alone is no
 * edit, and a value of theirs that loses a merge is nothing to show the mentor. So is when a record
 * reached the school, which the endpoint sets once.
 */
export const BOOKKEEPING_FIELDS: ReadonlySet<string> = new Set(['createdAt', 'updatedAt', 'deviceId', 'mentorId', 'receivedAt']);

/** The bookkeeping an edit or a removal carries: who changed the record last, and when (`createdAt` never changes). */
export const EDIT_BOOKKEEPING = ['updatedAt', 'deviceId', 'mentorId'] as const;

/** Fields whose lost values are not shown with a record: the bookkeeping, and the removal's own moment. */
export const isShownField = (field: string): boolean => !BOOKKEEPING_FIELDS.has(field) && field !== 'deletedAt';

/**
 * The wire form of the named fields of a record: a cleared field is `null` (JSON would drop
 * `undefined`, and the change would then say nothing about it).
 */
export function toWire(record: Record<string, unknown>, fields: Iterable<string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) values[field] = record[field] ?? null;
  return values;
}

/** A record from merged wire fields: a field cleared on the wire (`null`) is left out, as every record leaves it out. */
export function fromWire(fields: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== null) record[field] = value;
  return record;
}

/**
 * Whether two field values are the same: equal plain values, or arrays and objects with the same
 * contents. Key order does not matter (a record read back from IndexedDB or parsed from JSON may
 * list its keys in another order than it was written), array order does (pupils in a session keep
 * theirs). `undefined` and `null` are both "no value".
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}
