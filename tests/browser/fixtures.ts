/**
 * Test fixtures: the built app served as `npm start` serves it, on a port the test picks, and a
 * tablet: a persistent Chromium profile, so storage behaves as on a device across reloads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type BrowserContext, test as base, chromium, type Page } from '@playwright/test';
import { createApp } from '../../src/server/app.ts';
import { Caseload } from './pages/caseload.ts';
import { ConcernsPage } from './pages/concerns.ts';
import { PupilPage } from './pages/pupil-page.ts';
import { SessionForm } from './pages/session-form.ts';
import { SettingsPage } from './pages/settings.ts';
import { TodayPage } from './pages/today.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The app served as `npm start` serves it, on a port of the test's choosing, on loopback only. */
export async function startServer(staticDir: string, port = 0): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server = serve({ fetch: createApp({ staticDir }).fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export interface Tablet {
  context: BrowserContext;
  page: Page;
  today: TodayPage;
  caseload: Caseload;
  pupilPage: PupilPage;
  sessionForm: SessionForm;
  settings: SettingsPage;
  concerns: ConcernsPage;
  close: () => Promise<void>;
}

/** What every test and bench tablet is: a landscape tablet with touch, in the UK. */
export const TABLET_CONTEXT = {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1024, height: 768 },
  locale: 'en-GB',
  timezoneId: 'Europe/London',
  hasTouch: true,
} as const;

/** A tablet: a persistent Chromium profile of its own, so storage behaves as on a device. */
export async function launchTablet(
  baseURL: string,
  options: { userAgent?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<Tablet> {
  const profile = await mkdtemp(join(tmpdir(), 'waymark-tablet-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...TABLET_CONTEXT,
    args: CHROMIUM_ARGS,
    baseURL,
    acceptDownloads: true,
    ...options,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  // Anything the server's Content-Security-Policy refused fails the test: every screen a test
  // visits is also a check that the policy lets the app work.
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return {
    context,
    page,
    today: new TodayPage(page),
    caseload: new Caseload(page),
    pupilPage: new PupilPage(page),
    sessionForm: new SessionForm(page),
    settings: new SettingsPage(page),
    concerns: new ConcernsPage(page),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      if (errors.length) throw new Error(`The page threw or was refused: ${errors.join('\n')}`);
    },
  };
}

export const test = base.extend<{ tablet: Tablet }, { appURL: string }>({
  appURL: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object
    async ({}, use) => {
      const server = await startServer('dist');
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],
  tablet: async ({ appURL }, use) => {
    const tablet = await launchTablet(appURL);
    await use(tablet);
    await tablet.close();
  },
});

export { expect } from '@playwright/test';
