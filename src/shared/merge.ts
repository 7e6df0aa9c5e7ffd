/**
 * How changes from several tablets combine into one record, the same way on every tablet and on
 * the school's endpoint, whatever order they arrive in.
 *
 * - Each field keeps the value of the change with the latest clock (last writer wins, per field),
 *   so two mentors editing different fields of one pupil both keep their edits.
 * - A value that loses a conflict is never dropped: it is returned as `lost`, to be kept in the
 *   record's history and shown to the mentor. A conflict is an edit made without seeing the value
 *   it replaces (its `base` clock is not the current one); an edit made on top of the current
 *   value is ordinary history, not a conflict.
 * - A delete wins over edits made before it. An edit made after a delete does not undelete the
 *   record: it is kept, and the record is flagged (`editedAfterDelete`) for a mentor to decide.
 */
import { isShownField, sameValue } from './fields.ts';
import { compareHlc } from './hlc.ts';
import type { SyncedTable } from './model.ts';

export interface SyncedState {
  fields: Record<string, unknown>;
  /** The clock of the change that set each field. */
  clocks: Record<string, string>;
  /** The clock of the delete, if the record was deleted. */
  deleted?: string;
}

export interface IncomingChange {
  op: 'create' | 'update' | 'delete';
  values: Record<string, unknown>;
  hlc: string;
  /**
   * For each changed field, the clock of the value the editor saw when making the change (`null`:
   * it saw no value). Without it, any replaced value that differs is kept as lost.
   */
  base?: Record<string, string | null>;
}

/** A field's value that lost a merge: never dropped, kept beside the record. */
export interface LostValue {
  field: string;
  value: unknown;
  /** The clock of the change that set the lost value. */
  hlc: string;
  /** The clock of the change that won. */
  lostTo: string;
}

/** A lost value with the record it belongs to: what the tablet and the endpoint keep, and show. */
export interface Conflict extends LostValue {
  table: SyncedTable;
  recordId: string;
}

export interface MergeResult {
  state: SyncedState;
  lost: LostValue[];
  /** True when the change was already applied: same clock on every field it sets. */
  alreadyApplied: boolean;
}

export function mergeChange(current: SyncedState | undefined, change: IncomingChange): MergeResult {
  const state: SyncedState = { fields: { ...current?.fields }, clocks: { ...current?.clocks }, deleted: current?.deleted };
  const lost: LostValue[] = [];

  if (change.op === 'delete') {
    const alreadyApplied = state.deleted === change.hlc;
    if (!state.deleted || compareHlc(change.hlc, state.deleted) > 0) state.deleted = change.hlc;
    // A delete carries the fields that mark it (deletedAt, updatedAt): merge them like any edit.
    return { ...mergeFields(state, change, lost), alreadyApplied };
  }
  const entries = Object.keys(change.values);
  const alreadyApplied = entries.length > 0 && entries.every((f) => state.clocks[f] === change.hlc);
  return { ...mergeFields(state, change, lost), alreadyApplied };
}

function mergeFields(state: SyncedState, change: IncomingChange, lost: LostValue[]): { state: SyncedState; lost: LostValue[] } {
  for (const [field, value] of Object.entries(change.values)) {
    const clock = state.clocks[field];
    const order = clock === undefined ? 1 : compareHlc(change.hlc, clock);
    if (order === 0) continue;
    // Only what a mentor wrote is kept when it loses: who last saved the record and when (and when
    // it was removed) belong to the change that won, and no one would want the others back.
    const kept = isShownField(field);
    if (order > 0) {
      const seen = change.base?.[field];
      const conflict = clock !== undefined && (seen === undefined || seen !== clock);
      if (kept && conflict && !sameValue(state.fields[field], value))
        lost.push({ field, value: state.fields[field], hlc: clock, lostTo: change.hlc });
      state.fields[field] = value;
      state.clocks[field] = change.hlc;
    } else if (kept && !sameValue(state.fields[field], value)) {
      lost.push({ field, value, hlc: change.hlc, lostTo: clock as string });
    }
  }
  return { state, lost };
}

/** Whether someone edited the record after it was deleted (the edit is kept; a mentor decides). */
export function editedAfterDelete(state: SyncedState): boolean {
  if (!state.deleted) return false;
  const deleted = state.deleted;
  return Object.entries(state.clocks).some(([field, clock]) => isShownField(field) && compareHlc(clock, deleted) > 0);
}

/** Merges changes in the order given: the result is the same for any order. */
export function mergeAll(changes: readonly IncomingChange[], start?: SyncedState): { state: SyncedState | undefined; lost: LostValue[] } {
  let state = start;
  const lost: LostValue[] = [];
  for (const change of changes) {
    const result = mergeChange(state, change);
    state = result.state;
    lost.push(...result.lost);
  }
  return { state, lost };
}
