/**
 * The versions of one field of a record, each with who wrote it, when their tablet says they did,
 * and when it reached the school (the endpoint's word). A record's revisions (model.ts `Revision`)
 * each say what the fields were before one edit, and are made by that edit: so the edit that wrote
 * a version is the revision after the one holding it, and the first version is the record's own
 * creation.
 */
import { decodeHlc } from './hlc.ts';
import type { Revision } from './model.ts';

export interface Version {
  value: unknown;
  /** The mentor who wrote it, as the endpoint stamped it; undefined when not known (a record from before authors were kept). */
  by: string | undefined;
  /** When it was written, by the writing tablet's clock. */
  at: string;
  /** When it reached the school, by the endpoint's clock; undefined until it has (or on a record from before this was kept). */
  receivedAt: string | undefined;
}

/** What versionsOf reads of the record itself. */
export interface Versioned {
  createdAt: string;
  authorId?: string | undefined;
  mentorId?: string | null | undefined;
  receivedAt?: string | undefined;
}

type Edit = Pick<Revision, 'createdAt' | 'id' | 'before' | 'authorId' | 'mentorId' | 'receivedAt'>;

/** In the order edits were made (their ids, made in order, break a tie in time). */
const byTime = (a: Edit, b: Edit) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** The revisions that changed `field`, in the order they were made. */
const editsOf = (revisions: readonly Edit[], field: string) => revisions.filter((r) => Object.hasOwn(r.before, field)).sort(byTime);

/**
 * `field`'s versions, newest (the one the record holds now) first. A revision is never edited, so
 * its mentor is the one who made it; a record's author is stamped once, at creation. A record
 * edited before authors were kept has no known first writer (its mentor is its last editor's).
 */
export function versionsOf(record: Versioned & Record<string, unknown>, revisions: readonly Edit[], field: string): Version[] {
  const edits = editsOf(revisions, field);
  const first: Version = { value: edits[0] ? edits[0].before[field] : record[field], ...made(record, revisions) };
  const later = edits.map(
    (edit, i): Version => ({ value: i + 1 < edits.length ? edits[i + 1]?.before[field] : record[field], ...madeBy(edit) }),
  );
  return [first, ...later].reverse();
}

export type Writing = Omit<Version, 'value'>;

/** Who wrote the record in the first place. */
const made = (record: Versioned, revisions: readonly Edit[]): Writing => ({
  by: record.authorId ?? (revisions.length === 0 ? (record.mentorId ?? undefined) : undefined),
  at: record.createdAt,
  receivedAt: record.receivedAt,
});

/** Who made an edit: a revision is never edited, so its mentor made it. */
const madeBy = (edit: Edit): Writing => ({
  by: edit.authorId ?? edit.mentorId ?? undefined,
  at: edit.createdAt,
  receivedAt: edit.receivedAt,
});

/** Who wrote the record first, and who changed it last (undefined if no one has), each with when and when it reached the school. */
export function writtenAndChanged(record: Versioned, revisions: readonly Edit[]): { written: Writing; changed: Writing | undefined } {
  const last = [...revisions].sort(byTime).at(-1);
  return { written: made(record, revisions), changed: last && madeBy(last) };
}

/**
 * The mentor whose tablet made a clock reading: a reading ends with its tablet's id, and a pull
 * lists each mentor's tablets. Undefined for a tablet the list does not name (the school's own
 * readings, or a list from an endpoint of an earlier release).
 */
export function mentorOfReading(
  hlc: string,
  mentors: readonly { id: string; devices?: readonly string[] | undefined }[],
): string | undefined {
  const node = decodeHlc(hlc).node;
  return mentors.find((m) => m.devices?.includes(node))?.id;
}
