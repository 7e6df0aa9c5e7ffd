/**
 * Erasing pupils (UK GDPR): when the school asks (`npm run admin -- erase-pupil`), when a school's
 * retention period runs out, and again when a restore from a backup taken before an erasure
 * brought a pupil back. Each erases in the store (Store.erasePupils, whose changes tell every
 * tablet to erase too), then scrubs the store's files, so that nothing of the pupil is left there.
 */
import { format } from 'date-fns';
import type { Logger } from 'pino';
import { dueForErasure } from './retention.ts';
import { type ErasedPupil, ErasureNotRegistered, type ErasureReason, type Store } from './store.ts';

/** What one erasure did, and why its files could not be scrubbed, when they could not. */
export interface ErasureRun {
  erased: ErasedPupil[];
  problem?: string;
}

/** Erases these pupils, then scrubs the store's files once for all of them. */
export function erase(
  store: Store,
  pupils: readonly { id: string; schoolId: string }[],
  reason: ErasureReason,
  now = new Date(),
): ErasureRun {
  if (pupils.length === 0) return { erased: [] };
  let erased: ErasedPupil[];
  try {
    erased = store.erasePupils(pupils, now.toISOString(), reason);
  } catch (error) {
    // Erased, but not logged in the register (the error says how to finish that): the files are
    // scrubbed all the same, and the error to act on is still the one thrown.
    if (error instanceof ErasureNotRegistered) {
      try {
        store.scrubDeleted();
      } catch {
        // Finished by erase-pupil run again for the pupil, which scrubs the files each time.
      }
    }
    throw error;
  }
  const { problem } = store.scrubDeleted();
  return { erased, ...(problem ? { problem } : {}) };
}

/** The pupils due for erasure by their school's retention period on `now`'s (local) day: of one school, or of every school that set one. */
export function dueNow(store: Store, now = new Date(), schoolId?: string): { id: string; schoolId: string }[] {
  const today = format(now, 'yyyy-MM-dd');
  return store
    .schools()
    .filter((school) => schoolId === undefined || school.id === schoolId)
    .flatMap((school) => {
      const months = store.retentionMonths(school.id);
      if (months === null) return [];
      return store
        .pupilsEnded(school.id)
        .filter((pupil) => dueForErasure(pupil, months, today))
        .map((pupil) => ({ id: pupil.id, schoolId: school.id }));
    });
}

/** Erases the pupils due by their school's retention period (see dueNow). A school that set none has nothing erased. */
export const eraseDue = (store: Store, now = new Date(), schoolId?: string): ErasureRun =>
  erase(store, dueNow(store, now, schoolId), 'retention', now);

/**
 * Erases again every pupil the register of erasures lists that the database does not know was
 * erased: it was restored from a backup taken before, which brought them back.
 */
export function eraseAgainAfterRestore(store: Store, now = new Date()): ErasureRun {
  const known = new Set(store.erasures().map((e) => e.pupilId));
  const missing = store.registeredErasures().filter((e) => !known.has(e.pupilId));
  return erase(
    store,
    missing.map((e) => ({ id: e.pupilId, schoolId: e.schoolId })),
    'restore',
    now,
  );
}

export const ERASE_EVERY_MS = 24 * 60 * 60_000;

/**
 * What the server does at its start, and then once a day while it runs: erases again what a
 * restore brought back, then the pupils due by retention. Logged with ids and counts, never
 * names. The timer never keeps the process alive on its own.
 */
export function keepErasing(store: Store, log: Logger, every = ERASE_EVERY_MS, now = () => new Date()): () => void {
  const round = () => {
    // A failure here must never stop the server: it is said, and tried again at the next round.
    try {
      logRun(log, eraseAgainAfterRestore(store, now()), 'erased again a pupil that a restore from an earlier backup brought back');
    } catch (error) {
      log.error({ err: error }, 'pupils erased before a restore could not be erased again: the server tries again in a day');
    }
    try {
      logRun(log, eraseDue(store, now()), 'erased a pupil whose support ended longer ago than their school keeps records');
    } catch (error) {
      log.error(
        { err: error },
        'pupils due for erasure could not be erased: the server tries again in a day, or now: npm run admin -- erase-due',
      );
    }
  };
  round();
  const timer = setInterval(round, every);
  timer.unref();
  return () => clearInterval(timer);
}

function logRun(log: Logger, run: ErasureRun, message: string): void {
  for (const e of run.erased) {
    const { groupSessions, ...counts } = e;
    log.info({ ...counts, groupSessions: groupSessions.map((g) => g.id) }, message);
  }
  const [first] = run.erased;
  if (run.problem && first)
    log.warn(
      `erased pupils' records may still lie in the database file: ${run.problem}. npm run admin -- erase-pupil ${first.pupilId} finishes it, once the server is quiet`,
    );
}
