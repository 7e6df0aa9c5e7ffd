/**
 * The app as an installed PWA: offering to install, and (through updates.ts) registering the
 * service worker and offering a new version when one is waiting. The service worker is never told
 * to take over until the mentor agrees, every draft is saved, and no sync is running.
 */
import { observable } from './observable.ts';

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

export const pwa = observable<PwaState>({
  updateReady: false,
  updating: false,
  canInstall: false,
  installed: standalone(),
  needsHomeScreenSteps: isAppleTablet() && !standalone(),
  appleHomeScreen: isAppleTablet() && standalone(),
});

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
  // Not needed to show the first screen (workbox-window waits for the page's load event before
  // registering anyway), so it is not in the first download.
  import('./updates.ts')
    .then((updates) => updates.registerServiceWorker())
    .catch((error) => console.error('Waymark: the service worker did not register', error));
}

/** Asks the browser to install Waymark (where it offered to). */
export async function install(): Promise<void> {
  if (!installPrompt) return;
  await installPrompt.prompt();
  const { outcome } = await installPrompt.userChoice;
  installPrompt = undefined;
  pwa.update({ canInstall: false, installed: outcome === 'accepted' || pwa.get().installed });
}

/** Switches to the waiting version (see updates.ts), once the mentor taps "Reload". */
export async function applyUpdate(): Promise<void> {
  await (await import('./updates.ts')).applyUpdate();
}
