/** A list of concerns as the DSL reads them: not yet acknowledged first, then by how long they have waited. */
import { type ConcernSummary, concernRecords } from '../../data/index.ts';
import { concernStatus, firstAcknowledgement } from '../../shared/concerns.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { isNotice } from '../../shared/model.ts';

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
