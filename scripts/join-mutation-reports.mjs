// Joins the reports of mutation runs of separate areas into one, for `npm run mutate:incremental`
// to start from: a full run takes about three hours on two cores, longer than a working session,
// and a run that is stopped keeps nothing. Run each area on its own (each writes its report when
// it ends), join them, and the incremental run re-tests only what changed since:
//
//   npx stryker run --force --incrementalFile reports/mutation/shared.json --mutate 'src/shared/**/*.ts'
//   ... one for each area, then:
//   node scripts/join-mutation-reports.mjs reports/mutation/stryker-incremental.json reports/mutation/shared.json ...
//   npm run mutate:incremental
//
// Each run numbers its tests from 1, so a test is known by its file and name: the tests that
// covered and killed each mutant are numbered again in the joined report. A file mutated in
// several reports is taken from the last one named. Plain Node, no packages.
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('Usage: node scripts/join-mutation-reports.mjs OUT.json REPORT.json [REPORT.json ...]');
  process.exit(1);
}

const joined = { files: {}, testFiles: {} };
/** The joined report's id of each test, by its file and name. */
const ids = new Map();
const idOf = (file, name) => {
  const key = `${file}\u0000${name}`;
  if (!ids.has(key)) ids.set(key, String(ids.size + 1));
  return ids.get(key);
};

for (const path of inputs) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const { files, testFiles = {}, ...rest } = report;
  Object.assign(joined, rest);
  // This report's test ids, as the joined report numbers them.
  const renumber = new Map();
  for (const [file, { tests, source }] of Object.entries(testFiles)) {
    const kept = joined.testFiles[file] ?? { tests: [] };
    const byName = new Map(kept.tests.map((t) => [t.name, t]));
    for (const test of tests) {
      const id = idOf(file, test.name);
      renumber.set(test.id, id);
      byName.set(test.name, { ...test, id });
    }
    joined.testFiles[file] = { ...kept, ...(source === undefined ? {} : { source }), tests: [...byName.values()] };
  }
  // A test this report does not list is dropped: the incremental run then re-tests that mutant.
  const again = (list) => list.map((id) => renumber.get(id)).filter((id) => id !== undefined);
  for (const [file, entry] of Object.entries(files)) {
    joined.files[file] = {
      ...entry,
      mutants: entry.mutants.map((m) => ({
        ...m,
        ...(m.coveredBy ? { coveredBy: again(m.coveredBy) } : {}),
        ...(m.killedBy ? { killedBy: again(m.killedBy) } : {}),
      })),
    };
  }
}

writeFileSync(out, JSON.stringify(joined));
const mutants = Object.values(joined.files).reduce((n, f) => n + f.mutants.length, 0);
console.log(`${out}: ${Object.keys(joined.files).length} files, ${mutants} mutants, ${ids.size} tests, from ${inputs.length} reports.`);
