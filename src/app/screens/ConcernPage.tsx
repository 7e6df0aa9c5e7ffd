/**
 * One safeguarding concern: what was recorded, whether the DSL has it yet, and what the DSL did
 * about it. The DSL and deputies acknowledge it and record actions here. A mentor who may not read
 * it sees only that it was recorded, and is asked to speak to the DSL. Opening its text is recorded
 * for the audit trail, offline too.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  accessOf,
  type ConcernActionInput,
  concernPage,
  getPupil,
  noteConcernOpened,
  recordConcernAction,
  syncState,
} from '../../data/index.ts';
import { actionProblem, concernStatus, firstAcknowledgement, openActions } from '../../shared/concerns.ts';
import { relativeMoment } from '../../shared/dates.ts';
import { CONCERN_ACTIONS, type ConcernAction, type ConcernActionKind, displayName, isNotice } from '../../shared/model.ts';
import { safeguards } from '../../shared/roles.ts';
import { toDay } from '../../shared/schedule.ts';
import { writtenAndChanged } from '../../shared/versions.ts';
import { AuditTrail } from '../components/audit-trail.tsx';
import { ConcernVersions } from '../components/conflicts.tsx';
import { SaveProblem, Select, TextArea, TextField } from '../components/forms.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { EarlierVersions, provenance } from '../components/versions.tsx';
import { useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';
import { useObservable } from '../observable.ts';
import { requestSync, syncActivity } from '../sync.ts';

const time = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });

export function ConcernPage({ id }: { id: string }) {
  const view = useLive(async () => {
    const [held, state] = await Promise.all([concernPage(db, id), syncState(db)]);
    const pupil = held ? await getPupil(db, held.concern.pupilId) : undefined;
    return { held, state, waiting: held?.waiting ?? false, pupil, tablet: held?.thisTablet };
  }, [id]);
  const activity = useObservable(syncActivity);
  const readable = Boolean(view?.held && !isNotice(view.held.concern));
  // The audit trail: this mentor opened its text here, now.
  useEffect(() => {
    if (readable) void noteConcernOpened(db, id).catch(() => undefined);
  }, [id, readable]);
  useTitle(view?.pupil ? `Concern about ${displayName(view.pupil)}` : 'Concern');
  if (view === undefined) return <Loading />;
  const { held, state, waiting, pupil } = view;
  if (!held) return <Missing what="Concern" back="/" backLabel="Back to Today" />;
  const name = pupil ? displayName(pupil) : 'a pupil';
  const concern = held.concern;
  if (isNotice(concern)) {
    return (
      <main id="main" class="screen narrow">
        <h1>A concern about {name}</h1>
        <p class="banner-concern" role="note">
          A concern was recorded on {day(concern.createdAt)}; speak to the Designated Safeguarding Lead.
        </p>
        <p>Only the mentor who recorded it and the DSL read what it says.</p>
      </main>
    );
  }
  const names = new Map((state.mentors ?? []).map((m) => [m.id, m.name]));
  const who = (mentorId: string | null | undefined) => (mentorId && names.get(mentorId)) || 'this tablet';
  const seen = firstAcknowledgement(held.actions);
  const status = concernStatus(held.actions);
  const { role } = accessOf(state);
  const stillOpen = new Set(openActions(held.actions).map((a) => a.id));
  const now = new Date();
  const { written, changed } = writtenAndChanged(concern, held.history);
  return (
    <main id="main" class="screen narrow">
      <h1>Safeguarding concern about {name}</h1>
      {waiting ? (
        <div class="banner-concern" role="alert">
          <p>
            <strong>The DSL has not got this yet.</strong> It is saved on this tablet only
            {activity.online ? ', and is being sent.' : ': the tablet is offline.'} If the child may be at risk now, speak to the DSL in
            person.
          </p>
          <button type="button" class="primary" disabled={activity.running} onClick={() => void requestSync()}>
            Send now
          </button>
        </div>
      ) : seen ? (
        <p class="status-seen">
          Seen by the DSL at {time(seen.createdAt)} on {day(seen.createdAt)} ({who(seen.mentorId)}).
        </p>
      ) : (
        <p class="status-sent">With the school: the DSL has not acknowledged it yet.</p>
      )}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{status}</dd>
        <dt>About</dt>
        <dd>{concern.category}</dd>
        <dt>Seen or said</dt>
        <dd>{relativeMoment(concern.noticedAt, now)}</dd>
        <dt>Recorded by</dt>
        <dd>{provenance(written, names, now)}</dd>
        {changed && (
          <>
            <dt>Last changed</dt>
            <dd>{provenance(changed, names, now)}</dd>
          </>
        )}
        {concern.toldWhom && (
          <>
            <dt>Told in person</dt>
            <dd>
              {concern.toldWhom}
              {concern.toldAt && `, ${relativeMoment(concern.toldAt, now)}`}
            </dd>
          </>
        )}
      </dl>
      <p class="note-text">{concern.account}</p>
      <EarlierVersions record={concern} revisions={held.history} fields={CONCERN_FIELDS} names={names} open />
      <ConcernVersions concernId={id} thisTablet={view.tablet} mentors={state.mentors ?? []} />

      <section aria-labelledby="actions-h">
        <h2 id="actions-h">What the DSL did</h2>
        {held.actions.length === 0 ? (
          <p class="empty">Nothing recorded yet.</p>
        ) : (
          <ol class="concern-actions">
            {held.actions.map((a) => (
              <li key={a.id}>
                <strong>{a.action}</strong> · {a.on} · {who(a.mentorId)}
                {stillOpen.has(a.id) && ' · still open'}
                {a.note && <p class="note-text">{a.note}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
      {safeguards(role) && <DslActions concernId={id} actions={held.actions} />}
      {safeguards(role) && <AuditTrail pupilId={concern.pupilId} concernId={id} />}
    </main>
  );
}

/** A concern's fields whose earlier versions are shown on it, in full view. */
const CONCERN_FIELDS = { account: 'what was seen or said', category: 'what it is about', toldWhom: 'who was told in person' };

const ACTION_CHOICES = CONCERN_ACTIONS.filter((a) => a !== 'acknowledged');

/** The DSL's part: acknowledge it, and record what was done. */
function DslActions({ concernId, actions }: { concernId: string; actions: ConcernAction[] }) {
  const [form, setForm] = useState<{ action: ConcernActionKind | ''; note: string; on: string; stillOpen: boolean; completes: string }>({
    action: '',
    note: '',
    on: toDay(new Date()),
    stillOpen: false,
    completes: '',
  });
  const record = (input: Omit<ConcernActionInput, 'concernId'>) =>
    recordConcernAction(db, { concernId, ...input }).then(() => void requestSync());
  const acknowledge = useSave(undefined, () => record({ action: 'acknowledged', note: '', on: toDay(new Date()), stillOpen: false }));
  const act = useSave(undefined, async () => {
    await record({
      action: form.action as ConcernActionKind,
      note: form.note,
      on: form.on,
      stillOpen: form.stillOpen,
      ...(form.completes ? { completes: form.completes } : {}),
    });
    setForm({ ...form, action: '', note: '', stillOpen: false, completes: '' });
  });
  const open = openActions(actions);
  const problem = form.action
    ? actionProblem(actions, { action: form.action, ...(form.completes ? { completes: form.completes } : {}) })
    : undefined;
  return (
    <section aria-labelledby="dsl-h" class="card">
      <h2 id="dsl-h">As the DSL</h2>
      {!firstAcknowledgement(actions) && (
        <p>
          <button type="button" class="primary" disabled={acknowledge.saving} onClick={() => void acknowledge.save()}>
            Acknowledge
          </button>
        </p>
      )}
      <SaveProblem error={acknowledge.error} />
      <form onSubmit={act.save}>
        <Select
          label="What was done"
          required
          value={form.action}
          options={ACTION_CHOICES}
          placeholder="Choose…"
          onChange={(action) => setForm({ ...form, action })}
        />
        <TextArea label="Note" value={form.note} onInput={(note) => setForm({ ...form, note })} />
        <TextField label="Done on" type="date" value={form.on} onInput={(on) => setForm({ ...form, on })} />
        <label class="check">
          <input type="checkbox" checked={form.stillOpen} onChange={(e) => setForm({ ...form, stillOpen: e.currentTarget.checked })} />{' '}
          Still open: waiting for an answer
        </label>
        {open.length > 0 && (
          <Select
            label="Follows up"
            value={form.completes}
            options={['', ...open.map((a) => a.id)]}
            labels={Object.fromEntries([['', 'Nothing still open'], ...open.map((a) => [a.id, `${a.action} (${a.on})`])])}
            onChange={(completes) => setForm({ ...form, completes })}
          />
        )}
        {problem && <p class="field-problem">{problem}</p>}
        <SaveProblem error={act.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={act.saving || !form.action || Boolean(problem)}>
            Record it
          </button>
        </div>
      </form>
    </section>
  );
}
