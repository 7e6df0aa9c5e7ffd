import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { discardDraft, draftToRestore, findDraft, keptDraft, live, type Opened, openDraft, readStash, saveDraft } from '../data/index.ts';
import { type Day, toDay } from '../shared/schedule.ts';
import { db } from './notebook.ts';
import { ReadFailed } from './problems.ts';

/**
 * Watches a query on the tablet's database and re-renders when its answer changes, whether the
 * change came from this screen, another tab or a sync. `undefined` while first loading, and again
 * while the query for new `deps` (another record's id) has not answered: a screen reused for
 * another record never shows, or starts a form from, the record it showed before. `keepPrevious`
 * keeps showing the last answer meanwhile instead, for a screen whose deps only widen or move what
 * it already shows (more notes, another day); one that also shows a record by id must still check
 * the answer is that record's. A query that fails throws `ReadFailed` as the screen is drawn: the
 * screen's ReadProblem then says so, rather than the screen loading for good.
 */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[], options: { keepPrevious?: boolean } = {}): T | undefined {
  const [value, setValue] = useState<{ v: T; deps: readonly unknown[] } | { failed: unknown; deps: readonly unknown[] } | undefined>(
    undefined,
  );
  // Subscribed as the screen is built, not after its first paint: on a cold start the queries
  // then run while the empty screen is laid out and painted, rather than after it.
  useLayoutEffect(() => {
    const subscription = live(query).subscribe({
      next: (v) => setValue({ v, deps }),
      error: (error) => {
        console.error('Waymark: a live query failed', error);
        setValue({ failed: error, deps });
      },
    });
    return () => subscription.unsubscribe();
  }, deps);
  if (!value) return undefined;
  const current = sameDeps(value.deps, deps);
  if ('failed' in value) {
    if (current) throw new ReadFailed(value.failed);
    return undefined;
  }
  return options.keepPrevious || current ? value.v : undefined;
}

const sameDeps = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** Rows that fill a tablet screen in either orientation, with some to spare. */
const FIRST_SCREENFUL = 24;

/**
 * A long list's first screenful at once and the rest just after it is painted, so that the rows
 * below the fold do not hold up the first sight of the screen.
 */
export function useFirstScreenful<T>(items: readonly T[], first = FIRST_SCREENFUL): readonly T[] {
  const [all, setAll] = useState(false);
  const long = items.length > first;
  useEffect(() => {
    if (!long || all) return;
    // Effects run after the frame is painted; the timer lets that frame reach the screen first.
    const timer = setTimeout(() => setAll(true), 0);
    return () => clearTimeout(timer);
  }, [long, all]);
  return all || !long ? items : items.slice(0, first);
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
const STASH_PREFIX = 'waymark:draft:';

/** Open forms, so that their drafts can be flushed before an update and stashed when the page goes. */
const openForms = new Map<string, { flush: () => Promise<void>; stash: () => void }>();

/** Saves every open form's draft to the database, and waits until it is written. */
export async function flushAllDrafts(): Promise<void> {
  await Promise.all([...openForms.values()].map((f) => f.flush()));
}

/**
 * Writes every open form's state to localStorage, synchronously. Used when the page is going away
 * or the database is being closed under it (a newer version opened in another tab): moments when an
 * IndexedDB write might not finish. The next load moves the stash back into the database.
 */
export function stashAllDrafts(): void {
  for (const f of openForms.values()) f.stash();
}

function findStash(key: string): string | null {
  try {
    return localStorage.getItem(STASH_PREFIX + key);
  } catch {
    // Storage disabled: there is no stash.
    return null;
  }
}

export interface DraftState<T> {
  value: T;
  /** An edit form's record as the form first opened on it, kept with the draft through restarts. */
  opened: Opened<T> | undefined;
  /** False until any saved draft has been read back, so nothing typed is overwritten. */
  ready: boolean;
  /** When the restored draft was saved, if the form came back from a draft. */
  restoredAt?: string;
  /** When what is on screen was last kept on the tablet as a draft. */
  keptAt?: Date;
  /** The last change could not be kept on the tablet at all: neither its database nor the page's storage took it. */
  notKept: boolean;
  /** A draft of this form may be on the tablet, but reading it back failed. */
  notRestored: boolean;
  update: (patch: Partial<T>) => void;
  /** Stop saving (just before the form is saved: the save removes the draft itself). */
  hold: () => void;
  /** Start saving again (the save failed: keep the draft). */
  resume: () => void;
  discard: () => Promise<void>;
}

/**
 * Form state that survives the tablet sleeping, the app closing, a reload, an update or a crash:
 * saved as the mentor types (a quarter of a second after the last key) and at once when the page
 * is hidden. An edit form passes its record's field `clocks`: the record as the form opens on it is
 * kept with the draft, so that a save days later still knows what the mentor started from, and
 * changes only what they changed (not what another tablet changed meanwhile).
 */
export function useDraft<T extends object>(key: string, initial: () => T, clocks?: Record<string, string>): DraftState<T> {
  const openNow = () => (clocks ? { fields: initial(), clocks } : undefined);
  const [value, setValue] = useState<T>(initial);
  const [opened, setOpened] = useState(openNow);
  const start = useRef(opened);
  const [ready, setReady] = useState(false);
  const [restoredAt, setRestoredAt] = useState<string | undefined>();
  const [keptAt, setKeptAt] = useState<Date | undefined>();
  const [notKept, setNotKept] = useState(false);
  const [notRestored, setNotRestored] = useState(false);
  const latest = useRef(value);
  /** The draft as kept: the form's fields, and what it opened on. */
  const asKept = () => keptDraft(latest.current, start.current);
  const dirty = useRef(false);
  /** Draft saves started and not yet written: what they hold is not safe on the tablet until they are. */
  const writing = useRef(0);
  const held = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Writes the form to the page's own storage, synchronously, if it holds anything not yet safe. False if that failed. */
  const stash = () => {
    // Keys not yet saved, and keys in a save still being written: a page going away, or a
    // database closed under it, can cut that write off.
    if ((!dirty.current && writing.current === 0) || held.current) return true;
    try {
      localStorage.setItem(STASH_PREFIX + key, JSON.stringify({ value: asKept(), savedAt: new Date().toISOString() }));
      return true;
    } catch {
      // Storage full or disabled: the database draft from the last pause in typing still stands.
      return false;
    }
  };

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    if (!dirty.current || held.current) return;
    dirty.current = false;
    writing.current++;
    try {
      await saveDraft(db, key, asKept());
      // A stash written meanwhile holds nothing newer than this save, unless the mentor typed since.
      if (!dirty.current) localStorage.removeItem(STASH_PREFIX + key);
      setKeptAt(new Date());
      setNotKept(false);
    } catch (error) {
      dirty.current = true;
      console.error('Waymark: draft not saved', error);
      // The page's own storage keeps it instead, until a later save or the next load moves it in.
      const stashed = stash();
      if (stashed) setKeptAt(new Date());
      setNotKept(!stashed);
    } finally {
      writing.current--;
    }
  }, [key]);

  useEffect(() => {
    let cancelled = false;
    openForms.set(key, { flush, stash });
    const restore = async () => {
      const stored = await findDraft(db, key);
      const stashed = findStash(key);
      const { draft, fromStash } = draftToRestore(stored, readStash(stashed));
      if (fromStash && draft) await saveDraft(db, key, draft.value, new Date(draft.savedAt));
      if (stashed !== null) localStorage.removeItem(STASH_PREFIX + key);
      if (cancelled || !draft) return;
      const { fields, opened: was } = openDraft(draft.value, initial());
      if (was !== undefined) {
        start.current = was;
        setOpened(was);
      }
      latest.current = fields;
      setValue(latest.current);
      setRestoredAt(draft.savedAt);
    };
    // Forms are not shown until this settles, so nothing typed can be overwritten by a late restore.
    restore()
      .catch((error) => {
        console.error('Waymark: draft not restored', error);
        if (!cancelled) setNotRestored(true);
      })
      .finally(() => cancelled || setReady(true));
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => {
      stash();
      void flush();
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      cancelled = true;
      openForms.delete(key);
      void flush();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
    };
  }, [key, flush]);

  return {
    value,
    opened,
    ready,
    restoredAt,
    keptAt,
    notKept,
    notRestored,
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
      // The database draft stays until the save succeeds; the stash would only outlive it.
      localStorage.removeItem(STASH_PREFIX + key);
    },
    resume: () => {
      held.current = false;
      dirty.current = true;
      void flush();
    },
    discard: async () => {
      clearTimeout(timer.current);
      dirty.current = false;
      localStorage.removeItem(STASH_PREFIX + key);
      await discardDraft(db, key);
      latest.current = initial();
      setValue(latest.current);
      start.current = openNow();
      setOpened(start.current);
      setRestoredAt(undefined);
      setKeptAt(undefined);
    },
  };
}

/** The screen's name in the browser tab and the app switcher: "Jake Smith – Waymark". */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} – Waymark` : 'Waymark';
  }, [title]);
}

export interface SaveState {
  save: (event?: Event) => Promise<void>;
  saving: boolean;
  error: unknown;
}

/**
 * Runs a form's save once at a time: a second tap while saving does nothing. The draft is held
 * while saving (the save removes it) and kept if the save fails, with the reason on screen.
 */
export function useSave(draft: Pick<DraftState<object>, 'hold' | 'resume'> | undefined, run: () => Promise<void>): SaveState {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const busy = useRef(false);
  const save = async (event?: Event) => {
    event?.preventDefault();
    if (busy.current) return;
    busy.current = true;
    setSaving(true);
    setError(undefined);
    draft?.hold();
    try {
      await run();
    } catch (err) {
      draft?.resume();
      setError(err);
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };
  return { save, saving, error };
}
