/** A short message at the foot of the screen, with an optional action such as "Undo". */
import { observable, useObservable } from './observable.ts';
import { whyNotSaved } from './problems.ts';

export interface Toast {
  message: string;
  action?: { label: string; run: () => void | Promise<void> };
  /** Shows a small field for an optional word, e.g. after a check-in. */
  word?: { label: string; save: (word: string) => void | Promise<void> };
  /** Move focus to the toast (the control the mentor used has gone, as a checked-in row does). */
  focus?: boolean;
}

const TOAST_MS = 8000;
const current = observable<Toast | undefined>(undefined);
let timer: ReturnType<typeof setTimeout> | undefined;

export function showToast(toast: Toast): void {
  current.set(toast);
  resumeToast();
}

export function hideToast(): void {
  clearTimeout(timer);
  current.set(undefined);
}

/** Keeps the toast up while the mentor is using it (focus or pointer inside it). */
export function holdToast(): void {
  clearTimeout(timer);
}

export function resumeToast(): void {
  clearTimeout(timer);
  timer = setTimeout(hideToast, TOAST_MS);
}

/** Runs a toast's action, and says so if it fails rather than failing silently. */
export async function runFromToast(action: () => void | Promise<void>): Promise<void> {
  hideToast();
  try {
    await action();
  } catch (error) {
    showToast({ message: (error as Error).message });
  }
}

/**
 * Runs a save started by a button that has no form to show a problem in (reopen support, discard a
 * refused change, start a form again), and says on the toast bar when it did not happen: `didNot`
 * says what, e.g. "Support was not reopened.", and the reason and what to do follow.
 */
export async function saveOrSay(didNot: string, save: () => Promise<unknown>): Promise<void> {
  try {
    await save();
  } catch (error) {
    console.error('Waymark: a save failed', error);
    showToast({ message: `${didNot} ${whyNotSaved(error)}` });
  }
}

export const useToast = (): Toast | undefined => useObservable(current);
