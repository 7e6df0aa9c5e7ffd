/** The caseload: pupils a mentor supports, and closing or reopening their support. */
import { type CLOSE_REASONS, displayName, type OUTCOMES, type Pupil } from '../shared/model.ts';
import type { CommitOptions, EditOptions, NewRecord } from './commit.ts';
import type { WaymarkDB } from './db.ts';
import { commit } from './load-commit.ts';

export type PupilInput = Omit<NewRecord<'pupils'>, 'status' | 'closedOn' | 'closeReason' | 'outcome' | 'exitSummary'>;
export type PupilEdit = Partial<PupilInput>;

/** Adds a pupil, on the caseload of this tablet's mentor unless the input says whose. */
export async function addPupil(db: WaymarkDB, input: PupilInput, options?: CommitOptions): Promise<string> {
  const [id] = await commit(
    db,
    async () => {
      const mentorId = (await db.device.get('device'))?.mentorId;
      const caseload = input.caseload ?? (mentorId ? [mentorId] : undefined);
      return [{ op: 'create', table: 'pupils', record: { ...input, status: 'active', ...(caseload ? { caseload } : {}) } }];
    },
    options,
  );
  return id as string;
}

export async function editPupil(db: WaymarkDB, id: string, patch: PupilEdit, { base, ...options }: EditOptions = {}): Promise<void> {
  await commit(db, [{ op: 'update', table: 'pupils', id, patch, base }], options);
}

export interface Closure {
  closedOn: string;
  closeReason: (typeof CLOSE_REASONS)[number];
  outcome: (typeof OUTCOMES)[number];
  exitSummary: string;
}

/** Ends support. The pupil moves to "closed"; their targets, notes and history stay. */
export async function closeSupport(db: WaymarkDB, id: string, closure: Closure, options?: CommitOptions): Promise<void> {
  await commit(db, [{ op: 'update', table: 'pupils', id, patch: { status: 'closed', ...closure } }], options);
}

/** Back on the caseload. The closure is kept in the pupil's history (as a revision). */
export async function reopenSupport(db: WaymarkDB, id: string): Promise<void> {
  await commit(db, [
    {
      op: 'update',
      table: 'pupils',
      id,
      patch: { status: 'active', closedOn: undefined, closeReason: undefined, outcome: undefined, exitSummary: undefined },
    },
  ]);
}

/** Removes a pupil added by mistake (a tombstone, so the removal syncs). */
export async function removePupil(db: WaymarkDB, id: string): Promise<void> {
  await commit(db, [{ op: 'delete', table: 'pupils', id }]);
}

/** Every pupil on the tablet, open and closed, for the caseload and for name search. */
export async function allPupils(db: WaymarkDB): Promise<Pupil[]> {
  return (await db.pupils.toArray()).filter((p) => !p.deletedAt);
}

/** The names of just these pupils (open or closed), as the mentor calls them. */
export async function namesOf(db: WaymarkDB, ids: readonly string[]): Promise<Map<string, string>> {
  const found = await db.pupils.bulkGet([...new Set(ids)]);
  return new Map(found.filter((p): p is Pupil => Boolean(p)).map((p) => [p.id, displayName(p)]));
}

export async function activePupils(db: WaymarkDB): Promise<Pupil[]> {
  return (await db.pupils.where('status').equals('active').toArray()).filter((p) => !p.deletedAt);
}

export async function getPupil(db: WaymarkDB, id: string): Promise<Pupil | undefined> {
  const p = await db.pupils.get(id);
  return p && !p.deletedAt ? p : undefined;
}
