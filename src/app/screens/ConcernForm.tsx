/**
 * Recording a safeguarding concern: what was seen or said, in the child's words, for the DSL. It is
 * saved on the tablet at once and goes to the DSL at the next sync; the page after it says plainly
 * whether the DSL has it yet.
 */
import { useLocation } from 'preact-iso';
import { getPupil, recordConcern } from '../../data/index.ts';
import { CONCERN_CATEGORIES, type ConcernCategory, displayName } from '../../shared/model.ts';
import { DraftKept, DraftNotice, SaveProblem, Select, TextArea, TextField } from '../components/forms.tsx';
import { Loading } from '../components/missing.tsx';
import { useDraft, useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';
import { requestSync } from '../sync.ts';

interface ConcernDraft {
  category: ConcernCategory | '';
  account: string;
  noticedAt: string;
  toldWhom: string;
  toldAt: string;
}

/** A moment as a datetime-local input shows it (the tablet's own time), and back. */
const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const moment = (value: string) => new Date(value).toISOString();

export function ConcernForm() {
  const { query, route } = useLocation();
  const pupilId = query.pupil ?? '';
  const sessionId = query.session;
  const pupil = useLive(() => getPupil(db, pupilId), [pupilId]);
  const key = `concern:new:${pupilId}`;
  const draft = useDraft<ConcernDraft>(key, () => ({ category: '', account: '', noticedAt: local(new Date()), toldWhom: '', toldAt: '' }));
  const f = draft.value;
  const { save, saving, error } = useSave(draft, async () => {
    const id = await recordConcern(
      db,
      {
        pupilId,
        ...(sessionId ? { sessionId } : {}),
        category: f.category as ConcernCategory,
        account: f.account,
        noticedAt: moment(f.noticedAt),
        toldWhom: f.toldWhom,
        ...(f.toldAt ? { toldAt: moment(f.toldAt) } : {}),
      },
      { clearDraft: key },
    );
    // A concern goes now if it can: not in three seconds, nor at the end of the day.
    void requestSync();
    route(`/concerns/${id}`);
  });
  const name = pupil ? displayName(pupil) : undefined;
  useTitle(`Record a concern${name ? ` about ${name}` : ''}`);
  if (!draft.ready || pupil === undefined) return <Loading />;

  return (
    <main id="main" class="screen narrow">
      <h1>Record a safeguarding concern{name ? ` about ${name}` : ''}</h1>
      <p class="banner-concern" role="note">
        If the child may be at risk now, speak to the Designated Safeguarding Lead in person straight away, then record it here.
      </p>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <form onSubmit={save}>
        <Select
          label="What is it about?"
          required
          value={f.category}
          options={CONCERN_CATEGORIES}
          placeholder="Choose…"
          onChange={(category) => draft.update({ category })}
        />
        <TextArea
          label="What was seen or said"
          hint="The child’s own words where they spoke; what you saw. Facts, not opinions."
          rows={8}
          value={f.account}
          onInput={(account) => draft.update({ account })}
        />
        <TextField
          label="When it was seen or said"
          type="datetime-local"
          value={f.noticedAt}
          onInput={(noticedAt) => draft.update({ noticedAt })}
        />
        <TextField
          label="Who you told in person"
          hint="The DSL, a deputy, the head: leave empty if no one yet"
          value={f.toldWhom}
          onInput={(toldWhom) => draft.update({ toldWhom })}
        />
        <TextField label="When you told them" type="datetime-local" value={f.toldAt} onInput={(toldAt) => draft.update({ toldAt })} />
        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving}>
            Save the concern
          </button>
          <a class="button secondary" href={pupilId ? `/pupils/${pupilId}` : '/'}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
