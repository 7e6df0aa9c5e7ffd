/**
 * The app as an installed PWA: registering the service worker, offering a new version when one is
 * waiting, and offering to install. The service worker is never told to take over until the
 * mentor agrees, every draft is saved, and no sync is running.
 */
import { Workbox } from 'workbox-window';
import { SYNC_LOCK } from '../data/index.ts';
import { flushAllDrafts } from './hooks.ts';
import { store } from './store.ts';

interface BeforeInstallPromptEvent extends Event {
  prompt: () => Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

const standalone = () =>
  window.matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;

/** iPadOS Safari says it is a Mac; touch points give it away. */
const isAppleTablet = () =>
  /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Macintosh') && navigator.maxTouchPoints > 1);

export interface PwaState {
  /** A new version is installed and waiting for the mentor's go-ahead. */
  updateReady: boolean;
  updating: boolean;
  /** The browser offered installation (Chromium); `install()` shows its prompt. */
  canInstall: boolean;
  installed: boolean;
  /** Safari on an iPad or iPhone, not yet on the home screen: no prompt, only instructions. */
  needsHomeScreenSteps: boolean;
  /** Running from the iPad home screen, where an update may only apply after a relaunch. */
  appleHomeScreen: boolean;
}

export const pwa = store<PwaState>({
  updateReady: false,
  updating: false,
  canInstall: false,
  installed: standalone(),
  needsHomeScreenSteps: isAppleTablet() && !standalone(),
  appleHomeScreen: isAppleTablet() && standalone(),
});

let workbox: Workbox | undefined;
let installPrompt: BeforeInstallPromptEvent | undefined;

export function startPwa(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installPrompt = event as BeforeInstallPromptEvent;
    pwa.update({ canInstall: true });
  });
  window.addEventListener('appinstalled', () => {
    installPrompt = undefined;
    pwa.update({ canInstall: false, installed: true, needsHomeScreenSteps: false });
  });

  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => pwa.update({ updateReady: true }));
  workbox.register().catch((error) => console.error('Waymark: the service worker did not register', error));
  // Look for a new version whenever the mentor comes back to the app.
  document.addEventListener('visibilitychange', () => {
    // A failed check (offline, or a broken new version) leaves the current version running.
    if (document.visibilityState === 'visible') workbox?.update().catch((error) => console.warn('Waymark: no new version checked', error));
  });
}

/** Asks the browser to install Waymark (where it offered to). */
export async function install(): Promise<void> {
  if (!installPrompt) return;
  await installPrompt.prompt();
  const { outcome } = await installPrompt.userChoice;
  installPrompt = undefined;
  pwa.update({ canInstall: false, installed: outcome === 'accepted' || pwa.get().installed });
}

/**
 * Switches to the waiting version: saves every draft, waits for any sync to finish (holding the
 * sync lock until the page goes, so none starts), then lets the new service worker take over and
 * reloads once it has.
 */
export async function applyUpdate(): Promise<void> {
  const wb = workbox;
  if (!wb) return;
  pwa.update({ updating: true });
  await flushAllDrafts();
  const takeOver = () =>
    new Promise<void>(() => {
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
      // If the new version never takes control, reload anyway: the current one still serves.
      setTimeout(() => window.location.reload(), 10_000);
    });
  if (navigator.locks) await navigator.locks.request(SYNC_LOCK, takeOver);
  else await takeOver();
}
