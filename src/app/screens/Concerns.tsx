/** The Designated Safeguarding Lead's list: every note in the school flagged as a concern, newest first. */
import { allPupils, concerns, syncState } from '../../data/index.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { displayName, SESSION_KIND_LABELS } from '../../shared/model.ts';
import { SessionBadges } from '../components/badges.tsx';
import { useLive, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

export function Concerns() {
  useTitle('Safeguarding concerns');
  const view = useLive(async () => {
    const [notes, pupils, state] = await Promise.all([concerns(db), allPupils(db), syncState(db)]);
    return {
      notes,
      pupils: new Map(pupils.map((p) => [p.id, displayName(p)])),
      mentors: new Map((state.mentors ?? []).map((m) => [m.id, m.name])),
      dsl: state.mentor?.dsl,
    };
  }, []);
  if (!view) return <main id="main" class="screen" aria-busy="true" />;
  const now = new Date();
  return (
    <main id="main" class="screen narrow">
      <h1>Safeguarding concerns</h1>
      <p>
        Every note in the school flagged as a safeguarding concern, newest first, as of the last sync.
        {!view.dsl && ' You are not the Designated Safeguarding Lead: you see the concerns recorded on this tablet and synced to it.'}
      </p>
      {view.notes.length === 0 ? (
        <p class="empty">No concerns recorded.</p>
      ) : (
        <ol class="sessions">
          {view.notes.map((s) => (
            <li key={s.id} class={`session has-concern${s.withdrawnAt ? ' is-withdrawn' : ''}`}>
              <a href={`/sessions/${s.id}`} class="session-head">
                {relativeMoment(s.occurredAt, now)} · {SESSION_KIND_LABELS[s.kind]} ·{' '}
                {s.pupilIds.map((id) => view.pupils.get(id) ?? 'a pupil').join(', ')}
              </a>{' '}
              <SessionBadges session={s} />
              <p class="subtle">Recorded by {(s.mentorId && view.mentors.get(s.mentorId)) || 'this tablet (not yet synced)'}</p>
              {s.note && <p class="note-text">{s.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
