import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import {
  accessOf,
  activeTargets,
  allPupils,
  changedFields,
  editSession,
  forEditing,
  getSession,
  type ReviewedTarget,
  recordSession,
  syncState,
} from '../../data/index.ts';
import { clock } from '../../shared/dates.ts';
import {
  CHECK_IN_RESULTS,
  type CheckInResult,
  displayName,
  SESSION_KIND_LABELS,
  SESSION_KINDS,
  type Session,
  type SessionKind,
  ValidationError,
} from '../../shared/model.ts';
import { safeguards } from '../../shared/roles.ts';
import { toDay } from '../../shared/schedule.ts';
import { indexNames, searchNames } from '../../shared/search.ts';
import { RESULT_LABELS } from '../components/checkins.tsx';
import { ChangedElsewhere, Choice, DraftKept, DraftNotice, SaveProblem, TextArea, TextField } from '../components/forms.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { useDraft, useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

interface SessionFields {
  kind: SessionKind;
  /** Local date and time, as a datetime-local input holds it. */
  when: string;
  minutes: string;
  title: string;
  pupilIds: string[];
  note: string;
  concern: boolean;
  /** The DSL's reason for taking a note's concern flag off (never without one). */
  clearedReason: string;
  reviews: Record<string, { result: CheckInResult | ''; word: string }>;
}

const LENGTHS = [10, 20, 30, 45, 60];
const localInput = (iso: string) => `${toDay(new Date(iso))}T${clock(iso)}`;

const fieldsOf = (s: Session): SessionFields => ({
  kind: s.kind,
  when: localInput(s.occurredAt),
  minutes: String(s.minutes),
  title: s.title,
  pupilIds: s.pupilIds,
  note: s.note,
  concern: s.concern,
  clearedReason: s.concernClearedReason ?? '',
  reviews: {},
});

/** Record a session (`/sessions/new`, optionally `?pupil=`) or edit one (`/sessions/:sessionId/edit`). */
export function SessionForm({ sessionId }: { sessionId?: string }) {
  const { query } = useLocation();
  const existing = useLive(async () => (sessionId ? await forEditing(db, 'sessions', sessionId, getSession) : null), [sessionId]);
  if (sessionId && existing === undefined) return <Loading />;
  if (sessionId && !existing) return <Missing what="Session" back="/" backLabel="Back to Today" />;
  const initial: SessionFields = existing
    ? fieldsOf(existing.record)
    : {
        kind: 'one-to-one',
        when: localInput(new Date().toISOString()),
        minutes: '20',
        title: '',
        pupilIds: query.pupil ? [query.pupil] : [],
        note: '',
        concern: false,
        clearedReason: '',
        reviews: {},
      };
  // A note started from a pupil's page has its own draft, so it never picks up a draft about someone else.
  const key = sessionId ? `session:edit:${sessionId}` : query.pupil ? `session:new:${query.pupil}` : 'session:new';
  return <SessionFormFields key={key} draftKey={key} sessionId={sessionId} initial={initial} clocks={existing?.clocks} />;
}

/** The session record a form describes; throws in words if the time cannot be read. */
function sessionOf(f: SessionFields) {
  const when = new Date(f.when);
  if (Number.isNaN(when.getTime())) throw new ValidationError(['Say when the session happened.']);
  return {
    kind: f.kind,
    occurredAt: when.toISOString(),
    minutes: Number(f.minutes),
    title: f.kind === 'group' ? f.title : '',
    pupilIds: f.pupilIds,
    note: f.note,
    concern: f.concern,
    // A reason goes with the flag taken off, never with a flag left on.
    ...(!f.concern && f.clearedReason.trim() ? { concernClearedReason: f.clearedReason.trim() } : {}),
  };
}

function SessionFormFields({
  draftKey: key,
  sessionId,
  initial,
  clocks,
}: {
  draftKey: string;
  sessionId?: string;
  /** The record as it is now (it moves on when a sync changes it), or a new note's starting point. */
  initial: SessionFields;
  clocks?: Record<string, string>;
}) {
  const { route } = useLocation();
  const draft = useDraft(key, () => initial, clocks);
  const [find, setFind] = useState('');
  const pupils = useLive(() => allPupils(db), []);
  const targets = useLive(() => activeTargets(db), []);
  const f = draft.value;
  const set = draft.update;
  // A note is flagged when it is written, or not at all (src/shared/permissions.ts): one already
  // flagged keeps its box, for the DSL to take the flag off.
  const flaggable = !sessionId || initial.concern;
  // Only the DSL or a deputy takes the flag off, saying why (permissions.ts): the box says so to others.
  const role = useLive(async () => accessOf(await syncState(db)).role, []);
  const mayClear = safeguards(role ?? 'mentor');
  const clearing = Boolean(sessionId && initial.concern && !f.concern);

  const caseload = useMemo(() => (pupils ?? []).filter((p) => p.status === 'active' || f.pupilIds.includes(p.id)), [pupils, f.pupilIds]);
  const index = useMemo(() => indexNames(caseload), [caseload]);
  const listed = useMemo(() => searchNames(index, find), [index, find]);
  const names = new Map((pupils ?? []).map((p) => [p.id, displayName(p)]));
  const reviewable = (targets ?? []).filter((t) => f.pupilIds.includes(t.pupilId));

  const toggle = (id: string, on: boolean) => set({ pupilIds: on ? [...f.pupilIds, id] : f.pupilIds.filter((p) => p !== id) });
  const review = (targetId: string, patch: Partial<{ result: CheckInResult | ''; word: string }>) =>
    set({ reviews: { ...f.reviews, [targetId]: { result: '', word: '', ...f.reviews[targetId], ...patch } } });

  const { save, saving, error } = useSave(draft, async () => {
    if (sessionId) {
      // Only what the mentor changed from what the form opened on: not what another tablet changed since.
      const opened = draft.opened?.fields ?? initial;
      await editSession(db, sessionId, changedFields(sessionOf(opened), sessionOf(f)), { clearDraft: key, base: draft.opened?.clocks });
      route(`/sessions/${sessionId}`);
      return;
    }
    const reviewed: ReviewedTarget[] = reviewable.flatMap((t) => {
      const r = f.reviews[t.id];
      return r?.result ? [{ targetId: t.id, pupilId: t.pupilId, result: r.result, word: r.word.trim() }] : [];
    });
    const id = await recordSession(db, sessionOf(f), reviewed, { clearDraft: key });
    // A flagged note is not a concern the DSL is told of: the concern is recorded next, about the
    // note's (first) pupil and linked to it.
    if (f.concern && f.pupilIds[0]) route(`/concerns/new?pupil=${f.pupilIds[0]}&session=${id}`);
    else route(f.pupilIds.length === 1 ? `/pupils/${f.pupilIds[0]}` : `/sessions/${id}`);
  });
  useTitle(sessionId ? 'Edit session' : 'New session note');
  if (!draft.ready) return <Loading />;

  return (
    <main id="main" class="screen narrow">
      <h1>{sessionId ? 'Edit session' : 'New session note'}</h1>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <ChangedElsewhere opened={draft.opened?.fields} now={initial} />
      <form onSubmit={save} class="session-form">
        <Choice
          legend="Kind of session"
          name="kind"
          options={SESSION_KINDS}
          labels={SESSION_KIND_LABELS}
          value={f.kind}
          onChange={(kind) => set({ kind })}
        />
        <div class="row">
          <TextField label="When it happened" type="datetime-local" value={f.when} onInput={(when) => set({ when })} name="when" />
          <TextField label="Length in minutes" type="number" value={f.minutes} onInput={(minutes) => set({ minutes })} name="minutes" />
        </div>
        <fieldset class="quick-lengths">
          <legend class="visually-hidden">Common lengths</legend>
          {LENGTHS.map((m) => (
            <button type="button" key={m} class="small" aria-pressed={f.minutes === String(m)} onClick={() => set({ minutes: String(m) })}>
              {m} min
            </button>
          ))}
        </fieldset>
        {f.kind === 'group' && (
          <TextField label="Group name" hint="e.g. Year 7 homework club" value={f.title} onInput={(title) => set({ title })} name="title" />
        )}

        <fieldset class="register">
          <legend>
            {f.kind === 'group' ? 'Who came (register)' : 'Pupil'} <span class="required">(required)</span>
          </legend>
          {f.pupilIds.length > 0 && (
            <p class="chosen">
              {f.pupilIds.length} chosen: {f.pupilIds.map((id) => names.get(id) ?? '…').join(', ')}
            </p>
          )}
          <label class="visually-hidden" for="register-find">
            Find a pupil to add
          </label>
          <input
            id="register-find"
            type="search"
            placeholder="Find a pupil"
            value={find}
            autoComplete="off"
            onInput={(e) => setFind(e.currentTarget.value)}
          />
          <ul class="register-list">
            {listed.map((p) => (
              <li key={p.id}>
                <label class="check-option">
                  <input type="checkbox" checked={f.pupilIds.includes(p.id)} onChange={(e) => toggle(p.id, e.currentTarget.checked)} />
                  <span>
                    {displayName(p)} <span class="subtle">{p.yearGroup}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>

        <TextArea label="Note" rows={8} value={f.note} onInput={(note) => set({ note })} name="note" />

        {flaggable && (
          <>
            <label class={`check-option concern-toggle${f.concern ? ' on' : ''}`}>
              <input
                type="checkbox"
                checked={f.concern}
                onChange={(e) => set({ concern: e.currentTarget.checked })}
                name="concern"
                aria-describedby="concern-hint"
                disabled={Boolean(sessionId && initial.concern && !mayClear)}
              />
              <span>
                <strong>Safeguarding concern</strong> – the Designated Safeguarding Lead must see this today
              </span>
            </label>
            <p id="concern-hint" class="hint">
              {sessionId
                ? `Only its author and the DSL read a note flagged as a concern.${mayClear ? '' : ' Only the DSL can take the flag off.'}`
                : 'Only you and the DSL will read a note flagged as a concern; you record the concern for the DSL next.'}
            </p>
            {clearing && (
              <TextField
                label="Why is the flag taken off?"
                required
                value={f.clearedReason}
                onInput={(clearedReason) => set({ clearedReason })}
                name="clearedReason"
              />
            )}
          </>
        )}
        {!flaggable && (
          <p class="subtle">
            A concern that came up since this note was written is recorded as a concern, from the pupil’s page: the note has already gone to
            every mentor who supports the pupil.
          </p>
        )}

        {!sessionId && reviewable.length > 0 && (
          <fieldset class="reviews">
            <legend>Targets reviewed in this session</legend>
            {reviewable.map((t) => {
              const r = f.reviews[t.id];
              return (
                <fieldset key={t.id} class="review">
                  <legend>
                    {names.get(t.pupilId)}: {t.wording}
                  </legend>
                  <div class="choice inline">
                    {(['', ...CHECK_IN_RESULTS] as const).map((result) => (
                      <label key={result || 'none'} class="choice-option">
                        <input
                          type="radio"
                          name={`review-${t.id}`}
                          checked={(r?.result ?? '') === result}
                          onChange={() => review(t.id, { result })}
                        />
                        <span>{result ? RESULT_LABELS[result] : 'Not reviewed'}</span>
                      </label>
                    ))}
                  </div>
                  {r?.result && <TextField label="A word (optional)" value={r.word} onInput={(word) => review(t.id, { word })} />}
                </fieldset>
              );
            })}
          </fieldset>
        )}
        {sessionId && <p class="hint">Check-ins made in this session are changed on each pupil’s page.</p>}

        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions sticky">
          <button type="submit" class="primary" disabled={saving}>
            {sessionId ? 'Save changes' : 'Save note'}
          </button>
          <a class="button secondary" href={sessionId ? `/sessions/${sessionId}` : '/'}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
