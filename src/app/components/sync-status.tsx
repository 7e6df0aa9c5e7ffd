/** Sync, always in view: what waits to be sent, when the tablet last synced, and anything that needs the mentor. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { NEEDS_MENTOR, outboxSummary, syncState } from '../../data/index.ts';
import { ago } from '../../shared/dates.ts';
import { useLive } from '../hooks.ts';
import { db } from '../notebook.ts';
import { useObservable } from '../observable.ts';
import { syncActivity, syncSoon } from '../sync.ts';

/** Changes older than this, still only on the tablet, bring the end-of-day reminder. */
export const REMIND_AFTER_MS = 6 * 60 * 60_000;
/** A server out of reach for longer than this is a problem worth a banner. */
export const UNREACHABLE_FOR_MS = 24 * 60 * 60_000;

export function useSyncView() {
  return useLive(async () => {
    const [state, outbox] = await Promise.all([syncState(db), outboxSummary(db)]);
    return { state, outbox };
  }, []);
}

/** A short line in the header. */
export function SyncStatus() {
  const view = useSyncView();
  const activity = useObservable(syncActivity);
  // "Synced 3 minutes ago" goes on ageing while the app stays open.
  const [, setMinute] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setMinute((m) => m + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const waiting = view?.outbox.waiting ?? 0;
  const lastWaiting = useRef(waiting);
  useEffect(() => {
    if (waiting > lastWaiting.current) syncSoon();
    lastWaiting.current = waiting;
  }, [waiting]);
  if (!view) return null;
  const { state, outbox } = view;
  const now = new Date();
  let text: string;
  if (!state.token) text = waiting ? `Not linked · ${waiting} waiting` : 'Not linked to a school';
  else if (activity.running) text = 'Syncing…';
  else if (!activity.online) text = waiting ? `Offline · ${waiting} waiting` : 'Offline';
  else if (state.problem) text = `Sync problem${waiting ? ` · ${waiting} waiting` : ''}`;
  else text = `${state.lastSyncAt ? `Synced ${ago(state.lastSyncAt, now)}` : 'Not synced yet'}${waiting ? ` · ${waiting} waiting` : ''}`;
  const attention = outbox.needsAttention.length;
  return (
    <a class={`sync-status${state.problem || attention ? ' has-problem' : ''}`} href="/settings#school" aria-live="polite" title={text}>
      {text}
      {attention > 0 && ` · ${attention} need${attention === 1 ? 's' : ''} attention`}
    </a>
  );
}

/** Banners for sync problems that need the mentor, and the end-of-day reminder. */
export function SyncBanners() {
  const view = useSyncView();
  if (!view) return null;
  const { state, outbox } = view;
  const now = Date.now();
  const banners: { key: string; text: string }[] = [];
  if (state.problem && NEEDS_MENTOR.has(state.problem.code)) banners.push({ key: 'enrol', text: `${state.problem.message}` });
  else if (state.token && state.problem && now - Date.parse(state.lastSyncAt ?? state.problem.at) > UNREACHABLE_FOR_MS) {
    banners.push({ key: 'unreachable', text: `Waymark has not reached the school’s server for more than a day: ${state.problem.message}` });
  }
  if (outbox.needsAttention.length > 0) {
    banners.push({
      key: 'attention',
      text: `The school’s server refused ${outbox.needsAttention.length} change${outbox.needsAttention.length === 1 ? '' : 's'}: they are kept here until you decide.`,
    });
  }
  if (outbox.waiting > 0 && outbox.oldestWaiting && now - Date.parse(outbox.oldestWaiting) > REMIND_AFTER_MS) {
    banners.push({
      key: 'remind',
      text: `${outbox.waiting} change${outbox.waiting === 1 ? ' is' : 's are'} only on this tablet. Connect to the school’s Wi-Fi to sync before you go home.`,
    });
  }
  return (
    <>
      {banners.map((b) => (
        <div key={b.key} class="banner banner-warning" role="alert">
          <span>{b.text}</span>
          <a class="button secondary" href="/settings#school">
            Sort it out
          </a>
        </div>
      ))}
    </>
  );
}
