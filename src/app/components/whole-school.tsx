/** Whose pupils a screen shows: this mentor's caseload, or, for a role that may, every pupil in the school. */
import { syncState } from '../../data/index.ts';
import { seesWholeSchool } from '../../shared/roles.ts';
import { db } from '../notebook.ts';

/** This tablet's mentor, and whether their role looks beyond their own caseload. */
export async function whoIsHere(): Promise<{ mentorId?: string; seesWholeSchool: boolean; readsEveryConcern: boolean }> {
  const state = await syncState(db);
  const role = state.access?.role ?? (state.mentor?.dsl ? 'dsl' : 'mentor');
  return {
    ...(state.mentor ? { mentorId: state.mentor.id } : {}),
    seesWholeSchool: seesWholeSchool(role),
    readsEveryConcern: state.access?.readsEveryConcern ?? state.mentor?.dsl === true,
  };
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
