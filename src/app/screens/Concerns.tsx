/**
 * The DSL's list: every concern in the school, those overdue, new or not yet acknowledged first, and the notes
 * flagged as concerns. Only those who read every concern open it; anyone else is told so.
 */
import { accessOf, allPupils, concerns, dslQueue, syncState } from '../../data/index.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { displayName, SESSION_KIND_LABELS } from '../../shared/model.ts';
import { SessionBadges } from '../components/badges.tsx';
import { ConcernList } from '../components/concern-list.tsx';
import { useLive, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

/** Whether this tablet's mentor reads every concern, as the endpoint said at the last sync. */
export async function readsEveryConcern(): Promise<boolean> {
  return accessOf(await syncState(db)).readsEveryConcern;
}

export function Concerns() {
  useTitle('Safeguarding concerns');
  const view = useLive(async () => {
    const allowed = await readsEveryConcern();
    if (!allowed) return { allowed } as const;
    const [{ queue, q }, notes, pupils, state] = await Promise.all([dslQueue(db), concerns(db), allPupils(db), syncState(db)]);
    return {
      allowed,
      queue,
      q,
      notes,
      pupils: new Map(pupils.map((p) => [p.id, displayName(p)])),
      mentors: new Map((state.mentors ?? []).map((m) => [m.id, m.name])),
    } as const;
  }, []);
  if (!view) return <main id="main" class="screen" aria-busy="true" />;
  if (!view.allowed) {
    return (
      <main id="main" class="screen narrow">
        <h1>Safeguarding concerns</h1>
        <p>
          This list is for the Designated Safeguarding Lead and the deputies. To record a concern, open the pupil and choose “Record a
          concern”; to talk one through, speak to the DSL.
        </p>
      </main>
    );
  }
  const now = new Date();
  return (
    <main id="main" class="screen narrow">
      <h1>Safeguarding concerns</h1>
      <p>Every concern in the school as of the last sync: those overdue, new or not yet acknowledged first.</p>
      {view.queue.length === 0 ? (
        <p class="empty">No concerns recorded.</p>
      ) : (
        <ConcernList items={view.queue} pupils={view.pupils} q={view.q} />
      )}
      <h2>Notes flagged as concerns</h2>
      {view.notes.length === 0 ? (
        <p class="empty">No notes flagged.</p>
      ) : (
        <ol class="sessions">
          {view.notes.map((s) => (
            <li key={s.id} class={`session has-concern${s.withdrawnAt ? ' is-withdrawn' : ''}`}>
              <a href={`/sessions/${s.id}`} class="session-head">
                {relativeMoment(s.occurredAt, now)} · {SESSION_KIND_LABELS[s.kind]} ·{' '}
                {s.pupilIds.map((id) => view.pupils.get(id) ?? 'a pupil').join(', ')}
              </a>{' '}
              <SessionBadges session={s} />
              <p class="subtle">
                Recorded by{' '}
                {((s.authorId ?? s.mentorId) && view.mentors.get(s.authorId ?? s.mentorId ?? '')) || 'this tablet (not yet synced)'}
              </p>
              {s.note && <p class="note-text">{s.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
