/** Whose pupils a screen shows: this mentor's caseload, or, for a role that may, every pupil in the school. */
import { accessOf, syncState } from '../../data/index.ts';
import { seesWholeSchool } from '../../shared/roles.ts';
import { db } from '../notebook.ts';

/** This tablet's mentor, and whether their role looks beyond their own caseload. */
export async function whoIsHere(): Promise<{ mentorId?: string; seesWholeSchool: boolean; readsEveryConcern: boolean }> {
  const { role, ...who } = accessOf(await syncState(db));
  return { ...who, seesWholeSchool: seesWholeSchool(role) };
}

/** "My caseload" or "All pupils in the school", for a role that may see the whole school. */
export function WholeSchool({ whole, onChange }: { whole: boolean; onChange: (whole: boolean) => void }) {
  return (
    <fieldset class="tabs">
      <legend class="visually-hidden">Whose pupils</legend>
      <button type="button" aria-pressed={!whole} onClick={() => onChange(false)}>
        My caseload
      </button>
      <button type="button" aria-pressed={whole} onClick={() => onChange(true)}>
        All pupils in the school
      </button>
    </fieldset>
  );
}
