/** A list of concerns as the DSL reads them: overdue, new and not acknowledged first, then by how long they have waited. */
import { type ConcernSummary, concernsAbout, dslQueue, namesOf, queueOf, syncState } from '../../data/index.ts';
import { concernStatus, firstAcknowledgement, type Queue, type Urgency, urgencyIn } from '../../shared/concerns.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { isNotice } from '../../shared/model.ts';
import { useLive } from '../hooks.ts';
import { db } from '../notebook.ts';

/** How a concern stands, in the DSL's words. */
const WORDS: Record<Urgency, string> = {
  overdue: 'overdue: not acknowledged',
  new: 'new, not opened yet',
  unacknowledged: 'not acknowledged yet',
  open: '',
  closed: '',
};

export function ConcernList({ items, pupils, q }: { items: readonly ConcernSummary[]; pupils: Map<string, string>; q: Queue }) {
  const { now } = q;
  return (
    <ol class="sessions concern-list">
      {items.map((item) => {
        const { concern, actions, waiting } = item;
        const seen = firstAcknowledgement(actions);
        const status = concernStatus(actions);
        const stands = isNotice(concern) ? '' : WORDS[urgencyIn(item, q)];
        return (
          <li key={concern.id} class={`session has-concern${status === 'closed' ? ' is-closed' : ''}`}>
            <a href={`/concerns/${concern.id}`} class="session-head">
              {pupils.get(concern.pupilId) ?? 'A pupil'} · recorded {relativeMoment(concern.createdAt, now)}
            </a>
            <p class="subtle">
              {isNotice(concern) ? 'A concern: speak to the DSL' : concern.category} ·{' '}
              {waiting
                ? 'not yet with the DSL'
                : seen
                  ? `${status}, seen ${relativeMoment(seen.createdAt, now)}`
                  : stands || 'not acknowledged yet'}
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
    const { queue: all, q } = await dslQueue(db);
    const queue = all.filter((c) => concernStatus(c.actions) !== 'closed');
    const pupils = await namesOf(
      db,
      queue.map((c) => c.concern.pupilId),
    );
    return { queue, pupils, q };
  }, []);
  if (!view || view.queue.length === 0) return null;
  return (
    <section aria-labelledby="concerns-first-h" class="card concerns-first">
      <h2 id="concerns-first-h">Safeguarding concerns ({view.queue.length})</h2>
      <ConcernList items={view.queue} pupils={view.pupils} q={view.q} />
    </section>
  );
}

/** A pupil's concerns on their page: the text of those this mentor reads, and a notice of the others. */
export function PupilConcerns({ pupilId, name }: { pupilId: string; name: string }) {
  const view = useLive(async () => {
    const [recorded, state] = await Promise.all([concernsAbout(db, pupilId), syncState(db)]);
    return { recorded, q: queueOf(state, new Date()) };
  }, [pupilId]);
  if (!view || view.recorded.length === 0) return null;
  const { recorded, q } = view;
  return (
    <section class="card" aria-labelledby="concerns-h">
      <h2 id="concerns-h">Safeguarding concerns</h2>
      <ConcernList items={recorded} pupils={new Map([[pupilId, name]])} q={q} />
    </section>
  );
}
