import { useState } from 'preact/hooks';
import {
  accessOf,
  addAddendum,
  addendaOf,
  allPupils,
  checkInsIn,
  getSession,
  historyOf,
  syncState,
  targetsOf,
  withdrawSession,
} from '../../data/index.ts';
import { clock, longDay, relativeMoment } from '../../shared/dates.ts';
import { displayName, SESSION_KIND_LABELS } from '../../shared/model.ts';
import { notAllowed } from '../../shared/permissions.ts';
import { toDay } from '../../shared/schedule.ts';
import { writtenAndChanged } from '../../shared/versions.ts';
import { SessionBadges } from '../components/badges.tsx';
import { RESULT_LABELS } from '../components/checkins.tsx';
import { ConflictNotes } from '../components/conflicts.tsx';
import { SaveProblem, TextArea } from '../components/forms.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { EarlierVersions, provenance } from '../components/versions.tsx';
import { useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

export function SessionPage({ sessionId }: { sessionId: string }) {
  const view = useLive(async () => {
    const session = await getSession(db, sessionId);
    if (!session) return null;
    const [pupils, checkIns, history, addenda, state] = await Promise.all([
      allPupils(db),
      checkInsIn(db, sessionId),
      historyOf(db, sessionId, 'sessions'),
      addendaOf(db, sessionId),
      syncState(db),
    ]);
    const targets = (await Promise.all(session.pupilIds.map((p) => targetsOf(db, p)))).flat();
    const { mentorId, role } = accessOf(state);
    const me = mentorId ? { mentorId, role } : undefined;
    // A note not this mentor's is not theirs to change: the endpoint would refuse it. They add an addendum.
    const notTheirs =
      me && notAllowed(me, { table: 'sessions', op: 'update', values: {} }, { authorId: session.authorId, fields: session });
    return {
      session,
      pupils: new Map(pupils.map((p) => [p.id, p])),
      checkIns,
      history,
      addenda,
      notTheirs,
      mentors: new Map((state.mentors ?? []).map((m) => [m.id, m.name])),
      targets: new Map(targets.map((t) => [t.id, t])),
    };
  }, [sessionId]);
  const [withdrawing, setWithdrawing] = useState(false);
  const [adding, setAdding] = useState('');
  const addendum = useSave(undefined, async () => {
    await addAddendum(db, sessionId, adding);
    setAdding('');
  });
  const [reason, setReason] = useState('');
  const withdrawal = useSave(undefined, async () => {
    await withdrawSession(db, sessionId, reason);
    setWithdrawing(false);
  });
  const shown = view?.session;
  useTitle(shown ? `${SESSION_KIND_LABELS[shown.kind]}${shown.title ? ` – ${shown.title}` : ''}` : undefined);

  if (view === undefined) return <Loading />;
  if (view === null) return <Missing what="Session" back="/" backLabel="Back to Today" />;
  const { pupils, checkIns, history, targets, addenda, notTheirs, mentors } = view;
  const s = view.session;
  const now = new Date();
  const { written, changed } = writtenAndChanged(s, history);

  return (
    <main id="main" class={`screen narrow${s.withdrawnAt ? ' is-withdrawn' : ''}`}>
      <h1>
        {SESSION_KIND_LABELS[s.kind]}
        {s.title && ` – ${s.title}`}
      </h1>
      <p>
        <SessionBadges session={s} />
      </p>
      {s.withdrawnAt && (
        <p class="notice" role="note">
          Withdrawn {relativeMoment(s.withdrawnAt, now)}: {s.withdrawnReason}. It stays in the record.
        </p>
      )}
      <dl class="facts">
        <dt>When</dt>
        <dd>
          {longDay(toDay(new Date(s.occurredAt)))} at {clock(s.occurredAt)}, {s.minutes} minutes
        </dd>
        <dt>Written</dt>
        <dd>{provenance(written, mentors, now)}</dd>
        {changed && (
          <>
            <dt>Last changed</dt>
            <dd>{provenance(changed, mentors, now)}</dd>
          </>
        )}
        <dt>{s.pupilIds.length === 1 ? 'Pupil' : `Pupils (${s.pupilIds.length})`}</dt>
        <dd>
          <ul class="inline-list">
            {s.pupilIds.map((id) => {
              const p = pupils.get(id);
              return <li key={id}>{p ? <a href={`/pupils/${id}`}>{displayName(p)}</a> : 'a pupil no longer on this tablet'}</li>;
            })}
          </ul>
        </dd>
      </dl>
      <ConflictNotes recordId={s.id} />
      <h2>Note</h2>
      <p class="note-text">{s.note || <span class="subtle">No note written.</span>}</p>
      {addenda.length > 0 && (
        <section aria-labelledby="addenda-h">
          <h2 id="addenda-h">Addenda</h2>
          <ol class="plain">
            {addenda.map((a) => (
              <li key={a.id}>
                <p class="subtle">
                  {provenance({ by: a.authorId ?? a.mentorId ?? undefined, at: a.createdAt, receivedAt: a.receivedAt }, mentors, now)}:
                </p>
                <p class="note-text">{a.note}</p>
              </li>
            ))}
          </ol>
        </section>
      )}

      {checkIns.length > 0 && (
        <>
          <h2>Targets reviewed</h2>
          <ul class="plain">
            {checkIns.map((c) => (
              <li key={c.id}>
                {displayName(pupils.get(c.pupilId) ?? { name: '…', preferredName: '' })}: {targets.get(c.targetId)?.wording ?? 'a target'} –{' '}
                <strong>{RESULT_LABELS[c.result]}</strong>
                {c.word && ` (“${c.word}”)`}
              </li>
            ))}
          </ul>
        </>
      )}

      <EarlierVersions record={s} revisions={history} fields={{ note: 'the note' }} names={mentors} title="Earlier versions of the note" />

      {!s.withdrawnAt && notTheirs && (
        <form onSubmit={addendum.save} class="card">
          <p>{notTheirs}</p>
          <TextArea label="Your addendum" value={adding} onInput={setAdding} />
          <SaveProblem error={addendum.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={addendum.saving || !adding.trim()}>
              Add the addendum
            </button>
          </div>
        </form>
      )}
      {!s.withdrawnAt && !notTheirs && (
        <div class="actions">
          <a class="button secondary" href={`/sessions/${s.id}/edit`}>
            Edit
          </a>
          <button type="button" class="secondary" onClick={() => setWithdrawing(true)} aria-expanded={withdrawing}>
            Withdraw…
          </button>
        </div>
      )}
      {withdrawing && (
        <form onSubmit={withdrawal.save} class="card">
          <p>A withdrawn note is not erased: it stays in the record, marked as withdrawn, with your reason.</p>
          <TextArea label="Why withdraw it?" value={reason} onInput={setReason} />
          <SaveProblem error={withdrawal.error} />
          <div class="actions">
            <button type="submit" class="primary" disabled={withdrawal.saving}>
              Withdraw note
            </button>
            <button type="button" class="secondary" onClick={() => setWithdrawing(false)}>
              Keep it
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
