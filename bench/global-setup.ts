import { writeFile } from 'node:fs/promises';
import { SCHOOL_FILE } from './lib/paths.ts';
import { resetResults } from './lib/results.ts';
import { seedSchool } from './school.ts';

/** Seeds the school endpoint once for every benchmark file, and starts a fresh results file. */
export default async function globalSetup() {
  const started = performance.now();
  const school = await seedSchool();
  await writeFile(SCHOOL_FILE, JSON.stringify(school));
  await resetResults({ seedMs: Math.round(performance.now() - started), now: school.now });
  console.log(
    `Seeded ${school.brookfield.records + school.hillside.records} records in ${((performance.now() - started) / 1000).toFixed(1)} s (${school.dataDir})`,
  );
}
