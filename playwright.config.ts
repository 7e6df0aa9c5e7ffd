import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's chromium (never a downloaded browser) against the production build.
export default defineConfig({
  testDir: 'tests/browser',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: { trace: 'off' },
});
