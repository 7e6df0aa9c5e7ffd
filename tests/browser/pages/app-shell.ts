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
