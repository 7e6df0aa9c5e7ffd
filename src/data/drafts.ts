/**
 * Drafts: whatever a mentor has half-typed, saved as they type so that it survives the tablet
 * sleeping, the app being closed or reloaded, or a crash. A draft is removed in the same
 * transaction that saves its form (see `commit`'s `clearDraft`). Drafts stay on the tablet.
 *
 * A form also has a second copy, the stash: written to the page's own storage, synchronously,
 * when the page goes away or the database is closed under it (moments when a database write
 * might not finish). The next time the form opens, the newer of the two is restored.
 */

import { sameValue } from '../shared/fields.ts';
import type { Draft, WaymarkDB } from './db.ts';

export async function saveDraft(db: WaymarkDB, key: string, value: unknown, now = new Date()): Promise<void> {
  await db.drafts.put({ key, value, savedAt: now.toISOString() });
}

/** The draft and when it was saved, if there is one. */
export async function findDraft(db: WaymarkDB, key: string): Promise<Draft | undefined> {
  return db.drafts.get(key);
}

export async function loadDraft<T>(db: WaymarkDB, key: string): Promise<T | undefined> {
  return (await findDraft(db, key))?.value as T | undefined;
}

export async function discardDraft(db: WaymarkDB, key: string): Promise<void> {
  await db.drafts.delete(key);
}

/** A form's state as stashed when the page went away: what was on screen, and when. */
export type Stash = Pick<Draft, 'value' | 'savedAt'>;

/** The stash as written (`JSON` of a `Stash`), or undefined when there is none or it is not one. */
export function readStash(raw: string | null | undefined): Stash | undefined {
  if (!raw) return undefined;
  let stash: unknown;
  try {
    stash = JSON.parse(raw);
  } catch {
    // Cut short (the storage filled up as it was written) or written by something else.
    return undefined;
  }
  if (typeof stash !== 'object' || stash === null) return undefined;
  const { value, savedAt } = stash as Partial<Stash>;
  if (value === undefined || typeof savedAt !== 'string' || Number.isNaN(Date.parse(savedAt))) return undefined;
  return { value, savedAt };
}

/**
 * Which of a form's two copies to restore: the newer, by when each was saved. A tie goes to the
 * database draft, which then already holds what the stash does. `fromStash` says the stash wins,
 * and must be written to the database before it is removed from the page's storage.
 */
export function draftToRestore(stored: Stash | undefined, stash: Stash | undefined): { draft: Stash | undefined; fromStash: boolean } {
  const fromStash = stash !== undefined && (stored === undefined || Date.parse(stash.savedAt) > Date.parse(stored.savedAt));
  return { draft: fromStash ? stash : stored, fromStash };
}

/** What an edit form opened on: the record's fields as the form shows them, and their clocks. */
export interface Opened<T> {
  fields: T;
  clocks: Record<string, string>;
}

/** Where a draft keeps what its form opened on, beside the form's own fields. */
const OPENED = '~opened';

/** A draft as kept: the form's fields, and (for an edit form) what the form opened on. */
export function keptDraft<T extends object>(fields: T, opened: Opened<T> | undefined): unknown {
  return opened === undefined ? fields : { ...fields, [OPENED]: opened };
}

/**
 * A kept draft back as the form's fields over the form's own starting values (a field the form
 * gained since the draft was kept starts empty, not missing), and what the form opened on. A draft
 * kept before drafts held what their form opened on has none: the form opens on the record as it
 * is now.
 */
export function openDraft<T extends object>(kept: unknown, initial: T): { fields: T; opened: Opened<T> | undefined } {
  const { [OPENED]: opened, ...fields } = kept as Partial<T> & { [OPENED]?: Opened<T> };
  return { fields: { ...initial, ...fields }, opened };
}

/**
 * The fields of `current` that differ from `initial` (by value: a list or contact with the same
 * contents is the same): an edit sends only what the mentor changed, never what the form opened on.
 */
export function changedFields<T extends object>(initial: T, current: T): Partial<T> {
  return Object.fromEntries(Object.entries(current).filter(([k, v]) => !sameValue(v, initial[k as keyof T]))) as Partial<T>;
}
