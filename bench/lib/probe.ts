/**
 * Timing inside the page, so that neither Playwright nor the DevTools protocol is counted: from
 * the moment an input event happened (its timeStamp) or the navigation started, to just after the
 * first frame painted once the screen shows what was asked for. The bench browser runs without a
 * frame-rate limit, so that frame comes as soon as the work is done rather than at the next
 * 60 Hz tick.
 */
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __probe: {
      result?: Promise<number>;
      arm(type: string, selector?: string, text?: string): void;
      shown(selector: string, text?: string): Promise<number>;
      /** When each landmark was first painted, in ms from the start of the navigation. */
      landmarks: Record<string, Promise<number>>;
    };
  }
}

/** What a cold start waits for: the blank page's text, and Today's sections with real data in them. */
export const LANDMARKS = ['#blank', '.today-grid'] as const;

/** Installed before any of the page's scripts, on every navigation. */
function install(LANDMARKS: readonly string[]) {
  const afterPaint = (resolve: () => void) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
  const shows = (selector: string, text?: string) => {
    const el = document.querySelector(selector);
    return Boolean(el && (!text || el.textContent?.includes(text)));
  };
  /** Resolves once `selector` (holding `text`) is on screen and painted. */
  const whenShown = (selector: string, text: string | undefined, then: () => void) => {
    if (shows(selector, text)) return afterPaint(then);
    const observer = new MutationObserver(() => {
      if (!shows(selector, text)) return;
      observer.disconnect();
      afterPaint(then);
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  window.__probe = {
    arm(type, selector, text) {
      this.result = new Promise((resolve) => {
        addEventListener(
          type,
          (event) => {
            const end = () => resolve(performance.now() - event.timeStamp);
            // No selector: the frame after the event's own work (handlers, then the render they queue).
            if (selector) whenShown(selector, text, end);
            else afterPaint(end);
          },
          { capture: true, once: true },
        );
      });
    },
    shown(selector, text) {
      return new Promise((resolve) => whenShown(selector, text, () => resolve(performance.now())));
    },
    landmarks: {},
  };
  // Watched from the first byte of every page, so a cold start's first paint is never missed.
  for (const landmark of LANDMARKS) window.__probe.landmarks[landmark] = window.__probe.shown(landmark);
}

export const installProbe = (page: Page) => page.addInitScript(install, LANDMARKS);

/** Times from the next `type` event to the paint that shows `selector` (with `text`); `act` causes the event. */
export async function timeInteraction(
  page: Page,
  type: string,
  act: () => Promise<unknown>,
  selector?: string,
  text?: string,
): Promise<number> {
  await page.evaluate(([t, s, x]) => window.__probe.arm(t as string, s, x), [type, selector, text] as const);
  await act();
  return page.evaluate(() => window.__probe.result as Promise<number>);
}

/** Milliseconds from the start of the navigation to the first paint that showed a landmark. */
export const timeToLandmark = (page: Page, landmark: (typeof LANDMARKS)[number]): Promise<number> =>
  page.evaluate((l) => window.__probe.landmarks[l] as Promise<number>, landmark);

/**
 * A floor for a cold start with data, as a script run before the blank page's own: open the
 * tablet's database and read what Today reads (the caseload, active targets, this week's check-ins,
 * the last ten days' and today's sessions; not the last-seen look-ups), in one raw transaction,
 * then show how many rows came back. Nothing of Waymark's code, and nothing drawn from the rows.
 */
export function readTodayRaw() {
  addEventListener('DOMContentLoaded', () => {
    const open = indexedDB.open('waymark');
    open.onsuccess = () => {
      const day = new Date();
      const dayOf = (d: Date) => d.toISOString().slice(0, 10);
      const monday = new Date(day.getTime() - ((day.getDay() + 6) % 7) * 86_400_000);
      const tx = open.result.transaction(['pupils', 'targets', 'checkIns', 'sessions'], 'readonly');
      const requests = [
        tx.objectStore('pupils').index('status').getAll('active'),
        tx.objectStore('targets').index('status').getAll('active'),
        tx
          .objectStore('checkIns')
          .index('on')
          .getAll(IDBKeyRange.bound(dayOf(monday), dayOf(day))),
        tx
          .objectStore('sessions')
          .index('occurredAt')
          .getAll(IDBKeyRange.lowerBound(new Date(day.getTime() - 10 * 86_400_000).toISOString())),
        tx
          .objectStore('sessions')
          .index('occurredAt')
          .getAll(IDBKeyRange.lowerBound(dayOf(day))),
      ];
      tx.oncomplete = () => {
        const shown = document.createElement('p');
        shown.id = 'today-read';
        shown.textContent = requests.map((r) => (r.result as unknown[]).length).join(', ');
        document.body.append(shown);
      };
    };
  });
}
