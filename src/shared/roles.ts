/**
 * Who a mentor is in the school's Waymark, which the school's IT person sets (`npm run admin --
 * set-role`) and every tablet learns from the endpoint at each sync. The endpoint decides what each
 * role receives and may change (docs/sync-protocol.md, "Roles"); a tablet's screens follow it.
 *
 * - mentor: supports the pupils on their caseload;
 * - lead mentor: sees and reports on every mentor's caseload, and changes who supports whom;
 * - dsl: the Designated Safeguarding Lead, who reads and acts on every concern;
 * - deputy dsl: reads and acts on concerns as the DSL does, and is told of one the DSL has not
 *   acknowledged in the time the school sets.
 */
export const ROLES = ['mentor', 'lead mentor', 'dsl', 'deputy dsl'] as const;
export type Role = (typeof ROLES)[number];

/** Each role as the school calls it. */
export const ROLE_NAMES: Record<Role, string> = {
  mentor: 'Mentor',
  'lead mentor': 'Lead mentor',
  dsl: 'Designated Safeguarding Lead',
  'deputy dsl': 'Deputy Designated Safeguarding Lead',
};

/** The DSL and the deputies: those who read every concern and act on it. */
export const safeguards = (role: Role): boolean => role === 'dsl' || role === 'deputy dsl';

/**
 * Whether a mentor in this role reads the text of every concern in the school, not only their
 * own: the DSL and the deputies, and the lead mentor where the school has turned that on.
 */
export const readsEveryConcern = (role: Role, leadReadsConcerns: boolean): boolean =>
  safeguards(role) || (role === 'lead mentor' && leadReadsConcerns);

/** Who is reading: a mentor, and whether they read the text of every concern (readsEveryConcern). */
export interface Reader {
  mentorId: string;
  readsEveryConcern: boolean;
}

/**
 * Need to know: whether `reader` receives a change that carries the text of a concern written by
 * `concernBy` (undefined: a change that carries none, which everyone in the school receives), or,
 * with `notice`, the notice that such a concern was recorded, which those who may not read its
 * text receive in its place. A concern's author and those who read every concern get the text,
 * everyone else the notice, and nobody both. A concern whose author is not known (`''`) is read only
 * by those who read every concern.
 */
export const receives = (reader: Reader, concernBy: string | undefined, notice = false): boolean =>
  concernBy === undefined || (reader.readsEveryConcern || (concernBy !== '' && concernBy === reader.mentorId)) !== notice;

/**
 * Which need-to-know rules an endpoint applies (a pull's `you.rules`): 1, a concern's text only to
 * those who may read it; 2, a note flagged as a concern too (`isConcernNote`). A tablet that pulled
 * under other rules lets go of what it holds and fetches everything again (need-to-know.ts).
 */
export const NEED_TO_KNOW_RULES = 2;

/**
 * A session note flagged as a safeguarding concern, now or before (the DSL took the flag off,
 * saying why): its text is a concern's, and goes where a concern's goes (`receives`), with its
 * earlier versions and its addenda. Notes were flagged before concerns were records of their own.
 */
export const isConcernNote = (note: { concern?: unknown; concernClearedReason?: unknown }): boolean =>
  note.concern === true || (typeof note.concernClearedReason === 'string' && note.concernClearedReason !== '');

/**
 * Whether a mentor supports a pupil: they are on the pupil's caseload. A pupil no one was assigned
 * to (added before caseloads) is everyone's.
 */
export const supports = (pupil: { caseload?: readonly string[] }, mentorId: string | undefined): boolean =>
  !pupil.caseload?.length || (mentorId !== undefined && pupil.caseload.includes(mentorId));

/** Whether a mentor in this role may look beyond their own caseload to every pupil in the school. */
export const seesWholeSchool = (role: Role): boolean => role !== 'mentor';
