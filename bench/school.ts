/**
 * The benchmarks' school endpoint: a real SQLite store seeded through the real push code with
 * generated records, then served by the built server (`node build/server/main.js`) in its own
 * process on loopback, as `npm start` runs it.
 *
 * Two schools: Hillside holds 8 mentors' three years (about 500,000 records), for the load of 50
 * tablets syncing at once; Brookfield holds one mentor's (62,110 records), the tablet whose first
 * full pull, cold start, saving and finding are measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/server/sqlite-store.ts';
import type { Store } from '../src/server/store.ts';
import { enrol, issueEnrolmentCode, push } from '../src/server/sync.ts';
import { PROTOCOL } from '../src/shared/protocol.ts';
import { freePort } from '../tests/browser/school-server.ts';
import { asChanges, generateMentor, type MentorRecords } from './generate.ts';

export const SEED = 2026;
/** Nothing generated is later than this: the bench's "now", to the minute. */
export const benchNow = (): Date => new Date(Math.floor(Date.now() / 60_000) * 60_000);

export interface SeededSchool {
  dataDir: string;
  now: string;
  /** The tablet under test: Brookfield's one mentor. */
  brookfield: { mentorId: string; records: number; codes: string[] };
  /** The school under load. */
  hillside: { mentors: { id: string; seed: number }[]; records: number; devices: { id: string; token: string; mentorIndex: number }[] };
}

/** Each mentor's records come from their own seed, so any process can make them again. */
export const mentorSeed = (school: 'brookfield' | 'hillside', index: number): number => SEED + (school === 'hillside' ? 100 + index : 0);

export function mentorRecords(seed: number, mentorId: string, deviceId: string, now: Date): MentorRecords {
  return generateMentor({ seed, now, mentorId, deviceId });
}

/** Pushes every record of one mentor from the tablet that made them, 500 changes at a time, as a tablet would. */
function seedMentor(store: Store, schoolId: string, mentorId: string, seed: number, now: Date): number {
  const deviceId = randomUUID();
  store.enrolDevice({ id: deviceId, mentorId, schoolId, name: 'Seeding tablet', enrolledAt: now.toISOString() }, randomUUID());
  const device = store.device(deviceId);
  if (!device) throw new Error('The seeding tablet did not enrol.');
  const changes = asChanges(mentorRecords(seed, mentorId, deviceId, now));
  for (let i = 0; i < changes.length; i += 500) {
    const batch = changes.slice(i, i + 500);
    const { results } = push(
      store,
      device,
      { protocol: PROTOCOL, changes: batch, unsent: changes.length - i, deviceTime: now.toISOString() },
      now,
    );
    const refused = results.find((r) => r.status === 'rejected');
    if (refused) throw new Error(`Seeding refused a change: ${JSON.stringify(refused)}`);
  }
  return changes.length;
}

export async function seedSchool(options: { hillsideMentors?: number; devices?: number; codes?: number } = {}): Promise<SeededSchool> {
  const now = benchNow();
  const dataDir = await mkdtemp(join(tmpdir(), 'waymark-bench-'));
  const store = openSqliteStore(dataDir);
  try {
    const brookfield = store.addSchool('Brookfield Primary');
    const solo = store.addMentor(brookfield.id, 'Sam Okoro');
    const brookfieldRecords = seedMentor(store, brookfield.id, solo.id, mentorSeed('brookfield', 0), now);
    const codes = Array.from({ length: options.codes ?? 12 }, () => issueEnrolmentCode(store, solo.id, now));

    const hillside = store.addSchool('Hillside Academy');
    const mentors = Array.from({ length: options.hillsideMentors ?? 8 }, (_, i) => ({
      id: store.addMentor(hillside.id, `Mentor ${i + 1}`).id,
      seed: mentorSeed('hillside', i),
    }));
    let hillsideRecords = 0;
    for (const m of mentors) hillsideRecords += seedMentor(store, hillside.id, m.id, m.seed, now);
    // The tablets under load: several per mentor, enrolled through the real enrolment code path.
    const devices = Array.from({ length: options.devices ?? 50 }, (_, i) => {
      const mentorIndex = i % mentors.length;
      const code = issueEnrolmentCode(store, (mentors[mentorIndex] as { id: string }).id, now);
      const answer = enrol(store, { protocol: PROTOCOL, deviceId: randomUUID(), code, deviceName: `Load tablet ${i + 1}` }, now);
      return { id: answer.deviceId, token: answer.token, mentorIndex };
    });
    return {
      dataDir,
      now: now.toISOString(),
      brookfield: { mentorId: solo.id, records: brookfieldRecords, codes },
      hillside: { mentors, records: hillsideRecords, devices },
    };
  } finally {
    store.close();
  }
}

export interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

/** The built server on the seeded data, serving the bench build of the app (with its blank and harness pages). */
export async function startServer(dataDir: string, staticDir = 'build/bench-app'): Promise<RunningServer> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    WAYMARK_STATIC_DIR: staticDir,
  };
  const child: ChildProcess = spawn(process.execPath, ['build/server/main.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i === 100) throw new Error('The bench server did not start.');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
