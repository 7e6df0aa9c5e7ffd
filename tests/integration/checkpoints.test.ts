/**
 * The write-ahead log: when it cannot be folded into the database (a program holding it open),
 * the IT person is told rather than finding the disk full. Real SQLite files in a temp folder.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { judge, LOG_WARNING_BYTES, watchCheckpoints } from '../../src/server/checkpoints.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Checkpoint, Store } from '../../src/server/store.ts';

const MB = 1024 * 1024;

describe('what is said of a checkpoint', () => {
  it.each([
    ['caught up', { logBytes: 4 * MB, behindBytes: 0 }, false, undefined],
    ['a little behind', { logBytes: 300 * MB, behindBytes: LOG_WARNING_BYTES - 1 }, false, undefined],
    ['far behind', { logBytes: 300 * MB, behindBytes: LOG_WARNING_BYTES }, false, 'warn'],
    ['failing', { logBytes: MB, behindBytes: MB, problem: 'disk I/O error' }, false, 'warn'],
    ['caught up after a warning', { logBytes: 4 * MB, behindBytes: 0 }, true, 'info'],
    ['still far behind after a warning', { logBytes: 400 * MB, behindBytes: 400 * MB }, true, 'warn'],
  ] as [string, Checkpoint, boolean, string | undefined][])('%s', (_, result, warned, level) => {
    expect(judge(result, warned)?.level).toBe(level);
  });

  it('a warning says how far behind, and what to look for', () => {
    expect(judge({ logBytes: 512 * MB, behindBytes: 300 * MB, problem: 'disk I/O error' }, false)?.message).toBe(
      "the database's write-ahead log cannot be folded in (300 MB behind, 512 MB in all: disk I/O error): it grows until the disk is full. Look for a program holding the database open (an admin command left running, a backup tool), and for disk errors.",
    );
  });
});

describe('a checkpoint of the school’s database', () => {
  it('is behind while another program holds a read open, and catches up once it lets go', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-wal-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const store = openSqliteStore(dir);
    onTestFinished(() => store.close());
    const school = store.addSchool('Hillside Academy');
    const reader = new Database(join(dir, 'waymark.sqlite'), { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM schools').get();
    for (let i = 0; i < 20; i++) store.addMentor(school.id, `Mentor ${i}`);
    const held = store.checkpoint();
    // Each of the twenty writes added at least one page to the log, none of them folded in yet.
    const pageSize = reader.pragma('page_size', { simple: true }) as number;
    expect(held.behindBytes).toBeGreaterThanOrEqual(20 * pageSize);
    expect(held.behindBytes % pageSize).toBe(0);
    expect(held.logBytes).toBeGreaterThanOrEqual(held.behindBytes);
    reader.prepare('COMMIT').run();
    reader.close();
    expect(store.checkpoint().behindBytes).toBe(0);
  });

  it('that SQLite refuses says why, with the log’s size on the disk, and is warned of', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-wal-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const store = openSqliteStore(dir);
    onTestFinished(() => store.close());
    store.addSchool('Hillside Academy');
    // Asked for in the middle of a write, SQLite refuses it, as it would on a disk error.
    const refused = store.atomically(() => store.checkpoint());
    const onDisk = statSync(join(dir, 'waymark.sqlite-wal')).size;
    expect(onDisk).toBeGreaterThan(0);
    expect(refused).toEqual({ logBytes: onDisk, behindBytes: onDisk, problem: 'database table is locked' });
    expect(judge(refused, false)).toMatchObject({ level: 'warn', message: expect.stringContaining(': database table is locked)') });
  });

  it('is watched while the server runs, and a log far behind is logged as a warning', async () => {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const store = { checkpoint: () => ({ logBytes: 400 * MB, behindBytes: 400 * MB }) } as unknown as Store;
    const stop = watchCheckpoints(store, log, 10);
    onTestFinished(stop);
    await expect.poll(() => lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ level: 40, msg: expect.stringContaining('cannot be folded in (400 MB behind') });
  });
});
