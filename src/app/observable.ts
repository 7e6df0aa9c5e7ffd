/** A tiny observable value for app-wide state (toasts, updates, install), and a hook to watch it. */
import { useEffect, useState } from 'preact/hooks';

export interface Observable<T> {
  get: () => T;
  set: (next: T) => void;
  update: (patch: Partial<T>) => void;
  subscribe: (listener: (value: T) => void) => () => void;
}

export function observable<T>(initial: T): Observable<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const set = (next: T) => {
    value = next;
    for (const l of listeners) l(value);
  };
  return {
    get: () => value,
    set,
    update: (patch) => set({ ...value, ...patch }),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export function useObservable<T>(s: Observable<T>): T {
  const [value, setValue] = useState(s.get);
  useEffect(() => s.subscribe(setValue), [s]);
  return value;
}
