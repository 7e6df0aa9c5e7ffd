/**
 * `npm run admin -- <command>`: what a school's IT person runs beside the server to add mentors,
 * hand out enrolment codes and cut off lost tablets. It opens the same SQLite file as `npm start`
 * (DATA_DIR, default ./data); SQLite's locking lets both run at once, so the server can stay up.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { format } from 'date-fns';
import { ROLE_NAMES, type Role, safeguards } from '../shared/roles.ts';
import { tabletAddress } from './address.ts';
import { auditTrail } from './audit.ts';
import { dueNow, erase, eraseDue } from './erasure.ts';
import { escapeControls } from './printable.ts';
import { parseRetention, retentionInWords } from './retention.ts';
import { type Backup, backupDatabase, ERASURE_REGISTER, openSqliteStore } from './sqlite-store.ts';
import type { Device, ErasedPupil, LoggedChangeInfo, Mentor, PupilSummary, School, Store } from './store.ts';
import { CODE_LIFETIME_MS, issueEnrolmentCode, replaceEnrolmentCode } from './sync.ts';

export const USAGE = `Usage: npm run admin -- <command> [arguments]

  add-school "Name"                       add a school
  add-mentor "Name" [--school ID|"Name"]  add a mentor and print a one-time enrolment code
  new-code MENTOR_ID                      a fresh code for a mentor; any earlier unused one stops working
  set-role MENTOR_ID ROLE                 mentor, lead (lead mentor), dsl (Designated Safeguarding Lead) or deputy (a deputy DSL)
  lead-reads-concerns on|off [--school …] whether lead mentors read every concern's text, as the DSLs do (off to begin with)
  audit [--pupil] ID|REF [--school …]     who recorded, changed, opened or was sent a pupil's concerns, in order
  set-email MENTOR_ID ADDRESS|--off       where a DSL or deputy is e-mailed when a concern arrives (SMTP_URL)
  escalate-after MINUTES [--school …]     tell the deputy DSLs of a concern no DSL acknowledged in this time (60)
  list-mentors [--school ID|"Name"]       the mentors, their ids and their tablets
  list-devices [--school ID|"Name"]       the tablets: last sync, changes not yet sent, clock trouble
  revoke-device DEVICE_ID                 cut off a lost tablet (nothing is deleted)
  list-schools                            the schools, their ids, and how long each keeps pupils' records
  erase-pupil ID|REF [--school …]         erase a pupil and everything about them, here and on every tablet
                                          (UK GDPR): by their id, or their school pupil reference
  set-retention PERIOD|off [--school …]   erase pupils whose support ended longer ago than PERIOD ("6 years")
  erase-due [--school ID|"Name"]          erase now the pupils due by their school's retention period
  longest-changes [COUNT]                 the longest changes in the log (what slows every pull)
  quarantine CHANGE                       withhold a change from every tablet's pulls (it is kept)
  release CHANGE                          hand a quarantined change on again
  backup FILE                             a consistent copy of the database, taken while the server runs
  help                                    this list

The database is in DATA_DIR (default ./data), the same one \`npm start\` uses.`;

export type Print = (line: string) => void;
export type Command = (store: AdminStore, args: string[], print: Print) => void;

/** A mistake at the keyboard: shown as it is, without a stack trace, and the command exits 1. */
export class AdminError extends Error {}

/**
 * The admin works on the same Store as the server, so it works on any Store; with the folder it
 * is in, when it is one, to tell the IT person of copies there that an erasure cannot reach.
 */
export type AdminStore = Store & { dataDir?: string };

export const openAdminStore = (dataDir: string): AdminStore => Object.assign(openSqliteStore(dataDir), { dataDir });

// One set of options for every command, so parseArgs stays typed; each command says which it takes.
const OPTIONS = { school: { type: 'string' }, off: { type: 'boolean' }, pupil: { type: 'string' } } as const;

const parseAll = (args: string[]) => parseArgs({ args, options: OPTIONS, allowPositionals: true });

function parse(args: string[], allowed: (keyof typeof OPTIONS)[] = []) {
  let parsed: ReturnType<typeof parseAll>;
  try {
    parsed = parseAll(args);
  } catch (error) {
    throw new AdminError((error as Error).message);
  }
  const stray = Object.keys(parsed.values).find((key) => !allowed.includes(key as keyof typeof OPTIONS));
  if (stray) throw new AdminError(`--${stray} does not go with this command.\n\n${USAGE}`);
  return parsed;
}

/** Exactly one argument: an unquoted "Sam Patel" arrives as two, and would otherwise become "Sam". */
function single(positionals: string[], what: string, example: string): string {
  const value = positionals[0]?.trim();
  if (!value) throw new AdminError(`Give the ${what}, for example: npm run admin -- ${example}`);
  if (positionals.length > 1) throw new AdminError(`Expected one ${what}, got ${positionals.length} words: quote it, as in ${example}`);
  return value;
}

/** The roles as the IT person types them. */
const ROLE_WORDS = new Map<string, Role>([
  ['mentor', 'mentor'],
  ['lead', 'lead mentor'],
  ['dsl', 'dsl'],
  ['deputy', 'deputy dsl'],
]);
const withArticle = (name: string) => `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;

const listed = (schools: School[]) => schools.map((s) => `  ${s.id}  ${s.name}`).join('\n');

function findSchool(store: Store, wanted: string): School {
  const schools = store.schools();
  const school = schools.find((s) => s.id === wanted || s.name === wanted);
  if (!school) throw new AdminError(`No school "${wanted}". The schools are:\n${listed(schools) || '  (none yet)'}`);
  return school;
}

function findMentor(store: Store, id: string): Mentor {
  const mentor = store.mentor(id);
  if (!mentor) throw new AdminError(`No mentor with id ${id}: \`npm run admin -- list-mentors\` shows their ids.`);
  return mentor;
}

function schoolForMentor(store: Store, wanted: string | undefined, print: Print): School {
  const [only, ...others] = store.schools();
  if (!only) {
    // A one-school server should not need a separate step before its first mentor.
    const school = store.addSchool(wanted?.trim() || 'Our school');
    print(`There was no school yet, so this made one: ${school.name} (id ${school.id}).`);
    return school;
  }
  if (wanted !== undefined) return findSchool(store, wanted);
  if (others.length) throw new AdminError(`There are several schools: say which with --school:\n${listed([only, ...others])}`);
  return only;
}

const schoolName = (store: Store, id: string) => store.schools().find((s) => s.id === id)?.name ?? id;

/** The same DATA_DIR as the server's, whose certificate names the address tablets open. */
const dataDir = () => resolve(process.env.DATA_DIR ?? 'data');

// The code goes last and alone, so a script can take it with `tail -n 1`.
function printCode(store: Store, mentor: Mentor, code: string, print: Print, cancelled = 0) {
  print(`Enrolment code for ${mentor.name} (${schoolName(store, mentor.schoolId)}).`);
  if (cancelled === 1) print('Their earlier code, not used yet, no longer works.');
  if (cancelled > 1) print(`Their ${cancelled} earlier codes, not used yet, no longer work.`);
  print(`It works once, and expires in ${CODE_LIFETIME_MS / 3_600_000} hours.`);
  print(`On the tablet, open Waymark at ${tabletAddress(dataDir())} and type the code:`);
  print(code);
}

const when = (iso: string | null) => (iso ? format(new Date(iso), 'd MMM yyyy HH:mm') : 'never');
const skew = (ms: number | null) => (ms === null ? '' : `${Math.round(Math.abs(ms) / 60_000)} min ${ms > 0 ? 'fast' : 'slow'}`);

function table(rows: string[][], print: Print) {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  const pad = (cell: string, i: number) => cell.padEnd(widths[i] ?? 0);
  for (const row of rows) print(row.map(pad).join('  ').trimEnd());
}

/** The one school, or the one --school names: for a setting of a school's own. */
function schoolToSet(store: Store, wanted: string | undefined): School {
  if (wanted !== undefined) return findSchool(store, wanted);
  const [only, ...others] = store.schools();
  if (!only) throw new AdminError('There is no school yet: add one with npm run admin -- add-school "Name"');
  if (others.length) throw new AdminError(`There are several schools: say which with --school:\n${listed([only, ...others])}`);
  return only;
}

const retentionWords = (months: number | null) =>
  months === null ? 'not set: nothing is erased by it' : `${retentionInWords(months)} after support ends`;

/** A pupil as the IT person is shown one to choose from: never a name. */
const pupilRow = (store: Store, p: PupilSummary) => [
  p.id,
  schoolName(store, p.schoolId),
  p.yearGroup,
  `started ${p.startOn}`,
  p.deletedAt ? 'removed' : p.status === 'closed' ? `closed ${p.closedOn ?? ''}` : 'on a caseload',
];

/** The one pupil `ref` names (an id, or a school pupil reference), in `school` when given. */
function findPupil(store: Store, ref: string, school: School | undefined): PupilSummary {
  const matches = store.pupilsByRef(ref).filter((p) => school === undefined || p.schoolId === school.id);
  const [only, ...others] = matches;
  if (only && others.length === 0) return only;
  const where = school ? ` at ${school.name}` : '';
  if (!only)
    throw new AdminError(
      `No pupil with the id or school pupil reference “${ref}”${where} has reached the server. Nothing was erased.\nA pupil’s id is in the address of their page on a tablet (…/pupils/ID).`,
    );
  const lines: string[] = [];
  table(
    matches.map((p) => pupilRow(store, p)),
    (line) => lines.push(`  ${line}`),
  );
  const schools = new Set(matches.map((p) => p.schoolId)).size;
  throw new AdminError(
    `${matches.length} pupils${schools > 1 ? `, in ${schools} schools,` : ''} have the id or school pupil reference “${ref}”${where}. Nothing was erased.\n${lines.join('\n')}\nGive the pupil’s id (the first column) instead${schools > 1 ? ', or add --school "Name"' : ''}.`,
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What erasing one pupil took away: counts and ids, never a name, nor anything a mentor wrote. */
function printErasure(store: Store, e: ErasedPupil, print: Print): void {
  const school = schoolName(store, e.schoolId);
  const why = { request: '', retention: ', their support having ended longer ago than the school keeps records', restore: ' again' }[
    e.reason
  ];
  print(`Erased pupil ${e.pupilId} (${school})${why}:`);
  const r = e.records;
  print(
    `  ${plural(r.pupils, 'pupil record')}, ${plural(r.targets, 'target')}, ${plural(r.checkIns, 'check-in')}, ${plural(r.sessions, 'session')} with no other pupil present, ${plural(r.revisions, 'earlier version')} of these, ${plural(e.lostValues, 'value')} kept from conflicts.`,
  );
  print(`  ${plural(e.changesEmptied, 'change')} in the log about them emptied: no tablet is handed any of it again.`);
  print(`  Every tablet of ${school} erases them at its next sync; one that sends a change about them is told, and lets it go.`);
  if (e.groupSessions.length === 0) return;
  print(
    `  Taken out of ${plural(e.groupSessions.length, 'session')} other pupils were in. Those notes are about the others too and stay as written: the Designated Safeguarding Lead should read each, as it may name this pupil (on a tablet, open /sessions/ID):`,
  );
  for (const g of e.groupSessions) print(`    ${g.id}  ${g.occurredAt ? when(g.occurredAt) : ''}`.trimEnd());
}

/** What is left on the server's disk once erasing is done, and what an erasure cannot reach. */
function printAfterErasure(store: AdminStore, problem: string | undefined, pupilId: string, print: Print): void {
  if (problem) {
    print(`The records are erased, but their bytes may still lie in the database file: ${problem}.`);
    print(`To finish, run npm run admin -- erase-pupil ${pupilId} again when the server is quiet (or stopped).`);
  } else print('The database file and its write-ahead log hold nothing of what was erased.');
  print(`Logged in ${ERASURE_REGISTER} in DATA_DIR (ids and counts only).`);
  const copies = store.dataDir ? readdirSync(store.dataDir).filter((f) => /^waymark\.before-upgrade-from-\d+\.sqlite$/.test(f)) : [];
  if (copies.length)
    print(
      `DATA_DIR also holds ${plural(copies.length, 'copy', 'copies')} taken before an upgrade (${copies.join(', ')}), which still hold what was erased: delete ${copies.length === 1 ? 'it' : 'those'} once going back to an earlier release is no longer needed.`,
    );
  print(
    `Backups taken before now still hold it. If one is restored, the server erases it again at its start, from ${ERASURE_REGISTER}: keep that file with DATA_DIR.`,
  );
}

export const commands: Record<string, Command> = {
  'list-schools'(store, args, print) {
    parse(args);
    const schools = store.schools();
    if (schools.length === 0) return print('No schools yet: add one with npm run admin -- add-school "Name"');
    const rows = schools.map((s) => [s.id, s.name, String(store.mentors(s.id).length), retentionWords(store.retentionMonths(s.id))]);
    table([['id', 'name', 'mentors', 'pupils’ records kept'], ...rows], print);
  },
  'erase-pupil'(store: AdminStore, args, print) {
    const { positionals, values } = parse(args, ['school']);
    const ref = single(positionals, 'pupil’s id or school pupil reference', 'erase-pupil PUPIL_ID');
    const school = values.school === undefined ? undefined : findSchool(store, values.school);
    const before = store.erasure(ref);
    if (before && (school === undefined || before.schoolId === school.id)) {
      print(
        `Pupil ${ref} (${schoolName(store, before.schoolId)}) was erased on ${when(before.erasedAt)}: nothing of theirs is left to erase.`,
      );
      return printAfterErasure(store, store.scrubDeleted().problem, ref, print);
    }
    const pupil = findPupil(store, ref, school);
    const run = erase(store, [{ id: pupil.id, schoolId: pupil.schoolId }], 'request');
    for (const e of run.erased) printErasure(store, e, print);
    printAfterErasure(store, run.problem, pupil.id, print);
  },
  audit(store, args, print) {
    const { positionals, values } = parse(args, ['school', 'pupil']);
    // `audit --pupil REF` or `audit REF`.
    const ref = values.pupil ?? single(positionals, 'pupil’s id or school pupil reference', 'audit PUPIL_ID');
    const pupil = findPupil(store, ref, values.school === undefined ? undefined : findSchool(store, values.school));
    const entries = auditTrail(store, pupil.id);
    if (entries.length === 0) return print(`No concern has been recorded about pupil ${pupil.id}.`);
    const rows = entries.map((e) => [
      when(e.at),
      e.receivedAt ? when(e.receivedAt) : '',
      e.mentor,
      escapeControls(e.tablet),
      e.what,
      e.concernId,
    ]);
    table([['when', 'reached the school', 'who', 'tablet', 'what', 'concern'], ...rows], print);
  },
  'set-retention'(store, args, print) {
    const { positionals, values } = parse(args, ['school']);
    if (positionals.length === 0)
      throw new AdminError(
        'Give how long to keep a pupil’s records after their support ends, for example: npm run admin -- set-retention "6 years"',
      );
    const period = parseRetention(positionals.join(' '));
    if ('problem' in period) throw new AdminError(period.problem);
    const school = schoolToSet(store, values.school);
    store.setRetention(school.id, period.months);
    if (period.months === null) return print(`${school.name} keeps pupils’ records with no end: no retention period erases any.`);
    print(
      `${school.name}: a pupil’s records are erased, here and on every tablet, once their support ended more than ${retentionInWords(period.months)} ago (support closed, or the pupil removed).`,
    );
    print('The server does it at its start and once a day; npm run admin -- erase-due does it now.');
    print(`${plural(dueNow(store, new Date(), school.id).length, 'pupil is', 'pupils are')} due now.`);
  },
  'erase-due'(store: AdminStore, args, print) {
    const { values } = parse(args, ['school']);
    const school = values.school === undefined ? undefined : findSchool(store, values.school);
    const run = eraseDue(store, new Date(), school?.id);
    if (run.erased.length === 0) {
      print('No pupil is due for erasure now.');
      for (const s of school ? [school] : store.schools())
        print(`  ${s.name}: pupils’ records kept ${retentionWords(store.retentionMonths(s.id))}.`);
      return;
    }
    for (const e of run.erased) printErasure(store, e, print);
    printAfterErasure(store, run.problem, run.erased[0]?.pupilId ?? '', print);
  },
  'longest-changes'(store, args, print) {
    const { positionals } = parse(args);
    const count = positionals.length === 0 ? 10 : Number(positionals[0]);
    if (!Number.isSafeInteger(count) || count < 1)
      throw new AdminError('Give how many to list, for example: npm run admin -- longest-changes 20');
    const changes = store.longestChanges(count);
    if (changes.length === 0) return print('No changes have reached the server yet.');
    table([['change', 'length', 'what', 'record', 'school', 'tablet', 'received', ''], ...changes.map((c) => changeRow(store, c))], print);
  },
  quarantine: (store, args, print) => quarantine(store, args, print, true),
  release: (store, args, print) => quarantine(store, args, print, false),
  help: (_store, _args, print) => print(USAGE),
  'add-school'(store, args, print) {
    const school = store.addSchool(single(parse(args).positionals, 'school’s name', 'add-school "Hillside Academy"'));
    print(`Added school ${school.name}: id ${school.id}`);
  },
  'add-mentor'(store, args, print) {
    const { positionals, values } = parse(args, ['school']);
    const name = single(positionals, 'mentor’s name', 'add-mentor "Sam Patel"');
    const mentor = store.addMentor(schoolForMentor(store, values.school, print).id, name);
    print(`Added mentor ${mentor.name}: id ${mentor.id}`);
    printCode(store, mentor, issueEnrolmentCode(store, mentor.id), print);
  },
  'new-code'(store, args, print) {
    const mentor = findMentor(store, single(parse(args).positionals, 'mentor id', 'new-code MENTOR_ID'));
    const { code, cancelled } = replaceEnrolmentCode(store, mentor.id);
    printCode(store, mentor, code, print, cancelled);
  },
  'set-role'(store, args, print) {
    const { positionals } = parse(args);
    const [id, word, ...stray] = positionals;
    if (!id || !word || stray.length)
      throw new AdminError(`Give a mentor id and one role, for example: npm run admin -- set-role MENTOR_ID dsl\n\n${USAGE}`);
    const role = ROLE_WORDS.get(word.toLowerCase());
    if (!role) throw new AdminError(`“${word}” is not a role: use mentor, lead, dsl or deputy.`);
    const mentor = store.setRole(findMentor(store, id).id, role);
    print(`${mentor.name} is now ${withArticle(ROLE_NAMES[role])} at ${schoolName(store, mentor.schoolId)}.`);
    // The endpoint decides what each tablet receives at each pull; the tablet's screens follow.
    print('Their tablets learn this at their next sync.');
  },
  'lead-reads-concerns'(store, args, print) {
    const { positionals, values } = parse(args, ['school']);
    const word = single(positionals, 'setting', 'lead-reads-concerns on');
    if (word !== 'on' && word !== 'off') throw new AdminError(`Say on or off, for example: npm run admin -- lead-reads-concerns on`);
    const school = schoolToSet(store, values.school);
    store.setLeadReadsConcerns(school.id, word === 'on');
    print(
      word === 'on'
        ? `${school.name}: lead mentors read the text of every concern, its actions and its history, as the DSLs do.`
        : `${school.name}: only a concern’s author and the DSLs read its text; lead mentors see that one was recorded. Their tablets let go of the text at their next sync.`,
    );
  },
  'set-email'(store, args, print) {
    const { positionals, values } = parse(args, ['off']);
    const [id, address, ...stray] = positionals;
    if (!id || stray.length || Boolean(address) === Boolean(values.off))
      throw new AdminError(
        `Give a mentor id and an e-mail address (or --off), for example: npm run admin -- set-email MENTOR_ID dsl@school.sch.uk`,
      );
    if (address && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) throw new AdminError(`“${address}” is not an e-mail address.`);
    const mentor = store.setEmail(findMentor(store, id).id, address ?? null);
    print(mentor.email ? `${mentor.name} is e-mailed at ${mentor.email}.` : `${mentor.name} is no longer e-mailed.`);
    if (mentor.email && !safeguards(mentor.role))
      print(`Only a DSL or deputy is e-mailed about concerns: npm run admin -- set-role ${mentor.id} dsl`);
  },
  'escalate-after'(store, args, print) {
    const { positionals, values } = parse(args, ['school']);
    const minutes = Number(single(positionals, 'number of minutes', 'escalate-after 30'));
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60)
      throw new AdminError('Give a whole number of minutes from 1 to 10080 (a week), for example: npm run admin -- escalate-after 30');
    const school = schoolToSet(store, values.school);
    store.setEscalateAfterMinutes(school.id, minutes);
    print(`${school.name}: a concern no DSL has acknowledged ${minutes} minutes after it arrives is e-mailed to the deputy DSLs.`);
  },
  'list-mentors'(store, args, print) {
    const { values } = parse(args, ['school']);
    const mentors = store.mentors(values.school === undefined ? undefined : findSchool(store, values.school).id);
    if (mentors.length === 0) return print('No mentors yet: add one with npm run admin -- add-mentor "Name"');
    const tablets = (m: Mentor) => store.devices(m.schoolId).filter((d) => d.mentorId === m.id && !d.revokedAt).length;
    const rows = mentors.map((m) => [m.id, m.name, schoolName(store, m.schoolId), ROLE_NAMES[m.role], m.email ?? '', String(tablets(m))]);
    table([['id', 'name', 'school', 'role', 'e-mail', 'tablets'], ...rows], print);
  },
  'list-devices'(store, args, print) {
    const { values } = parse(args, ['school']);
    const devices = store.devices(values.school === undefined ? undefined : findSchool(store, values.school).id);
    if (devices.length === 0) return print('No tablets enrolled yet: give a mentor a code with add-mentor or new-code.');
    // A name stored by an earlier release may hold control characters: written out, it cannot forge a row.
    const who = (d: Device) => [d.id, escapeControls(d.name), store.mentor(d.mentorId)?.name ?? d.mentorId, schoolName(store, d.schoolId)];
    const sync = (d: Device) => [when(d.enrolledAt), when(d.lastSeenAt), String(d.unsent), skew(d.clockSkewMs)];
    const row = (d: Device) => [
      d.unsent > 0 ? '!' : '',
      ...who(d),
      ...sync(d),
      [d.revokedAt ? `REVOKED ${when(d.revokedAt)}` : '', d.wipedAt ? `STORAGE WIPED (found ${when(d.wipedAt)})` : '']
        .filter(Boolean)
        .join(' '),
    ];
    table([['', 'id', 'name', 'mentor', 'school', 'enrolled', 'last sync', 'unsent', 'clock', ''], ...devices.map(row)], print);
    const holding = devices.filter((d) => d.unsent > 0).length;
    // Unsent changes exist only on that tablet, so this is what must not be wiped or handed in yet.
    if (holding) print(`\n! ${holding} tablet(s) hold changes not yet sent to the server: wiping or handing one in loses them.`);
  },
  'revoke-device'(store, args, print) {
    const id = single(parse(args).positionals, 'tablet id', 'revoke-device DEVICE_ID');
    const before = store.devices().find((d) => d.id === id);
    const device = store.revokeDevice(id, new Date().toISOString());
    if (!before || !device) throw new AdminError(`No tablet with id ${id}: \`npm run admin -- list-devices\` shows their ids.`);
    const owner = store.mentor(device.mentorId)?.name ?? device.mentorId;
    const name = escapeControls(device.name);
    if (before.revokedAt) print(`Tablet "${name}" (${owner}) was already revoked on ${when(before.revokedAt)}.`);
    else print(`Revoked tablet "${name}" (${owner}): its next sync will be refused.`);
    print('Nothing is deleted on the server: everything it sent before stays in the school’s records.');
    if (device.unsent > 0)
      print(`At its last sync it still held ${device.unsent} unsent change(s): they arrive only if it is found and enrolled again.`);
  },
};

/** A change's position in the log, as `longest-changes` lists it. */
function changeNumber(positionals: string[], example: string): number {
  const text = single(positionals, 'change’s number', example);
  const seq = Number(text);
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new AdminError(`“${text}” is not a change’s number: \`npm run admin -- longest-changes\` lists them.`);
  return seq;
}

const changeRow = (store: Store, c: LoggedChangeInfo) => [
  String(c.seq),
  `${c.chars.toLocaleString('en-GB')} chars`,
  `${c.op} ${c.table}`,
  c.recordId,
  schoolName(store, c.schoolId),
  escapeControls(store.device(c.deviceId)?.name ?? c.deviceId),
  when(c.receivedAt),
  c.erasedAt ? `ERASED ${when(c.erasedAt)}` : c.withheldAt ? `QUARANTINED ${when(c.withheldAt)}` : '',
];

/** Quarantines (or releases) one change and says what that means. */
function quarantine(store: Store, args: string[], print: Print, withheld: boolean): void {
  const verb = withheld ? 'quarantine' : 'release';
  const seq = changeNumber(parse(args).positionals, `${verb} 1234`);
  const change = store.withhold(seq, new Date().toISOString(), withheld);
  if (!change) throw new AdminError(`There is no change ${seq}: \`npm run admin -- longest-changes\` lists them.`);
  if (change.erasedAt) {
    print(`Change ${seq} was emptied when the record it changed was erased (${when(change.erasedAt)}): no tablet is handed it again.`);
    return;
  }
  const what = `Change ${seq} (${change.op} ${change.table} ${change.recordId}, ${change.chars.toLocaleString('en-GB')} characters)`;
  if (!change.changed) print(`${what} was already ${withheld ? 'quarantined' : 'handed on'}: nothing changed.`);
  else if (withheld) {
    print(`${what} is quarantined: no tablet is handed it from now on. It is kept in the log, and in the record it changed.`);
    print(`Tablets that already had it keep it. To hand it on again: npm run admin -- release ${seq}`);
  } else print(`${what} is handed on again: tablets that have not had it get it at their next fetch from the start.`);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Commands on the database file itself rather than through the store: they neither create nor
 * upgrade it (a backup beside a server not yet restarted after an upgrade leaves its file as it is).
 */
export type FileCommand = (dataDir: string, args: string[], print: Print) => void;

export const fileCommands: Record<string, FileCommand> = {
  backup(dataDir, args, print) {
    const file = resolve(single(parse(args).positionals, 'file to write', 'backup /mnt/backups/waymark-2026-11-24.sqlite'));
    let made: Backup;
    try {
      made = backupDatabase(dataDir, file);
    } catch (error) {
      throw new AdminError(`No backup was written: ${(error as Error).message}`);
    }
    print(`Backed up the school’s records to ${file} (${megabytes(made.bytes)}).`);
    const last = made.lastChangeAt ? `, the last received ${when(made.lastChangeAt)}` : '';
    print(`It holds ${made.schools} school(s), ${made.mentors} mentor(s) and ${made.changes} change(s)${last}.`);
    print('It holds records about children: keep it as safely as the server. To restore it, see “Backups” in the README.');
    print('Back up DATA_DIR/tls/ too (the certificate authority the tablets trust), or the tablets must be set up again.');
  },
};

function commandNamed(name: string): Command {
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new AdminError(`Unknown command "${name}".\n\n${USAGE}`);
  return command;
}

/** Runs one command line (without `node admin.js`) against an open store. */
export function run(store: AdminStore, argv: string[], print: Print): void {
  const [name = 'help', ...args] = argv;
  commandNamed(name)(store, args, print);
}

function main() {
  const [name = 'help', ...args] = process.argv.slice(2);
  try {
    // Help and typos should not create ./data as a side effect, so the store opens last.
    if (name === 'help' || name === '--help') return console.log(USAGE);
    const dataDir = resolve(process.env.DATA_DIR ?? 'data');
    const onFile = Object.hasOwn(fileCommands, name) ? fileCommands[name] : undefined;
    if (onFile) return onFile(dataDir, args, console.log);
    const command = commandNamed(name);
    const store = openAdminStore(dataDir);
    try {
      command(store, args, console.log);
    } finally {
      store.close();
    }
  } catch (error) {
    console.error(error instanceof AdminError ? error.message : error);
    process.exitCode = 1;
  }
}

// Tests import this file; only running it as a program should touch the real database.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) main();
