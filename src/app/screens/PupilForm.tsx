import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { addPupil, editPupil, getPupil, type PupilInput } from '../../data/index.ts';
import { CONSENT, type Contact, type Pupil, REFERRAL_REASONS, YEAR_GROUPS } from '../../shared/model.ts';
import { toDay } from '../../shared/schedule.ts';
import { Checkboxes, Choice, DraftKept, DraftNotice, SaveProblem, Select, TextArea, TextField } from '../components/forms.tsx';
import { useDraft, useLive } from '../hooks.ts';
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

const editable = (p: Pupil): PupilInput => {
  const {
    name,
    preferredName,
    yearGroup,
    form,
    schoolRef,
    referralReasons,
    referralOther,
    referredBy,
    consent,
    startOn,
    contacts,
    whatHelps,
  } = p;
  return {
    name,
    preferredName,
    yearGroup,
    form,
    schoolRef,
    referralReasons,
    referralOther,
    referredBy,
    consent,
    startOn,
    contacts,
    whatHelps,
  };
};

export function PupilForm({ id }: { id?: string }) {
  const pupil = useLive(async () => (id ? ((await getPupil(db, id)) ?? null) : null), [id]);
  if (id && pupil === undefined) return <main id="main" class="screen" aria-busy="true" />;
  if (id && pupil === null) return <Missing />;
  return <PupilFormFields key={id ?? 'new'} id={id} initial={pupil ? editable(pupil) : blank()} />;
}

function Missing() {
  return (
    <main id="main" class="screen">
      <h1>Pupil not found</h1>
      <p>
        This pupil is not on this tablet. <a href="/pupils">Back to the caseload</a>.
      </p>
    </main>
  );
}

function PupilFormFields({ id, initial }: { id?: string; initial: PupilInput }) {
  const { route } = useLocation();
  const draft = useDraft(id ? `pupil:edit:${id}` : 'pupil:new', () => initial);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const f = draft.value;
  const set = draft.update;

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    draft.hold();
    try {
      const key = id ? `pupil:edit:${id}` : 'pupil:new';
      if (id) await editPupil(db, id, f, { clearDraft: key });
      const saved = id ?? (await addPupil(db, f, { clearDraft: key }));
      route(`/pupils/${saved}`);
    } catch (err) {
      draft.resume();
      setError(err);
      setSaving(false);
    }
  };

  const setContact = (i: number, patch: Partial<Contact>) =>
    set({ contacts: f.contacts.map((c, j) => (i === j ? { ...c, ...patch } : c)) });

  return (
    <main id="main" class="screen narrow">
      <h1>{id ? `Edit ${initial.name}` : 'Add a pupil'}</h1>
      <DraftNotice restoredAt={draft.restoredAt} onDiscard={draft.discard} />
      <form onSubmit={save} aria-busy={!draft.ready}>
        <div class="row">
          <TextField label="Full name" value={f.name} onInput={(name) => set({ name })} required name="name" />
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

        <DraftKept at={draft.keptAt} />
        <SaveProblem error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saving || !draft.ready}>
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
