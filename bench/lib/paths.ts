import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RESULTS_DIR = 'bench/results';
mkdirSync(RESULTS_DIR, { recursive: true });
/** The seeded school, shared by the benchmark files of one run. */
export const SCHOOL_FILE = `${RESULTS_DIR}/.school.json`;
export const LATEST_FILE = `${RESULTS_DIR}/latest.json`;
export const PERFORMANCE_DOC = 'docs/PERFORMANCE.md';
/**
 * Where the bench's browser profiles go: each holds a tablet's full IndexedDB (about 100 MB), and
 * a run makes a dozen. Emptied when a run starts and when it ends. (One run at a time.)
 */
export const PROFILES_DIR = join(tmpdir(), 'waymark-bench-profiles');
