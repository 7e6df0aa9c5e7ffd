import { mkdirSync } from 'node:fs';

export const RESULTS_DIR = 'bench/results';
mkdirSync(RESULTS_DIR, { recursive: true });
/** The seeded school, shared by the benchmark files of one run. */
export const SCHOOL_FILE = `${RESULTS_DIR}/.school.json`;
export const LATEST_FILE = `${RESULTS_DIR}/latest.json`;
export const PERFORMANCE_DOC = 'docs/PERFORMANCE.md';
