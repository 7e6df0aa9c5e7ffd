/**
 * The embedded store: one SQLite file under DATA_DIR, in WAL mode, so a school runs Waymark with
 * nothing else to install. Schema versions are applied in order, by SQLite's user_version.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type ErasableRecord, type ErasurePlan, planErasure, withoutErasedPupils } from '../shared/erasure.ts';
import { after, compareHlc, decodeHlc, encodeHlc } from '../shared/hlc.ts';
import { mergeChange, type SyncedState } from '../shared/merge.ts';
import { SYNCED_TABLES, type SyncedTable } from '../shared/model.ts';
import { LIMITS, type PulledChange } from '../shared/protocol.ts';
import type { Role } from '../shared/roles.ts';
import { type LoggedChange, RecentChanges } from './recent-changes.ts';
import {
  type Alert,
  type BatchWriter,
  type ConcernText,
  type Device,
  type ErasedPupil,
  type Erasure,
  ErasureNotRegistered,
  type ErasureReason,
  type LoggedChangeInfo,
  type Mentor,
  type PupilSummary,
  type Refusal,
  type School,
  type Store,
  type StoredRecord,
  StoreUnavailable,
} from './store.ts';

export const MIGRATIONS = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE schools (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE mentors (id TEXT PRIMARY KEY, school_id TEXT NOT NULL REFERENCES schools(id), name TEXT NOT NULL,
    dsl INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
  CREATE TABLE enrolment_codes (code_hash TEXT PRIMARY KEY, mentor_id TEXT NOT NULL REFERENCES mentors(id),
    expires_at TEXT NOT NULL, used_at TEXT);
  CREATE TABLE devices (id TEXT PRIMARY KEY, mentor_id TEXT NOT NULL REFERENCES mentors(id), school_id TEXT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL, revoked_at TEXT, last_seen_at TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0, unsent INTEGER NOT NULL DEFAULT 0, clock_skew_ms INTEGER);
  CREATE TABLE records (table_name TEXT NOT NULL, id TEXT NOT NULL, school_id TEXT NOT NULL REFERENCES schools(id),
    state TEXT NOT NULL, PRIMARY KEY (table_name, id));
  CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, school_id TEXT NOT NULL, table_name TEXT NOT NULL,
    record_id TEXT NOT NULL, op TEXT NOT NULL, change_values TEXT NOT NULL, hlc TEXT NOT NULL, base TEXT, device_id TEXT NOT NULL,
    mentor_id TEXT NOT NULL);
  CREATE INDEX changes_by_school ON changes (school_id, seq);
  CREATE TABLE lost_values (id INTEGER PRIMARY KEY AUTOINCREMENT, school_id TEXT NOT NULL, table_name TEXT NOT NULL,
    record_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT, hlc TEXT NOT NULL, lost_to TEXT NOT NULL);
  CREATE INDEX lost_by_record ON lost_values (table_name, record_id);
  `,
  // A tablet whose browser wiped its storage, found when it enrols again (see sync.ts enrol).
  `ALTER TABLE devices ADD COLUMN wiped_at TEXT;`,
  // The last clock reading applied from each tablet: re-dated readings never fall below it.
  `ALTER TABLE devices ADD COLUMN last_hlc TEXT;`,
  // Which tablet change each logged change came from: a retried change is told the reading it was stored with.
  `ALTER TABLE changes ADD COLUMN change_id TEXT; CREATE INDEX changes_by_change_id ON changes (change_id);`,
  // Each change stored as the JSON a pull sends (a PulledChange), made once when it is logged rather
  // than on every pull of it: at the end of a school day every tablet pulls the same changes. Its
  // values and base clocks live only there.
  `ALTER TABLE changes ADD COLUMN wire TEXT;
  UPDATE changes SET wire = CASE WHEN base IS NULL
    THEN json_object('table', table_name, 'recordId', record_id, 'op', op, 'values', json(change_values), 'hlc', hlc,
      'deviceId', device_id, 'mentorId', mentor_id)
    ELSE json_object('table', table_name, 'recordId', record_id, 'op', op, 'values', json(change_values), 'hlc', hlc,
      'base', json(base), 'deviceId', device_id, 'mentorId', mentor_id)
    END;
  ALTER TABLE changes DROP COLUMN change_values;
  ALTER TABLE changes DROP COLUMN base;`,
  // Why each refused change was refused (see Refusal in store.ts): a tablet that sends one again
  // because the answer never reached it is refused again, and keeps the change for its mentor.
  `CREATE TABLE refused_changes (device_id TEXT NOT NULL REFERENCES devices(id), seq INTEGER NOT NULL, change_id TEXT NOT NULL,
    code TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (device_id, seq)) WITHOUT ROWID;`,
  // When each change reached the endpoint, beside the tablet's own clock reading (which a tablet
  // sets); when the IT person withheld it from pulls (quarantine), and a count of such, which a
  // running server looks at to drop its in-memory tail; a hash chain through the log (see chainOf; filled in for earlier changes on opening); the reading a re-dated change was sent with, so the tablet's later edits made on top of
  // it are read as made on top of it; and each change's length, so a pull page stops before it
  // grows past LIMITS.pullPageChars from an index alone, without reading what it leaves.
  `ALTER TABLE changes ADD COLUMN received_at TEXT;
  ALTER TABLE changes ADD COLUMN sent_hlc TEXT;
  ALTER TABLE changes ADD COLUMN chain TEXT;
  CREATE INDEX changes_by_sent_hlc ON changes (device_id, sent_hlc) WHERE sent_hlc IS NOT NULL;
  ALTER TABLE changes ADD COLUMN wire_chars INTEGER NOT NULL DEFAULT 0;
  UPDATE changes SET wire_chars = length(wire);
  ALTER TABLE changes ADD COLUMN withheld_at TEXT;
  CREATE INDEX changes_page ON changes (school_id, seq, device_id, wire_chars, withheld_at);
  CREATE INDEX changes_by_length ON changes (wire_chars);
  INSERT INTO meta (key, value) VALUES ('withheld', '0');`,
  // Erasure (UK GDPR, see erasePupils): the ids of the records erased, each with the pupil it went
  // with, so that a tablet's change about one is refused (ids only: nothing a record said); when
  // each logged change about them had its content removed; and each school's retention period.
  `CREATE TABLE erased_records (id TEXT PRIMARY KEY, table_name TEXT NOT NULL, school_id TEXT NOT NULL, pupil_id TEXT NOT NULL,
    erased_at TEXT NOT NULL) WITHOUT ROWID;
  ALTER TABLE changes ADD COLUMN erased_at TEXT;
  ALTER TABLE schools ADD COLUMN retention_months INTEGER;`,
  // Roles (src/shared/roles.ts): each mentor's, from the DSL flag before it (whose column is no
  // longer read), and whether a school's lead mentor reads the text of every concern.
  `ALTER TABLE mentors ADD COLUMN role TEXT NOT NULL DEFAULT 'mentor';
  UPDATE mentors SET role = 'dsl' WHERE dsl = 1;
  ALTER TABLE schools ADD COLUMN lead_reads_concerns INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX changes_by_record ON changes (record_id);
  -- Need to know (src/shared/roles.ts receives): a change carrying a concern's text names the
  -- concern's author; the notice others receive in its place is marked. A page reads both from its index.
  ALTER TABLE changes ADD COLUMN concern_by TEXT;
  ALTER TABLE changes ADD COLUMN notice INTEGER NOT NULL DEFAULT 0;
  DROP INDEX changes_page;
  CREATE INDEX changes_page ON changes (school_id, seq, device_id, wire_chars, withheld_at, concern_by, notice);
  CREATE INDEX records_by_concern ON records (json_extract(state, '$.fields.concernId')) WHERE table_name = 'concernActions';
  -- Telling the DSLs (alerts.ts): each mentor's e-mail address, how long a school's concern waits
  -- for a DSL before the deputies are told, and each e-mail to send or sent (ids and times only).
  ALTER TABLE mentors ADD COLUMN email TEXT;
  ALTER TABLE schools ADD COLUMN escalate_after_minutes INTEGER NOT NULL DEFAULT 60;
  CREATE TABLE concern_alerts (concern_id TEXT NOT NULL, kind TEXT NOT NULL, school_id TEXT NOT NULL, author_id TEXT NOT NULL,
    received_at TEXT NOT NULL, queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, tried_at TEXT, sent_at TEXT, problem TEXT,
    PRIMARY KEY (concern_id, kind)) WITHOUT ROWID;
  -- The audit trail (audit.ts): every pull that handed a tablet a change carrying a concern's text.
  CREATE TABLE concern_reads (seq INTEGER NOT NULL, device_id TEXT NOT NULL, mentor_id TEXT NOT NULL, pulled_at TEXT NOT NULL);
  CREATE INDEX concern_reads_by_change ON concern_reads (seq);`,
  // Notes flagged as concerns (roles.ts isConcernNote), flagged before they were kept to those who
  // read concerns: every change of one, of its earlier versions and of its addenda carries a
  // concern's text, its author's (the mentor of the change that made it; '' where that is not
  // logged: read only by those who read every concern).
  `UPDATE changes SET concern_by = flagged.author FROM (
    SELECT r.id AS note_id, COALESCE(json_extract(r.state, '$.fields.authorId'), (SELECT c.mentor_id FROM changes c
        WHERE c.table_name = 'sessions' AND c.record_id = r.id AND c.op = 'create' ORDER BY c.seq LIMIT 1), '') AS author
    FROM records r WHERE r.table_name = 'sessions' AND (json_extract(r.state, '$.fields.concern') = 1
      OR COALESCE(json_extract(r.state, '$.fields.concernClearedReason'), '') != '')
  ) AS flagged
  WHERE changes.concern_by IS NULL AND flagged.note_id = CASE changes.table_name
    WHEN 'sessions' THEN changes.record_id
    WHEN 'revisions' THEN iif(json_extract(changes.wire, '$.values.table') = 'sessions', json_extract(changes.wire, '$.values.recordId'), NULL)
    WHEN 'addenda' THEN json_extract(changes.wire, '$.values.sessionId') END;`,
];

/**
 * src/shared/roles.ts `receives`, for a page's query: @me is the pulling mentor ('' for no one),
 * @all 1 when they read every concern. A change with no concern's text goes to everyone.
 */
const RECEIVES = "(concern_by IS NULL OR (@all OR (concern_by != '' AND concern_by = @me)) = (notice = 0))";

const toLoggedChangeInfo = (r: Record<string, unknown>): LoggedChangeInfo => ({
  seq: r.seq as number,
  schoolId: r.school_id as string,
  deviceId: r.device_id as string,
  table: r.table_name as LoggedChangeInfo['table'],
  recordId: r.record_id as string,
  op: r.op as LoggedChangeInfo['op'],
  chars: r.wire_chars as number,
  receivedAt: (r.received_at as string | null) ?? null,
  withheldAt: (r.withheld_at as string | null) ?? null,
  erasedAt: (r.erased_at as string | null) ?? null,
});

/**
 * The register of erasures, in DATA_DIR beside the database: one line of JSON for each pupil
 * erased (ids and counts, nothing a record said). The server erases again, at its start, every
 * pupil it lists that the database does not know was erased: one restored from a backup taken
 * before the erasure.
 */
export const ERASURE_REGISTER = 'erasures.log';

/** What a backup holds, to be printed: a copy of an empty or wrong database says so at once. */
export interface Backup {
  bytes: number;
  schools: number;
  mentors: number;
  changes: number;
  /** When the last change in it reached the server, if any did. */
  lastChangeAt: string | null;
}

/**
 * Writes a consistent copy of the database in `dataDir` to `file` while the server runs: one read
 * snapshot (writers are not held up), compacted, checked, and only then given its name, so a
 * failed backup leaves no file. The database is opened read-only and never created or upgraded:
 * a backup run with the wrong DATA_DIR, or beside a server not yet restarted after an upgrade,
 * must neither copy a new empty database nor change the live one. A file that exists is refused.
 */
export function backupDatabase(dataDir: string, file: string): Backup {
  const source = join(dataDir, 'waymark.sqlite');
  if (!existsSync(source)) throw new Error(`There is no Waymark database in ${dataDir}: set DATA_DIR to the folder the server uses.`);
  if (existsSync(file)) throw new Error(`${file} already exists: give the backup a new name (a date in it, say).`);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  const partial = `${file}.partial`;
  try {
    db.pragma('busy_timeout = 5000');
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const schools = count('schools');
    if (schools === 0) throw new Error(`The database in ${dataDir} holds no school: is DATA_DIR the folder the server uses?`);
    rmSync(partial, { force: true });
    db.prepare('VACUUM INTO ?').run(partial);
    const copy = new Database(partial, { readonly: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy does not read back whole (${String(check)})`);
    } finally {
      copy.close();
    }
    renameSync(partial, file);
    let lastChangeAt: string | null = null;
    try {
      lastChangeAt =
        (db.prepare('SELECT received_at FROM changes ORDER BY seq DESC LIMIT 1').get() as { received_at: string | null } | undefined)
          ?.received_at ?? null;
    } catch {
      // A database of a release before arrival times were kept: the copy is whole all the same.
    }
    return { bytes: statSync(file).size, schools, mentors: count('mentors'), changes: count('changes'), lastChangeAt };
  } finally {
    rmSync(partial, { force: true });
    db.close();
  }
}

/**
 * The log's hash chain at a change: a hash of the chain at the change before it and of this
 * change's position, clock reading and id. It vouches for the whole log up to there, so a cursor
 * carrying it proves the tablet read this very log (see sync.ts pull): after a restore, a change
 * sent again can land where it stood before, with the same reading, behind different changes.
 */
export const chainOf = (previous: string | null, seq: number, hlc: string, changeId: string | null) =>
  createHash('sha256')
    .update(`${previous ?? ''}\n${seq}\n${hlc}\n${changeId ?? ''}`)
    .digest('base64url');

/** Chains the changes logged before the chain existed, in order, after the last one chained. */
function fillChains(db: Database.Database): void {
  // Changes are chained in order and every new one is chained as it is logged: once the last
  // change has its chain, all have, and opening the database reads nothing more.
  const last = db.prepare('SELECT chain FROM changes ORDER BY seq DESC LIMIT 1').get() as { chain: string | null } | undefined;
  if (!last || last.chain !== null) return;
  const unchained = db.prepare('SELECT seq, hlc, change_id FROM changes WHERE chain IS NULL ORDER BY seq').all() as {
    seq: number;
    hlc: string;
    change_id: string | null;
  }[];
  if (unchained.length === 0) return;
  const before = db.prepare('SELECT chain FROM changes WHERE seq < ? AND chain IS NOT NULL ORDER BY seq DESC LIMIT 1');
  const set = db.prepare('UPDATE changes SET chain = ? WHERE seq = ?');
  let chain = (before.get(unchained[0]?.seq) as { chain: string } | undefined)?.chain ?? null;
  for (const row of unchained) {
    chain = chainOf(chain, row.seq, row.hlc, row.change_id);
    set.run(chain, row.seq);
  }
}

interface DeviceRow {
  id: string;
  mentor_id: string;
  school_id: string;
  name: string;
  enrolled_at: string;
  revoked_at: string | null;
  wiped_at: string | null;
  last_seen_at: string | null;
  last_seq: number;
  unsent: number;
  clock_skew_ms: number | null;
  token_hash: string;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  mentorId: r.mentor_id,
  schoolId: r.school_id,
  name: r.name,
  enrolledAt: r.enrolled_at,
  revokedAt: r.revoked_at,
  wipedAt: r.wiped_at,
  lastSeenAt: r.last_seen_at,
  lastAppliedSeq: r.last_seq,
  unsent: r.unsent,
  clockSkewMs: r.clock_skew_ms,
});

const toMentor = (r: { id: string; school_id: string; name: string; role: string; email: string | null }): Mentor => ({
  id: r.id,
  schoolId: r.school_id,
  name: r.name,
  role: r.role as Role,
  ...(r.email ? { email: r.email } : {}),
});

const toAlert = (r: Record<string, unknown>): Alert => ({
  concernId: r.concern_id as string,
  kind: r.kind as Alert['kind'],
  schoolId: r.school_id as string,
  authorId: r.author_id as string,
  receivedAt: r.received_at as string,
  queuedAt: r.queued_at as string,
  attempts: r.attempts as number,
  triedAt: r.tried_at as string | null,
  sentAt: r.sent_at as string | null,
  problem: r.problem as string | null,
});

/** What upgrading a database made by an earlier release is about to do. */
export interface Upgrade {
  from: number;
  to: number;
  /** A copy of the database as it was, taken first: an earlier release can be run on it again. */
  copy?: string;
}

/** SQLite's code for an error it raised ("SQLITE_FULL"), or "" for any other. */
const sqliteCode = (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
};

/** SQLite could not write the database, or the files it keeps beside it: a read-only file, folder or disk. */
const cannotWrite = (error: unknown) => {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN';
};

/** Whether this process may write a file or folder (never on a read-only disk). */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The disk refused a write: full, over a quota or a file size limit, or failing. */
const diskRefused = (error: unknown) => {
  const code = sqliteCode(error);
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR');
};

/** What a store that cannot write does meanwhile, said at its start. */
const SERVES_WHAT_IT_HOLDS =
  'Waymark serves what it holds, so tablets can fetch records, but takes no changes, and tablets keep theirs until it can.';

/**
 * Opens a database that cannot be written, to read only. Reading one in WAL mode needs a file
 * beside it (`-shm`), which SQLite cannot make in a folder it cannot write: then the database is
 * read into memory and served from there, never copied to another disk (it holds records about
 * children). Its bytes name WAL mode, which a database in memory cannot use: they are set to the
 * rollback journal's, which changes nothing else. Changes only in a write-ahead log left beside
 * it are not served meanwhile; they stay in that log, and SQLite takes them in once the database
 * can be written.
 */
function openReadOnly(file: string): { db: Database.Database; unserved?: string } {
  if (!existsSync(file)) throw new Error(`Waymark cannot make its database ${file}: that folder cannot be written.`);
  const inPlace = new Database(file, { readonly: true, fileMustExist: true });
  try {
    inPlace.pragma('user_version', { simple: true });
    inPlace.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return { db: inPlace };
  } catch (error) {
    inPlace.close();
    if (!cannotWrite(error) && !diskRefused(error)) throw error;
  }
  // Node reads at most 2 GiB into one buffer: a trust's database past that is not served so.
  if (statSync(file).size >= 2 ** 31)
    throw new Error(
      `The database ${file} cannot be read where it is (its folder cannot be written, or the disk is full), and is too large to read into memory: make its folder writable, or free space, and start Waymark again.`,
    );
  const bytes = readFileSync(file);
  // The file format's read and write versions: 2 is WAL, 1 the rollback journal.
  bytes[18] = 1;
  bytes[19] = 1;
  const log = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  return {
    db: new Database(bytes, { readonly: true }),
    ...(log > 0
      ? {
          unserved: ` The changes in its write-ahead log (${Math.ceil(log / 1024)} KB beside it, the last ones taken before it stopped) are not handed out meanwhile; they are kept there, and taken in once it can write.`,
        }
      : {}),
  };
}

/**
 * Opens (creating if need be) the store in `dataDir`, or in memory for tests. `onUpgrade` hears
 * before a database made by an earlier release is upgraded (it can take a while on a large one).
 */
export function openSqliteStore(dataDir: string | ':memory:', onUpgrade?: (upgrade: Upgrade) => void): Store {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'waymark.sqlite');
  }
  let db = new Database(file);
  const onDisk = file === ':memory:' ? undefined : statSync(file);
  /**
   * Throws when the database file this store opened is no longer at its path (DATA_DIR deleted or
   * moved while the server runs). SQLite would go on writing into the deleted file, and every
   * change acknowledged then would vanish with it at the next start: nothing is taken instead.
   */
  const stillThere = () => {
    if (!onDisk) return;
    let now: Stats | undefined;
    try {
      now = statSync(file);
    } catch {}
    if (!now || now.ino !== onDisk.ino || now.dev !== onDisk.dev)
      throw new StoreUnavailable(
        `The database ${file} is no longer there (its folder was deleted or moved while the server ran): nothing is being saved. Stop the server, put the folder back from where it went or from a backup, and start it again.`,
      );
  };
  /**
   * A write the disk refused (full, over a quota or a file size limit, or failing) as the store
   * being unable to save: answered 503, so tablets keep their changes and try again, and said to
   * the IT person in words. SQLite rolled the transaction back; once the disk takes writes again,
   * so does the store, without a restart.
   */
  const saving = <T>(write: () => T): T => {
    try {
      return write();
    } catch (error) {
      const code = sqliteCode(error);
      if (readOnly && cannotWrite(error)) throw new StoreUnavailable(readOnly);
      if (diskRefused(error))
        throw new StoreUnavailable(
          `The disk holding ${file} ${code === 'SQLITE_FULL' ? 'is full' : 'refused to write (full, over a size limit, or failing)'} (${code}): nothing is being saved, and tablets keep their changes. Free space on it, or check the disk; Waymark takes changes again by itself as soon as it can write.`,
        );
      throw error;
    }
  };
  /** Why this store cannot write, when it was opened on a database it cannot change. */
  let readOnly: string | undefined;
  try {
    // Up to date, a start writes nothing, and SQLite would find a read-only file out only at the
    // first push: the file system is asked first.
    if (file !== ':memory:' && existsSync(file) && !(writable(file) && writable(dataDir)))
      throw Object.assign(new Error(`${file} cannot be written`), { code: 'SQLITE_READONLY' });
    db.pragma('journal_mode = WAL');
    // Each commit is on the disk before the push is answered: a tablet drops a change from its
    // outbox once the endpoint says it has it, so a power cut must not take back what was answered
    // (NORMAL, with WAL, can lose the last commits that way).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // What is deleted or overwritten is overwritten with zeros, not left in the file's free space:
    // a pupil's record edited or erased leaves no earlier copy behind to be read off the disk.
    db.pragma('secure_delete = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      db.close();
      throw new Error(
        `The database in ${dataDir} was made by a newer release of Waymark (schema ${version}; this release knows ${MIGRATIONS.length}). Run that release, or restore a copy taken before it.`,
      );
    }
    if (version > 0 && version < MIGRATIONS.length) {
      // Upgrades rewrite tables in place and an earlier release cannot read the result: the database
      // as it was is copied beside it first (once per version), so going back is always possible.
      const copy = dataDir === ':memory:' ? undefined : join(dataDir, `waymark.before-upgrade-from-${version}.sqlite`);
      onUpgrade?.({ from: version, to: MIGRATIONS.length, ...(copy ? { copy } : {}) });
      if (copy && !existsSync(copy)) db.prepare('VACUUM INTO ?').run(copy);
    }
    // Up to date, a start writes nothing: it starts on a full disk too (and serves what it holds).
    const made = () => db.prepare("SELECT count(*) AS n FROM meta WHERE key IN ('epoch', 'cursor_secret', 'node')").get() as { n: number };
    const upToDate = version === MIGRATIONS.length && made().n === 3;
    // Another process (a second server, the admin command) may be starting on the same folder: the
    // version is read again under the write lock, so only one of them migrates, and the others find
    // it done.
    if (!upToDate)
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        for (const [i, sql] of MIGRATIONS.entries()) if (i >= current) db.exec(sql);
        fillChains(db);
        db.pragma(`user_version = ${MIGRATIONS.length}`);
        db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('epoch', randomUUID());
        db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('cursor_secret', randomBytes(32).toString('base64'));
        // The endpoint's own id, for the changes it makes itself (an erasure): tablets' clock readings
        // and change authors never bear it.
        db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('node', randomUUID());
      }).immediate();
  } catch (error) {
    if (file === ':memory:' || !(cannotWrite(error) || diskRefused(error))) throw error;
    db.close();
    const opened = openReadOnly(file);
    db = opened.db;
    const version = db.pragma('user_version', { simple: true }) as number;
    const secret = db.prepare("SELECT value FROM meta WHERE key = 'cursor_secret'").get();
    if (version !== MIGRATIONS.length || !secret) {
      db.close();
      throw new Error(
        `The database ${file} cannot be written (a read-only file, folder or disk), and was made by ${version > MIGRATIONS.length ? 'a newer' : 'an earlier'} release of Waymark (schema ${version}; this release's is ${MIGRATIONS.length}): this release cannot serve it as it is. Make ${dataDir} writable, and start Waymark again.`,
      );
    }
    readOnly = diskRefused(error)
      ? `The disk holding ${file} is full or refuses to write (${sqliteCode(error)}): ${SERVES_WHAT_IT_HOLDS} Free space on it, or check the disk, and start Waymark again.`
      : `The database ${file} cannot be written (a read-only file, folder or disk): ${SERVES_WHAT_IT_HOLDS} Make ${dataDir} writable, and start Waymark again.`;
    readOnly += opened.unserved ?? '';
  }
  const cursorSecret = Buffer.from(
    (db.prepare("SELECT value FROM meta WHERE key = 'cursor_secret'").get() as { value: string }).value,
    'base64',
  );
  /** Beside the database, and outside it: a restore from a backup does not take an erasure back (see erasePupils). */
  const register = dataDir === ':memory:' ? undefined : join(dataDir, ERASURE_REGISTER);
  const now = () => new Date().toISOString();
  const q = {
    // Statements every sync request runs are prepared once.
    epoch: db.prepare("SELECT value FROM meta WHERE key = 'epoch'"),
    deviceByTokenHash: db.prepare('SELECT * FROM devices WHERE token_hash = ?'),
    noteSync: db.prepare('UPDATE devices SET last_seen_at = ?, unsent = ?, clock_skew_ms = ? WHERE id = ?'),
    mentor: db.prepare('SELECT * FROM mentors WHERE id = ?'),
    mentors: db.prepare('SELECT * FROM mentors WHERE ? IS NULL OR school_id = ? ORDER BY name'),
    device: db.prepare('SELECT * FROM devices WHERE id = ?'),
    record: db.prepare('SELECT school_id, state FROM records WHERE table_name = ? AND id = ?'),
    queueAlert: db.prepare(
      `INSERT INTO concern_alerts (concern_id, kind, school_id, author_id, received_at, queued_at)
       VALUES (@concernId, @kind, @schoolId, @authorId, @receivedAt, @queued) ON CONFLICT DO NOTHING`,
    ),
    // The pulled page's changes that carry a concern's text (not the notices), as changesSince chose them.
    noteConcernReads: db.prepare(`
      INSERT INTO concern_reads (seq, device_id, mentor_id, pulled_at)
      SELECT seq, @other, @me, @at FROM changes WHERE school_id = @school AND seq > @after AND seq <= @last AND device_id != @other
        AND withheld_at IS NULL AND concern_by IS NOT NULL AND notice = 0 AND ${RECEIVES}`),
    // A pupil's concerns, and the notes about them flagged as concerns (now or before: roles.ts isConcernNote).
    concernsOf: db.prepare(`
      SELECT id FROM records WHERE table_name = 'concerns' AND json_extract(state, '$.fields.pupilId') = @pupil
      UNION ALL SELECT id FROM records WHERE table_name = 'sessions'
        AND (json_extract(state, '$.fields.concern') = 1 OR COALESCE(json_extract(state, '$.fields.concernClearedReason'), '') != '')
        AND EXISTS (SELECT 1 FROM json_each(state, '$.fields.pupilIds') WHERE value = @pupil)`),
    // Every change about those concerns that carried their text (their own, their actions, who
    // opened them, their earlier versions), with the concern each is about and when its tablet said it happened.
    concernChanges: db.prepare(`
      SELECT seq, table_name, record_id, op, device_id, mentor_id, received_at, concern_id, json_extract(wire, '$.values.updatedAt') AS at FROM (
        SELECT *, CASE WHEN table_name IN ('concerns', 'sessions') THEN record_id WHEN table_name = 'revisions' THEN json_extract(wire, '$.values.recordId')
          WHEN table_name = 'addenda' THEN json_extract(wire, '$.values.sessionId') ELSE json_extract(wire, '$.values.concernId') END AS concern_id
        FROM changes WHERE concern_by IS NOT NULL AND notice = 0 AND wire IS NOT NULL
      ) WHERE concern_id IN (SELECT value FROM json_each(?)) ORDER BY seq`),
    concernReadsOf: db.prepare(
      'SELECT seq, device_id, mentor_id, pulled_at FROM concern_reads WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY pulled_at, seq',
    ),
    actionsOn: db.prepare(
      "SELECT state FROM records WHERE table_name = 'concernActions' AND json_extract(state, '$.fields.concernId') = ?",
    ),
    creatorOf: db.prepare("SELECT mentor_id FROM changes WHERE record_id = ? AND table_name = ? AND op = 'create' ORDER BY seq LIMIT 1"),
    putRecord: db.prepare(
      'INSERT INTO records (table_name, id, school_id, state) VALUES (?, ?, ?, ?) ON CONFLICT (table_name, id) DO UPDATE SET state = excluded.state',
    ),
    appendChange: db.prepare(
      `INSERT INTO changes (school_id, table_name, record_id, op, hlc, device_id, mentor_id, change_id, wire, wire_chars, received_at, sent_hlc, chain,
         concern_by, notice)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    keepLost: db.prepare(
      'INSERT INTO lost_values (school_id, table_name, record_id, field, value, hlc, lost_to) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    keepRefusal: db.prepare('INSERT INTO refused_changes (device_id, seq, change_id, code, message) VALUES (?, ?, ?, ?, ?)'),
    refusalOf: db.prepare('SELECT seq, change_id AS changeId, code, message FROM refused_changes WHERE device_id = ? AND seq = ?'),
    setLastAppliedSeq: db.prepare('UPDATE devices SET last_seq = ? WHERE id = ? AND last_seq < ?'),
    lastAppliedSeq: db.prepare('SELECT last_seq FROM devices WHERE id = ?'),
    lastHlc: db.prepare('SELECT last_hlc FROM devices WHERE id = ?'),
    // Only the sending tablet's own change: a change id alone would tell any tablet that knew one
    // when another school's change was made.
    receiptOf: db.prepare(
      "SELECT hlc, CASE WHEN op = 'create' THEN received_at END AS received_at FROM changes WHERE change_id = ? AND device_id = ?",
    ),
    stampOfReading: db.prepare('SELECT hlc FROM changes WHERE device_id = ? AND sent_hlc = ?'),
    setLastHlc: db.prepare('UPDATE devices SET last_hlc = ? WHERE id = ?'),
    // A pull hands the stored JSON on as it is, never parsed or re-made: SQLite joins the page
    // into one text rather than a thousand strings for JavaScript to join, and returns it as
    // bytes, handed to the socket as they are. A string would be decoded from UTF-8 here, scanned
    // again for its length and encoded back for the socket.
    changesSince: db.prepare(`
      SELECT CAST(coalesce(group_concat(wire, ',' ORDER BY seq), '') AS BLOB) AS json, count(*) AS count, max(seq) AS lastSeq FROM (
        SELECT seq, wire FROM changes WHERE school_id = @school AND seq > @after AND seq <= @end AND (@other IS NULL OR device_id != @other)
        AND withheld_at IS NULL AND ${RECEIVES}
        ORDER BY seq LIMIT @limit
      )`),
    // Where a page ends: the last of the first `limit` changes whose JSON, with the changes before
    // it on the page, starts within the page's length; read from the index alone.
    // One change past the limit is looked at, to tell whether any wait after the page.
    pageEnd: db.prepare(`
      SELECT max(seq) FILTER (WHERE taken) AS seq, count(*) FILTER (WHERE taken) AS taken, count(*) AS considered FROM (
        SELECT seq, row_number() OVER w <= @limit AND sum(wire_chars) OVER w - wire_chars < @chars AS taken FROM (
          SELECT seq, wire_chars FROM changes
          WHERE school_id = @school AND seq > @after AND (@other IS NULL OR device_id != @other) AND withheld_at IS NULL AND ${RECEIVES}
          ORDER BY seq LIMIT @limit + 1
        )
        WINDOW w AS (ORDER BY seq ROWS UNBOUNDED PRECEDING)
      )`),
    changeHlcAt: db.prepare('SELECT hlc FROM changes WHERE seq = ?'),
    chainAt: db.prepare('SELECT chain FROM changes WHERE seq = ?'),
    withheldCount: db.prepare("SELECT value FROM meta WHERE key = 'withheld'"),
    lastChain: db.prepare('SELECT chain FROM changes ORDER BY seq DESC LIMIT 1'),
    nextChangeSeq: db.prepare(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0), coalesce((SELECT max(seq) FROM changes), 0)) + 1 AS seq",
    ),
    lastChangeSeq: db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM changes'),
    erasedWith: db.prepare('SELECT pupil_id FROM erased_records WHERE id = ?'),
    keepErased: db.prepare(
      'INSERT OR IGNORE INTO erased_records (id, table_name, school_id, pupil_id, erased_at) VALUES (@id, @table, @schoolId, @pupilId, @erasedAt)',
    ),
    erasure: db.prepare(
      "SELECT id AS pupilId, school_id AS schoolId, erased_at AS erasedAt FROM erased_records WHERE id = ? AND table_name = 'pupils'",
    ),
    // Every record of a school that names one of @ids (a JSON list): by its own id, a pupil, a
    // target, the record a revision is of, or among a session's pupils present (now or before an edit).
    recordsNaming: db.prepare(`
      SELECT table_name, id, state FROM records WHERE school_id = @school AND (
        id IN (SELECT value FROM json_each(@ids))
        OR json_extract(state, '$.fields.pupilId') IN (SELECT value FROM json_each(@ids))
        OR json_extract(state, '$.fields.targetId') IN (SELECT value FROM json_each(@ids))
        OR json_extract(state, '$.fields.recordId') IN (SELECT value FROM json_each(@ids))
        OR json_extract(state, '$.fields.sessionId') IN (SELECT value FROM json_each(@ids))
        OR EXISTS (SELECT 1 FROM json_each(state, '$.fields.pupilIds') WHERE value IN (SELECT value FROM json_each(@ids)))
        OR EXISTS (SELECT 1 FROM json_each(state, '$.fields.before.pupilIds') WHERE value IN (SELECT value FROM json_each(@ids))))`),
    deleteRecord: db.prepare('DELETE FROM records WHERE table_name = ? AND id = ?'),
    forgetAlerts: db.prepare('DELETE FROM concern_alerts WHERE concern_id IN (SELECT value FROM json_each(?))'),
    deleteLost: db.prepare('DELETE FROM lost_values WHERE table_name = ? AND record_id = ?'),
    lostOf: db.prepare('SELECT id, field, value FROM lost_values WHERE table_name = ? AND record_id = ?'),
    setLost: db.prepare('UPDATE lost_values SET value = ? WHERE id = ?'),
    // The content goes; the position, clock reading and change id stay, which the hash chain covers.
    emptyChanges: db.prepare(`
      UPDATE changes SET wire = NULL, wire_chars = 0, erased_at = @at, withheld_at = coalesce(withheld_at, @at)
      WHERE school_id = @school AND erased_at IS NULL AND record_id IN (SELECT value FROM json_each(@ids))`),
    changesOf: db.prepare(
      'SELECT seq, table_name, wire FROM changes WHERE school_id = @school AND erased_at IS NULL AND record_id IN (SELECT value FROM json_each(@ids))',
    ),
    rewriteChange: db.prepare('UPDATE changes SET wire = ?, wire_chars = ? WHERE seq = ?'),
    // A running server (this process or another) drops its in-memory tail when this count moves.
    countWithheld: db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'withheld'"),
    pupilsByRef: db.prepare(`
      SELECT id, school_id, state FROM records WHERE table_name = 'pupils' AND trim(@ref) != ''
        AND (id = trim(@ref) OR lower(trim(json_extract(state, '$.fields.schoolRef'))) = lower(trim(@ref)))`),
    pupilsEnded: db.prepare(`
      SELECT id, school_id, state FROM records WHERE table_name = 'pupils' AND school_id = ?
        AND (json_extract(state, '$.fields.status') = 'closed' OR json_extract(state, '$.fields.deletedAt') IS NOT NULL)`),
  };
  const node = (db.prepare("SELECT value FROM meta WHERE key = 'node'").get() as { value: string }).value;

  // The log's tail for pulls (see recent-changes.ts): changes join it once their batch commits.
  const recent = new RecentChanges();
  let logged: LoggedChange[] = [];
  /** The count of withheld changes when this process last looked (see changesSince). */
  let seenWithheld = (q.withheldCount.get() as { value: string }).value;
  /** The chain at the last change this batch logged (read from the log at its first). */
  let chain: string | null | undefined;
  /** The position this batch's next change takes (read from the log at its first, then counted). */
  let nextSeq: number | undefined;
  // A batch's last sequence number and clock reading for each tablet (see writeDeviceMarks).
  const deviceMarks = { seq: new Map<string, number>(), hlc: new Map<string, string>() };
  const writer: BatchWriter = {
    lastAppliedSeq: (deviceId) =>
      deviceMarks.seq.get(deviceId) ?? (q.lastAppliedSeq.get(deviceId) as { last_seq: number } | undefined)?.last_seq ?? 0,
    lastHlc: (deviceId) =>
      deviceMarks.hlc.get(deviceId) ?? (q.lastHlc.get(deviceId) as { last_hlc: string | null } | undefined)?.last_hlc ?? undefined,
    setLastHlc(deviceId, hlc) {
      deviceMarks.hlc.set(deviceId, hlc);
    },
    getRecord(table, id) {
      const row = q.record.get(table, id) as { school_id: string; state: string } | undefined;
      return row ? { schoolId: row.school_id, table, id, state: JSON.parse(row.state) } : undefined;
    },
    leadReadsConcerns: (schoolId) => store.leadReadsConcerns(schoolId),
    queueAlert(alert) {
      q.queueAlert.run({ ...alert, kind: 'new', queued: alert.receivedAt });
    },
    actionsOn: (concernId) => (q.actionsOn.all(concernId) as { state: string }[]).map((r) => (JSON.parse(r.state) as SyncedState).fields),
    creatorOf(table, id) {
      const row = q.creatorOf.get(id, table) as { mentor_id: string } | undefined;
      return row?.mentor_id;
    },
    putRecord(r: StoredRecord) {
      q.putRecord.run(r.table, r.id, r.schoolId, JSON.stringify(r.state));
    },
    receiptOf: (deviceId, changeId) => {
      const found = q.receiptOf.get(changeId, deviceId) as { hlc: string; received_at: string | null } | undefined;
      return found && { hlc: found.hlc, receivedAt: found.received_at };
    },
    stampOfReading: (deviceId, sent) => (q.stampOfReading.get(deviceId, sent) as { hlc: string } | undefined)?.hlc,
    appendChange(schoolId, c: PulledChange, changeId: string, receivedAt: string, sentHlc?: string, concernText?: ConcernText) {
      const { table, recordId, op, values, hlc, base, deviceId, mentorId } = c;
      // Always these keys in this order, so every stored change reads the same.
      const wire = JSON.stringify({ table, recordId, op, values, hlc, ...(base ? { base } : {}), deviceId, mentorId });
      // The position it will have, by AUTOINCREMENT's own rule (one past the highest ever given).
      nextSeq ??= (q.nextChangeSeq.get() as { seq: number }).seq;
      const seq = nextSeq++;
      chain ??= (q.lastChain.get() as { chain: string | null } | undefined)?.chain ?? null;
      chain = chainOf(chain, seq, hlc, changeId);
      const { lastInsertRowid } = q.appendChange.run(
        schoolId,
        table,
        recordId,
        op,
        hlc,
        deviceId,
        mentorId,
        changeId,
        wire,
        wire.length,
        receivedAt,
        sentHlc !== undefined && sentHlc !== hlc ? sentHlc : null,
        chain,
        concernText?.by ?? null,
        concernText?.notice ? 1 : 0,
      );
      if (Number(lastInsertRowid) !== seq) throw new Error(`The change log's next position was ${lastInsertRowid}, not ${seq}.`);
      logged.push({ seq: Number(lastInsertRowid), schoolId, deviceId, wire, ...(concernText ? { concernText } : {}) });
    },
    keepLost(schoolId, l) {
      q.keepLost.run(schoolId, l.table, l.recordId, l.field, JSON.stringify(l.value ?? null), l.hlc, l.lostTo);
    },
    keepRefusal(deviceId, r) {
      q.keepRefusal.run(deviceId, r.seq, r.changeId, r.code, r.message);
    },
    refusalOf: (deviceId, seq) => q.refusalOf.get(deviceId, seq) as Refusal | undefined,
    setLastAppliedSeq(deviceId, seq) {
      deviceMarks.seq.set(deviceId, Math.max(seq, deviceMarks.seq.get(deviceId) ?? 0));
    },
    erasedWith: (id) => (q.erasedWith.get(id) as { pupil_id: string } | undefined)?.pupil_id,
    keepErased(record) {
      q.keepErased.run(record);
    },
  };
  /** Written once at the end of the batch, still inside its transaction, rather than once per change. */
  const writeDeviceMarks = () => {
    for (const [deviceId, seq] of deviceMarks.seq) q.setLastAppliedSeq.run(seq, deviceId, seq);
    for (const [deviceId, hlc] of deviceMarks.hlc) q.setLastHlc.run(hlc, deviceId);
  };

  /** The endpoint's own clock readings: now, and after every reading given and every one it made before. */
  let lastStamp: string | undefined;
  const stampAfter = (clocks: Iterable<string | undefined>, at: string): string => {
    let stamp = encodeHlc({ wall: Date.parse(at), count: 0, node });
    for (const clock of [...clocks, lastStamp]) {
      if (clock !== undefined && compareHlc(clock, stamp) >= 0) stamp = encodeHlc(after(decodeHlc(clock), node));
    }
    lastStamp = stamp;
    return stamp;
  };

  /** Erases one pupil, inside the batch `writer` belongs to (see Store.erasePupils). */
  function eraseOne(writer: BatchWriter, pupil: { id: string; schoolId: string }, at: string, reason: ErasureReason): ErasedPupil {
    const school = pupil.schoolId;
    const gone = (id: string) => id === pupil.id;
    // What names the pupil, then what names what goes with them, a round at a time (a check-in
    // names its target, a revision its record), until nothing more goes.
    const found = new Map<string, { record: ErasableRecord; state: SyncedState }>();
    const asked = new Set<string>();
    let ask = [pupil.id];
    let plan: ErasurePlan;
    do {
      for (const id of ask) asked.add(id);
      for (const row of q.recordsNaming.all({ school, ids: JSON.stringify(ask) }) as {
        table_name: SyncedTable;
        id: string;
        state: string;
      }[]) {
        const state = JSON.parse(row.state) as SyncedState;
        found.set(`${row.table_name}:${row.id}`, { record: { table: row.table_name, id: row.id, fields: state.fields }, state });
      }
      plan = planErasure(
        new Set([pupil.id]),
        [...found.values()].map((f) => f.record),
      );
      ask = plan.erased.map((r) => r.id).filter((id) => !asked.has(id));
    } while (ask.length > 0);
    const stateOf = (r: ErasableRecord) => found.get(`${r.table}:${r.id}`)?.state as SyncedState;
    const clocksOf = (state: SyncedState | undefined) => (state ? [...Object.values(state.clocks), state.deleted] : []);

    const records = Object.fromEntries(SYNCED_TABLES.map((t) => [t, 0])) as Record<SyncedTable, number>;
    let lostValues = 0;
    for (const r of plan.erased) {
      q.deleteRecord.run(r.table, r.id);
      lostValues += q.deleteLost.run(r.table, r.id).changes;
      writer.keepErased({ table: r.table, id: r.id, schoolId: school, pupilId: pupil.id, erasedAt: at });
      records[r.table] += 1;
    }
    // The pupil's own id, whether or not their record is here (a database restored from an older backup).
    writer.keepErased({ table: 'pupils', id: pupil.id, schoolId: school, pupilId: pupil.id, erasedAt: at });
    const changesEmptied = q.emptyChanges.run({ school, at, ids: JSON.stringify(plan.erased.map((r) => r.id)) }).changes;
    q.forgetAlerts.run(JSON.stringify(plan.erased.filter((r) => r.table === 'concerns').map((r) => r.id)));

    const groupSessions: ErasedPupil['groupSessions'] = [];
    for (const r of plan.narrowed) {
      const state = stateOf(r);
      if (r.table === 'sessions') {
        // Logged like any edit, made on top of the value it replaces: every tablet takes it, one
        // from before erasure existed too.
        const values = { pupilIds: r.fields.pupilIds };
        const base = { pupilIds: state.clocks.pupilIds ?? null };
        const hlc = stampAfter(clocksOf(state), at);
        const change = {
          table: 'sessions',
          recordId: r.id,
          op: 'update',
          values,
          hlc,
          base,
          deviceId: node,
          mentorId: '',
        } satisfies PulledChange;
        writer.putRecord({ schoolId: school, table: r.table, id: r.id, state: mergeChange(state, change).state });
        writer.appendChange(school, change, randomUUID(), at);
        groupSessions.push({ id: r.id, occurredAt: String(r.fields.occurredAt ?? '') });
      } else {
        // An earlier version is only ever created, never edited: each tablet takes the pupil out of
        // its own copy as it erases them.
        writer.putRecord({ schoolId: school, table: r.table, id: r.id, state: { ...state, fields: r.fields } });
      }
      for (const lost of q.lostOf.all(r.table, r.id) as { id: number; field: string; value: string }[]) {
        const value: unknown = JSON.parse(lost.value);
        const narrowed = withoutErasedPupils(r.table, { [lost.field]: value }, gone)[lost.field];
        if (narrowed !== value) q.setLost.run(JSON.stringify(narrowed), lost.id);
      }
    }
    // What the log said of the records that stay is narrowed too: a tablet fetching everything
    // again is handed nothing of the pupil.
    const narrowedIds = JSON.stringify(plan.narrowed.map((r) => r.id));
    for (const row of q.changesOf.all({ school, ids: narrowedIds }) as { seq: number; table_name: SyncedTable; wire: string }[]) {
      const change = JSON.parse(row.wire) as PulledChange;
      const values = withoutErasedPupils(row.table_name, change.values, gone);
      if (values === change.values) continue;
      const wire = JSON.stringify({ ...change, values });
      q.rewriteChange.run(wire, wire.length, row.seq);
    }
    // Last, so that tablets erase the pupil after every change above. Its values are for tablets
    // from before erasure existed, which take it for an edit removing the pupil.
    const erase: PulledChange = {
      table: 'pupils',
      recordId: pupil.id,
      op: 'erase',
      values: { deletedAt: at, updatedAt: at },
      hlc: stampAfter(clocksOf(found.get(`pupils:${pupil.id}`)?.state), at),
      deviceId: node,
      mentorId: '',
    };
    writer.appendChange(school, erase, randomUUID(), at);
    q.countWithheld.run();
    return { pupilId: pupil.id, schoolId: school, erasedAt: at, reason, records, lostValues, changesEmptied, groupSessions };
  }

  /** Each erasure as one line of JSON (ids and counts only) in the register, written through to the disk. */
  const noteInRegister = (erased: ErasedPupil[]) => {
    if (!register) return;
    const lines = erased.map((e) => `${JSON.stringify({ ...e, groupSessions: e.groupSessions.map((g) => g.id) })}\n`).join('');
    try {
      const fd = openSync(register, 'a');
      try {
        writeSync(fd, lines);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      // A line written before the failure and given again is harmless: the register is read by pupil.
      const one = erased.length === 1;
      throw new ErasureNotRegistered(
        `Pupil${one ? '' : 's'} ${erased.map((e) => e.pupilId).join(', ')} ${one ? 'was' : 'were'} erased, but ${register} could not be written (${(error as Error).message}): a restore from a backup taken before now would bring them back. Add ${one ? 'this line' : 'these lines'} to it by hand:\n${lines}`,
      );
    }
  };

  const toPupilSummary = (row: { id: string; school_id: string; state: string }): PupilSummary => {
    const f = (JSON.parse(row.state) as SyncedState).fields;
    const optional = (key: 'closedOn' | 'deletedAt') => (typeof f[key] === 'string' ? { [key]: f[key] as string } : {});
    return {
      id: row.id,
      schoolId: row.school_id,
      yearGroup: String(f.yearGroup ?? ''),
      startOn: String(f.startOn ?? ''),
      status: String(f.status ?? ''),
      ...optional('closedOn'),
      ...optional('deletedAt'),
    };
  };

  const store: Store = {
    epoch: () => (q.epoch.get() as { value: string }).value,
    cursorSecret: () => cursorSecret,
    readOnly: () => readOnly,
    addSchool(name) {
      const school = { id: randomUUID(), name };
      db.prepare('INSERT INTO schools (id, name, created_at) VALUES (?, ?, ?)').run(school.id, name, now());
      return school;
    },
    schools: () => db.prepare('SELECT id, name FROM schools ORDER BY created_at').all() as School[],
    addMentor(schoolId, name) {
      const id = randomUUID();
      db.prepare('INSERT INTO mentors (id, school_id, name, created_at) VALUES (?, ?, ?, ?)').run(id, schoolId, name, now());
      return { id, schoolId, name, role: 'mentor' };
    },
    mentor: (id) => {
      const row = q.mentor.get(id) as Parameters<typeof toMentor>[0] | undefined;
      return row && toMentor(row);
    },
    mentors: (schoolId) => (q.mentors.all(schoolId ?? null, schoolId ?? null) as Parameters<typeof toMentor>[0][]).map(toMentor),
    setRole(mentorId, role) {
      const changed = db.prepare('UPDATE mentors SET role = ? WHERE id = ?').run(role, mentorId).changes;
      if (!changed) throw new Error(`No mentor with id ${mentorId}.`);
      return toMentor(q.mentor.get(mentorId) as Parameters<typeof toMentor>[0]);
    },
    addEnrolmentCode(mentorId, codeHash, expiresAt) {
      db.prepare('INSERT INTO enrolment_codes (code_hash, mentor_id, expires_at) VALUES (?, ?, ?)').run(codeHash, mentorId, expiresAt);
    },
    cancelEnrolmentCodes(mentorId, at) {
      // Only hashes of codes never used: nothing anyone needs is deleted.
      const cancelled = db
        .prepare('DELETE FROM enrolment_codes WHERE mentor_id = ? AND used_at IS NULL RETURNING expires_at')
        .all(mentorId) as { expires_at: string }[];
      return cancelled.filter((c) => c.expires_at > at).length;
    },
    useEnrolmentCode(codeHash, at) {
      // Immediate, as a batch is: it reads, then writes.
      return db
        .transaction(() => {
          const used = db
            .prepare(
              'UPDATE enrolment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING mentor_id',
            )
            .get(at, codeHash, at) as { mentor_id: string } | undefined;
          const row = used && (q.mentor.get(used.mentor_id) as Parameters<typeof toMentor>[0] | undefined);
          return row ? toMentor(row) : undefined;
        })
        .immediate();
    },
    enrolDevice(device, tokenHash) {
      db.prepare(
        `INSERT INTO devices (id, mentor_id, school_id, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET mentor_id = excluded.mentor_id, name = excluded.name, token_hash = excluded.token_hash,
           enrolled_at = excluded.enrolled_at, revoked_at = NULL
         WHERE devices.school_id = excluded.school_id AND devices.mentor_id = excluded.mentor_id AND devices.revoked_at IS NOT NULL`,
      ).run(device.id, device.mentorId, device.schoolId, device.name, tokenHash, device.enrolledAt);
      const row = q.device.get(device.id) as DeviceRow;
      if (row.school_id !== device.schoolId) throw new Error('This tablet is enrolled with another school.');
      // Its id is in every record it made: under another mentor, that mentor's pulls would leave out
      // the first mentor's changes as the new mentor's own.
      if (row.mentor_id !== device.mentorId && row.revoked_at) {
        throw new Error(
          'This tablet was enrolled for another mentor and then removed: it can be enrolled again only for that mentor. A tablet handed on to someone else is wiped first.',
        );
      }
      if (row.token_hash !== tokenHash) {
        throw new Error(
          'This tablet is already enrolled. If it was lost or handed on, the administrator revokes it first (revoke-device).',
        );
      }
      return toDevice(row);
    },
    deviceByTokenHash: (tokenHash) => {
      const row = q.deviceByTokenHash.get(tokenHash) as DeviceRow | undefined;
      return row && toDevice(row);
    },
    devices: (schoolId) =>
      (schoolId
        ? db.prepare('SELECT * FROM devices WHERE school_id = ? ORDER BY enrolled_at').all(schoolId)
        : db.prepare('SELECT * FROM devices ORDER BY enrolled_at').all()
      ).map((r) => toDevice(r as DeviceRow)),
    revokeDevice(id, at) {
      db.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(at, id);
      const row = q.device.get(id) as DeviceRow | undefined;
      return row && toDevice(row);
    },
    noteWiped(deviceId, at) {
      db.prepare('UPDATE devices SET wiped_at = coalesce(wiped_at, ?) WHERE id = ?').run(at, deviceId);
    },
    device: (id) => {
      const row = q.device.get(id) as DeviceRow | undefined;
      return row && toDevice(row);
    },
    noteSync(deviceId, at, unsent, clockSkewMs) {
      saving(() => q.noteSync.run(at, unsent, clockSkewMs, deviceId));
    },
    atomically: (work) =>
      db.inTransaction
        ? work()
        : saving(() =>
            db
              .transaction(() => {
                const done = work();
                stillThere();
                return done;
              })
              .immediate(),
          ),
    batch(work) {
      // A batch inside a batch would hand the tail the inner one's changes before the outer commits.
      if (db.inTransaction) throw new Error('A store batch cannot run inside another transaction.');
      try {
        // Immediate: the write lock is taken (waiting up to busy_timeout for another process to
        // finish) before the batch reads anything. A deferred transaction that read first would be
        // refused at once when it came to write after another process had written.
        const result = saving(() =>
          db
            .transaction(() => {
              const done = work(writer);
              writeDeviceMarks();
              // Last, just before the commit: a push is answered only once it is in the school's file.
              stillThere();
              return done;
            })
            .immediate(),
        );
        try {
          recent.add(logged);
        } catch {
          // Committed all the same: the tail starts again, and pulls read SQLite meanwhile.
          recent.clear();
        }
        return result;
      } finally {
        logged = [];
        chain = undefined;
        nextSeq = undefined;
        deviceMarks.seq.clear();
        deviceMarks.hlc.clear();
      }
    },
    changesSince(schoolId, after, limit, puller, maxChars = LIMITS.pullPageChars) {
      const latest = (q.lastChangeSeq.get() as { seq: number }).seq;
      // A change withheld since (perhaps by the admin command, in another process) may be in the tail.
      const withheld = (q.withheldCount.get() as { value: string }).value;
      if (withheld !== seenWithheld) {
        recent.clear();
        seenWithheld = withheld;
      }
      const held = recent.page(schoolId, after, limit, latest, puller, maxChars);
      if (held) return held;
      const other = puller?.deviceId ?? null;
      const reader = { me: puller?.mentorId ?? '', all: puller?.readsEveryConcern ? 1 : 0 };
      const end = q.pageEnd.get({ school: schoolId, after, other, limit, chars: maxChars, ...reader }) as {
        seq: number | null;
        taken: number;
        considered: number;
      };
      // Stopped by `limit` or by its length, with changes after it.
      const full = end.taken < end.considered;
      if (end.seq === null) return { json: [], count: 0, lastSeq: null, full };
      const page = q.changesSince.get({ school: schoolId, after, end: end.seq, other, limit, ...reader }) as {
        json: Buffer;
        count: number;
        lastSeq: number;
      };
      return { json: [page.json], count: page.count, lastSeq: page.lastSeq, full };
    },
    changeHlcAt: (seq) => (q.changeHlcAt.get(seq) as { hlc: string } | undefined)?.hlc,
    longestChanges: (limit) =>
      (
        db
          .prepare(
            `SELECT seq, school_id, device_id, table_name, record_id, op, wire_chars, received_at, withheld_at, erased_at FROM changes
             ORDER BY wire_chars DESC, seq LIMIT ?`,
          )
          .all(limit) as Record<string, unknown>[]
      ).map(toLoggedChangeInfo),
    withhold(seq, at, withheld) {
      return db
        .transaction(() => {
          const changed = db
            // A change erased with a pupil's records stays withheld, whatever is asked.
            .prepare(`UPDATE changes SET withheld_at = ? WHERE seq = ? AND (withheld_at IS NULL) = ? AND erased_at IS NULL`)
            .run(withheld ? at : null, seq, withheld ? 1 : 0).changes;
          if (changed) db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'withheld'").run();
          const row = db
            .prepare(
              'SELECT seq, school_id, device_id, table_name, record_id, op, wire_chars, received_at, withheld_at, erased_at FROM changes WHERE seq = ?',
            )
            .get(seq) as Record<string, unknown> | undefined;
          return row && { ...toLoggedChangeInfo(row), changed: changed > 0 };
        })
        .immediate();
    },
    chainAt: (seq) => (q.chainAt.get(seq) as { chain: string | null } | undefined)?.chain ?? undefined,
    lastChangeSeq: () => (q.lastChangeSeq.get() as { seq: number }).seq,
    pupilsByRef: (ref) => (q.pupilsByRef.all({ ref }) as Parameters<typeof toPupilSummary>[0][]).map(toPupilSummary),
    pupilsEnded: (schoolId) => (q.pupilsEnded.all(schoolId) as Parameters<typeof toPupilSummary>[0][]).map(toPupilSummary),
    erasePupils(pupils, at, reason) {
      const erased = store.batch((writer) => pupils.map((pupil) => eraseOne(writer, pupil, at, reason)));
      // The tail in memory held what the log said before.
      recent.clear();
      noteInRegister(erased);
      return erased;
    },
    erasure: (pupilId) => q.erasure.get(pupilId) as Erasure | undefined,
    erasures: () =>
      db
        .prepare(
          "SELECT id AS pupilId, school_id AS schoolId, erased_at AS erasedAt FROM erased_records WHERE table_name = 'pupils' ORDER BY erased_at",
        )
        .all() as Erasure[],
    registeredErasures() {
      if (!register || !existsSync(register)) return [];
      const listed = new Map<string, Erasure>();
      for (const line of readFileSync(register, 'utf8').split('\n')) {
        let entry: Partial<Erasure> | null;
        try {
          entry = JSON.parse(line);
        } catch {
          // A blank line, or one cut short by a crash as it was written: the erasure it was for is in the database.
          continue;
        }
        const { pupilId, schoolId, erasedAt } = entry ?? {};
        if (typeof pupilId === 'string' && typeof schoolId === 'string' && typeof erasedAt === 'string' && !listed.has(pupilId))
          listed.set(pupilId, { pupilId, schoolId, erasedAt });
      }
      return [...listed.values()];
    },
    scrubDeleted() {
      if (file === ':memory:') return {};
      // VACUUM rebuilds the file from what is live, leaving no free space that held anything (a
      // database from before secure_delete was on has some); in memory, not in a temporary file
      // that would hold a copy of everything. The checkpoint then empties the write-ahead log,
      // whose earlier frames hold pages as they were before the erasure.
      try {
        db.pragma('temp_store = MEMORY');
        db.exec('VACUUM');
      } catch (error) {
        return { problem: `the database could not be rebuilt (${(error as Error).message})` };
      } finally {
        db.pragma('temp_store = DEFAULT');
      }
      const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (row?.busy)
        return { problem: 'the write-ahead log could not be emptied: another program was reading the database (the server, mid-sync)' };
      return {};
    },
    setEmail(mentorId, email) {
      const changed = db.prepare('UPDATE mentors SET email = ? WHERE id = ?').run(email, mentorId).changes;
      if (!changed) throw new Error(`No mentor with id ${mentorId}.`);
      return toMentor(q.mentor.get(mentorId) as Parameters<typeof toMentor>[0]);
    },
    escalateAfterMinutes: (schoolId) =>
      (db.prepare('SELECT escalate_after_minutes AS m FROM schools WHERE id = ?').get(schoolId) as { m: number } | undefined)?.m ?? 60,
    setEscalateAfterMinutes(schoolId, minutes) {
      const changed = db.prepare('UPDATE schools SET escalate_after_minutes = ? WHERE id = ?').run(minutes, schoolId).changes;
      if (!changed) throw new Error(`No school with id ${schoolId}.`);
    },
    noteConcernReads(schoolId, puller, after, last, at) {
      if (readOnly || last <= after) return 0;
      return q.noteConcernReads.run({
        school: schoolId,
        after,
        last,
        other: puller.deviceId,
        me: puller.mentorId,
        all: puller.readsEveryConcern ? 1 : 0,
        at,
      }).changes;
    },
    concernTrail(pupilId) {
      const concerns = JSON.stringify((q.concernsOf.all({ pupil: pupilId }) as { id: string }[]).map((r) => r.id));
      const changes = q.concernChanges.all(concerns) as Record<string, unknown>[];
      const seqs = JSON.stringify(changes.map((c) => c.seq));
      const reads = q.concernReadsOf.all(seqs) as Record<string, unknown>[];
      return {
        changes: changes.map((c) => ({
          seq: c.seq as number,
          table: c.table_name as SyncedTable,
          recordId: c.record_id as string,
          op: c.op as PulledChange['op'],
          deviceId: c.device_id as string,
          mentorId: c.mentor_id as string,
          receivedAt: c.received_at as string | null,
          concernId: c.concern_id as string,
          at: (c.at as string | null) ?? null,
        })),
        reads: reads.map((r) => ({
          seq: r.seq as number,
          deviceId: r.device_id as string,
          mentorId: r.mentor_id as string,
          pulledAt: r.pulled_at as string,
        })),
      };
    },
    unsentAlerts: () =>
      (db.prepare('SELECT * FROM concern_alerts WHERE sent_at IS NULL ORDER BY queued_at').all() as Record<string, unknown>[]).map(toAlert),
    alerts: (concernId) =>
      (db.prepare('SELECT * FROM concern_alerts WHERE concern_id = ? ORDER BY queued_at').all(concernId) as Record<string, unknown>[]).map(
        toAlert,
      ),
    // A new concern's alert, with no escalation yet, whose concern no DSL has acknowledged.
    awaitingAcknowledgement: () =>
      (
        db
          .prepare(
            `SELECT * FROM concern_alerts a WHERE kind = 'new'
             AND NOT EXISTS (SELECT 1 FROM concern_alerts e WHERE e.concern_id = a.concern_id AND e.kind = 'escalated')
             AND NOT EXISTS (SELECT 1 FROM records WHERE table_name = 'concernActions'
               AND json_extract(state, '$.fields.concernId') = a.concern_id AND json_extract(state, '$.fields.action') = 'acknowledged')`,
          )
          .all() as Record<string, unknown>[]
      ).map(toAlert),
    escalate(alert, at) {
      q.queueAlert.run({ ...alert, kind: 'escalated', queued: at });
    },
    noteAlertTried(concernId, kind, at, problem) {
      db.prepare(
        'UPDATE concern_alerts SET attempts = attempts + 1, tried_at = @at, sent_at = CASE WHEN @problem IS NULL THEN @at END, problem = @problem WHERE concern_id = @concernId AND kind = @kind',
      ).run({ concernId, kind, at, problem: problem ?? null });
    },
    leadReadsConcerns: (schoolId) =>
      (db.prepare('SELECT lead_reads_concerns FROM schools WHERE id = ?').get(schoolId) as { lead_reads_concerns: number } | undefined)
        ?.lead_reads_concerns === 1,
    setLeadReadsConcerns(schoolId, on) {
      const changed = db.prepare('UPDATE schools SET lead_reads_concerns = ? WHERE id = ?').run(on ? 1 : 0, schoolId).changes;
      if (!changed) throw new Error(`No school with id ${schoolId}.`);
    },
    retentionMonths: (schoolId) =>
      (db.prepare('SELECT retention_months FROM schools WHERE id = ?').get(schoolId) as { retention_months: number | null } | undefined)
        ?.retention_months ?? null,
    setRetention(schoolId, months) {
      const changed = db.prepare('UPDATE schools SET retention_months = ? WHERE id = ?').run(months, schoolId).changes;
      if (!changed) throw new Error(`No school with id ${schoolId}.`);
    },
    checkpoint() {
      // Nothing is written to a database that cannot be written: nothing to fold in.
      if (file === ':memory:' || readOnly) return { logBytes: 0, behindBytes: 0 };
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      try {
        // PASSIVE: never waits for, nor holds up, the tablets' syncs.
        const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        const log = Math.max(0, row?.log ?? 0);
        const done = Math.max(0, row?.checkpointed ?? 0);
        return { logBytes: log * pageSize, behindBytes: (log - done) * pageSize };
      } catch (error) {
        const logBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
        return { logBytes, behindBytes: logBytes, problem: (error as Error).message };
      }
    },
    close: () => db.close(),
  };
  return store;
}
