import { rm, writeFile } from 'node:fs/promises';
import { PROFILES_DIR, SCHOOL_FILE } from './lib/paths.ts';
import { resetResults } from './lib/results.ts';
import { seedSchool } from './school.ts';

/** Seeds the school endpoint once for every benchmark file, and starts a fresh results file. */
export default async function globalSetup() {
  const started = performance.now();
  // Profiles left by a run that was stopped before its end.
  await rm(PROFILES_DIR, { recursive: true, force: true });
  const school = await seedSchool();
  await writeFile(SCHOOL_FILE, JSON.stringify(school));
  await resetResults({ seedMs: Math.round(performance.now() - started), now: school.now });
  console.log(
    `Seeded ${school.brookfield.records + school.hillside.records} records in ${((performance.now() - started) / 1000).toFixed(1)} s (${school.dataDir})`,
  );
}
