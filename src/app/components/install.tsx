import { useObservable } from '../observable.ts';
import { install, pwa } from '../pwa.ts';

/** Safari has no install prompt: say how to add Waymark to the home screen. */
export function HomeScreenSteps() {
  return (
    <>
      <p>To put Waymark on this iPad’s home screen:</p>
      <ol>
        <li>
          Tap the Share button <span aria-hidden="true">(a square with an arrow)</span> in Safari’s toolbar.
        </li>
        <li>Choose “Add to Home Screen”, then “Add”.</li>
        <li>Open Waymark from the home screen from now on.</li>
      </ol>
    </>
  );
}

/**
 * Offered on Today once the mentor has something worth keeping, and never again once installed or
 * dismissed on this tablet.
 */
export function InstallOffer({ hasRecords }: { hasRecords: boolean }) {
  const app = useObservable(pwa);
  const dismissed = localStorage.getItem('waymark:install-dismissed') === '1';
  if (!hasRecords || app.installed || dismissed || !(app.canInstall || app.needsHomeScreenSteps)) return null;
  const dismiss = () => {
    localStorage.setItem('waymark:install-dismissed', '1');
    pwa.update({});
  };
  return (
    <section class="card install-offer" aria-labelledby="install-offer-h">
      <h2 id="install-offer-h">Keep Waymark on this tablet</h2>
      <p>Installed, Waymark opens from the home screen with or without Wi-Fi, and the tablet keeps your records safe.</p>
      {app.canInstall && !app.needsHomeScreenSteps ? (
        <div class="actions">
          <button type="button" class="primary" onClick={install}>
            Install Waymark
          </button>
          <button type="button" class="secondary" onClick={dismiss}>
            Not now
          </button>
        </div>
      ) : (
        <>
          <HomeScreenSteps />
          <button type="button" class="secondary" onClick={dismiss}>
            Got it
          </button>
        </>
      )}
    </section>
  );
}
