/** Where two mentors changed the same thing at the same time: the value that lost, kept in view. */
import { type Conflict, conflictsOf, EDITED_AFTER_REMOVAL } from '../../data/index.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { decodeHlc } from '../../shared/hlc.ts';
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
};

const shown = (value: unknown) =>
  typeof value === 'string' ? `“${value}”` : value === null || value === undefined ? 'nothing' : JSON.stringify(value);

/** A record's kept values, watched by itself (a screen showing one record). */
export function ConflictNotes({ recordId }: { recordId: string }) {
  return <ConflictList conflicts={useLive(() => conflictsOf(db, recordId), [recordId]) ?? []} />;
}

/** Kept values the screen has already read (a screen showing many records reads them together). */
export function ConflictList({ conflicts }: { conflicts: readonly Conflict[] }) {
  const visible = conflicts.filter((c) => !['updatedAt', 'deviceId', 'mentorId', 'deletedAt', EDITED_AFTER_REMOVAL].includes(c.field));
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
            {FIELD_NAMES[c.field] ?? c.field}: {shown(c.value)}, written{' '}
            {relativeMoment(new Date(decodeHlc(c.hlc).wall).toISOString(), now)}, was replaced by an edit made at the same time, without
            seeing it.
          </li>
        ))}
      </ul>
    </details>
  );
}
