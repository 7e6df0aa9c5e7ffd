import { execFileSync } from 'node:child_process';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { LATEST_FILE, PERFORMANCE_DOC, PROFILES_DIR, RESULTS_DIR, SCHOOL_FILE } from './lib/paths.ts';
import { renderTable } from './lib/report.ts';
import { readResults } from './lib/results.ts';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Keeps this run's JSON, and puts its table into docs/PERFORMANCE.md between the markers. */
export default async function globalTeardown() {
  const results = await readResults();
  await copyFile(LATEST_FILE, `${RESULTS_DIR}/${results.startedAt.replace(/[:.]/g, '-')}.json`);
  const school = JSON.parse(await readFile(SCHOOL_FILE, 'utf8').catch(() => '{}')) as { dataDir?: string };
  if (school.dataDir) await rm(school.dataDir, { recursive: true, force: true });
  await rm(PROFILES_DIR, { recursive: true, force: true });
  if (results.figures.length === 0) return;
  const doc = await readFile(PERFORMANCE_DOC, 'utf8').catch(() => `# Performance\n\n${START}\n${END}\n`);
  const [before, rest] = doc.split(START);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined) throw new Error(`${PERFORMANCE_DOC} lost its ${START} and ${END} markers.`);
  await writeFile(PERFORMANCE_DOC, `${before}${START}\n${renderTable(results)}\n${END}${after}`);
  // Laid out as the rest of the docs are, so `npm run check` stays clean after a run.
  execFileSync('node_modules/.bin/biome', ['format', '--write', PERFORMANCE_DOC], { stdio: 'ignore' });
  console.log(`Results: ${LATEST_FILE}; table: ${PERFORMANCE_DOC}`);
}
