import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { lazy } from 'preact-iso';
import {
  caseloadNow,
  checkInsThisWeek,
  type DueTarget,
  dueFrom,
  hasRecords,
  NOT_SEEN_DAYS,
  type NotSeen,
  namesOf,
  notSeenLately,
  reviewsFrom,
  sessionsOn,
} from '../../data/index.ts';
import { clock, longDay, relativeDay } from '../../shared/dates.ts';
import { type CheckIn, displayName, type Pupil, SESSION_KIND_LABELS, type Session, type Target } from '../../shared/model.ts';
import { type Day, toDay } from '../../shared/schedule.ts';
import { SessionBadges } from '../components/badges.tsx';
import { CheckInButtons } from '../components/checkins.tsx';
import { InstallOffer } from '../components/install.tsx';
import { WholeSchool, whoIsHere } from '../components/whole-school.tsx';
import { useFirstScreenful, useLive, useTitle, useToday } from '../hooks.ts';
import { db } from '../notebook.ts';
import { pure } from '../pure.ts';
import { keepStorage } from '../storage.ts';

type Tapped = Pick<CheckIn, 'targetId' | 'on'>;

// Only the DSL's Today lists concerns: loaded on their tablets alone, not in every mentor's first download.
const ConcernsFirst = lazy(() => import('../components/concern-list.tsx').then((m) => m.ConcernsFirst));

export function Today() {
  useTitle('Today');
  const day = useToday();
  // Four live queries, not one: a check-in tap then re-reads this week's check-ins only, not the
  // whole caseload and its sessions. At midnight the screen stays as it is until the new day's
  // answers come.
  const [wholeSchool, setWholeSchool] = useState(false);
  const who = useLive(() => whoIsHere(), []);
  // My caseload unless the whole school is asked for: read with the sync state, so one linking changes it.
  const caseload = useLive(async () => caseloadNow(db, wholeSchool ? undefined : (await whoIsHere()).mentorId), [wholeSchool]);
  const keepPrevious = { keepPrevious: true };
  const week = useLive(() => checkInsThisWeek(db, day), [day], keepPrevious);
  const notSeen = useLive(() => notSeenLately(db, day), [day], keepPrevious);
  const sessions = useLive(() => sessionsOn(db, day), [day], keepPrevious);
  // Taps whose save has not reached this week's check-ins yet: the row leaves the list at the tap,
  // comes back if the save fails, and an Undo brings it back through the live query.
  const [tapped, setTapped] = useState<Tapped[]>([]);
  useEffect(
    () =>
      setTapped((t) => {
        const waiting = t.filter((x) => !week?.some((c) => c.targetId === x.targetId && c.on === x.on && !c.deletedAt));
        return waiting.length === t.length ? t : waiting;
      }),
    [week],
  );
  // Worked out apart, so that a tap works out (and redraws) only the due list.
  const due = useMemo(() => (caseload && week ? dueFrom(caseload, [...week, ...tapped], day) : undefined), [caseload, week, tapped, day]);
  const reviews = useMemo(() => (caseload ? reviewsFrom(caseload, day) : undefined), [caseload, day]);
  const view = due && reviews && notSeen && sessions ? { due, reviews, notSeen, sessions } : undefined;
  const dueRows = useFirstScreenful(view?.due ?? []);
  // The same two functions on every render, so that a tap redraws only the row it removes.
  const tap = useCallback((targetId: string, on: Day) => setTapped((t) => [...t, { targetId, on }]), []);
  const untap = useCallback((targetId: string) => setTapped((t) => t.filter((x) => x.targetId !== targetId)), []);
  const worthKeeping = useLive(() => hasRecords(db), []);
  useEffect(() => {
    if (worthKeeping) void keepStorage();
  }, [worthKeeping]);
  // Only the pupils in today's sessions: three years in, the whole list is hundreds of records.
  const present = (sessions ?? []).flatMap((s) => s.pupilIds);
  const names = useLive(() => namesOf(db, present), [present.join()], keepPrevious);
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
      {who?.readsEveryConcern && <ConcernsFirst />}
      {who?.seesWholeSchool && <WholeSchool whole={wholeSchool} onChange={setWholeSchool} />}
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
                  <DueRow key={target.id} target={target} pupil={pupil} day={day} onTap={tap} onFailed={untap} />
                ))}
              </ul>
            )}
          </section>

          <SessionsToday sessions={view.sessions} names={names} />

          <ReviewsDue reviews={view.reviews} day={day} />

          <NotSeenLately notSeen={view.notSeen} day={day} />
        </div>
      )}
    </main>
  );
}

interface DueRowProps {
  target: Target;
  pupil: Pupil;
  day: Day;
  onTap: (targetId: string, on: Day) => void;
  onFailed: (targetId: string) => void;
}

const DueRow = pure(function DueRow({ target, pupil, day, onTap, onFailed }: DueRowProps) {
  return (
    <li class="due">
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
        onTap={() => onTap(target.id, day)}
        onFailed={() => onFailed(target.id)}
      />
    </li>
  );
});

// Today's other sections: each redraws only when its own data changes, never on a check-in tap.

const SessionsToday = pure(function SessionsToday({ sessions, names }: { sessions: Session[]; names?: Map<string, string> }) {
  return (
    <section aria-labelledby="sessions-h" class="card">
      <h2 id="sessions-h">Today’s sessions ({sessions.length})</h2>
      {sessions.length === 0 ? (
        <p class="empty">No sessions recorded yet today.</p>
      ) : (
        <ul class="plain">
          {sessions.map((s) => (
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
  );
});

const ReviewsDue = pure(function ReviewsDue({ reviews, day }: { reviews: DueTarget[]; day: Day }) {
  if (reviews.length === 0) return null;
  return (
    <section aria-labelledby="reviews-h" class="card">
      <h2 id="reviews-h">Targets to review ({reviews.length})</h2>
      <ul class="plain">
        {reviews.map(({ target, pupil }) => (
          <li key={target.id}>
            <a href={`/pupils/${pupil.id}`}>{displayName(pupil)}</a>: {target.wording}{' '}
            <span class="subtle">(review {relativeDay(target.reviewOn ?? day, day)})</span>
          </li>
        ))}
      </ul>
    </section>
  );
});

const NotSeenLately = pure(function NotSeenLately({ notSeen, day }: { notSeen: NotSeen[]; day: Day }) {
  return (
    <section aria-labelledby="unseen-h" class="card">
      <h2 id="unseen-h">Not seen lately ({notSeen.length})</h2>
      {notSeen.length === 0 ? (
        <p class="empty">Everyone on your caseload has been seen in the last {NOT_SEEN_DAYS} days.</p>
      ) : (
        <ul class="plain unseen">
          {notSeen.map(({ pupil, lastSeen }) => (
            <li key={pupil.id}>
              <a href={`/pupils/${pupil.id}`}>{displayName(pupil)}</a>{' '}
              <span class="subtle">{lastSeen ? `last seen ${relativeDay(toDay(new Date(lastSeen)), day)}` : 'not seen yet'}</span>{' '}
              <a class="button small" href={`/sessions/new?pupil=${pupil.id}`} aria-label={`Start a note about ${displayName(pupil)}`}>
                Note
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
