/**
 * Drafts: whatever a mentor has half-typed, saved as they type so that it survives the tablet
 * sleeping, the app being closed or reloaded, or a crash. A draft is removed in the same
 * transaction that saves its form (see `commit`'s `clearDraft`). Drafts stay on the tablet.
 */
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
