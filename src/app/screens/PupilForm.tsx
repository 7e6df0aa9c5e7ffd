import { useLocation } from 'preact-iso';
import { addPupil, changedFields, editPupil, forEditing, getPupil, type PupilInput } from '../../data/index.ts';
import { CONSENT, type Contact, type Pupil, REFERRAL_REASONS, YEAR_GROUPS } from '../../shared/model.ts';
import { toDay } from '../../shared/schedule.ts';
import {
  ChangedElsewhere,
  Checkboxes,
  Choice,
  DraftKept,
  DraftNotice,
  SaveProblem,
  Select,
  TextArea,
  TextField,
} from '../components/forms.tsx';
import { Loading, Missing } from '../components/missing.tsx';
import { useDraft, useLive, useSave, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';

const blank = (): PupilInput => ({
  name: '',
  preferredName: '',
  yearGroup: '',
  form: '',
  schoolRef: '',
  referralReasons: [],
  referralOther: '',
  referredBy: '',
  consent: 'not yet asked',
  startOn: toDay(new Date()),
  contacts: [],
  whatHelps: '',
});

const EDITABLE = Object.keys(blank()) as (keyof PupilInput)[];
const editable = (p: Pupil): PupilInput => Object.fromEntries(EDITABLE.map((k) => [k, p[k]])) as unknown as PupilInput;

export function PupilForm({ id }: { id?: string }) {
  const pupil = useLive(async () => (id ? await forEditing(db, 'pupils', id, getPupil) : null), [id]);
  if (id && pupil === undefined) return <Loading />;
  if (id && pupil === null) return <Missing what="Pupil" back="/pupils" backLabel="Back to the caseload" />;
  return <PupilFormFields key={id ?? 'new'} id={id} initial={pupil ? editable(pupil.record) : blank()} clocks={pupil?.clocks} />;
}

function PupilFormFields({ id, initial, clocks }: { id?: string; initial: PupilInput; clocks?: Record<string, string> }) {
  const { route } = useLocation();
  const key = id ? `pupil:edit:${id}` : 'pupil:new';
  const draft = useDraft(key, () => initial, clocks);
  const f = draft.value;
  const set = draft.update;
  const { save, saving, error } = useSave(draft, async () => {
    // Only what the mentor changed from what the form opened on: not what another tablet changed since.
    if (id) await editPupil(db, id, changedFields(draft.opened?.fields ?? initial, f), { clearDraft: key, base: draft.opened?.clocks });
    route(`/pupils/${id ?? (await addPupil(db, f, { clearDraft: key }))}`);
  });
  useTitle(id ? `Edit ${initial.name}` : 'Add a pupil');
  if (!draft.ready) return <Loading />;

  const setContact = (i: number, patch: Partial<Contact>) =>
    set({ contacts: f.contacts.map((c, j) => (i === j ? { ...c, ...patch } : c)) });

  return (
    <main id="main" class="screen narrow">
      <h1>{id ? `Edit ${initial.name}` : 'Add a pupil'}</h1>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <ChangedElsewhere opened={draft.opened?.fields} now={initial} />
      <form onSubmit={save}>
        <div class="row">
          <TextField label="Full name" value={f.name} onInput={(name) => set({ name })} required name="name" autoComplete="off" />
          <TextField
            label="Preferred name"
            hint="What they like to be called, if different"
            value={f.preferredName}
            onInput={(preferredName) => set({ preferredName })}
            name="preferredName"
          />
        </div>
        <div class="row">
          <Select
            label="Year group"
            required
            value={f.yearGroup}
            options={YEAR_GROUPS}
            placeholder="Choose…"
            onChange={(yearGroup) => set({ yearGroup })}
          />
          <TextField label="Form or class" value={f.form} onInput={(form) => set({ form })} name="form" />
          <TextField
            label="School pupil reference"
            hint="UPN or MIS id, if known"
            value={f.schoolRef}
            onInput={(schoolRef) => set({ schoolRef })}
            name="schoolRef"
          />
        </div>
        <Checkboxes
          legend="Why they were referred"
          options={REFERRAL_REASONS}
          values={f.referralReasons}
          onChange={(referralReasons) => set({ referralReasons })}
        />
        <TextField label="Other reason" value={f.referralOther} onInput={(referralOther) => set({ referralOther })} name="referralOther" />
        <div class="row">
          <TextField label="Referred by" value={f.referredBy} onInput={(referredBy) => set({ referredBy })} name="referredBy" />
          <TextField label="Support started" type="date" value={f.startOn} onInput={(startOn) => set({ startOn })} name="startOn" />
        </div>
        <Choice legend="Parental consent" name="consent" options={CONSENT} value={f.consent} onChange={(consent) => set({ consent })} />
        <TextArea
          label="What helps"
          hint="A line or two for anyone working with them"
          value={f.whatHelps}
          onInput={(whatHelps) => set({ whatHelps })}
          name="whatHelps"
        />

        <fieldset class="contacts">
          <legend>Parents and carers</legend>
          {f.contacts.map((c, i) => (
            <div class="contact" key={i}>
              <TextField label={`Contact ${i + 1} name`} value={c.name} onInput={(name) => setContact(i, { name })} />
              <TextField label="Relationship" value={c.relationship} onInput={(relationship) => setContact(i, { relationship })} />
              <TextField label="Phone" type="tel" value={c.phone} onInput={(phone) => setContact(i, { phone })} />
              <TextField label="Email" type="email" value={c.email} onInput={(email) => setContact(i, { email })} />
              <button type="button" class="secondary" onClick={() => set({ contacts: f.contacts.filter((_, j) => j !== i) })}>
                Remove contact {i + 1}
              </button>
            </div>
          ))}
          <button
            type="button"
            class="secondary"
            onClick={() => set({ contacts: [...f.contacts, { name: '', relationship: '', phone: '', email: '' }] })}
          >
            Add a parent or carer
          </button>
        </fieldset>

        <DraftKept draft={draft} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving}>
            {id ? 'Save changes' : 'Add pupil'}
          </button>
          <a class="button secondary" href={id ? `/pupils/${id}` : '/pupils'}>
            Cancel
          </a>
        </div>
      </form>
    </main>
  );
}
