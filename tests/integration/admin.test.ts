/**
 * `npm run admin`, as a school's IT person meets it: the commands run in this process against a
 * real SQLite file in a temp directory, and once end to end as the compiled program.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AdminStore, fileCommands, openAdminStore, run } from '../../src/server/admin.ts';
import { MIGRATIONS, openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Store } from '../../src/server/store.ts';
import { authenticate, enrol, pull, push, SyncError } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, type Tablet } from './school.ts';

const CODE = /^[A-Z2-9]{5}-[A-Z2-9]{5}$/;
const ROOT = join(import.meta.dirname, '../..');

let dir: string;
let store: AdminStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'waymark-admin-'));
  store = openAdminStore(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one command line and returns what it printed. */
function admin(...argv: string[]): string[] {
  const lines: string[] = [];
  run(store, argv, (line) => lines.push(...line.split('\n')));
  return lines;
}

const lastLine = (lines: string[]) => lines.at(-1) ?? '';
const enrolWith = (on: Store, code: string) => enrol(on, { protocol: PROTOCOL, deviceId: newId(), code, deviceName: 'iPad 3' });

/** A mentor with an enrolled tablet: its id and bearer token. */
function tabletFor(name: string) {
  const code = lastLine(admin('add-mentor', name));
  const enrolled = enrolWith(store, code);
  return { deviceId: enrolled.deviceId, authorization: `Bearer ${enrolled.token}`, mentorId: enrolled.mentor.id };
}

describe('adding mentors and handing out codes', () => {
  it('prints a code as the last line, alone, that enrols a tablet once', () => {
    const out = admin('add-mentor', 'Sam Patel');
    expect(lastLine(out)).toMatch(CODE);
    const before = out.slice(0, -1).join('\n');
    expect(before).toContain('Sam Patel');
    expect(before).toMatch(/works once/);
    expect(before).toMatch(/expires in 24 hours/);
    expect(before).toMatch(/open Waymark at https:\/\/\S+ and type the code/);

    const enrolled = enrolWith(store, lastLine(out));
    expect(enrolled.mentor).toMatchObject({ name: 'Sam Patel', dsl: false });
    expect(() => enrolWith(store, lastLine(out))).toThrow(expect.objectContaining({ code: 'code_invalid' }));
  });

  it('with no school yet, makes one and says so', () => {
    expect(admin('add-mentor', 'Sam Patel').join('\n')).toMatch(/no school yet.*Our school/);
    expect(store.schools().map((s) => s.name)).toEqual(['Our school']);
    admin('add-mentor', 'Alex Jones', '--school', 'Our school');
    expect(store.schools()).toHaveLength(1);
  });

  it('names the first school after --school when there is none yet', () => {
    admin('add-mentor', 'Sam Patel', '--school', 'Hillside Academy');
    expect(store.schools().map((s) => s.name)).toEqual(['Hillside Academy']);
  });

  it('with one school, needs no --school', () => {
    admin('add-school', 'Hillside Academy');
    const enrolled = enrolWith(store, lastLine(admin('add-mentor', 'Sam Patel')));
    expect(enrolled.school.name).toBe('Hillside Academy');
  });

  it('with several schools and no --school, fails listing them and adds nobody', () => {
    admin('add-school', 'Hillside Academy');
    admin('add-school', 'Riverside Primary');
    expect(() => admin('add-mentor', 'Sam Patel')).toThrow(/--school[\s\S]*Hillside Academy[\s\S]*Riverside Primary/);
    expect(store.mentors()).toEqual([]);

    const enrolled = enrolWith(store, lastLine(admin('add-mentor', 'Sam Patel', '--school', 'Riverside Primary')));
    expect(enrolled.school.name).toBe('Riverside Primary');
    expect(admin('list-mentors', '--school', 'Hillside Academy')).toEqual([expect.stringMatching(/^No mentors/)]);
  });

  it('new-code gives a working code to an existing mentor', () => {
    admin('add-mentor', 'Sam Patel');
    const [mentor] = store.mentors();
    const out = admin('new-code', mentor?.id ?? '');
    expect(out.slice(0, -1).join('\n')).toContain('Sam Patel');
    expect(enrolWith(store, lastLine(out)).mentor.id).toBe(mentor?.id);
  });

  it('new-code makes the mentor’s earlier codes not used yet stop working, and says so; other mentors’ codes still work', () => {
    const printedAndLost = lastLine(admin('add-mentor', 'Sam Patel'));
    const alexCode = lastLine(admin('add-mentor', 'Alex Jones'));
    const sam = store.mentors().find((m) => m.name === 'Sam Patel')?.id ?? '';
    const second = admin('new-code', sam);
    expect(second.slice(0, -1).join('\n')).toMatch(/earlier code, not used yet, no longer works/);
    const third = admin('new-code', sam);
    expect(() => enrolWith(store, printedAndLost)).toThrow(expect.objectContaining({ code: 'code_invalid' }));
    expect(() => enrolWith(store, lastLine(second))).toThrow(expect.objectContaining({ code: 'code_invalid' }));
    expect(enrolWith(store, lastLine(third)).mentor.name).toBe('Sam Patel');
    expect(enrolWith(store, alexCode).mentor.name).toBe('Alex Jones');
    // Once the last one is used, a new one has nothing to cancel.
    expect(admin('new-code', sam).join('\n')).not.toMatch(/no longer work/);
  });

  it('refuses an unquoted two-word name rather than adding "Sam"', () => {
    expect(() => admin('add-mentor', 'Sam', 'Patel')).toThrow(/quote/);
    expect(store.mentors()).toEqual([]);
  });
});

describe('roles', () => {
  it('set-role gives each of the four roles, list-mentors shows it, and the tablet hears it at its next pull', () => {
    const sam = tabletFor('Sam Patel');
    const id = sam.mentorId;
    const roleOnTablet = () => {
      const answer = JSON.parse(
        Buffer.concat(pull(store, authenticate(store, sam.authorization), { protocol: PROTOCOL, cursor: null })).toString(),
      );
      return [answer.you.role, answer.you.readsEveryConcern, answer.mentors[0].dsl];
    };
    expect(roleOnTablet()).toEqual(['mentor', false, false]);
    expect(admin('set-role', id, 'dsl').join('\n')).toMatch(/Sam Patel is now a Designated Safeguarding Lead at .*\n.*next sync/);
    expect(store.mentor(id)?.role).toBe('dsl');
    expect(admin('list-mentors').join('\n')).toMatch(/Sam Patel .* Designated Safeguarding Lead/);
    expect(roleOnTablet()).toEqual(['dsl', true, true]);
    expect(admin('set-role', id, 'DEPUTY').join('\n')).toMatch(/is now a Deputy Designated Safeguarding Lead/);
    expect(roleOnTablet()).toEqual(['deputy dsl', true, true]);
    expect(admin('set-role', id, 'lead').join('\n')).toMatch(/is now a Lead mentor/);
    expect(roleOnTablet()).toEqual(['lead mentor', false, false]);
    admin('set-role', id, 'mentor');
    expect(roleOnTablet()).toEqual(['mentor', false, false]);
  });

  it('lead-reads-concerns lets a school’s lead mentors read every concern, and takes it back', () => {
    const sam = tabletFor('Sam Patel');
    admin('set-role', sam.mentorId, 'lead');
    const reads = () =>
      JSON.parse(Buffer.concat(pull(store, authenticate(store, sam.authorization), { protocol: PROTOCOL, cursor: null })).toString()).you
        .readsEveryConcern;
    expect(reads()).toBe(false);
    expect(admin('lead-reads-concerns', 'on').join('\n')).toMatch(/lead mentors read the text of every concern/);
    expect(reads()).toBe(true);
    expect(admin('lead-reads-concerns', 'off').join('\n')).toMatch(/only a concern’s author and the DSLs read its text/);
    expect(reads()).toBe(false);
  });

  it('refuses a role that is not one, or a missing one, and changes nothing', () => {
    const sam = tabletFor('Sam Patel');
    expect(() => admin('set-role', sam.mentorId, 'headteacher')).toThrow(/“headteacher” is not a role: use mentor, lead, dsl or deputy/);
    expect(() => admin('set-role', sam.mentorId, 'constructor')).toThrow(/not a role/);
    expect(() => admin('set-role', sam.mentorId)).toThrow(/Give a mentor id and one role/);
    expect(() => admin('set-role', sam.mentorId, 'dsl', 'lead')).toThrow(/Give a mentor id and one role/);
    expect(() => admin('lead-reads-concerns', 'yes')).toThrow(/Say on or off/);
    expect(store.mentor(sam.mentorId)?.role).toBe('mentor');
  });

  it('set-email says where a DSL is e-mailed, and --off stops it; escalate-after sets the deputies’ wait', () => {
    const dana = tabletFor('Dana Lead');
    admin('set-role', dana.mentorId, 'dsl');
    expect(admin('set-email', dana.mentorId, 'dana.lead@hillside.sch.uk')).toEqual(['Dana Lead is e-mailed at dana.lead@hillside.sch.uk.']);
    expect(admin('list-mentors').join('\n')).toMatch(/Dana Lead .* dana\.lead@hillside\.sch\.uk/);
    expect(admin('set-email', dana.mentorId, '--off')).toEqual(['Dana Lead is no longer e-mailed.']);
    expect(store.mentor(dana.mentorId)?.email).toBeUndefined();
    expect(() => admin('set-email', dana.mentorId, 'not-an-address')).toThrow(/“not-an-address” is not an e-mail address/);
    expect(() => admin('set-email', dana.mentorId)).toThrow(/Give a mentor id and an e-mail address/);
    const sam = tabletFor('Sam Patel');
    expect(admin('set-email', sam.mentorId, 'sam@hillside.sch.uk').join('\n')).toMatch(/Only a DSL or deputy is e-mailed about concerns/);

    const school = store.schools()[0]?.id ?? '';
    expect(store.escalateAfterMinutes(school)).toBe(60);
    expect(admin('escalate-after', '30').join('\n')).toMatch(/acknowledged 30 minutes after it arrives is e-mailed to the deputy DSLs/);
    expect(store.escalateAfterMinutes(school)).toBe(30);
    for (const wrong of ['0', '1.5', 'soon', '20000']) expect(() => admin('escalate-after', wrong)).toThrow(/whole number of minutes/);
    expect(store.escalateAfterMinutes(school)).toBe(30);
  });

  it('a DSL marked by an earlier release is a DSL after the upgrade', () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    // The release before roles: the schema up to the step that gave each mentor one.
    const before = MIGRATIONS.findIndex((step) => step.includes('ADD COLUMN role'));
    const earlier = new Database(join(dir, 'waymark.sqlite'));
    for (const step of MIGRATIONS.slice(0, before)) earlier.exec(step);
    earlier.pragma(`user_version = ${before}`);
    earlier.prepare("INSERT INTO schools (id, name, created_at) VALUES ('s', 'Hillside', '2026-01-01')").run();
    earlier.prepare("INSERT INTO mentors (id, school_id, name, dsl, created_at) VALUES ('d', 's', 'Dana Lead', 1, '2026-01-01')").run();
    earlier.prepare("INSERT INTO mentors (id, school_id, name, dsl, created_at) VALUES ('m', 's', 'Sam Patel', 0, '2026-01-01')").run();
    earlier.close();
    store = openAdminStore(dir);
    expect(store.mentors().map((m) => [m.name, m.role])).toEqual([
      ['Dana Lead', 'dsl'],
      ['Sam Patel', 'mentor'],
    ]);
  });
});

describe('tablets', () => {
  it('list-devices shows who holds unsent changes, and clock trouble', () => {
    const sam = tabletFor('Sam Patel');
    const alex = tabletFor('Alex Jones');
    store.noteSync(sam.deviceId, new Date().toISOString(), 7, 6 * 60_000);
    store.noteSync(alex.deviceId, new Date().toISOString(), 0, null);
    const out = admin('list-devices');
    const samRow = out.find((line) => line.includes(sam.deviceId)) ?? '';
    const alexRow = out.find((line) => line.includes(alex.deviceId)) ?? '';
    expect(samRow).toMatch(/^!.*Sam Patel.*\b7\b.*6 min fast/);
    expect(alexRow).toMatch(/^ .*Alex Jones/);
    expect(alexRow).not.toMatch(/min (fast|slow)/);
    expect(lastLine(out)).toMatch(/1 tablet\(s\) hold changes not yet sent/);
  });

  it('a name stored by an earlier release with control characters is written out, and cannot forge a row', () => {
    admin('add-mentor', 'Sam Patel');
    const [mentor] = store.mentors();
    const deviceId = newId();
    // What an earlier release stored as the tablet sent it: a new line, a terminal escape, a bidi override.
    const name = 'iPad 3\n!  01a20000-0000-7000-8000-0000000000ff  Forged\u001b[2K\u202eevil';
    store.enrolDevice(
      { id: deviceId, mentorId: mentor?.id ?? '', schoolId: mentor?.schoolId ?? '', name, enrolledAt: new Date().toISOString() },
      'token-hash',
    );
    const out = admin('list-devices');
    expect(out).toHaveLength(2);
    expect(out[1]).toContain(deviceId);
    expect(out[1]).toContain('iPad 3\\n!  01a20000-0000-7000-8000-0000000000ff  Forged\\x1B[2K\\u202Eevil');
    const revoked = admin('revoke-device', deviceId);
    expect(revoked[0]).toContain('"iPad 3\\n!  01a20000-0000-7000-8000-0000000000ff  Forged\\x1B[2K\\u202Eevil"');
    for (const line of [...out, ...revoked]) expect(line).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  });

  it('revoke-device makes the tablet’s next sync refused, and says nothing is deleted', () => {
    const sam = tabletFor('Sam Patel');
    expect(authenticate(store, sam.authorization).id).toBe(sam.deviceId);
    const out = admin('revoke-device', sam.deviceId).join('\n');
    expect(out).toMatch(/next sync will be refused/);
    expect(out).toMatch(/Nothing is deleted on the server/);
    expect(() => authenticate(store, sam.authorization)).toThrow(SyncError);
    expect(() => authenticate(store, sam.authorization)).toThrow(expect.objectContaining({ code: 'device_revoked' }));
    expect(admin('list-devices').join('\n')).toMatch(/REVOKED/);
  });
});

describe('backups', () => {
  /** `npm run admin -- backup …` on a data folder, and what it printed. */
  const backup = (dataDir: string, ...args: string[]) => {
    const lines: string[] = [];
    fileCommands.backup?.(dataDir, args, (line) => lines.push(...line.split('\n')));
    return lines;
  };

  it('backup FILE writes a copy the server can be restored from, with every mentor and tablet, taken beside a batch still writing', () => {
    const sam = tabletFor('Sam Patel');
    // Another connection (the server) is part-way through a batch: the copy neither waits for it nor holds any of it.
    const server = new Database(join(dir, 'waymark.sqlite'));
    server.prepare('BEGIN IMMEDIATE').run();
    server.prepare("INSERT INTO schools (id, name, created_at) VALUES ('s2', 'Not yet committed', '2026-11-24')").run();
    const file = join(dir, 'backups', 'waymark-2026-11-24.sqlite');
    mkdirSync(join(dir, 'backups'));
    const printed = backup(dir, file);
    server.prepare('ROLLBACK').run();
    server.close();
    expect(printed[0]).toMatch(/^Backed up the school’s records to .*waymark-2026-11-24\.sqlite \(\d+\.\d MB\)\.$/);
    expect(printed[1]).toBe('It holds 1 school(s), 1 mentor(s) and 0 change(s).');
    expect(printed.join('\n')).toContain('“Backups” in the README');

    // Restored as the README says: the file put in a data folder of its own.
    const restoredDir = join(dir, 'restored');
    mkdirSync(restoredDir);
    copyFileSync(file, join(restoredDir, 'waymark.sqlite'));
    const restored = openSqliteStore(restoredDir);
    try {
      expect(restored.schools().map((s) => s.name)).toEqual(store.schools().map((s) => s.name));
      expect(restored.mentors().map((m) => m.name)).toEqual(['Sam Patel']);
      expect(restored.epoch()).toBe(store.epoch());
      expect(authenticate(restored, sam.authorization).id).toBe(sam.deviceId);
    } finally {
      restored.close();
    }
  });

  it('says when the last change in it reached the server', () => {
    const sam = tabletFor('Sam Patel');
    const { id, values } = newPupil({ deviceId: sam.deviceId } as Tablet);
    const at = new Date('2026-11-24T15:30:00.000Z');
    const change = {
      changeId: newId(),
      seq: 1,
      table: 'pupils' as const,
      recordId: id,
      op: 'create' as const,
      values,
      hlc: encodeHlc({ wall: at.getTime(), count: 0, node: sam.deviceId }),
    };
    const device = authenticate(store, sam.authorization);
    push(store, device, { protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: at.toISOString() }, at);
    expect(backup(dir, join(dir, 'b.sqlite'))[1]).toBe(
      'It holds 1 school(s), 1 mentor(s) and 1 change(s), the last received 24 Nov 2026 15:30.',
    );
  });

  it('never writes over a file, nor leaves half a copy behind when it cannot write', () => {
    admin('add-school', 'Hillside Academy');
    const file = join(dir, 'taken.sqlite');
    writeFileSync(file, 'last week’s backup');
    expect(() => backup(dir, file)).toThrow(
      `No backup was written: ${file} already exists: give the backup a new name (a date in it, say).`,
    );
    expect(readFileSync(file, 'utf8')).toBe('last week’s backup');
    const nowhere = join(dir, 'no-such-folder', 'waymark.sqlite');
    expect(() => backup(dir, nowhere)).toThrow('No backup was written: ');
    expect(existsSync(`${nowhere}.partial`)).toBe(false);
  });

  it('run with the wrong DATA_DIR, copies nothing and says so, rather than a new empty database', () => {
    const wrong = join(dir, 'not-the-server’s');
    expect(() => backup(wrong, join(dir, 'b1.sqlite'))).toThrow('There is no Waymark database in');
    expect(existsSync(wrong)).toBe(false);
    // A database with no school in it (one just made by mistake) is not a school's backup either.
    expect(() => backup(dir, join(dir, 'b2.sqlite'))).toThrow('holds no school: is DATA_DIR the folder the server uses?');
    expect(existsSync(join(dir, 'b2.sqlite'))).toBe(false);
  });

  it('refuses a copy that does not read back whole, and leaves no file behind', () => {
    admin('add-mentor', 'Sam Patel');
    store.close();
    // A mentor with no name: SQLite never writes one itself (a damaged disk or a hand edit with
    // its rules switched off can), and copies it as it is. Only the check of the copy finds it.
    const damage = (sql: string) => {
      const db = new Database(join(dir, 'waymark.sqlite'));
      db.unsafeMode(true);
      db.pragma('writable_schema = ON');
      db.exec(sql);
      db.close();
    };
    damage("UPDATE sqlite_master SET sql = replace(sql, 'name TEXT NOT NULL', 'name TEXT') WHERE name = 'mentors'");
    damage('UPDATE mentors SET name = NULL');
    damage("UPDATE sqlite_master SET sql = replace(sql, 'name TEXT,', 'name TEXT NOT NULL,') WHERE name = 'mentors'");
    const file = join(dir, 'b.sqlite');
    expect(() => backup(dir, file)).toThrow('No backup was written: the copy does not read back whole (NULL value in mentors.name)');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
    store = openAdminStore(dir);
  });

  it('taken after the server stopped without closing its database (a power cut), leaves its files as they were', () => {
    // The files as the power cut left them: the last changes still only in the write-ahead log,
    // for the server to fold in when it starts again.
    admin('add-mentor', 'Sam Patel');
    const stopped = join(dir, 'stopped');
    mkdirSync(stopped);
    for (const name of ['waymark.sqlite', 'waymark.sqlite-wal', 'waymark.sqlite-shm']) copyFileSync(join(dir, name), join(stopped, name));
    const files = () =>
      ['waymark.sqlite', 'waymark.sqlite-wal'].map((name) =>
        createHash('sha256')
          .update(readFileSync(join(stopped, name)))
          .digest('hex'),
      );
    const before = files();
    expect(backup(stopped, join(dir, 'b.sqlite'))[1]).toBe('It holds 1 school(s), 1 mentor(s) and 0 change(s).');
    expect(files()).toEqual(before);
  });

  it('beside a server not yet restarted after an upgrade, leaves the live database as that server made it', () => {
    admin('add-school', 'Hillside Academy');
    store.close();
    const live = new Database(join(dir, 'waymark.sqlite'));
    live.pragma('user_version = 6');
    live.close();
    backup(dir, join(dir, 'b.sqlite'));
    const after = new Database(join(dir, 'waymark.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(6);
    // As it really was (this test only lowered the number): for the next store to open.
    after.pragma(`user_version = ${MIGRATIONS.length}`);
    after.close();
    store = openAdminStore(dir);
  });
});

describe('mistakes', () => {
  it('fails clearly on unknown ids, commands and missing names', () => {
    expect(() => admin('new-code', 'nobody')).toThrow(/No mentor with id nobody/);
    expect(() => admin('set-role', 'nobody', 'dsl')).toThrow(/No mentor with id nobody/);
    expect(() => admin('revoke-device', 'lost')).toThrow(/No tablet with id lost/);
    expect(() => admin('list-devices', '--school', 'Nowhere')).toThrow(/No school "Nowhere"/);
    expect(() => admin('add-school')).toThrow(/Give the school’s name/);
    expect(() => admin('add-mentor', '  ')).toThrow(/Give the mentor’s name/);
    expect(() => admin('enrol-everyone')).toThrow(/Unknown command "enrol-everyone"[\s\S]*Usage/);
    expect(() => admin('new-code', 'x', '--off')).toThrow(/--off does not go with this command/);
  });
});

describe('the compiled command', () => {
  it('npm run admin -- add-mentor prints a working code last and exits 0; an unknown id exits 1', () => {
    const env = { ...process.env, DATA_DIR: dir };
    const added = spawnSync('npm', ['run', 'admin', '--', 'add-mentor', 'Sam Patel'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
    const code = lastLine(added.stdout.trimEnd().split('\n'));
    expect(code).toMatch(CODE);
    // The program wrote to DATA_DIR's file; a fresh connection sees the mentor and the code.
    const onDisk = openSqliteStore(dir);
    try {
      expect(enrolWith(onDisk, code).mentor.name).toBe('Sam Patel');
    } finally {
      onDisk.close();
    }

    const wrong = spawnSync(process.execPath, ['build/server/admin.js', 'new-code', 'nobody'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/No mentor with id nobody/);
    expect(wrong.stdout).toBe('');
  }, 120_000);
});
