import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_ONE } from '../../src/server/recent-changes.ts';
import { chainOf, MIGRATIONS, openSqliteStore, type Upgrade } from '../../src/server/sqlite-store.ts';
import { push } from '../../src/server/sync.ts';
import { PROTOCOL, type PushChange } from '../../src/shared/protocol.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('an endpoint upgraded in place', () => {
  it('keeps the change log it had and sends each change exactly as before', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    // The database as the release before stored changes: values and base clocks in columns of their own.
    const old = new Database(join(dir, 'waymark.sqlite'));
    for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql);
    old.pragma('user_version = 4');
    const at = '2026-11-20T09:00:00.000Z';
    old.prepare('INSERT INTO schools VALUES (?, ?, ?)').run('school-1', 'Brookfield', at);
    old.prepare('INSERT INTO mentors (id, school_id, name, created_at) VALUES (?, ?, ?, ?)').run('mentor-1', 'school-1', 'Sam', at);
    const log = old.prepare(
      'INSERT INTO changes (school_id, table_name, record_id, op, change_values, hlc, base, device_id, mentor_id, change_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    log.run(
      'school-1',
      'pupils',
      'p1',
      'create',
      '{"id":"p1","name":"Jacob “Jake” Smith","contacts":[]}',
      'h1',
      null,
      'tablet-a',
      'mentor-1',
      'c1',
    );
    log.run('school-1', 'pupils', 'p1', 'update', '{"form":"9R"}', 'h2', '{"form":null}', 'tablet-b', 'mentor-1', 'c2');
    // What that release sent for them, made by SQLite on every pull.
    const sentBefore = old
      .prepare(
        `SELECT CASE WHEN base IS NULL
          THEN json_object('table', table_name, 'recordId', record_id, 'op', op, 'values', json(change_values), 'hlc', hlc, 'deviceId', device_id, 'mentorId', mentor_id)
          ELSE json_object('table', table_name, 'recordId', record_id, 'op', op, 'values', json(change_values), 'hlc', hlc, 'base', json(base), 'deviceId', device_id, 'mentorId', mentor_id)
          END AS json FROM changes ORDER BY seq`,
      )
      .all()
      .map((row) => (row as { json: string }).json);
    old.close();

    const upgrades: Upgrade[] = [];
    const store = openSqliteStore(dir, (upgrade) => upgrades.push(upgrade));
    try {
      const page = store.changesSince('school-1', 0, 10);
      const text = Buffer.concat(page.json).toString('utf8');
      expect(text).toBe(sentBefore.join(','));
      expect(page).toMatchObject({ count: 2, lastSeq: 2, full: false });
      const sent = JSON.parse(`[${text}]`);
      expect(sent).toEqual([
        {
          table: 'pupils',
          recordId: 'p1',
          op: 'create',
          values: { id: 'p1', name: 'Jacob “Jake” Smith', contacts: [] },
          hlc: 'h1',
          deviceId: 'tablet-a',
          mentorId: 'mentor-1',
        },
        {
          table: 'pupils',
          recordId: 'p1',
          op: 'update',
          values: { form: '9R' },
          hlc: 'h2',
          base: { form: null },
          deviceId: 'tablet-b',
          mentorId: 'mentor-1',
        },
      ]);
      // A tablet's own changes are left out of what it pulls, as before.
      expect(Buffer.concat(store.changesSince('school-1', 0, 10, { deviceId: 'tablet-a', ...NO_ONE }).json).toString('utf8')).toBe(
        sentBefore[1],
      );
      expect(store.changesSince('school-1', 2, 10)).toEqual({ json: [], count: 0, lastSeq: null, full: false });
      const copy = join(dir, 'waymark.before-upgrade-from-4.sqlite');
      expect(upgrades).toEqual([{ from: 4, to: MIGRATIONS.length, copy }]);
      expect(store.lastChangeSeq()).toBe(2);
      expect(store.changeHlcAt(2)).toBe('h2');
      // The changes logged before the chain existed are chained, in order, on opening.
      expect(store.chainAt(2)).toBe(chainOf(chainOf(null, 1, 'h1', 'c1'), 2, 'h2', 'c2'));
    } finally {
      store.close();
    }
    // The copy taken first is the database as the earlier release left it, for going back to it.
    const kept = new Database(join(dir, 'waymark.before-upgrade-from-4.sqlite'), { readonly: true });
    try {
      expect(kept.pragma('user_version', { simple: true })).toBe(4);
      expect(kept.prepare('SELECT change_values FROM changes ORDER BY seq').all()).toEqual([
        { change_values: '{"id":"p1","name":"Jacob “Jake” Smith","contacts":[]}' },
        { change_values: '{"form":"9R"}' },
      ]);
    } finally {
      kept.close();
    }
  });

  it('keeps, from the upgrade on, why it refused a change: a tablet sending it again hears the refusal again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    // The database as the release before left it: a tablet that had delivered two changes.
    const old = new Database(join(dir, 'waymark.sqlite'));
    for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql);
    old.pragma('user_version = 5');
    const at = '2026-11-20T09:00:00.000Z';
    old.prepare('INSERT INTO schools VALUES (?, ?, ?)').run('school-1', 'Brookfield', at);
    old.prepare('INSERT INTO mentors (id, school_id, name, created_at) VALUES (?, ?, ?, ?)').run('mentor-1', 'school-1', 'Sam', at);
    old
      .prepare('INSERT INTO devices (id, mentor_id, school_id, name, token_hash, enrolled_at, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('01a20000-0000-7000-8000-0000000000d1', 'mentor-1', 'school-1', 'Sam’s iPad', 'hash-1', at, 2);
    old.close();

    const upgrades: Upgrade[] = [];
    const store = openSqliteStore(dir, (upgrade) => upgrades.push(upgrade));
    try {
      expect(upgrades).toEqual([{ from: 5, to: MIGRATIONS.length, copy: join(dir, 'waymark.before-upgrade-from-5.sqlite') }]);
      const device = store.device('01a20000-0000-7000-8000-0000000000d1');
      if (!device) throw new Error('The tablet did not survive the upgrade.');
      expect(device.lastAppliedSeq).toBe(2);
      // Change 3 updates a pupil this endpoint never had.
      const change: PushChange = {
        changeId: '01a20000-0000-7000-8000-0000000000c3',
        seq: 3,
        table: 'pupils',
        recordId: '01a20000-0000-7000-8000-0000000000a1',
        op: 'update',
        values: { form: '9S' },
        hlc: '2026-11-24T10:00:00.000Z_0000_01a20000-0000-7000-8000-0000000000d1',
      };
      const send = () =>
        push(
          store,
          device,
          { protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: '2026-11-24T10:00:00.000Z' },
          new Date('2026-11-24T10:00:00.000Z'),
        ).results;
      const refused = {
        seq: 3,
        changeId: change.changeId,
        status: 'rejected',
        code: 'record_not_found',
        message: 'The record this change is for never reached the school.',
      };
      expect(send()).toEqual([refused]);
      // The answer never reached the tablet, which sends the change again.
      expect(send()).toEqual([refused]);
    } finally {
      store.close();
    }
  });

  it('copies the database before upgrading it, once: a second upgrade from the same schema keeps the first copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    const copy = join(dir, 'waymark.before-upgrade-from-5.sqlite');
    const earlier = () => {
      const old = new Database(join(dir, 'waymark.sqlite'));
      for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql);
      old.pragma('user_version = 5');
      old.close();
    };
    earlier();
    // Opened without anyone to tell (the admin command does so).
    openSqliteStore(dir).close();
    const first = statSync(copy).mtimeMs;
    // The IT person went back to the earlier release's file and starts this release again.
    rmSync(join(dir, 'waymark.sqlite'));
    earlier();
    const upgrades: Upgrade[] = [];
    openSqliteStore(dir, (upgrade) => upgrades.push(upgrade)).close();
    expect(upgrades).toEqual([{ from: 5, to: MIGRATIONS.length, copy }]);
    expect(statSync(copy).mtimeMs).toBe(first);
  });

  it('keeps notes flagged as concerns before concerns were records of their own to their authors and the DSLs, with their earlier versions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    // The release before notes flagged as concerns were kept to those who read concerns: they went to every tablet.
    const old = new Database(join(dir, 'waymark.sqlite'));
    for (const sql of MIGRATIONS.slice(0, -1)) old.exec(sql);
    old.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    const at = '2026-11-20T09:00:00.000Z';
    old.prepare('INSERT INTO schools (id, name, created_at) VALUES (?, ?, ?)').run('school-1', 'Brookfield', at);
    for (const [id, name] of [
      ['sam', 'Sam'],
      ['alex', 'Alex'],
    ])
      old.prepare('INSERT INTO mentors (id, school_id, name, dsl, created_at) VALUES (?, ?, ?, 0, ?)').run(id, 'school-1', name, at);
    const record = old.prepare('INSERT INTO records VALUES (?, ?, ?, ?)');
    const note = (id: string, fields: Record<string, unknown>) =>
      record.run('sessions', id, 'school-1', JSON.stringify({ fields: { id, note: `Note ${id}`, ...fields }, clocks: {} }));
    note('flagged', { concern: true });
    note('cleared', { concern: false, concernClearedReason: 'A worry about homework, not a concern.' });
    note('ordinary', { concern: false });
    let n = 0;
    const log = (table: string, recordId: string, op: string, values: Record<string, unknown>, mentorId = 'sam') => {
      const wire = JSON.stringify({ table, recordId, op, values, hlc: `h${++n}`, deviceId: `tablet-${mentorId}`, mentorId });
      old
        .prepare(
          'INSERT INTO changes (school_id, table_name, record_id, op, hlc, device_id, mentor_id, change_id, wire, wire_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run('school-1', table, recordId, op, `h${n}`, `tablet-${mentorId}`, mentorId, `c${n}`, wire, wire.length);
    };
    log('sessions', 'flagged', 'create', { note: 'She said she is scared to go home.', concern: true });
    log('sessions', 'flagged', 'update', { note: 'She said she is scared to go home tonight.' });
    log('revisions', 'r1', 'create', { table: 'sessions', recordId: 'flagged', before: { note: 'She said she is scared to go home.' } });
    log('sessions', 'cleared', 'create', { note: 'Upset about homework.', concern: true });
    log('sessions', 'cleared', 'update', { concern: false, concernClearedReason: 'A worry about homework, not a concern.' }, 'alex');
    log('sessions', 'ordinary', 'create', { note: 'Read a chapter.', concern: false }, 'alex');
    log('revisions', 'r2', 'create', { table: 'pupils', recordId: 'flagged', before: { form: '9R' } }, 'alex');
    old.close();

    const store = openSqliteStore(dir);
    try {
      const received = (mentorId: string, readsEveryConcern = false) =>
        JSON.parse(
          `[${Buffer.concat(store.changesSince('school-1', 0, 100, { deviceId: 'tablet-new', mentorId, readsEveryConcern }).json)}]`,
        ).map((c: { table: string; recordId: string; op: string }) => `${c.table} ${c.recordId} ${c.op}`);
      // Alex, a mentor: the ordinary note, and a revision of a pupil that shares an id by chance.
      expect(received('alex')).toEqual(['sessions ordinary create', 'revisions r2 create']);
      // Sam wrote both flagged notes; the DSL reads every concern.
      const everything = [
        'sessions flagged create',
        'sessions flagged update',
        'revisions r1 create',
        'sessions cleared create',
        'sessions cleared update',
        'sessions ordinary create',
        'revisions r2 create',
      ];
      expect(received('sam')).toEqual(everything);
      expect(received('dana', true)).toEqual(everything);
    } finally {
      store.close();
    }
  });

  it('opens a database already of this release without upgrading it or copying it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    openSqliteStore(dir).close();
    const upgrades: Upgrade[] = [];
    openSqliteStore(dir, (upgrade) => upgrades.push(upgrade)).close();
    expect(upgrades).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.includes('before-upgrade'))).toEqual([]);
  });

  it('refuses a database made by a newer release, and leaves it as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-upgrade-'));
    dirs.push(dir);
    openSqliteStore(dir).close();
    const newer = new Database(join(dir, 'waymark.sqlite'));
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();
    expect(() => openSqliteStore(dir)).toThrow(/made by a newer release of Waymark/);
    const after = new Database(join(dir, 'waymark.sqlite'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    after.close();
  });
});
