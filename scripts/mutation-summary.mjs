// What the last `npm run mutate` found, short enough to paste into an issue: each file's mutation
// score, then every mutant the tests let through, as `file:line  mutator  original -> replacement`.
// Reads Stryker's JSON report; plain Node, no packages.
//
//   node scripts/mutation-summary.mjs [reports/mutation/mutation.json]
//
// The score is Stryker's own: detected / valid, where detected is killed or timed out, and valid
// is every mutant except ignored ones and those that did not compile or crashed the run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const reportPath = process.argv[2] ?? fileURLToPath(new URL('../reports/mutation/mutation.json', import.meta.url));

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  console.error(`No mutation report to summarise at ${reportPath} (${error.message}). Run npm run mutate first.`);
  process.exit(1);
}

const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];
const INVALID = ['CompileError', 'RuntimeError'];

/** Counts of each status, and the score (null when no mutant counts). */
function tally(mutants) {
  const count = (statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count(DETECTED);
  const valid = detected + count(UNDETECTED);
  return {
    killed: count(['Killed']),
    timeout: count(['Timeout']),
    survived: count(['Survived']),
    noCoverage: count(['NoCoverage']),
    invalid: count(INVALID),
    ignored: count(['Ignored']),
    score: valid === 0 ? null : (100 * detected) / valid,
  };
}

/** Code on one line, spaced as Stryker prints a replacement (`s.trim()`, not `s\n    .trim()`). */
const flat = (code) =>
  code
    .replace(/\s+/g, ' ')
    .replace(/ \./g, '.')
    .replace(/([([{]) /g, '$1')
    .replace(/ ([)\]}])/g, '$1')
    .trim();
const short = (code, max = 70) => (code.length > max ? `${code.slice(0, max - 1)}…` : code);

/** What a mutant changed, as `original -> replacement`, leaving out a long start they share. */
function change(from, to) {
  const [a, b] = [flat(from), flat(to)];
  let same = 0;
  while (same < a.length && a[same] === b[same]) same++;
  // A method dropped from a chain, or another one called: show it from the last `.` they share.
  const cut = a.lastIndexOf('.', same);
  if (same > 30 && cut > 0) return `${short(`…${a.slice(cut)}`)} -> ${short(`…${b.slice(cut)}`)}`;
  return `${short(a)} -> ${short(b)}`;
}

/** The code a mutant replaced. Locations are 1-based lines and columns. */
function original(source, { start, end }) {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join('\n');
}

const byLine = (a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column;
const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
const pct = (score) => (score === null ? 'n/a' : `${score.toFixed(1)}%`);

const columns = ['score', 'killed', 'timeout', 'survived', 'no cov', 'errors', 'ignored'];
const width = Math.max(...files.map(([name]) => name.length), 'all files'.length);
const row = (name, t) =>
  [
    name.padEnd(width),
    ...[pct(t.score), t.killed, t.timeout, t.survived, t.noCoverage, t.invalid, t.ignored].map((v, i) =>
      String(v).padStart(columns[i].length + 1),
    ),
  ].join(' ');

console.log('Mutation score = detected (killed or timed out) / valid (all but ignored, compile and runtime errors)\n');
console.log([''.padEnd(width), ...columns.map((c) => c.padStart(c.length + 1))].join(' '));
for (const [name, file] of files) console.log(row(name, tally(file.mutants)));
console.log(row('all files', tally(files.flatMap(([, file]) => file.mutants))));

for (const [name, file] of files) {
  const left = file.mutants.filter((m) => UNDETECTED.includes(m.status)).sort(byLine);
  if (left.length === 0) continue;
  console.log(`\n${name}`);
  for (const [status, heading] of [
    ['Survived', 'survived (tests ran and passed)'],
    ['NoCoverage', 'no coverage (no test reaches it)'],
  ]) {
    const these = left.filter((m) => m.status === status);
    if (these.length === 0) continue;
    console.log(`  ${heading}: ${these.length}`);
    for (const m of these) {
      console.log(
        `    ${name}:${m.location.start.line}  ${m.mutatorName}  ${change(original(file.source, m.location), m.replacement ?? '')}`,
      );
    }
  }
}
