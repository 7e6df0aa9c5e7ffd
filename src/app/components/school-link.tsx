/** Settings: linking the tablet to the school's endpoint, syncing, and changes that need attention. */
import { useState } from 'preact/hooks';
import { changedAfterRemoval, discardRefused, enrolTablet, NEEDS_MENTOR } from '../../data/index.ts';
import { ago, relativeMoment } from '../../shared/dates.ts';
import { useLive, useSave } from '../hooks.ts';
import { db } from '../notebook.ts';
import { useObservable } from '../observable.ts';
import { requestSync, syncActivity } from '../sync.ts';
import { saveOrSay } from '../toast.ts';
import { SaveProblem, TextField } from './forms.tsx';
import { refuseInsecureEnrolment } from './insecure-context.tsx';
import { useSyncView } from './sync-status.tsx';

const originOf = (address: string): string | undefined => {
  try {
    return new URL(address.trim()).origin;
  } catch {
    return undefined;
  }
};

export function SchoolLink() {
  const sync = useSyncView();
  const removedThenChanged = useLive(() => changedAfterRemoval(db), []);
  const view = sync && removedThenChanged ? { ...sync, removedThenChanged } : undefined;
  const activity = useObservable(syncActivity);
  const [serverUrl, setServerUrl] = useState(location.origin);
  const [code, setCode] = useState('');
  const [tabletName, setTabletName] = useState('');
  const enrolment = useSave(undefined, async () => {
    refuseInsecureEnrolment();
    // The server lets this page talk only to the address it was opened from (its
    // Content-Security-Policy): another address, even the same server's by another name, would
    // only fail as "could not be reached".
    const typed = originOf(serverUrl);
    const then = 'Open Waymark from the school’s address, and link it there.';
    if (!typed) throw new Error(`“${serverUrl}” is not a web address. ${then}`);
    if (typed !== location.origin)
      throw new Error(`Waymark on this tablet was opened from ${location.origin}, so it can link only to that address. ${then}`);
    await enrolTablet(db, serverUrl, code, tabletName);
    setCode('');
    await requestSync();
  });
  if (!view) return null;
  const { state, outbox } = view;
  const mustEnrol = !state.token || (state.problem && NEEDS_MENTOR.has(state.problem.code));
  const now = new Date();

  return (
    <section class="card" aria-labelledby="school-h" id="school">
      <h2 id="school-h">School connection</h2>
      {state.school && state.mentor && (
        <p>
          Linked to <strong>{state.school.name}</strong> as <strong>{state.mentor.name}</strong>
          {state.mentor.dsl && ' (Designated Safeguarding Lead)'}.{' '}
          {state.lastSyncAt ? `Last synced ${ago(state.lastSyncAt, now)}.` : 'Not synced yet.'} {outbox.waiting} change
          {outbox.waiting === 1 ? '' : 's'} waiting.
        </p>
      )}
      {state.wiped && (
        <p class="problem" role="note">
          This browser held Waymark before, as another tablet, and the browser has since wiped its records (Safari does this after days
          without a visit unless Waymark is on the home screen). That tablet last synced{' '}
          {state.wiped.lastSeenAt ? relativeMoment(state.wiped.lastSeenAt, now) : 'never'}
          {state.wiped.unsent > 0
            ? `, still holding ${state.wiped.unsent} change${state.wiped.unsent === 1 ? '' : 's'} it had not sent`
            : ''}
          : anything written on it after that is lost. The school’s Waymark administrator can see this too.
        </p>
      )}
      {state.problem && (
        <p class="problem" role="alert">
          {state.problem.message} <span class="subtle">({relativeMoment(state.problem.at, now)})</span>
        </p>
      )}
      {state.clockSkewMs !== undefined && Math.abs(state.clockSkewMs) > 5 * 60_000 && (
        <p class="problem" role="note">
          This tablet’s clock is {Math.round(Math.abs(state.clockSkewMs) / 60_000)} minutes {state.clockSkewMs > 0 ? 'ahead of' : 'behind'}{' '}
          the school’s server. Set the date and time to automatic in the tablet’s settings.
        </p>
      )}
      {mustEnrol ? (
        <form onSubmit={enrolment.save}>
          <p>Ask the school’s Waymark administrator for an enrolment code. It works once, for a day.</p>
          <TextField label="School’s Waymark address" type="text" value={serverUrl} onInput={setServerUrl} name="serverUrl" required />
          <TextField label="Enrolment code" value={code} onInput={setCode} name="code" required autoComplete="one-time-code" />
          <TextField label="Name for this tablet" hint="e.g. Year 9 iPad 3" value={tabletName} onInput={setTabletName} name="tabletName" />
          <SaveProblem error={enrolment.error} />
          <button type="submit" class="primary" disabled={enrolment.saving}>
            Link this tablet
          </button>
        </form>
      ) : (
        <button type="button" class="primary" onClick={() => void requestSync()} disabled={activity.running}>
          {activity.running ? 'Syncing…' : 'Sync now'}
        </button>
      )}
      {view.removedThenChanged.length > 0 && (
        <>
          <h3>Removed, then changed on another tablet</h3>
          <p>
            These were removed on one tablet and changed on another afterwards. They stay removed; the later changes are kept with them.
          </p>
          <ul class="plain">
            {view.removedThenChanged.map((r) => (
              <li key={r.recordId}>
                {r.table === 'pupils' ? 'Pupil' : r.table === 'targets' ? 'Target' : 'Record'} “{r.name}”, changed{' '}
                {relativeMoment(r.at, now)}
              </li>
            ))}
          </ul>
        </>
      )}
      {outbox.needsAttention.length > 0 && (
        <>
          <h3>Needs attention</h3>
          <p>
            The school’s server refused these changes. They stay on this tablet until you discard them, or, for one waiting for a record the
            school does not have yet, until it goes again by itself; the rest of your records are not affected.
          </p>
          <ul class="plain">
            {outbox.needsAttention.map((e) => (
              <li key={e.seq}>
                {e.op === 'create' ? 'New' : e.op === 'delete' ? 'Removed' : 'Changed'}{' '}
                {e.table.replace(/s$/, '').replace('checkIn', 'check-in')}, {relativeMoment(e.at, now)}: {e.rejected?.message}{' '}
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => void saveOrSay('The refused change was not discarded.', () => discardRefused(db, e.seq))}
                >
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
