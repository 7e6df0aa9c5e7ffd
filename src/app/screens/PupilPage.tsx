import { useState } from 'preact/hooks';
import { lazy } from 'preact-iso';
import { pupilPage, removeTarget, reopenSupport } from '../../data/index.ts';
import { longDay, relativeDay, relativeMoment } from '../../shared/dates.ts';
import { displayName, type Revision, SESSION_KIND_LABELS, type Session, type Target } from '../../shared/model.ts';
import { SessionBadges } from '../components/badges.tsx';
import { CheckInButtons, CheckInStrip, rhythmText } from '../components/checkins.tsx';
import { ConflictList } from '../components/conflicts.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { useFirstScreenful, useLive, useTitle, useToday } from '../hooks.ts';
import { db } from '../notebook.ts';
import { saveOrSay, showToast } from '../toast.ts';

// A pupil's concerns load only for a pupil who has one: most pages, and the first download, need none of it.
const PupilConcerns = lazy(() => import('../components/concern-list.tsx').then((m) => m.PupilConcerns));

export function PupilPage({ id }: { id: string }) {
  const day = useToday();
  // How many notes to show, for this pupil: the next pupil opened starts from the latest again.
  const [shown, setShown] = useState({ id, notes: NOTES_AT_FIRST });
  const notes = shown.id === id ? shown.notes : NOTES_AT_FIRST;
  // "Show earlier notes" keeps the page as it is until the longer list comes.
  const view = useLive(() => pupilPage(db, id, day, notes), [id, day, notes], { keepPrevious: true });
  useTitle(view ? displayName(view.pupil) : undefined);
  // Going from one pupil's page to another's, the last answer is the other pupil's until the new one comes.
  if (view === undefined || (view && view.pupil.id !== id)) return <Loading />;
  if (view === null) return <Missing what="Pupil" back="/pupils" backLabel="Back to the caseload" />;
  const { pupil, active, ended, checkIns, sessions, concerns, history, conflicts } = view;
  const name = displayName(pupil);

  return (
    <main id="main" class="screen">
      <div class="screen-head">
        <div>
          <h1>{name}</h1>
          <p class="subtle">
            {pupil.yearGroup}
            {pupil.form && ` · ${pupil.form}`}
            {pupil.schoolRef && ` · ref ${pupil.schoolRef}`}
            {pupil.preferredName && pupil.preferredName !== pupil.name && ` · full name ${pupil.name}`}
          </p>
        </div>
        <div class="head-actions">
          <a class="button primary" href={`/sessions/new?pupil=${pupil.id}`}>
            New note
          </a>
          <a class="button secondary" href={`/concerns/new?pupil=${pupil.id}`}>
            Record a concern
          </a>
          <a class="button secondary" href={`/pupils/${pupil.id}/edit`}>
            Edit details
          </a>
          {pupil.status === 'active' ? (
            <a class="button secondary" href={`/pupils/${pupil.id}/close`}>
              Close support
            </a>
          ) : (
            <button
              type="button"
              class="secondary"
              onClick={() => void saveOrSay(`Support for ${name} was not reopened.`, () => reopenSupport(db, pupil.id))}
            >
              Reopen support
            </button>
          )}
        </div>
      </div>

      {concerns > 0 && (
        <p class="banner-concern" role="note">
          <span aria-hidden="true">⚠ </span>
          {concerns === 1 ? 'One note raises a safeguarding concern.' : `${concerns} notes raise safeguarding concerns.`}
        </p>
      )}
      {view.hasConcerns && <PupilConcerns pupilId={pupil.id} name={name} />}
      <ConflictList conflicts={conflicts.get(pupil.id) ?? []} />
      {pupil.status === 'closed' && (
        <section class="card closed" aria-labelledby="closed-h">
          <h2 id="closed-h">Support closed {pupil.closedOn && longDay(pupil.closedOn)}</h2>
          <p>
            {pupil.closeReason} · outcome: {pupil.outcome}
          </p>
          {pupil.exitSummary && <p class="note-text">{pupil.exitSummary}</p>}
        </section>
      )}

      <div class="pupil-grid">
        <section class="card" aria-labelledby="targets-h">
          <div class="section-head">
            <h2 id="targets-h">Targets ({active.length})</h2>
            {pupil.status === 'active' && (
              <a class="button small" href={`/pupils/${pupil.id}/targets/new`}>
                Set a target
              </a>
            )}
          </div>
          {active.length === 0 && <p class="empty">No active targets.</p>}
          <ul class="targets">
            {active.map((t) => {
              const recent = checkIns.get(t.id) ?? [];
              const todays = recent.filter((c) => c.on === day).at(-1);
              return (
                <li key={t.id} class="target">
                  <p class="target-wording">{t.wording}</p>
                  <p class="subtle">
                    {rhythmText(t)}
                    {t.howWeKnow && ` · we’ll know: ${t.howWeKnow}`}
                    {t.reviewOn && ` · review ${relativeDay(t.reviewOn, day)}`}
                  </p>
                  <CheckInStrip target={t} checkIns={recent} today={day} />
                  {pupil.status === 'active' && <CheckInButtons target={t} day={day} current={todays?.result} who={name} />}
                  <div class="target-actions">
                    <a class="tap-link" href={`/targets/${t.id}/edit`}>
                      Change
                    </a>
                    <a class="tap-link" href={`/targets/${t.id}/end`}>
                      Achieved or dropped…
                    </a>
                    <button type="button" class="link" onClick={() => removeTargetByMistake(t)}>
                      Remove (set by mistake)
                    </button>
                  </div>
                  <TargetHistory revisions={history.get(t.id)} />
                  <ConflictList conflicts={conflicts.get(t.id) ?? []} />
                </li>
              );
            })}
          </ul>
          {ended.length > 0 && (
            <details>
              <summary>Earlier targets ({ended.length})</summary>
              <ul class="plain">
                {ended.map((t) => (
                  <li key={t.id}>
                    {t.wording}{' '}
                    <span class="subtle">
                      ({t.status}
                      {t.endedOn && `, ${relativeDay(t.endedOn, day)}`})
                    </span>
                    <TargetHistory revisions={history.get(t.id)} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>

        <section class="card" aria-labelledby="profile-h">
          <h2 id="profile-h">About</h2>
          <dl class="facts">
            <dt>Support started</dt>
            <dd>{longDay(pupil.startOn)}</dd>
            <dt>Referred for</dt>
            <dd>{[...pupil.referralReasons, pupil.referralOther].filter(Boolean).join('; ') || '—'}</dd>
            <dt>Referred by</dt>
            <dd>{pupil.referredBy || '—'}</dd>
            <dt>Parental consent</dt>
            <dd>{pupil.consent}</dd>
            <dt>What helps</dt>
            <dd class="note-text">{pupil.whatHelps || '—'}</dd>
          </dl>
          {pupil.contacts.length > 0 && (
            <>
              <h3>Parents and carers</h3>
              <ul class="plain">
                {pupil.contacts.map((c) => (
                  <li key={`${c.name}-${c.phone}`}>
                    {c.name}
                    {c.relationship && ` (${c.relationship})`}
                    {c.phone && (
                      <>
                        {' · '}
                        <a href={`tel:${c.phone}`}>{c.phone}</a>
                      </>
                    )}
                    {c.email && ` · ${c.email}`}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>

      <PupilSessions total={view.total} sessions={sessions} onMore={() => setShown({ id, notes: notes + EARLIER_NOTES })} />
    </main>
  );
}

/** The pupil's notes, newest first, with how many there are in all. */
function PupilSessions({ total, sessions, onMore }: { total: number; sessions: Session[]; onMore: () => void }) {
  const earlier = total - sessions.length;
  return (
    <section class="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions and notes ({total})</h2>
      {sessions.length === 0 ? <p class="empty">No sessions yet.</p> : <SessionList sessions={sessions} />}
      {earlier > 0 && (
        <button type="button" class="secondary" onClick={onMore}>
          Show earlier notes ({earlier} more)
        </button>
      )}
    </section>
  );
}

async function removeTargetByMistake(t: Target) {
  if (!confirm(`Remove “${t.wording}”? Use this only for a target set by mistake; to finish a target, mark it achieved or dropped.`))
    return;
  try {
    await removeTarget(db, t.id);
  } catch (error) {
    showToast({ message: (error as Error).message });
  }
}

function TargetHistory({ revisions = [] }: { revisions?: readonly Revision[] }) {
  const wordings = revisions.filter((r) => typeof r.before.wording === 'string');
  if (wordings.length === 0) return null;
  return (
    <details class="history">
      <summary>Earlier wording ({wordings.length})</summary>
      <ol class="plain">
        {wordings.map((r) => (
          <li key={r.id}>
            “{String(r.before.wording)}” <span class="subtle">until {relativeMoment(r.createdAt, new Date())}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Notes shown at first, newest first: three years of a pupil's notes would take the tablet most of a second to read and lay out. */
export const NOTES_AT_FIRST = 30;
/** Notes added by each "Show earlier notes". */
const EARLIER_NOTES = 100;

function SessionList({ sessions }: { sessions: Session[] }) {
  const now = new Date();
  // The notes sit below the pupil's targets: the first few paint with the page, the rest just after.
  const first = useFirstScreenful(sessions, 5);
  return (
    <ol class="sessions">
      {first.map((s) => (
        <li key={s.id} class={`session${s.concern ? ' has-concern' : ''}${s.withdrawnAt ? ' is-withdrawn' : ''}`}>
          <a href={`/sessions/${s.id}`} class="session-head">
            {relativeMoment(s.occurredAt, now)} · {SESSION_KIND_LABELS[s.kind]}
            {s.title && ` – ${s.title}`} · {s.minutes} min
          </a>{' '}
          <SessionBadges session={s} />
          {s.note && <p class="note-text">{s.note}</p>}
        </li>
      ))}
    </ol>
  );
}
