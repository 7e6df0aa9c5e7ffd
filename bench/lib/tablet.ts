/**
 * A benchmark tablet: Debian's Chromium on a persistent profile (storage as on a device), its CPU
 * slowed 4x through the DevTools protocol to the speed of a mid-range tablet, and no frame-rate
 * limit so that "painted" means painted, not "painted at the next 60 Hz tick".
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, TABLET_CONTEXT } from '../../tests/browser/fixtures.ts';
import { PROFILES_DIR } from './paths.ts';
import { installProbe } from './probe.ts';

export const CPU_THROTTLING = 4;

export interface BenchTablet {
  profile: string;
  context: BrowserContext;
  page: Page;
  /** Sets the 4x slowdown on the page (again after the page is replaced). */
  throttle: (page?: Page) => Promise<void>;
  close: () => Promise<void>;
}

export async function newProfile(): Promise<string> {
  await mkdir(PROFILES_DIR, { recursive: true });
  return mkdtemp(join(PROFILES_DIR, 'tablet-'));
}

/**
 * Chromium goes on writing a profile's IndexedDB for a moment after its window closes, and a
 * browser opened on the same profile at once waits for that: 300 to 400 ms more to open the
 * database, measured on a cold start. A tablet's cold start comes long after Waymark was last
 * closed, so a profile rests this long between a close and the next open.
 */
const PROFILE_REST_MS = 3000;
const closedAt = new Map<string, number>();

/** Opens the browser on `profile` (a new one if not given); each open is a cold browser. */
export async function openTablet(
  baseURL: string,
  profile?: string,
  options: { offline?: boolean; bypassCSP?: boolean } = {},
): Promise<BenchTablet> {
  const dir = profile ?? (await newProfile());
  const rest = (closedAt.get(dir) ?? 0) + PROFILE_REST_MS - Date.now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const context = await chromium.launchPersistentContext(dir, {
    ...TABLET_CONTEXT,
    args: [...CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit'],
    baseURL,
    offline: options.offline ?? false,
    bypassCSP: options.bypassCSP ?? false,
  });
  await installProbe(context.pages()[0] ?? (await context.newPage()));
  const page = context.pages()[0] as Page;
  const throttle = async (on: Page = page) => {
    const cdp = await context.newCDPSession(on);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  };
  await throttle(page);
  const close = async () => {
    await context.close();
    closedAt.set(dir, Date.now());
  };
  return { profile: dir, context, page, throttle, close };
}

/** The JS heap the page holds once garbage is collected, in MB. */
export async function heapMb(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize / 1024 / 1024;
}
