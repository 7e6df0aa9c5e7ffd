/**
 * The fault suite's world: the real compiled server (build/server/main.js) in processes of its own
 * on 127.0.0.1, and tablets that keep their own outboxes as Waymark does (a change leaves only once
 * the school answered for it) and talk to the server over HTTP. Where a fault needs more of the
 * tablet than its outbox (a restore, which tablets mend by sending again what they delivered), the
 * tablet is Waymark's own sync engine, its database on fake-indexeddb. What the server holds is
 * read from its database file once it has stopped, and counted against what it acknowledged.
 */
import 'fake-indexeddb/auto';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { WaymarkDB } from '../../src/data/db.ts';
import { addPupil, editPupil } from '../../src/data/pupils.ts';
import { enrolTablet, type SyncResult, syncNow } from '../../src/data/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL, type PushChange } from '../../src/shared/protocol.ts';
import { newPupil, type Tablet } from '../integration/school.ts';
import { pupil } from '../unit/helpers.ts';

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'build/server/main.js');
const ADMIN = join(ROOT, 'build/server/admin.js');

/** How many times each fault is made: a few in `npm test`, more with `npm run faults`. */
export const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 3);

/** A port free on 127.0.0.1 just now. */
async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

export interface Folder {
  dataDir: string;
  staticDir: string;
  remove: () => void;
}

/** A school's data folder, and a one-page app for the server to serve (the tests need only the API). */
export function folder(): Folder {
  const root = mkdtempSync(join(tmpdir(), 'waymark-faults-'));
  const staticDir = join(root, 'app');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><div id="app"></div>');
  const dataDir = join(root, 'data');
  const remove = () => {
    if (existsSync(dataDir)) setWritable({ dataDir, staticDir, remove }, true);
    rmSync(root, { recursive: true, force: true });
  };
  return { dataDir, staticDir, remove };
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
  kill: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts `npm start`'s server on `dir`, and resolves once it answers. With `fullDisk`, a write past
 * the process's file size limit (see fillDisk) fails as on a full disk instead of ending the process;
 * with `full`, it starts with that limit already reached.
 * Under root, who may write any file, the server runs without that power, so that a folder made
 * read-only (setWritable) is read-only to it as a read-only disk would be.
 */
export async function startServer(dir: Folder, { fullDisk = false, full = false } = {}): Promise<RunningServer> {
  const [port, httpsPort] = [await freePort(), await freePort()];
  const node = [process.execPath, MAIN];
  const asRoot = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search,-fowner', '--'] : [];
  // `full`: started on a disk already full, where no file may grow past a few KB (the KB of `ulimit -f`).
  const limit = full ? 'ulimit -S -f 8; ' : '';
  const [command, ...args] =
    fullDisk || full ? [...asRoot, '/bin/bash', '-c', `trap "" XFSZ; ${limit}exec "$0" "$@"`, ...node] : [...asRoot, ...node];
  const child = spawn(command as string, args, {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      HTTPS_PORT: String(httpsPort),
      DATA_DIR: dir.dataDir,
      WAYMARK_STATIC_DIR: dir.staticDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`The server stopped as it started:\n${output}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {}
    if (tries > 600) throw new Error(`The server did not answer within a minute:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    exited,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Lets the server's files grow only `room` bytes more than the largest is now (or without limit
 * again, for `room` undefined), through the process's file size limit: its next writes past that
 * fail as they would on a full disk, and SQLite refuses them; once the limit is lifted the disk has
 * room again. (A real full disk needs a filesystem of its own, which a test cannot mount.)
 */
export function fillDisk(dir: Folder, server: RunningServer, room?: number): void {
  const sizes = readdirSync(dir.dataDir).map((name) => statSync(join(dir.dataDir, name)).size);
  const limit = room === undefined ? 'unlimited' : String(Math.max(...sizes) + room);
  execFileSync('prlimit', ['--pid', String(server.child.pid), `--fsize=${limit}:unlimited`]);
}

/** Makes the data folder and all in it read-only (no one may write it), or writable by its owner again. */
export function setWritable(dir: Folder, writable: boolean): void {
  const walk = (path: string) => {
    const stats = statSync(path);
    chmodSync(path, writable ? stats.mode | 0o200 : stats.mode & ~0o222);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir.dataDir);
}

/**
 * `npm run admin -- …` on the folder, as the IT person runs it beside the server; returns what it
 * printed. Never run synchronously: a test blocked for seconds cannot see the server close a
 * kept-alive connection it has left idle, and sends its next request down a closed one.
 */
export async function admin(dir: Folder, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [ADMIN, ...args], { env: { ...process.env, DATA_DIR: dir.dataDir }, encoding: 'utf8' });
  return stdout;
}

/** What a run counts: every change a tablet was told the school has, and how the school's file holds them. */
export interface Tally {
  acknowledged: number;
  foundOnce: number;
  lost: string[];
  duplicated: string[];
  /** Answers 500 or more that were not the server being stopped (a busy database, say). */
  serverErrors: string[];
}

/** A tablet: its own outbox, its sequence numbers, and what the school acknowledged. */
export class FaultTablet {
  readonly deviceId = newId();
  token = '';
  private seq = 0;
  private wall = Date.parse('2026-11-24T09:00:00.000Z');
  readonly outbox: PushChange[] = [];
  readonly acknowledged = new Set<string>();
  readonly serverErrors: string[] = [];

  constructor(readonly name: string) {}

  async enrol(url: string, code: string): Promise<void> {
    const answer = await fetch(`${url}/api/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: PROTOCOL, deviceId: this.deviceId, code, deviceName: this.name }),
    });
    if (!answer.ok) throw new Error(`${this.name} could not enrol: ${await answer.text()}`);
    this.token = (await answer.json()).token;
  }

  /** Writes `count` new pupils into its outbox, as a mentor does offline. */
  write(count: number): void {
    for (let i = 0; i < count; i++) {
      this.wall += 1000;
      const at = new Date(this.wall).toISOString();
      const pupil = newPupil({ deviceId: this.deviceId } as Tablet, `${this.name} pupil ${this.seq + 1}`, at);
      this.outbox.push({
        changeId: newId(),
        seq: ++this.seq,
        table: 'pupils',
        recordId: pupil.id,
        op: 'create',
        values: pupil.values,
        hlc: encodeHlc({ wall: this.wall, count: 0, node: this.deviceId }),
      });
    }
  }

  /**
   * Sends its outbox, `batch` at a time, until it is empty or a push fails (the server was killed,
   * say): a change leaves the outbox only with an answer for it. Returns whether it emptied.
   */
  async push(url: string, batch = 20): Promise<boolean> {
    while (this.outbox.length > 0) {
      const changes = this.outbox.slice(0, batch);
      let answer: Response;
      try {
        answer = await fetch(`${url}/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body: JSON.stringify({
            protocol: PROTOCOL,
            changes,
            unsent: this.outbox.length,
            deviceTime: new Date(this.wall).toISOString(),
            resumeFrom: changes[0]?.seq,
          }),
        });
      } catch {
        return false;
      }
      if (answer.status >= 500) {
        this.serverErrors.push(`${answer.status} ${await answer.text()}`);
        return false;
      }
      if (!answer.ok) throw new Error(`${this.name}'s push was refused: ${answer.status} ${await answer.text()}`);
      let results: { changeId: string; status: string; message?: string }[];
      try {
        results = (await answer.json()).results;
      } catch {
        return false; // the answer was cut off: nothing is taken as delivered
      }
      for (const result of results) {
        if (result.status !== 'applied' && result.status !== 'duplicate') {
          throw new Error(`${this.name}'s change was refused: ${JSON.stringify(result)}`);
        }
        this.acknowledged.add(result.changeId);
        this.outbox.splice(
          this.outbox.findIndex((c) => c.changeId === result.changeId),
          1,
        );
      }
    }
    return true;
  }

  /** Every pupil the school hands this tablet, page by page from the start. */
  async pullAll(url: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const answer = await fetch(`${url}/api/v1/pull`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ protocol: PROTOCOL, cursor }),
      });
      if (!answer.ok) throw new Error(`${this.name}'s pull failed: ${answer.status} ${await answer.text()}`);
      const body = (await answer.json()) as { changes: { recordId: string }[]; cursor: string; more: boolean };
      ids.push(...body.changes.map((c) => c.recordId));
      cursor = body.cursor;
      if (!body.more) return ids;
    }
    throw new Error('The pull never ended.');
  }
}

/**
 * A tablet running Waymark's own sync engine over HTTP, its database on fake-indexeddb: it keeps
 * what it delivered and sends it again as the school's answers ask. It counts every change the
 * school told it it has, as a FaultTablet does.
 */
export class EngineTablet {
  readonly db: WaymarkDB;
  readonly acknowledged = new Set<string>();
  readonly serverErrors: string[] = [];
  /** The server's address now: a server started again listens on another port. */
  url = '';
  private readonly own: string[] = [];

  constructor(readonly name: string) {
    this.db = new WaymarkDB(`faults-${process.pid}-${Date.now()}-${name}`);
  }

  /** Every request goes to the server's address now; each push's answer is counted. */
  private readonly send: typeof fetch = async (input, init) => {
    const answer = await fetch(`${this.url}${new URL(String(input)).pathname}`, init);
    if (answer.status >= 500) this.serverErrors.push(`${answer.status} ${await answer.clone().text()}`);
    if (answer.ok && String(input).endsWith('/push')) {
      const { results } = (await answer.clone().json()) as { results: { changeId: string; status: string }[] };
      for (const r of results) if (r.status === 'applied' || r.status === 'duplicate') this.acknowledged.add(r.changeId);
    }
    return answer;
  };

  async enrol(url: string, code: string): Promise<void> {
    this.url = url;
    await enrolTablet(this.db, url, code, this.name, { fetch: this.send });
  }

  /** Adds `count` pupils and moves each pupil it added before to another form, as a mentor does offline. */
  async write(count: number): Promise<void> {
    for (const [i, id] of this.own.entries()) await editPupil(this.db, id, { form: `${this.name} form ${i} ${this.own.length}` });
    for (let i = 0; i < count; i++) this.own.push(await addPupil(this.db, pupil({ name: `${this.name} pupil ${this.own.length + 1}` })));
  }

  sync(): Promise<SyncResult> {
    return syncNow(this.db, { fetch: this.send });
  }
}

/** Counts the tablets' acknowledged changes in the school's database file (the servers stopped). */
export function tally(dir: Folder, tablets: readonly { acknowledged: ReadonlySet<string>; serverErrors: readonly string[] }[]): Tally {
  const db = new Database(join(dir.dataDir, 'waymark.sqlite'), { readonly: true });
  try {
    const counts = new Map(
      (db.prepare('SELECT change_id AS id, count(*) AS n FROM changes GROUP BY change_id').all() as { id: string; n: number }[]).map(
        (r) => [r.id, r.n],
      ),
    );
    const acknowledged = tablets.flatMap((t) => [...t.acknowledged]);
    return {
      acknowledged: acknowledged.length,
      foundOnce: acknowledged.filter((id) => counts.get(id) === 1).length,
      lost: acknowledged.filter((id) => !counts.has(id)),
      duplicated: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
      serverErrors: tablets.flatMap((t) => t.serverErrors),
    };
  } finally {
    db.close();
  }
}

/** A school with `count` mentors' tablets, made by `make`, enrolled at `url`. */
export async function tabletsOf<T extends { enrol: (url: string, code: string) => Promise<void> }>(
  dir: Folder,
  url: string,
  count: number,
  make: (name: string) => T,
): Promise<T[]> {
  await admin(dir, 'add-school', 'Hillside Academy');
  const tablets: T[] = [];
  for (let i = 0; i < count; i++) {
    const code = (await admin(dir, 'add-mentor', `Mentor ${i + 1}`)).trim().split('\n').at(-1) ?? '';
    const tablet = make(`Tablet ${i + 1}`);
    await tablet.enrol(url, code);
    tablets.push(tablet);
  }
  return tablets;
}
