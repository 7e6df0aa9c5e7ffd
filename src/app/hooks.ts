import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { discardDraft, findDraft, live, saveDraft } from '../data/index.ts';
import { type Day, toDay } from '../shared/schedule.ts';
import { db } from './notebook.ts';

/**
 * Watches a query on the tablet's database and re-renders when its answer changes, whether the
 * change came from this screen, another tab or (later) a sync. `undefined` while first loading.
 */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<{ v: T } | undefined>(undefined);
  useEffect(() => {
    const subscription = live(query).subscribe({
      next: (v) => setValue({ v }),
      error: (error) => console.error('Waymark: a live query failed', error),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return value?.v;
}

/** Today's date as a calendar day; moves on at midnight and when the tablet wakes up. */
export function useToday(): Day {
  const [day, setDay] = useState(() => toDay(new Date()));
  useEffect(() => {
    const refresh = () => setDay(toDay(new Date()));
    const timer = setInterval(refresh, 60_000);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, []);
  return day;
}

const DRAFT_SAVE_DELAY_MS = 250;

export interface DraftState<T> {
  value: T;
  /** False until any saved draft has been read back, so nothing typed is overwritten. */
  ready: boolean;
  /** When the restored draft was saved, if the form came back from a draft. */
  restoredAt?: string;
  /** When what is on screen was last kept on the tablet as a draft. */
  keptAt?: Date;
  update: (patch: Partial<T>) => void;
  /** Stop saving (just before the form is saved: the save removes the draft itself). */
  hold: () => void;
  /** Start saving again (the save failed: keep the draft). */
  resume: () => void;
  discard: () => Promise<void>;
}

/**
 * Form state that survives the tablet sleeping, the app closing, a reload or a crash: saved as the
 * mentor types (a quarter of a second after the last key) and at once when the page is hidden.
 */
export function useDraft<T extends object>(key: string, initial: () => T): DraftState<T> {
  const [value, setValue] = useState<T>(initial);
  const [ready, setReady] = useState(false);
  const [restoredAt, setRestoredAt] = useState<string | undefined>();
  const [keptAt, setKeptAt] = useState<Date | undefined>();
  const latest = useRef(value);
  const dirty = useRef(false);
  const held = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    if (!dirty.current || held.current) return;
    dirty.current = false;
    saveDraft(db, key, latest.current).then(
      () => setKeptAt(new Date()),
      (error) => console.error('Waymark: draft not saved', error),
    );
  }, [key]);

  useEffect(() => {
    let cancelled = false;
    findDraft(db, key).then((draft) => {
      if (cancelled) return;
      if (draft) {
        latest.current = { ...initial(), ...(draft.value as T) };
        setValue(latest.current);
        setRestoredAt(draft.savedAt);
      }
      setReady(true);
    });
    const onHide = () => document.visibilityState === 'hidden' && flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', flush);
    return () => {
      cancelled = true;
      flush();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', flush);
    };
  }, [key, flush]);

  return {
    value,
    ready,
    restoredAt,
    keptAt,
    update: (patch) => {
      latest.current = { ...latest.current, ...patch };
      setValue(latest.current);
      dirty.current = true;
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, DRAFT_SAVE_DELAY_MS);
    },
    hold: () => {
      held.current = true;
      clearTimeout(timer.current);
    },
    resume: () => {
      held.current = false;
      dirty.current = true;
      flush();
    },
    discard: async () => {
      clearTimeout(timer.current);
      dirty.current = false;
      await discardDraft(db, key);
      latest.current = initial();
      setValue(latest.current);
      setRestoredAt(undefined);
      setKeptAt(undefined);
    },
  };
}
