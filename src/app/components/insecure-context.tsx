/**
 * Waymark opened at an address that is not secure (plain http, not on the tablet itself): the
 * browser then gives it no service worker, no Web Locks, no lasting storage and no WebCrypto, and
 * its records would cross the network unprotected. Not in the first download: main.tsx loads it
 * only on such an address, and Settings (loaded later) with the enrolment form.
 */
import { render } from 'preact';

const whatToDo = (
  <>
    Open Waymark at the school’s https address instead. The school’s IT person finds that address, and how to make this tablet trust the
    school’s certificate, at{' '}
    {/* _top: a page of the server's, not a screen of the app, so the app's router leaves the click to the browser. */}
    <a href="/setup" target="_top">
      {location.origin}/setup
    </a>
    .
  </>
);

export function InsecureContext() {
  return (
    <div class="banner banner-warning" role="alert">
      <span>
        Waymark is open at {location.origin}, which is not a secure (https) address. Here it cannot keep working without Wi-Fi, the browser
        may clear its records, and it cannot be linked to the school: its records would cross the network unprotected. {whatToDo}
      </span>
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
