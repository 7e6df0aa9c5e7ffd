/**
 * The school's server as `npm start` runs it (`node build/server/main.js`, after `npm run build`),
 * in a child process on a port the test picks, with its own DATA_DIR; and the admin command an
 * IT person runs beside it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port free on loopback, for a server the test starts. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

export interface SchoolServer {
  /** Plain HTTP on loopback: open to this machine, as on the school's server itself. */
  url: string;
  /** Its HTTPS address, at the first of `names` (mapped to 127.0.0.1 in the browser), when started with `https`. */
  httpsUrl: string;
  /** Its plain-HTTP port, for another name mapped to it. */
  port: number;
  dataDir: string;
  /** `npm run admin -- …` against this server's data: returns the output's lines. */
  admin: (...args: string[]) => string[];
  stop: () => Promise<void>;
}

/**
 * The server, with `names` (TLS_NAMES) for the certificate it makes: its HTTPS port is always one
 * of the test's, so no test needs 8443 free.
 */
export async function startSchoolServer(options: { names?: string[] } = {}): Promise<SchoolServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'waymark-school-'));
  const port = await freePort();
  const httpsPort = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HTTPS_PORT: String(httpsPort),
    TLS_NAMES: (options.names ?? []).join(','),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const child: ChildProcess = spawn(process.execPath, ['build/server/main.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const healthy = await fetch(`${url}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (i === 99) throw new Error('The school server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    httpsUrl: `https://${options.names?.[0] ?? 'localhost'}:${httpsPort}`,
    port,
    dataDir,
    admin: (...args) =>
      execFileSync(process.execPath, ['build/server/admin.js', ...args], { env, encoding: 'utf8' })
        .trim()
        .split('\n'),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
