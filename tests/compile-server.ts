/**
 * Compiles the server (build/server) once, before any test file runs. Tests that run the compiled
 * server, the admin command or the store in processes of their own (the fault suite, several
 * processes on one database, the compiled admin command) then read one finished build: a test
 * file compiling it for itself while another ran it would have it import a file half written.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export default function compileServer(): void {
  const root = resolve(import.meta.dirname, '..');
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'src/server'], { cwd: root, stdio: 'inherit' });
}
