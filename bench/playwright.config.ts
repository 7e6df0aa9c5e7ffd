import { defineConfig } from '@playwright/test';

// `npm run bench`: benchmarks, not tests. Each *.bench.ts measures and records figures (nothing
// here asserts a time); the global teardown writes them to bench/results and docs/PERFORMANCE.md.
export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  timeout: 30 * 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: { trace: 'off' },
});
