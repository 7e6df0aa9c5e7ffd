/** Labelled form controls: every control has a visible label, and errors are read out. */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { changedFields } from '../../data/index.ts';
import type { DraftState } from '../hooks.ts';
import { saveOrSay } from '../toast.ts';

interface FieldProps {
  label: string;
  hint?: string;
  /** Marked in the label; checked by the record's validation, which says what is missing in words. */
  required?: boolean;
  children: (id: string, describedBy?: string) => ComponentChildren;
}

export function Field({ label, hint, required, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="required"> (required)</span>}
      </label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children(id, hintId)}
    </div>
  );
}

export function TextField(props: {
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  required?: boolean;
  type?: 'text' | 'date' | 'datetime-local' | 'number' | 'tel' | 'email' | 'url';
  name?: string;
  autoComplete?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} required={props.required}>
      {(id, describedBy) => (
        <input
          id={id}
          name={props.name}
          // Preact's types narrow each input type separately; any of these is a plain text-like input.
          type={(props.type ?? 'text') as 'text'}
          value={props.value}
          aria-required={props.required}
          aria-describedby={describedBy}
          autoComplete={props.autoComplete ?? 'off'}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export function TextArea(props: {
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
  name?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id, describedBy) => (
        <textarea
          id={id}
          name={props.name}
          rows={props.rows ?? 3}
          value={props.value}
          aria-describedby={describedBy}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export function Select<T extends string>(props: {
  label: string;
  required?: boolean;
  value: T | '';
  options: readonly T[];
  onChange: (value: T) => void;
  placeholder?: string;
  labels?: Partial<Record<T, string>>;
}) {
  return (
    <Field label={props.label} required={props.required}>
      {(id) => (
        <select id={id} aria-required={props.required} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
          {props.placeholder !== undefined && (
            <option value="" disabled>
              {props.placeholder}
            </option>
          )}
          {props.options.map((o) => (
            <option key={o} value={o}>
              {props.labels?.[o] ?? o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A row of big buttons for one choice (radio semantics), easier to tap than a select. */
export function Choice<T extends string>(props: {
  legend: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
  labels?: Partial<Record<T, string>>;
  name: string;
}) {
  return (
    <fieldset class="choice">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} class="choice-option">
          <input type="radio" name={props.name} value={o} checked={props.value === o} onChange={() => props.onChange(o)} />
          <span>{props.labels?.[o] ?? o}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function Checkboxes<T extends string>(props: {
  legend: string;
  values: readonly T[];
  options: readonly T[];
  onChange: (values: T[]) => void;
  labels?: Partial<Record<T, string>>;
}) {
  return (
    <fieldset class="checkboxes">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o} class="check-option">
          <input
            type="checkbox"
            checked={props.values.includes(o)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.values, o] : props.values.filter((v) => v !== o))}
          />
          <span>{props.labels?.[o] ?? o}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** What went wrong with a save, in the mentor's words. Announced by screen readers. */
export function SaveProblem({ error }: { error?: unknown }) {
  if (!error) return null;
  const issues = (error as { issues?: string[] }).issues;
  return (
    <div class="problem" role="alert">
      <strong>Not saved.</strong>{' '}
      {issues ? (
        <ul>
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      ) : (
        String((error as Error).message ?? error)
      )}
    </div>
  );
}

/** Shown when a form came back from a draft. */
export function DraftNotice({ restoredAt, onDiscard }: { restoredAt?: string; onDiscard: () => Promise<void> }) {
  if (!restoredAt) return null;
  return (
    <div class="notice" role="status">
      Restored what you were typing ({new Date(restoredAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}).{' '}
      <button type="button" class="link" onClick={() => void saveOrSay('The form was not started again.', onDiscard)}>
        Start again
      </button>
    </div>
  );
}

/**
 * Shown on an edit form when the record changed on another tablet (arriving by sync) after the
 * form opened. The form still shows what it opened on; saving changes only what the mentor changed.
 */
export function ChangedElsewhere<T extends object>({ opened, now }: { opened: T | undefined; now: T }) {
  if (!opened || Object.keys(changedFields(opened, now)).length === 0) return null;
  return (
    <div class="notice" role="status">
      This was changed on another tablet since you opened it. Saving keeps those changes, except where you changed the same thing: the value
      you replace is kept in its history.
    </div>
  );
}

/**
 * A quiet line saying the typing is safe on the tablet, even before the form is saved. Not a live
 * region: announcing it at every pause in typing would drown a screen reader. When the typing is
 * not safe, or an earlier draft could not be read back, it says so out loud, with what to do.
 */
export function DraftKept({ draft }: { draft: Pick<DraftState<object>, 'keptAt' | 'notKept' | 'notRestored'> }) {
  if (draft.notKept || draft.notRestored) {
    return (
      <p class="problem" role="alert">
        {draft.notKept
          ? 'What you type here is not being kept on the tablet: its storage is full or not working. Keep Waymark open and save when you can; if saving fails too, free some space on the tablet.'
          : 'What you typed in this form before could not be read back from the tablet. Reload Waymark before you type here: reloading loses nothing that was saved.'}
      </p>
    );
  }
  const at = draft.keptAt;
  return (
    <p class="draft-kept">
      {at
        ? `Draft kept on this tablet at ${at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`
        : ''}
    </p>
  );
}
