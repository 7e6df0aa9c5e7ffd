import { useLocation } from 'preact-iso';
import { changedFields, endTarget, forEditing, getPupil, getTarget, reviseTarget, setTarget, type TargetInput } from '../../data/index.ts';
import { displayName, RHYTHMS, type Rhythm, type Target } from '../../shared/model.ts';
import { toDay } from '../../shared/schedule.ts';
import { ChangedElsewhere, Choice, DraftKept, DraftNotice, SaveProblem, TextField } from '../components/forms.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { useDraft, useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

const RHYTHM_LABELS: Record<Rhythm, string> = { daily: 'Every school day', weekly: 'Once a week', weekdays: 'On chosen days' };
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export type TargetFields = Pick<Target, 'wording' | 'howWeKnow' | 'rhythm' | 'weekdays' | 'startOn'> & { reviewOn: string };

export const blankTarget = (): TargetFields => ({
  wording: '',
  howWeKnow: '',
  rhythm: 'daily',
  weekdays: [],
  startOn: toDay(new Date()),
  reviewOn: '',
});

/** The fields of a target; shared by setting, rewording and "set the next one". */
export function TargetFieldset({ f, set }: { f: TargetFields; set: (patch: Partial<TargetFields>) => void }) {
  return (
    <>
      <TextField
        label="The target"
        required
        hint="Small and concrete, ideally in the pupil’s own words"
        value={f.wording}
        onInput={(wording) => set({ wording })}
        name="wording"
      />
      <TextField label="How we’ll know" value={f.howWeKnow} onInput={(howWeKnow) => set({ howWeKnow })} name="howWeKnow" />
      <Choice
        legend="Check in"
        name="rhythm"
        options={RHYTHMS}
        labels={RHYTHM_LABELS}
        value={f.rhythm}
        onChange={(rhythm) => set({ rhythm })}
      />
      {f.rhythm === 'weekdays' && (
        <fieldset class="checkboxes weekdays">
          <legend>On these days</legend>
          {WEEKDAYS.map((name, i) => (
            <label key={name} class="check-option">
              <input
                type="checkbox"
                checked={f.weekdays.includes(i + 1)}
                onChange={(e) =>
                  set({ weekdays: e.currentTarget.checked ? [...f.weekdays, i + 1].sort() : f.weekdays.filter((d) => d !== i + 1) })
                }
              />
              <span>{name}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div class="row">
        <TextField label="Starts" type="date" value={f.startOn} onInput={(startOn) => set({ startOn })} />
        <TextField label="Review by (optional)" type="date" value={f.reviewOn} onInput={(reviewOn) => set({ reviewOn })} />
      </div>
    </>
  );
}

export const targetInput = (pupilId: string, f: TargetFields): TargetInput => ({
  pupilId,
  wording: f.wording,
  howWeKnow: f.howWeKnow,
  rhythm: f.rhythm,
  weekdays: f.rhythm === 'weekdays' ? f.weekdays : [],
  startOn: f.startOn,
  reviewOn: f.reviewOn || undefined,
});

/** Set a new target (`/pupils/:id/targets/new`) or reword one (`/targets/:targetId/edit`). */
export function TargetForm({ id, targetId }: { id?: string; targetId?: string }) {
  const existing = useLive(async () => (targetId ? await forEditing(db, 'targets', targetId, getTarget) : null), [targetId]);
  if (targetId && existing === undefined) return <Loading />;
  if (targetId && !existing) return <TargetMissing />;
  const target = existing?.record;
  const initial = target ? { ...target, reviewOn: target.reviewOn ?? '' } : blankTarget();
  return (
    <TargetFormFields
      key={targetId ?? id}
      pupilId={target?.pupilId ?? (id as string)}
      targetId={targetId}
      initial={initial}
      clocks={existing?.clocks}
    />
  );
}

const TargetMissing = () => <Missing what="Target" back="/pupils" backLabel="Back to the caseload" />;

function TargetFormFields({
  pupilId,
  targetId,
  initial,
  clocks,
}: {
  pupilId: string;
  targetId?: string;
  initial: TargetFields;
  clocks?: Record<string, string>;
}) {
  const { route } = useLocation();
  const pupil = useLive(() => getPupil(db, pupilId), [pupilId]);
  const key = targetId ? `target:edit:${targetId}` : `target:new:${pupilId}`;
  const draft = useDraft(key, () => initial, clocks);
  const opened = targetInput(pupilId, draft.opened?.fields ?? initial);
  const { save, saving, error } = useSave(draft, async () => {
    const input = targetInput(pupilId, draft.value);
    // Only what the mentor changed from what the form opened on: not what another tablet changed since.
    if (targetId) await reviseTarget(db, targetId, changedFields(opened, input), { clearDraft: key, base: draft.opened?.clocks });
    else await setTarget(db, input, { clearDraft: key });
    route(`/pupils/${pupilId}`);
  });
  const title = `${targetId ? 'Change the target' : 'Set a target'}${pupil ? ` for ${displayName(pupil)}` : ''}`;
  useTitle(title);
  if (!draft.ready) return <Loading />;

  return (
    <main id="main" class="screen narrow">
      <h1>{title}</h1>
      {targetId && <p class="hint">The earlier wording is kept in the target’s history.</p>}
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <ChangedElsewhere opened={draft.opened && opened} now={targetInput(pupilId, initial)} />
      <form onSubmit={save}>
        <TargetFieldset f={draft.value} set={draft.update} />
        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving}>
            {targetId ? 'Save target' : 'Set target'}
          </button>
          <a class="button secondary" href={`/pupils/${pupilId}`}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}

interface EndFields {
  status: 'achieved' | 'dropped';
  endedOn: string;
  setNext: boolean;
  next: TargetFields;
}

/** Mark a target achieved or dropped, and set the next one in the same save. */
export function EndTarget({ targetId }: { targetId: string }) {
  const { route, query } = useLocation();
  const target = useLive(async () => (await getTarget(db, targetId)) ?? null, [targetId]);
  const key = `target:end:${targetId}`;
  const draft = useDraft<EndFields>(key, () => ({
    status: query.as === 'dropped' ? 'dropped' : 'achieved',
    endedOn: toDay(new Date()),
    setNext: true,
    next: blankTarget(),
  }));
  const f = draft.value;
  const { save, saving, error } = useSave(draft, async () => {
    if (!target) return;
    const next = f.setNext ? targetInput(target.pupilId, f.next) : undefined;
    await endTarget(db, targetId, { status: f.status, endedOn: f.endedOn }, next, { clearDraft: key });
    route(`/pupils/${target.pupilId}`);
  });
  useTitle(target ? `Finish “${target.wording}”` : 'Finish a target');
  if (target === undefined || !draft.ready) return <Loading />;
  if (target === null) return <TargetMissing />;

  return (
    <main id="main" class="screen narrow">
      <h1>Finish “{target.wording}”</h1>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <form onSubmit={save}>
        <Choice
          legend="This target was"
          name="status"
          options={['achieved', 'dropped'] as const}
          labels={{ achieved: 'Achieved', dropped: 'Dropped' }}
          value={f.status}
          onChange={(status) => draft.update({ status })}
        />
        <TextField label="On" type="date" value={f.endedOn} onInput={(endedOn) => draft.update({ endedOn })} />
        <label class="check-option">
          <input type="checkbox" checked={f.setNext} onChange={(e) => draft.update({ setNext: e.currentTarget.checked })} />
          <span>Set the next target now</span>
        </label>
        {f.setNext && (
          <fieldset>
            <legend>The next target</legend>
            <TargetFieldset f={f.next} set={(patch) => draft.update({ next: { ...f.next, ...patch } })} />
          </fieldset>
        )}
        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving}>
            Save
          </button>
          <a class="button secondary" href={`/pupils/${target.pupilId}`}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
