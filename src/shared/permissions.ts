/**
 * Who may change what. The endpoint refuses, with these words, any change a rule here forbids,
 * whatever the tablet that sent it allowed (code `not_allowed`, docs/sync-protocol.md 5.6); a
 * tablet asks the same questions to offer only what will be taken, and to say why not.
 *
 * - A session note is changed (edited, withdrawn, removed) by the mentor who wrote it, and a note
 *   flagged as a concern (now or before, roles.ts isConcernNote) by the DSL or a deputy too.
 *   Others add an addendum.
 * - Only the DSL or a deputy takes the concern flag off a note, and never without a reason; a note
 *   flagged is never removed (the flag comes off first). A note is flagged when it is written, or
 *   not at all: once at the school it has gone to every mentor who supports the pupil, so a concern
 *   that comes up later is recorded as a concern.
 * - A concern is changed by the mentor who recorded it and by the DSL or a deputy, and never
 *   removed: the DSL closes it.
 * - What was done about a concern is recorded by the DSL or a deputy, and never changed or
 *   removed: a later action follows up an earlier one.
 * - Who supports a pupil is set when the pupil is added, and changed after only by a lead mentor.
 * - An addendum is added by anyone, and never changed or removed.
 * - The record of who opened a concern is written by the tablet it was opened on, and never
 *   changed or removed.
 * - An earlier version of a record (a revision) is written by an edit of it, so only by whoever
 *   may make that edit.
 */
import type { SyncedTable } from './model.ts';
import { isConcernNote, type Role, safeguards } from './roles.ts';

/** The mentor a change comes from, as the endpoint knows them: never as the tablet says. */
export interface Writer {
  mentorId: string;
  role: Role;
}

/** A record as it stands, for the rules: who first wrote it, and its fields now. */
export interface Standing {
  /** Unknown only for a record whose first version the endpoint never logged. */
  authorId: string | undefined;
  fields: Record<string, unknown>;
}

export interface ProposedChange {
  table: SyncedTable;
  op: 'create' | 'update' | 'delete';
  values: Record<string, unknown>;
}

export const NOT_ALLOWED = {
  editNote: 'Only the mentor who wrote this note can change it: add an addendum to it instead.',
  clearConcern: 'Only the Designated Safeguarding Lead or a deputy can take the concern flag off a note.',
  clearWithoutReason: 'Say why the concern flag is taken off this note.',
  removeFlagged: 'A note flagged as a concern is never removed: the Designated Safeguarding Lead can take the flag off, saying why.',
  editConcern: 'Only the mentor who recorded this concern, or the Designated Safeguarding Lead, can change it.',
  removeConcern: 'A concern is never removed: the Designated Safeguarding Lead closes it, saying why.',
  recordAction: 'Only the Designated Safeguarding Lead or a deputy records what was done about a concern.',
  changeAction: 'What was done about a concern is never changed or removed: record a new action that follows it up.',
  caseload: 'Only a lead mentor can change who supports a pupil.',
  changeOpening: 'The record of who opened a concern is never changed or removed.',
  changeAddendum: 'An addendum is never changed or removed: add another.',
  openConcern: 'Only those who may read a concern can open it.',
  flagLater:
    'This note has already gone to every mentor who supports the pupil, so it cannot become a concern now: record a concern for the DSL instead.',
} as const;

const isAuthor = (writer: Writer, record: Standing) => record.authorId === undefined || record.authorId === writer.mentorId;

/** Why `writer` may not change `record` of `table` at all, whatever the change: who it belongs to. */
function notTheirs(writer: Writer, table: SyncedTable, record: Standing): string | undefined {
  const dsl = safeguards(writer.role);
  switch (table) {
    case 'sessions':
      return isAuthor(writer, record) || (dsl && isConcernNote(record.fields)) ? undefined : NOT_ALLOWED.editNote;
    case 'concerns':
      return isAuthor(writer, record) || dsl ? undefined : NOT_ALLOWED.editConcern;
    case 'concernActions':
      return NOT_ALLOWED.changeAction;
    case 'concernOpenings':
      return NOT_ALLOWED.changeOpening;
    case 'addenda':
      return NOT_ALLOWED.changeAddendum;
    default:
      return undefined;
  }
}

/**
 * Why `writer` may not make `change` to `record` (undefined for a create), in a mentor's words; or
 * undefined when they may.
 */
export function notAllowed(writer: Writer, change: ProposedChange, record: Standing | undefined): string | undefined {
  if (!record) return change.table === 'concernActions' && !safeguards(writer.role) ? NOT_ALLOWED.recordAction : undefined;
  // A removal is a delete, or an update that sets when the record was removed.
  const removes = change.op === 'delete' || (change.values.deletedAt !== undefined && change.values.deletedAt !== null);
  if (change.table === 'concerns' && removes) return NOT_ALLOWED.removeConcern;
  if (change.table === 'sessions' && record.fields.concern === true && removes) return NOT_ALLOWED.removeFlagged;
  if (change.table === 'sessions' && record.fields.concern === true && change.values.concern === false) {
    if (!safeguards(writer.role)) return NOT_ALLOWED.clearConcern;
    if (!present(change.values.concernClearedReason)) return NOT_ALLOWED.clearWithoutReason;
  }
  if (change.table === 'sessions' && change.values.concern === true && !isConcernNote(record.fields)) return NOT_ALLOWED.flagLater;
  // Why a flag came off is the DSL's to write, on a note that was flagged, and is never taken back:
  // without it a note whose flag came off would read as never flagged, and go to every tablet.
  if (change.table === 'sessions' && 'concernClearedReason' in change.values) {
    if (!isConcernNote(record.fields)) return NOT_ALLOWED.flagLater;
    if (!safeguards(writer.role)) return NOT_ALLOWED.clearConcern;
    if (!present(change.values.concernClearedReason)) return NOT_ALLOWED.clearWithoutReason;
  }
  if (change.table === 'pupils' && 'caseload' in change.values && writer.role !== 'lead mentor') return NOT_ALLOWED.caseload;
  return notTheirs(writer, change.table, record);
}

/**
 * Why `writer` may not write this revision, an earlier version of `of` (the record it is of, as it
 * stands now) that an edit of it keeps: only whoever may make such an edit writes one.
 */
export function revisionNotAllowed(writer: Writer, revision: Record<string, unknown>, of: Standing | undefined): string | undefined {
  if (!of) return undefined;
  const before = (revision.before ?? {}) as Record<string, unknown>;
  if (revision.table === 'pupils' && 'caseload' in before && writer.role !== 'lead mentor') return NOT_ALLOWED.caseload;
  // As the record stood before the edit: a DSL's edit that took a note's concern flag off was theirs to make.
  return notTheirs(writer, revision.table as SyncedTable, { ...of, fields: { ...of.fields, ...before } });
}

const present = (value: unknown) => typeof value === 'string' && value.trim() !== '';
