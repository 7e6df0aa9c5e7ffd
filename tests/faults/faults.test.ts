/**
 * The fault suite (`npm run faults`; a quick run of it in `npm test`): the real server process,
 * several tablets with their own outboxes, and a fault made again and again while they push (or,
 * for a restore from an older copy, while they sync with Waymark's own engine). Each
 * case ends with every acknowledged change in the school's file exactly once, no answer of 500 or
 * more from a busy database, and every tablet holding every other tablet's changes.
 *
 * FAULT_ROUNDS sets how many times each fault is made (3 unless set; `npm run faults` makes 30).
 * The random moments come from a seed printed at the start; FAULT_SEED=<seed> makes the same run.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { thisDevice } from '../../src/data/commit.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import {
  admin,
  EngineTablet,
  FaultTablet,
  type Folder,
  fillDisk,
  folder,
  ROOT,
  ROUNDS,
  type RunningServer,
  setWritable,
  startServer,
  tabletsOf,
  tally,
} from './harness.ts';

const seed = Number(process.env.FAULT_SEED ?? Date.now() % 2 ** 31);
/** The next random number in [0, 1), from the run's seed (a small linear congruential generator). */
let state = seed;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return state / 2 ** 31;
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => {
  console.log(`fault seed: ${seed} (replay: FAULT_SEED=${seed} FAULT_ROUNDS=${ROUNDS} npm run faults)`);
}, 120_000);

async function school(tabletCount: number): Promise<{ dir: Folder; server: RunningServer; tablets: FaultTablet[] }> {
  const dir = folder();
  cleanups.push(dir.remove);
  const server = await startServer(dir);
  cleanups.push(() => server.kill());
  return { dir, server, tablets: await tabletsOf(dir, server.url, tabletCount, (name) => new FaultTablet(name)) };
}

/** Every tablet pushes what it holds, to the end. */
const pushAll = (tablets: FaultTablet[], url: string | ((i: number) => string)) =>
  Promise.all(tablets.map((t, i) => t.push(typeof url === 'string' ? url : url(i))));

/** The end of every case: nothing left to send, every acknowledged change held once, and every tablet holding the others'. */
async function expectNothingLost(dir: Folder, server: RunningServer, tablets: FaultTablet[]) {
  expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => true));
  for (const tablet of tablets) {
    const others = tablets.filter((t) => t !== tablet).flatMap((t) => [...t.acknowledged]);
    const pulled = new Set(await tablet.pullAll(server.url));
    expect(others.length).toBeGreaterThan(0);
    // Pulls hand on record ids; each acknowledged change here created one record.
    expect(others.length).toBe(tablets.filter((t) => t !== tablet).reduce((n, t) => n + t.acknowledged.size, 0));
    expect(pulled.size, `${tablet.name} holds every other tablet's pupils`).toBe(others.length);
  }
  expect(await server.kill('SIGTERM')).toBe(0);
  const counted = tally(dir, tablets);
  expect({ lost: counted.lost, duplicated: counted.duplicated }).toEqual({ lost: [], duplicated: [] });
  expect(counted.foundOnce).toBe(counted.acknowledged);
  return counted;
}

/**
 * A server that cannot write: every tablet can still fetch what the school holds (all of it, or
 * with `someUnserved` at most all of it), and what the mentors write meanwhile waits on their
 * tablets, refused, nothing of it acknowledged.
 */
async function expectServedButNothingTaken(server: RunningServer, tablets: FaultTablet[], someUnserved = false) {
  for (const tablet of tablets) {
    const others = tablets.filter((t) => t !== tablet).reduce((n, t) => n + t.acknowledged.size, 0);
    const pulled = new Set(await tablet.pullAll(server.url)).size;
    if (someUnserved) expect(pulled).toBeLessThanOrEqual(others);
    else expect(pulled).toBe(others);
  }
  for (const t of tablets) t.write(3);
  const before = tablets.map((t) => t.acknowledged.size);
  expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => false));
  expect(tablets.map((t) => t.acknowledged.size)).toEqual(before);
}

describe('faults, against the real server process', () => {
  it('killed (SIGKILL) at random moments while tablets push: nothing acknowledged is lost or held twice', async () => {
    let { dir, server, tablets } = await school(3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(30);
      const pushing = pushAll(tablets, server.url);
      await new Promise((r) => setTimeout(r, random() * 300));
      await server.kill('SIGKILL');
      await pushing;
      server = await startServer(dir);
      cleanups.push(() => server.kill());
    }
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.acknowledged).toBe(3 * 30 * ROUNDS);
    expect(counted.serverErrors).toEqual([]);
  }, 600_000);

  it('two server processes on one data folder, tablets pushing to both: no push fails for a busy database', async () => {
    const { dir, server, tablets } = await school(4);
    const second = await startServer(dir);
    cleanups.push(() => second.kill());
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(25);
      // Half the tablets reach one process, half the other, all at once.
      expect(await pushAll(tablets, (i) => (i % 2 === 0 ? server.url : second.url))).toEqual(tablets.map(() => true));
    }
    expect(await second.kill('SIGTERM')).toBe(0);
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.serverErrors).toEqual([]);
  }, 600_000);

  it('the admin command writing beside a busy server: no push fails for a busy database', async () => {
    const { dir, server, tablets } = await school(3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(40);
      const admins = Array.from(
        { length: 3 },
        (_, i) =>
          new Promise<number | null>((done) => {
            const child = spawn(process.execPath, [join(ROOT, 'build/server/admin.js'), 'add-mentor', `Extra ${round}-${i}`], {
              env: { ...process.env, DATA_DIR: dir.dataDir },
              stdio: 'ignore',
            });
            child.once('exit', done);
          }),
      );
      const [codes] = await Promise.all([Promise.all(admins), pushAll(tablets, server.url)]);
      expect(codes).toEqual([0, 0, 0]);
    }
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.serverErrors).toEqual([]);
  }, 600_000);

  it('the data folder moved away while tablets push: nothing more is acknowledged until it is back, and then nothing is lost', async () => {
    const { dir, server, tablets } = await school(3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(20);
      const pushing = pushAll(tablets, server.url);
      await new Promise((r) => setTimeout(r, random() * 100));
      renameSync(dir.dataDir, `${dir.dataDir}-moved`);
      await pushing;
      // Each mentor writes one more, and pushes while it is gone: every push is refused, nothing more acknowledged.
      for (const t of tablets) t.write(1);
      const during = tablets.map((t) => t.acknowledged.size);
      expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => false));
      expect(tablets.map((t) => t.acknowledged.size)).toEqual(during);
      renameSync(`${dir.dataDir}-moved`, dir.dataDir);
    }
    const counted = await expectNothingLost(dir, server, tablets);
    // What it refused meanwhile, it refused as unable to save, in words: no other failure.
    expect(counted.serverErrors.length).toBeGreaterThanOrEqual(3 * ROUNDS);
    for (const error of counted.serverErrors) expect(error).toMatch(/^503 .*cannot save anything just now/);
  }, 600_000);

  it('the disk fills while tablets push: what does not fit is refused as unable to save, and once there is room nothing is lost', async () => {
    const dir = folder();
    cleanups.push(dir.remove);
    const server = await startServer(dir, { fullDisk: true });
    cleanups.push(() => server.kill());
    const tablets = await tabletsOf(dir, server.url, 3, (name) => new FaultTablet(name));
    for (let round = 0; round < ROUNDS; round++) {
      fillDisk(dir, server, Math.floor(random() * 64 * 1024));
      // Mentors write until the disk is full: the write-ahead log reuses its file after a
      // checkpoint, so how much fits depends on where it stands.
      let pushed: boolean[] = [];
      for (let i = 0; i < 200 && !pushed.includes(false); i++) {
        for (const t of tablets) t.write(20);
        pushed = await pushAll(tablets, server.url);
      }
      expect(pushed).toContain(false);
      fillDisk(dir, server);
      expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => true));
    }
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.serverErrors.length).toBeGreaterThanOrEqual(ROUNDS);
    for (const error of counted.serverErrors) expect(error).toMatch(/^503 .*cannot save anything just now/);
    expect(server.output()).toMatch(/The disk holding .* (is full|refused to write)/);
  }, 600_000);

  it('started again while the disk is full: it hands out what it holds and takes nothing; with room again, nothing is lost', async () => {
    const { dir, server: first, tablets } = await school(3);
    let server = first;
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(5 + Math.floor(random() * 20));
      expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => true));
      expect(await server.kill(round % 2 === 0 ? 'SIGTERM' : 'SIGKILL')).toBe(round % 2 === 0 ? 0 : null);
      server = await startServer(dir, { full: true });
      cleanups.push(() => server.kill());
      expect(server.output()).toMatch(/The disk holding .* is full or refuses to write .*: Waymark serves what it holds/);
      // Stopped cleanly, everything is in the database; killed, the last changes may be only in its
      // write-ahead log, which it cannot read without room for the file SQLite keeps beside it:
      // those it says it does not hand out, and hands out the rest.
      const unserved = /write-ahead log .* are not handed out meanwhile/.test(server.output());
      if (round % 2 === 0) expect(unserved).toBe(false);
      await expectServedButNothingTaken(server, tablets, unserved);
      expect(await server.kill('SIGTERM')).toBe(0);
      server = await startServer(dir);
      cleanups.push(() => server.kill());
    }
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.serverErrors.length).toBeGreaterThanOrEqual(3 * ROUNDS);
    for (const error of counted.serverErrors) expect(error).toMatch(/^503 .*cannot save anything just now/);
  }, 600_000);

  it('a database that cannot be written (a read-only file, folder or disk): the server starts, hands out what it holds and takes nothing; once writable, nothing is lost', async () => {
    const { dir, server: first, tablets } = await school(3);
    let server = first;
    // Stopped in turn cleanly (SQLite removes the files it keeps beside the database, which a
    // read-only folder cannot have made again, so Waymark reads the database into memory) and
    // killed (they stay, and it reads the database in place, write-ahead log and all).
    const restart = async (writable: boolean, signal: NodeJS.Signals = 'SIGTERM') => {
      expect(await server.kill(signal)).toBe(signal === 'SIGTERM' ? 0 : null);
      setWritable(dir, writable);
      server = await startServer(dir);
      cleanups.push(() => server.kill());
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) t.write(5 + Math.floor(random() * 20));
      expect(await pushAll(tablets, server.url)).toEqual(tablets.map(() => true));
      await restart(false, round % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
      expect(server.output()).toMatch(/cannot be written \(a read-only file, folder or disk\): Waymark serves what it holds/);
      await expectServedButNothingTaken(server, tablets);
      await restart(true);
    }
    const counted = await expectNothingLost(dir, server, tablets);
    expect(counted.serverErrors.length).toBeGreaterThanOrEqual(3 * ROUNDS);
    for (const error of counted.serverErrors) expect(error).toMatch(/^503 .*cannot save anything just now/);
  }, 600_000);

  it('restored from an older copy after tablets delivered more: every change any tablet made is back, once, and on the other tablet', async () => {
    const dir = folder();
    cleanups.push(dir.remove);
    const servers = [await startServer(dir)];
    const server = () => servers.at(-1) as RunningServer;
    cleanups.push(() => server().kill());
    const tablets = await tabletsOf(dir, server().url, 2, (name) => new EngineTablet(name));
    const syncAll = async () => {
      for (const t of tablets) expect(await t.sync(), `${t.name} syncs`).toMatchObject({ status: 'done' });
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of tablets) await t.write(3);
      await syncAll();
      // `npm run admin -- backup FILE` while the server runs: the night's backup.
      const backup = join(dir.dataDir, '..', `backup-${round}.sqlite`);
      await admin(dir, 'backup', backup);
      // The next day both mentors add pupils and edit theirs, and sync: the school acknowledges all of it.
      for (const t of tablets) await t.write(1 + Math.floor(random() * 4));
      await syncAll();
      await syncAll();
      // The restore drill: stop the server, put the backup in place of the database, start it again.
      expect(await server().kill('SIGTERM')).toBe(0);
      for (const file of ['waymark.sqlite-wal', 'waymark.sqlite-shm']) rmSync(join(dir.dataDir, file), { force: true });
      copyFileSync(backup, join(dir.dataDir, 'waymark.sqlite'));
      servers.push(await startServer(dir));
      for (const t of tablets) t.url = server().url;
      // A mentor edits before the tablet hears of the restore.
      await tablets[0]?.write(0);
      await syncAll();
      await syncAll();
    }
    const caseloads = await Promise.all(
      tablets.map(async (t) => (await t.db.pupils.toArray()).map((p) => `${p.id} ${p.name} ${p.form}`).sort()),
    );
    expect(caseloads[1]).toEqual(caseloads[0]);
    for (const t of tablets)
      expect(await outboxSummary(t.db), `${t.name} holds nothing back`).toMatchObject({ waiting: 0, needsAttention: [] });
    const made = (await Promise.all(tablets.map(async (t) => (await thisDevice(t.db)).lastIssuedSeq))).reduce((a, b) => a + b, 0);
    expect(await server().kill('SIGTERM')).toBe(0);
    // No server ever moved on over a change a tablet held.
    for (const s of servers) expect(s.output()).not.toContain('no longer has');
    const counted = tally(dir, tablets);
    expect({ lost: counted.lost, duplicated: counted.duplicated }).toEqual({ lost: [], duplicated: [] });
    expect(counted.acknowledged).toBe(made);
    expect(counted.foundOnce).toBe(made);
    expect(counted.serverErrors).toEqual([]);
  }, 600_000);
});
