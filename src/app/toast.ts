/** A short message at the foot of the screen, with an optional action such as "Undo". */
import { store, useStore } from './store.ts';

export interface Toast {
  message: string;
  action?: { label: string; run: () => void };
  /** Shows a small field for an optional word, e.g. after a check-in. */
  word?: { label: string; save: (word: string) => void };
}

const current = store<Toast | undefined>(undefined);
let timer: ReturnType<typeof setTimeout> | undefined;

export function showToast(toast: Toast, ms = 6000): void {
  current.set(toast);
  clearTimeout(timer);
  timer = setTimeout(hideToast, ms);
}

export function hideToast(): void {
  clearTimeout(timer);
  current.set(undefined);
}

/** Keeps the toast up while the mentor is using it (typing a word). */
export function holdToast(): void {
  clearTimeout(timer);
}

export const useToast = (): Toast | undefined => useStore(current);
