/** A list of concerns as the DSL reads them: not yet acknowledged first, then by how long they have waited. */
import { type ConcernSummary, concernRecords, concernsAbout, namesOf } from '../../data/index.ts';
import { concernStatus, firstAcknowledgement } from '../../shared/concerns.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { isNotice } from '../../shared/model.ts';
import { useLive } from '../hooks.ts';
import { db } from '../notebook.ts';

/** Unacknowledged first, then open ones before closed, oldest waiting first. */
export function forTheDsl(list: readonly ConcernSummary[]): ConcernSummary[] {
  const rank = (s: ConcernSummary) => (!firstAcknowledgement(s.actions) ? 0 : concernStatus(s.actions) === 'closed' ? 2 : 1);
  return [...list].sort((a, b) => rank(a) - rank(b) || a.concern.createdAt.localeCompare(b.concern.createdAt));
}

export async function dslQueue(db: Parameters<typeof concernRecords>[0]) {
  return forTheDsl(await concernRecords(db));
}

export function ConcernList({ items, pupils, now }: { items: readonly ConcernSummary[]; pupils: Map<string, string>; now: Date }) {
  return (
    <ol class="sessions concern-list">
      {items.map(({ concern, actions, waiting }) => {
        const seen = firstAcknowledgement(actions);
        const status = concernStatus(actions);
        return (
          <li key={concern.id} class={`session has-concern${status === 'closed' ? ' is-closed' : ''}`}>
            <a href={`/concerns/${concern.id}`} class="session-head">
              {pupils.get(concern.pupilId) ?? 'A pupil'} · recorded {relativeMoment(concern.createdAt, now)}
            </a>
            <p class="subtle">
              {isNotice(concern) ? 'A concern: speak to the DSL' : concern.category} ·{' '}
              {waiting ? 'not yet with the DSL' : seen ? `${status}, seen ${relativeMoment(seen.createdAt, now)}` : 'not acknowledged yet'}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * For the DSL, the deputies (and a lead mentor who reads every concern): the concerns not closed,
 * those not acknowledged yet first, above everything else on Today.
 */
export function ConcernsFirst() {
  const view = useLive(async () => {
    const queue = (await dslQueue(db)).filter((c) => concernStatus(c.actions) !== 'closed');
    const pupils = await namesOf(
      db,
      queue.map((c) => c.concern.pupilId),
    );
    return { queue, pupils };
  }, []);
  if (!view || view.queue.length === 0) return null;
  return (
    <section aria-labelledby="concerns-first-h" class="card concerns-first">
      <h2 id="concerns-first-h">Safeguarding concerns ({view.queue.length})</h2>
      <ConcernList items={view.queue} pupils={view.pupils} now={new Date()} />
    </section>
  );
}

/** A pupil's concerns on their page: the text of those this mentor reads, and a notice of the others. */
export function PupilConcerns({ pupilId, name }: { pupilId: string; name: string }) {
  const recorded = useLive(() => concernsAbout(db, pupilId), [pupilId]);
  if (!recorded || recorded.length === 0) return null;
  return (
    <section class="card" aria-labelledby="concerns-h">
      <h2 id="concerns-h">Safeguarding concerns</h2>
      <ConcernList items={recorded} pupils={new Map([[pupilId, name]])} now={new Date()} />
    </section>
  );
}
