// The unit and integration tests as `npm run test:unit` runs them, for Stryker's runs
// (stryker.config.mjs, `npm run mutate`).
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import app from './vite.config.ts';

// Stryker runs the tests in threads of its own process, where the config's `env: { TZ }` comes too
// late to change the time zone: set it for the process, before vitest starts the threads.
const timeZone = app.test?.env?.TZ;
if (timeZone) process.env.TZ = timeZone;

// Stryker's copy of the project holds mutants the server build must not be compiled from, and
// runs none of the tests that read that build (excluded below): no compiling first.
const { globalSetup: _compiled, ...appTest } = app.test ?? {};

export default mergeConfig(
  { ...app, test: appTest },
  defineConfig({
    test: {
      // Not here: the check of the production build (Stryker's copy has none); the HTTPS tests,
      // whose static-file cases read that build too, and which guard the transport, not the rules;
      // the test of several processes on one database and the fault suite, which compile the
      // server and run it in other processes that Stryker's mutants never reach; and the check of the benchmarks' data
      // generator, which guards the benchmarks, and would run seconds of generating three years of
      // records for every mutant of the rules it uses.
      exclude: [
        ...configDefaults.exclude,
        'tests/unit/build-output.test.ts',
        'tests/unit/bench-data.test.ts',
        'tests/integration/https.test.ts',
        'tests/integration/one-database-two-processes.test.ts',
        'tests/faults/**',
      ],
      // Code with mutants in it runs slower than the real thing, and Stryker stops a mutant that
      // runs too long itself (from how long its tests took unmutated). A vitest time limit would
      // fail a slow test and count the mutant as caught when nothing caught it.
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
);
