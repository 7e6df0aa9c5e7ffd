/** A short message at the foot of the screen, with an optional action such as "Undo". */
import { useEffect, useState } from 'preact/hooks';

export interface Toast {
  message: string;
  action?: { label: string; run: () => void };
  /** Shows a small field for an optional word, e.g. after a check-in. */
  word?: { label: string; save: (word: string) => void };
}

let current: Toast | undefined;
const listeners = new Set<(t: Toast | undefined) => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

export function showToast(toast: Toast, ms = 6000): void {
  current = toast;
  for (const l of listeners) l(current);
  clearTimeout(timer);
  timer = setTimeout(hideToast, ms);
}

export function hideToast(): void {
  current = undefined;
  clearTimeout(timer);
  for (const l of listeners) l(current);
}

/** Keeps the toast up while the mentor is using it (typing a word). */
export function holdToast(): void {
  clearTimeout(timer);
}

export function useToast(): Toast | undefined {
  const [toast, setToast] = useState(current);
  useEffect(() => {
    listeners.add(setToast);
    return () => void listeners.delete(setToast);
  }, []);
  return toast;
}
