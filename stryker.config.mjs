// Mutation testing (`npm run mutate`, see the README's Scripts): Stryker changes the rules one small
// step at a time (a `<` for a `<=`, a condition for `true`) and runs the tests that reach the change;
// a change no test notices is a rule the tests do not guard.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // The rules whose mistakes lose or mix up a mentor's records: the pure rules in src/shared, the
  // write path, the sync engine on the tablet, the endpoint's sync and its store.
  mutate: [
    'src/shared/**/*.ts',
    // Only the words a mentor picks from and the record types: mutating the vocabulary says nothing
    // about the rules, and the file's one function (displayName) is a name, not a record's rule.
    '!src/shared/model.ts',
    // The fields' names as the forms show them (a test checks every field has one), for the same reason.
    '!src/shared/field-labels.ts',
    'src/data/commit.ts',
    // The sync engine: sync.ts and sync-state.ts today, the src/data/sync/ folder once it is split.
    'src/data/sync*.ts',
    'src/data/sync/**/*.ts',
    // Erasing a pupil from the tablet, and on the endpoint: what must leave no trace.
    'src/data/erase.ts',
    'src/server/sync.ts',
    'src/server/change-shape.ts',
    'src/server/sqlite-store.ts',
    'src/server/recent-changes.ts',
    'src/server/cursor.ts',
    'src/server/erasure.ts',
    'src/server/retention.ts',
    // Telling the DSLs of a concern, and the deputies when no DSL has seen it.
    'src/server/alerts.ts',
  ],
  // The unit and integration tests, through vitest: the browser tests are Playwright's and never
  // run here. vitest.mutation.config.ts is the app's vitest config less the build check, and with
  // no vitest time limit (it says why).
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Each mutant runs only the tests that reached it in the first, unmutated run.
  coverageAnalysis: 'perTest',
  // Outputs of other scripts, which the tests do not read: not copied into Stryker's sandbox.
  ignorePatterns: ['/dist', '/build', '/data', '/bench/results', '/test-results', '/playwright-report'],
  // Two workers (each one vitest in one thread) for a 2-core machine, the size CI runs on. On a
  // machine shared with other work: npm run mutate -- --concurrency 1.
  concurrency: 2,
  // Progress while it runs; the reports for people (HTML) and for scripts/mutation-summary.mjs (JSON).
  reporters: ['progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Where a run keeps its results, so that `npm run mutate:incremental` retests only what changed.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Stryker rewrites the paths in tsconfig files that point outside its sandbox copy of the project,
  // using TypeScript's JavaScript API, which TypeScript 7 does not have (the run stops with
  // "ts.parseConfigFileTextToJson is not a function"). Waymark's tsconfig files point only inside
  // the project, so there is nothing to rewrite: naming a file that does not exist skips that step.
  tsconfigFile: 'no-tsconfig-for-stryker-to-rewrite.json',
  // Where the HTML report turns a score amber and red (Stryker's defaults, written out); the score
  // is reported, not enforced: no threshold fails the run.
  thresholds: { high: 80, low: 60, break: null },
};
