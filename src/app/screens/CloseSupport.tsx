import { useLocation } from 'preact-iso';
import { type Closure, closeSupport, getPupil } from '../../data/index.ts';
import { CLOSE_REASONS, displayName, OUTCOMES } from '../../shared/model.ts';
import { toDay } from '../../shared/schedule.ts';
import { DraftKept, DraftNotice, SaveProblem, Select, TextArea, TextField } from '../components/forms.tsx';
import { Loading } from '../components/missing.tsx';
import { useDraft, useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

interface ClosureForm {
  closedOn: string;
  closeReason: Closure['closeReason'] | '';
  outcome: Closure['outcome'] | '';
  exitSummary: string;
}

export function CloseSupport({ id }: { id: string }) {
  const { route } = useLocation();
  const pupil = useLive(() => getPupil(db, id), [id]);
  const key = `pupil:close:${id}`;
  const draft = useDraft<ClosureForm>(key, () => ({ closedOn: toDay(new Date()), closeReason: '', outcome: '', exitSummary: '' }));
  const f = draft.value;
  const { save, saving, error } = useSave(draft, async () => {
    await closeSupport(db, id, f as Closure, { clearDraft: key });
    route(`/pupils/${id}`);
  });
  const name = pupil ? displayName(pupil) : undefined;
  useTitle(`Close support${name ? ` for ${name}` : ''}`);
  if (!draft.ready) return <Loading />;

  return (
    <main id="main" class="screen narrow">
      <h1>Close support{name ? ` for ${name}` : ''}</h1>
      <p>Their targets, notes and history stay. You can reopen support later.</p>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <form onSubmit={save}>
        <TextField label="Support ended on" type="date" value={f.closedOn} onInput={(closedOn) => draft.update({ closedOn })} />
        <Select
          label="Reason"
          required
          value={f.closeReason}
          options={CLOSE_REASONS}
          placeholder="Choose…"
          onChange={(closeReason) => draft.update({ closeReason })}
        />
        <Select
          label="Outcome"
          required
          value={f.outcome}
          options={OUTCOMES}
          placeholder="Choose…"
          onChange={(outcome) => draft.update({ outcome })}
        />
        <TextArea
          label="Exit summary"
          hint="What changed: attendance, behaviour, targets met, what happens next"
          rows={6}
          value={f.exitSummary}
          onInput={(exitSummary) => draft.update({ exitSummary })}
        />
        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving}>
            Close support
          </button>
          <a class="button secondary" href={`/pupils/${id}`}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
