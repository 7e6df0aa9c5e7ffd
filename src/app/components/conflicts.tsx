/** Where two mentors changed the same thing at the same time: the value that lost, kept in view. */
import { conflictsOf, type KeptConflict } from '../../data/index.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { isShownField } from '../../shared/fields.ts';
import { momentOf } from '../../shared/hlc.ts';
import type { MentorInfo } from '../../shared/protocol.ts';
import { mentorOfReading } from '../../shared/versions.ts';
import { useLive } from '../hooks.ts';
import { db } from '../notebook.ts';

const FIELD_NAMES: Record<string, string> = {
  name: 'full name',
  preferredName: 'preferred name',
  yearGroup: 'year group',
  form: 'form or class',
  whatHelps: 'what helps',
  referredBy: 'referred by',
  note: 'note',
  wording: 'wording',
  howWeKnow: 'how we’ll know',
  result: 'check-in',
  word: 'word',
  account: 'what was seen or said',
  category: 'what it is about',
  toldWhom: 'who was told in person',
};

const shown = (value: unknown) =>
  typeof value === 'string' ? `“${value}”` : value === null || value === undefined ? 'nothing' : JSON.stringify(value);

/** A record's kept values, watched by itself (a screen showing one record). */
export function ConflictNotes({ recordId }: { recordId: string }) {
  return <ConflictList conflicts={useLive(() => conflictsOf(db, recordId), [recordId]) ?? []} />;
}

/**
 * A concern's kept values, in full view on the concern itself: what a concern said is never only
 * in a box to open. Each says when it was written, and on which tablet, and that a later edit,
 * made without seeing it, replaced it.
 */
export function ConcernVersions({
  concernId,
  thisTablet,
  mentors,
}: {
  concernId: string;
  thisTablet?: string | undefined;
  mentors: readonly Pick<MentorInfo, 'id' | 'name' | 'devices'>[];
}) {
  const conflicts = (useLive(() => conflictsOf(db, concernId), [concernId]) ?? []).filter((c) => isShownField(c.field));
  if (conflicts.length === 0) return null;
  const now = new Date();
  const writerOf = (hlc: string) =>
    mentors.find((m) => m.id === mentorOfReading(hlc, mentors))?.name ?? 'a mentor not known to this tablet';
  return (
    <section class="card conflicts" aria-labelledby="versions-h">
      <h2 id="versions-h">Also written: {conflicts.length === 1 ? 'another version' : `${conflicts.length} other versions`}</h2>
      <ul class="plain">
        {conflicts.map((c) => (
          <li key={c.id}>
            <strong>{FIELD_NAMES[c.field] ?? c.field}</strong>, written by {writerOf(c.hlc)} {relativeMoment(momentOf(c.hlc), now)}{' '}
            {c.hlc.endsWith(`_${thisTablet}`) ? 'on this tablet' : 'on another tablet'}, and replaced by a later edit made without seeing
            it:
            <p class="note-text">{shown(c.value)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Kept values the screen has already read (a screen showing many records reads them together). */
export function ConflictList({ conflicts }: { conflicts: readonly KeptConflict[] }) {
  const visible = conflicts.filter((c) => isShownField(c.field));
  if (visible.length === 0) return null;
  const now = new Date();
  return (
    <details class="card conflicts">
      <summary>
        Changed on two tablets at once ({visible.length}): the other version{visible.length === 1 ? ' is' : 's are'} kept here
      </summary>
      <ul class="plain">
        {visible.map((c) => (
          <li key={c.id}>
            {FIELD_NAMES[c.field] ?? c.field}: {shown(c.value)}, written {relativeMoment(momentOf(c.hlc), now)}, was replaced by a later
            edit made without seeing it.
          </li>
        ))}
      </ul>
    </details>
  );
}
