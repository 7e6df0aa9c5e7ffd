/**
 * The school's database opened by more than one process at once, as the README allows: the admin
 * command beside the running server, or two server processes started on one folder. SQLite's
 * locks let them share the file; these tests hold the endpoint to it: no process crashes while
 * another upgrades the database, and no push fails because another process is writing.
 *
 * The other process runs the real store from the compiled server (build/server), compiled afresh
 * before any test file runs (tests/compile-server.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { enrol, issueEnrolmentCode, push } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, type Tablet } from './school.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const STORE = pathToFileURL(join(ROOT, 'build/server/sqlite-store.js')).href;

const folders: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-two-processes-'));
  folders.push(dir);
  return dir;
};

/** Runs `script` (an ES module body with `openSqliteStore` and `dataDir` in scope) in another Node process. */
function inAnotherProcess(dir: string, script: string): { child: ChildProcess; exited: Promise<{ code: number | null; output: string }> } {
  const source = `import { openSqliteStore } from ${JSON.stringify(STORE)}; const dataDir = ${JSON.stringify(dir)};\n${script}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<{ code: number | null; output: string }>((done) => child.once('exit', (code) => done({ code, output })));
  return { child, exited };
}

describe('one database, several processes', () => {
  it('four processes starting at once on an empty folder all open it, and make it once', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = dataDir();
      const opening = Array.from({ length: 4 }, () => inAnotherProcess(dir, 'openSqliteStore(dataDir).close();').exited);
      const results = await Promise.all(opening);
      expect(results.map((r) => r.output.trim())).toEqual(['', '', '', '']);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      const store = openSqliteStore(dir);
      expect(store.epoch()).toMatch(/^[0-9a-f-]{36}$/);
      store.close();
    }
  }, 60_000);

  it('pushes are all applied while another process (the admin command) keeps writing', async () => {
    const dir = dataDir();
    const store = openSqliteStore(dir);
    const { id: schoolId } = store.addSchool('Hillside Academy');
    const mentor = store.addMentor(schoolId, 'Sam Patel');
    const { deviceId } = enrol(store, {
      protocol: PROTOCOL,
      deviceId: newId(),
      code: issueEnrolmentCode(store, mentor.id),
      deviceName: 'iPad',
    });
    const device = store.device(deviceId);
    if (!device) throw new Error('not enrolled');

    // The other process adds mentors one after another, each a write of its own, until told to stop.
    const admin = inAnotherProcess(
      dir,
      `const store = openSqliteStore(dataDir); const [school] = store.schools();
       let n = 0; process.stdout.write('writing\\n');
       for (; n < 20000; n++) { store.addMentor(school.id, 'Mentor ' + n); if (n % 50 === 0) await new Promise((r) => setImmediate(r)); }
       store.close();`,
    );
    await new Promise<void>((ready) => admin.child.stdout?.once('data', () => ready()));

    const failures: string[] = [];
    const wall = Date.parse('2026-11-24T09:00:00.000Z');
    for (let seq = 1; seq <= 200; seq++) {
      const now = new Date(wall + seq * 1000);
      const { id: recordId, values } = newPupil({ deviceId } as Tablet, `Pupil ${seq}`, now.toISOString());
      const change = {
        changeId: newId(),
        seq,
        table: 'pupils' as const,
        recordId,
        op: 'create' as const,
        values,
        hlc: encodeHlc({ wall: now.getTime(), count: 0, node: deviceId }),
      };
      try {
        const answer = push(store, device, { protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: now.toISOString() }, now);
        if (answer.results[0]?.status !== 'applied') failures.push(JSON.stringify(answer.results[0]));
      } catch (error) {
        failures.push(String(error));
      }
      // Let the other process run between pushes, as a server between requests does.
      await new Promise((r) => setImmediate(r));
    }
    admin.child.kill('SIGTERM');
    expect(failures).toEqual([]);
    expect(store.lastChangeSeq()).toBe(200);
    store.close();
  }, 120_000);
});
