import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  caseloadNow,
  checkInsThisWeek,
  dueFrom,
  hasRecords,
  NOT_SEEN_DAYS,
  namesOf,
  notSeenLately,
  reviewsFrom,
  sessionsOn,
} from '../../data/index.ts';
import { clock, longDay, relativeDay } from '../../shared/dates.ts';
import { type CheckIn, displayName, SESSION_KIND_LABELS } from '../../shared/model.ts';
import { toDay } from '../../shared/schedule.ts';
import { SessionBadges } from '../components/badges.tsx';
import { CheckInButtons } from '../components/checkins.tsx';
import { InstallOffer } from '../components/install.tsx';
import { useFirstScreenful, useLive, useTitle, useToday } from '../hooks.ts';
import { db } from '../notebook.ts';
import { keepStorage } from '../storage.ts';

type Tapped = Pick<CheckIn, 'targetId' | 'on'>;

export function Today() {
  useTitle('Today');
  const day = useToday();
  // Four live queries, not one: a check-in tap then re-reads this week's check-ins only, not the
  // whole caseload and its sessions.
  const caseload = useLive(() => caseloadNow(db), []);
  const week = useLive(() => checkInsThisWeek(db, day), [day]);
  const notSeen = useLive(() => notSeenLately(db, day), [day]);
  const sessions = useLive(() => sessionsOn(db, day), [day]);
  // Taps whose save has not reached this week's check-ins yet: the row leaves the list at the tap,
  // comes back if the save fails, and an Undo brings it back through the live query.
  const [tapped, setTapped] = useState<Tapped[]>([]);
  useEffect(
    () => setTapped((t) => t.filter((x) => !week?.some((c) => c.targetId === x.targetId && c.on === x.on && !c.deletedAt))),
    [week],
  );
  const view = useMemo(
    () =>
      caseload && week && notSeen && sessions
        ? { due: dueFrom(caseload, [...week, ...tapped], day), reviews: reviewsFrom(caseload, day), notSeen, sessions }
        : undefined,
    [caseload, week, tapped, notSeen, sessions, day],
  );
  const dueRows = useFirstScreenful(view?.due ?? []);
  const untap = (targetId: string) => setTapped((t) => t.filter((x) => x.targetId !== targetId));
  const worthKeeping = useLive(() => hasRecords(db), []);
  useEffect(() => {
    if (worthKeeping) void keepStorage();
  }, [worthKeeping]);
  // Only the pupils in today's sessions: three years in, the whole list is hundreds of records.
  const present = (sessions ?? []).flatMap((s) => s.pupilIds);
  const names = useLive(() => namesOf(db, present), [present.join()]);
  return (
    <main id="main" class="screen">
      <div class="screen-head">
        <h1>
          Today <span class="subtle">{longDay(day)}</span>
        </h1>
        <a class="button primary big" href="/sessions/new">
          Start a note
        </a>
      </div>
      <InstallOffer hasRecords={Boolean(worthKeeping)} />
      {!view ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <div class="today-grid">
          <section aria-labelledby="due-h" class="card">
            <h2 id="due-h">Check-ins due ({view.due.length})</h2>
            {view.due.length === 0 ? (
              <p class="empty">Nothing due. Targets ask for a check-in on their days.</p>
            ) : (
              <ul class="due-list">
                {dueRows.map(({ target, pupil }) => (
                  <li key={target.id} class="due">
                    <div>
                      <a href={`/pupils/${pupil.id}`} class="who">
                        {displayName(pupil)}
                      </a>
                      <span class="what">{target.wording}</span>
                    </div>
                    <CheckInButtons
                      target={target}
                      day={day}
                      who={displayName(pupil)}
                      onTap={() => setTapped((t) => [...t, { targetId: target.id, on: day }])}
                      onFailed={() => untap(target.id)}
                    />
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="sessions-h" class="card">
            <h2 id="sessions-h">Today’s sessions ({view.sessions.length})</h2>
            {view.sessions.length === 0 ? (
              <p class="empty">No sessions recorded yet today.</p>
            ) : (
              <ul class="plain">
                {view.sessions.map((s) => (
                  <li key={s.id}>
                    <a href={`/sessions/${s.id}`}>
                      {clock(s.occurredAt)} · {SESSION_KIND_LABELS[s.kind]}
                      {s.title ? ` – ${s.title}` : ''}: {s.pupilIds.map((id) => names?.get(id) ?? '…').join(', ')}
                    </a>{' '}
                    <SessionBadges session={s} />
                  </li>
                ))}
              </ul>
            )}
          </section>

          {view.reviews.length > 0 && (
            <section aria-labelledby="reviews-h" class="card">
              <h2 id="reviews-h">Targets to review ({view.reviews.length})</h2>
              <ul class="plain">
                {view.reviews.map(({ target, pupil }) => (
                  <li key={target.id}>
                    <a href={`/pupils/${pupil.id}`}>{displayName(pupil)}</a>: {target.wording}{' '}
                    <span class="subtle">(review {relativeDay(target.reviewOn ?? day, day)})</span>
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="unseen-h" class="card">
            <h2 id="unseen-h">Not seen lately ({view.notSeen.length})</h2>
            {view.notSeen.length === 0 ? (
              <p class="empty">Everyone on your caseload has been seen in the last {NOT_SEEN_DAYS} days.</p>
            ) : (
              <ul class="plain unseen">
                {view.notSeen.map(({ pupil, lastSeen }) => (
                  <li key={pupil.id}>
                    <a href={`/pupils/${pupil.id}`}>{displayName(pupil)}</a>{' '}
                    <span class="subtle">{lastSeen ? `last seen ${relativeDay(toDay(new Date(lastSeen)), day)}` : 'not seen yet'}</span>{' '}
                    <a
                      class="button small"
                      href={`/sessions/new?pupil=${pupil.id}`}
                      aria-label={`Start a note about ${displayName(pupil)}`}
                    >
                      Note
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </main>
  );
}
