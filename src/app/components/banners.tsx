/** Messages that stay in view until dealt with: a new version, a database upgraded elsewhere, a nearly full tablet. */
import { useEffect } from 'preact/hooks';
import { replacedByNewerVersion } from '../notebook.ts';
import { useObservable } from '../observable.ts';
import { applyUpdate, pwa } from '../pwa.ts';
import { nearlyFull, refreshStorage, storage } from '../storage.ts';
import { SyncBanners } from './sync-status.tsx';

export function Banners() {
  const app = useObservable(pwa);
  const replaced = useObservable(replacedByNewerVersion);
  const space = useObservable(storage);

  useEffect(() => {
    void refreshStorage();
    const timer = setInterval(refreshStorage, 5 * 60_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <div class="banners">
      <SyncBanners />
      {replaced && (
        <div class="banner" role="alert">
          <span>Waymark was updated in another window. Reload to carry on: what you were typing is kept.</span>
          <button type="button" class="primary" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      )}
      {app.updateReady && !replaced && (
        <div class="banner" role="status">
          <span>
            A new version of Waymark is ready.
            {app.appleHomeScreen && ' If it still looks the same after reloading, close Waymark and open it again.'}
          </span>
          <button type="button" class="primary" onClick={applyUpdate} disabled={app.updating}>
            {app.updating ? 'Reloading…' : 'Reload'}
          </button>
        </div>
      )}
      {nearlyFull(space) && (
        <div class="banner banner-warning" role="alert">
          <span>The tablet is nearly out of space for Waymark. Sync, then free some space, before writing more.</span>
          <a class="button secondary" href="/settings">
            Settings
          </a>
        </div>
      )}
    </div>
  );
}
