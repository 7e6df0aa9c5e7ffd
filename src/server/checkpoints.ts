/**
 * Watching the write-ahead log. SQLite folds it into the database by itself as it grows; when it
 * cannot (a reader left open for hours, a disk error), the log grows silently until the disk is
 * full. The server checks every few minutes and tells the IT person, once it is large and still
 * behind, and again when it has caught up.
 */
import type { Logger } from 'pino';
import type { Checkpoint, Store } from './store.ts';

/** A log this far behind is worth a warning: well past SQLite's own 4 MB step. */
export const LOG_WARNING_BYTES = 256 * 1024 * 1024;
export const CHECK_EVERY_MS = 5 * 60_000;

/** What to say of a checkpoint, given whether the last one was a warning: a warning, a recovery, or nothing. */
export function judge(result: Checkpoint, warned: boolean): { level: 'warn' | 'info'; message: string } | undefined {
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  if (result.problem || result.behindBytes >= LOG_WARNING_BYTES) {
    return {
      level: 'warn',
      message: `the database's write-ahead log cannot be folded in (${mb(result.behindBytes)} MB behind, ${mb(result.logBytes)} MB in all${result.problem ? `: ${result.problem}` : ''}): it grows until the disk is full. Look for a program holding the database open (an admin command left running, a backup tool), and for disk errors.`,
    };
  }
  return warned ? { level: 'info', message: 'the write-ahead log is folded in again' } : undefined;
}

/** Checks the log every CHECK_EVERY_MS while the server runs. */
export function watchCheckpoints(store: Store, log: Logger, every = CHECK_EVERY_MS): () => void {
  let warned = false;
  const timer = setInterval(() => {
    // A failure here must never stop the server: it is said, and tried again next time.
    try {
      const result = store.checkpoint();
      const verdict = judge(result, warned);
      if (verdict) log[verdict.level]({ logBytes: result.logBytes, behindBytes: result.behindBytes }, verdict.message);
      warned = verdict?.level === 'warn';
    } catch (error) {
      log.error({ err: error }, 'the write-ahead log could not be checked');
    }
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}
