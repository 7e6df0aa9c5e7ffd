/**
 * Waymark opened at an address that is not secure (plain http, not on the tablet itself): the
 * browser then gives it no service worker, no Web Locks, no lasting storage and no WebCrypto, and
 * its records would cross the network unprotected. Not in the first download: main.tsx loads it
 * only on such an address, and Settings (loaded later) with the enrolment form.
 *
 * A tablet already linked there was linked before the school's server served HTTPS. Its unsent
 * changes live only under this address, so it is told to finish sending here first, and only then
 * to move to the https address, where it is linked again and gets its records back from the school.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { live, outboxSummary, syncState } from '../../data/index.ts';
import { db } from '../notebook.ts';

/** _top: a page of the server's, not a screen of the app, so the app's router leaves the click to the browser. */
const SetupLink = () => (
  <a href="/setup" target="_top">
    {location.origin}/setup
  </a>
);

const whatToDo = (
  <>
    Open Waymark at the school’s https address instead. The school’s IT person finds that address, and how to make this tablet trust the
    school’s certificate, at <SetupLink />.
  </>
);

/** Whether this tablet is linked, whether the school's server refuses its sync here, and whether it holds changes not yet at the school. */
type LinkHere = { linked: boolean; refused: boolean; holding: boolean } | 'unknown';

/** Undefined until the tablet's link is read; 'unknown' if it cannot be, so the warning is shown all the same. */
function useLinkHere(): LinkHere | undefined {
  const [link, setLink] = useState<LinkHere>();
  useEffect(() => {
    const subscription = live(async () => ({ state: await syncState(db), outbox: await outboxSummary(db) })).subscribe({
      next: ({ state, outbox }) =>
        setLink({
          linked: Boolean(state.token),
          refused: state.problem?.code === 'https_required',
          // Refused changes too: they wait for the mentor here, and would be left behind.
          holding: outbox.waiting + outbox.needsAttention.length > 0,
        }),
      error: () => setLink('unknown'),
    });
    return () => subscription.unsubscribe();
  }, []);
  return link;
}

export function InsecureContext() {
  const link = useLinkHere();
  if (!link) return null;
  const linked = link !== 'unknown' && link.linked;
  return (
    <div class="banner banner-warning" role="alert">
      {linked ? (
        <span>
          Waymark is open at {location.origin}, the school’s old address, which is not a secure (https) address.{' '}
          {link.refused
            ? 'The school’s server no longer takes changes here, so yours are kept on this tablet: ask the school’s IT person to let it finish sending them.'
            : 'Your changes are still being sent over this old address.'}{' '}
          Once the top of the screen says “Synced” with nothing waiting and nothing that needs attention, and no note is left half-written,
          open Waymark at the school’s https address and link this tablet again with a new code: everything comes back from the school. The
          https address is shown at <SetupLink />.
        </span>
      ) : link !== 'unknown' && link.holding ? (
        <span>
          Waymark is open at {location.origin}, which is not a secure (https) address, and this tablet holds records that have not reached
          the school. They are kept only here: do not move to another address yet, and ask the school’s IT person how to bring them to the
          school.
        </span>
      ) : (
        <span>
          Waymark is open at {location.origin}, which is not a secure (https) address. Here it cannot keep working without Wi-Fi, the
          browser may clear its records, and it cannot be linked to the school: its records would cross the network unprotected. {whatToDo}
        </span>
      )}
    </div>
  );
}

/** Shown above every screen, before anything is typed. */
export function showInsecureContext(): void {
  const banner = document.createElement('div');
  document.body.prepend(banner);
  render(<InsecureContext />, banner);
}

/** The enrolment form's first step: a code typed on an insecure address is never sent. */
export function refuseInsecureEnrolment(): void {
  if (window.isSecureContext) return;
  throw new Error(
    `This tablet cannot be linked at ${location.origin}: it is not a secure (https) address. Open Waymark at the school’s https address and link it there; ${location.origin}/setup says how.`,
  );
}
