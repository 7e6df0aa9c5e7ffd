import { useEffect, useState } from 'preact/hooks';
import { exportEverything, outboxSummary, type ThisTablet, thisDevice } from '../../data/index.ts';
import { HomeScreenSteps } from '../components/install.tsx';
import { SchoolLink } from '../components/school-link.tsx';
import { useLive, useTitle } from '../hooks.ts';
import { db } from '../notebook.ts';
import { useObservable } from '../observable.ts';
import { install, pwa } from '../pwa.ts';
import { keepStorage, megabytes, nearlyFull, refreshStorage, storage } from '../storage.ts';

export function Settings() {
  useTitle('Settings');
  const app = useObservable(pwa);
  const space = useObservable(storage);
  const pending = useLive(async () => (await outboxSummary(db)).waiting, []);
  const [device, setDevice] = useState<ThisTablet>();
  // Read once, not watched: the tablet's id never changes, and making it loads the write path,
  // which cannot happen inside a live query.
  useEffect(() => {
    thisDevice(db)
      .then(setDevice)
      .catch((error) => console.error('Waymark: this tablet’s id could not be read', error));
  }, []);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string>();

  useEffect(() => {
    void refreshStorage();
  }, []);

  const download = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      const data = await exportEverything(db);
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `waymark-${data.exportedAt.slice(0, 10)}-${device?.deviceId.slice(-6) ?? 'tablet'}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      setExportError((error as Error).message);
    } finally {
      setExporting(false);
    }
  };

  return (
    <main id="main" class="screen narrow">
      <h1>Settings</h1>

      <SchoolLink />

      <section class="card" aria-labelledby="install-h">
        <h2 id="install-h">On this tablet</h2>
        {app.installed ? (
          <p>Waymark is installed: open it from the home screen.</p>
        ) : app.canInstall ? (
          <>
            <p>Install Waymark to open it from the home screen, full screen, with or without Wi-Fi.</p>
            <button type="button" class="primary" onClick={install}>
              Install Waymark
            </button>
          </>
        ) : app.needsHomeScreenSteps ? (
          <HomeScreenSteps />
        ) : (
          <p>Use your browser’s menu to install Waymark or add it to the home screen.</p>
        )}
      </section>

      <section class="card" aria-labelledby="storage-h">
        <h2 id="storage-h">Storage</h2>
        <dl class="facts">
          <dt>Kept safe</dt>
          <dd>
            {space.persisted === undefined
              ? 'Checking…'
              : space.persisted
                ? 'Yes: the browser will not clear Waymark’s records to free space.'
                : 'Not yet: the browser may clear Waymark’s records if the tablet runs short of space.'}
          </dd>
          <dt>Used</dt>
          <dd>{space.usage === undefined ? '…' : `${megabytes(space.usage)} of ${megabytes(space.quota)} available to Waymark`}</dd>
        </dl>
        {nearlyFull(space) && (
          <p class="problem" role="alert">
            The tablet is nearly out of space for Waymark. Sync, then free some space on the tablet, before you write more.
          </p>
        )}
        {space.persisted === false && (
          <button type="button" class="secondary" onClick={keepStorage}>
            Ask to keep Waymark’s records
          </button>
        )}
        {app.needsHomeScreenSteps && (
          <p class="problem" role="note">
            On an iPad, Safari deletes a website’s records after a few days without a visit unless it is added to the home screen. Add
            Waymark to the home screen to keep your records safe.
          </p>
        )}
      </section>

      <section class="card" aria-labelledby="export-h">
        <h2 id="export-h">Download everything</h2>
        <p>
          A file with every pupil, target, check-in and note on this tablet, and {pending ?? '…'} change{pending === 1 ? '' : 's'} not yet
          sent to the school. Use it only when a tablet must be handed in before it can sync, and keep the file as safely as the tablet: it
          holds records about children.
        </p>
        <button type="button" class="secondary" onClick={download} disabled={exporting}>
          {exporting ? 'Preparing…' : 'Download everything (JSON)'}
        </button>
        {exportError && (
          <p class="problem" role="alert">
            The download failed: {exportError}
          </p>
        )}
      </section>

      <section class="card" aria-labelledby="about-h">
        <h2 id="about-h">About</h2>
        <dl class="facts">
          <dt>Version</dt>
          <dd>{__WAYMARK_BUILD__}</dd>
          <dt>Tablet id</dt>
          <dd>{device?.deviceId ?? '…'}</dd>
        </dl>
      </section>
    </main>
  );
}
