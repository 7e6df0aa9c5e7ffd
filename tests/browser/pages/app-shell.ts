import type { Page } from '@playwright/test';

/** Waits until the service worker has installed the app and controls this page. */
export async function waitForOfflineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** What the app does when the mentor comes back to it: look for a new version. */
export async function comeBackToApp(page: Page): Promise<void> {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
}

export function updateBanner(page: Page) {
  return page.getByRole('status').filter({ hasText: 'A new version of Waymark is ready' });
}

/**
 * A tablet with no space left: every IndexedDB write in this page fails as Chromium fails it when
 * the quota is reached (QuotaExceededError). Chromium's DevTools quota override does not reach a
 * database that is already open, so the failure is made at the IndexedDB API instead.
 */
export async function simulateFullDisk(page: Page, full: boolean): Promise<void> {
  await page.evaluate((full) => {
    const proto = IDBObjectStore.prototype as IDBObjectStore & { realAdd?: IDBObjectStore['add']; realPut?: IDBObjectStore['put'] };
    proto.realAdd ??= proto.add;
    proto.realPut ??= proto.put;
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    proto.add = full ? refuse : proto.realAdd;
    proto.put = full ? refuse : proto.realPut;
  }, full);
}

/**
 * Holds the tablet's drafts from another window, as slow storage can: a draft save the app starts
 * meanwhile waits, unwritten, until `release` (or a newer version asking for the database, which
 * this window makes way for at once).
 */
export async function holdDrafts(other: Page): Promise<{ release: () => Promise<void> }> {
  await other.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('waymark');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const connection = request.result;
          const drafts = connection.transaction('drafts', 'readwrite').objectStore('drafts');
          let held = true;
          const release = () => {
            held = false;
          };
          (window as unknown as { releaseDrafts: () => void }).releaseDrafts = release;
          connection.onversionchange = release;
          // A transaction lasts while it has requests to answer: one after another until released.
          const keepHolding = () => {
            if (held) drafts.get('nothing').onsuccess = keepHolding;
            else connection.close();
          };
          keepHolding();
          resolve();
        };
      }),
  );
  return { release: () => other.evaluate(() => (window as unknown as { releaseDrafts: () => void }).releaseDrafts()) };
}

/**
 * Makes the tablet's storage breakable under the page, for `simulateBrokenStorage`: call before the
 * page loads. Dexie keeps IndexedDB's transaction function from when it opens the database, so the
 * failure is put in place from the start, switched off.
 */
export async function allowBrokenStorage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const real = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      if ((window as unknown as { storageBroken?: boolean }).storageBroken) throw new DOMException('Internal error.', 'UnknownError');
      return real.apply(this, args);
    };
  });
}

/**
 * The tablet's storage failing under the page (after `allowBrokenStorage`): every IndexedDB
 * transaction it starts fails, as Chromium fails them when its database files break
 * (UnknownError). Reading and saving both fail; what the page already shows stays.
 */
export async function simulateBrokenStorage(page: Page, broken: boolean): Promise<void> {
  await page.evaluate((broken) => {
    (window as unknown as { storageBroken?: boolean }).storageBroken = broken;
  }, broken);
}

/** The page's own storage (localStorage) full, as well: nothing more can be written to it. */
export async function simulateFullPageStorage(page: Page, full: boolean): Promise<void> {
  await page.evaluate((full) => {
    const proto = Storage.prototype as Storage & { realSetItem?: Storage['setItem'] };
    proto.realSetItem ??= proto.setItem;
    const refuse = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    proto.setItem = full ? refuse : proto.realSetItem;
  }, full);
}
