/**
 * A realistic tablet's worth of records, made up but shaped like three years of one mentor's work
 * (../shared/DOMAIN.md): 60 pupils on the caseload and 300 closed, 250 active and 1,500 past
 * targets, 50,000 check-ins and 10,000 session notes of a realistic length. Deterministic: the
 * same seed and the same `now` give the same records, byte for byte, on any machine.
 *
 * Every record passes the domain model's validation, so it can be pushed to a real endpoint and
 * pulled by a real tablet. No real person's data is in here: names come from short lists below.
 */
import { encodeHlc } from '../src/shared/hlc.ts';
import {
  CHECK_IN_RESULTS,
  type CheckIn,
  CLOSE_REASONS,
  OUTCOMES,
  type Pupil,
  REFERRAL_REASONS,
  type Session,
  type SyncedTable,
  type Target,
  YEAR_GROUPS,
} from '../src/shared/model.ts';
import type { PushChange } from '../src/shared/protocol.ts';

export interface Sizes {
  openPupils: number;
  closedPupils: number;
  activeTargets: number;
  pastTargets: number;
  checkIns: number;
  sessions: number;
  /** School days of history (Monday to Friday, August off: 717 is three calendar years). */
  days: number;
}

/** Three years of one mentor (DOMAIN.md "Realistic sizes"). */
export const THREE_YEARS: Sizes = {
  openPupils: 60,
  closedPupils: 300,
  activeTargets: 250,
  pastTargets: 1500,
  checkIns: 50_000,
  sessions: 10_000,
  days: 717,
};

export interface MentorRecords {
  pupils: Pupil[];
  targets: Target[];
  checkIns: CheckIn[];
  sessions: Session[];
  /** The pupil supported for the whole three years: the heaviest pupil page. */
  longestSupported: Pupil;
}

export interface GenerateOptions {
  seed: number;
  /** The tablet's "now": nothing is dated after it. */
  now: Date;
  mentorId: string;
  deviceId: string;
  sizes?: Sizes;
}

/** mulberry32: small, fast and good enough to make data from a seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const chance = (p: number) => next() < p;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  /** A UUIDv7-shaped id whose time part is when the record was made, as the app makes them. */
  const id = (at: number) => {
    const t = at.toString(16).padStart(12, '0');
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  };
  const shuffle = <T>(list: T[]): T[] => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [list[i], list[j]] = [list[j] as T, list[i] as T];
    }
    return list;
  };
  return { next, int, pick, chance, id, shuffle };
}

const FIRST = [
  'Aaliyah',
  'Adam',
  'Alfie',
  'Amara',
  'Amelia',
  'Archie',
  'Ava',
  'Bilal',
  'Callum',
  'Chloe',
  'Daniel',
  'Darius',
  'Ella',
  'Emily',
  'Erin',
  'Ethan',
  'Evie',
  'Freya',
  'George',
  'Grace',
  'Hamza',
  'Harper',
  'Harry',
  'Isaac',
  'Isla',
  'Jack',
  'Jacob',
  'Jayden',
  'Kai',
  'Kacper',
  'Leo',
  'Lily',
  'Logan',
  'Maya',
  'Mia',
  'Mohammed',
  'Muhammad',
  'Noah',
  'Nia',
  'Oliver',
  'Olivia',
  'Oscar',
  'Poppy',
  'Reggie',
  'Riley',
  'Rosie',
  'Ruby',
  'Sienna',
  'Sofia',
  'Theo',
  'Tyler',
  'Zara',
  'Zoë',
  'Zuzanna',
] as const;
const FAMILY = [
  'Adeyemi',
  'Ahmed',
  'Ali',
  'Bailey',
  'Begum',
  'Brown',
  'Clarke',
  'Davies',
  'Evans',
  'Green',
  'Hall',
  'Hughes',
  'Hussain',
  'Jackson',
  'James',
  'Johnson',
  'Jones',
  'Khan',
  'Kowalski',
  'Lewis',
  'Martin',
  'Mensah',
  'Morris',
  'Nowak',
  'O’Neill',
  'Okafor',
  'Patel',
  'Roberts',
  'Robinson',
  'Shah',
  'Singh',
  'Smith',
  'Taylor',
  'Thomas',
  'Thompson',
  'Walker',
  'White',
  'Williams',
  'Wilson',
  'Wood',
  'Wright',
  'Young',
] as const;
const TARGETS = [
  'Hand in maths homework on time this week',
  'Say one thing in class each day',
  'Arrive before the register every morning',
  'Bring PE kit on PE days',
  'Write down homework in the planner before leaving each lesson',
  'Use the time-out card instead of walking out',
  'Read for 15 minutes at home and get the log signed',
  'Sit with a new group at lunch once this week',
  'Ask the teacher for help when stuck, not a friend',
  'Finish the first paragraph of the English coursework',
  'Go to homework club on Tuesday and Thursday',
  'Keep phone in bag during lessons',
  'Tell the mentor one good thing that happened today',
  'Revise one science topic using flash cards',
] as const;
const HOW_WE_KNOW = ['Teacher signs the card', 'Planner checked at the end of the day', 'Register', 'Mentor asks at check-in', ''] as const;
const WORDS = ['good day', 'forgot planner', 'tried hard', 'absent am', 'late bus', 'teacher pleased', 'upset after break', ''] as const;
const SENTENCES = [
  'We talked about how the week had gone so far and what had made Tuesday hard.',
  'Looked at the planner together: two pieces of homework missing, one now handed in.',
  'Said the maths lessons feel too fast and does not like asking in front of others.',
  'Agreed to try the time-out card in science instead of leaving the room.',
  'Much calmer than last week and proud of the merit from the form tutor.',
  'Practised what to say when a friend group leaves them out at lunch.',
  'Attendance this half term is 91%, up from 84% last half term.',
  'Mum phoned before the session to say sleep has been poor since the move.',
  'Set the next target together; chose it themselves, which is new.',
  'Spent most of the time on the English coursework plan: now has three paragraphs outlined.',
  'Quiet at first, then talked about football and the match at the weekend.',
  'Reminded about homework club; says they will come on Thursday.',
  'Teacher reports better focus in the last two lessons, one behaviour point this week.',
  'Worried about the mock exams; we made a revision timetable for the next fortnight.',
  'Did the strengths exercise: kind, funny, good at drawing.',
  'Would like to move seats in history; will speak to the teacher with them.',
] as const;
const CONCERN = [
  'Disclosed that there is often no food at home in the evening. Passed to the DSL at 12:40 the same day.',
  'Had a bruise on the forearm and gave two different accounts of it. Reported to the DSL straight after the session.',
  'Said an older pupil has been asking for money on the way home. DSL informed; form tutor aware.',
] as const;
const GROUPS = ['Year 11 revision club', 'Homework club', 'Friendship group', 'Year 7 transition group', 'Lunchtime chess'] as const;

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** School days (Monday to Friday, August off) going back from `now`, oldest first. */
function schoolDays(now: Date, count: number): number[] {
  const days: number[] = [];
  let t = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  while (days.length < count) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && d.getUTCMonth() !== 7) days.push(t);
    t -= DAY_MS;
  }
  return days.reverse();
}

/** A moment on a school day: minutes after 08:00 UTC (08:00 or 09:00 in the UK). */
const at = (day: number, minutes: number) => day + 8 * 3_600_000 + minutes * 60_000;

/** One mentor's three years, as a tablet holds them after a full sync. */
export function generateMentor(options: GenerateOptions): MentorRecords {
  const sizes = options.sizes ?? THREE_YEARS;
  const r = random(options.seed);
  const nowMs = options.now.getTime();
  const days = schoolDays(options.now, sizes.days);
  const today = days.length - 1;
  const by = { deviceId: options.deviceId, mentorId: options.mentorId };
  const stamp = (ms: number) => {
    const moment = new Date(Math.min(ms, nowMs)).toISOString();
    return { id: r.id(Math.min(ms, nowMs)), createdAt: moment, updatedAt: moment, ...by };
  };

  // Pupils: each supported for a stretch of school days. Closed ones ended in the past; the first
  // open one has been supported for the whole three years.
  interface Span {
    from: number;
    to: number;
  }
  const spans: Span[] = [];
  const pupils: Pupil[] = [];
  const total = sizes.openPupils + sizes.closedPupils;
  for (let i = 0; i < total; i++) {
    const open = i < sizes.openPupils;
    const length = r.int(60, 200);
    const from = i === 0 ? 0 : open ? Math.max(0, today - r.int(20, 190)) : r.int(0, Math.max(0, today - length - 5));
    const to = open ? today : Math.min(today - 1, from + length);
    spans.push({ from, to });
    const name = `${r.pick(FIRST)} ${r.pick(FAMILY)}`;
    const startOn = isoDay(days[from] as number);
    const pupil: Pupil = {
      ...stamp(at(days[from] as number, r.int(0, 400))),
      name,
      preferredName: r.chance(0.15) ? (name.split(' ')[0] as string).slice(0, 3) : '',
      yearGroup: r.pick(YEAR_GROUPS),
      form: `${r.int(7, 11)}${r.pick(['A', 'B', 'C', 'D'])}`,
      schoolRef: `P${String(10_000 + i * 7).padStart(6, '0')}`,
      referralReasons: [...new Set([r.pick(REFERRAL_REASONS), r.pick(REFERRAL_REASONS)])],
      referralOther: '',
      referredBy: r.pick(['Head of Year', 'SENCo', 'Form tutor', 'Parent', 'Pastoral lead']),
      consent: r.pick(['given', 'given', 'given', 'not yet asked'] as const),
      startOn,
      contacts: [
        {
          name: `${r.pick(FIRST)} ${name.split(' ').at(-1)}`,
          relationship: r.pick(['Mum', 'Dad', 'Carer', 'Gran']),
          phone: '07700 900123',
          email: '',
        },
      ],
      whatHelps: r.pick(['Sitting near the door', 'A warning before changes of plan', 'Being given a job to do', '']),
      status: open ? 'active' : 'closed',
    };
    if (!open) {
      Object.assign(pupil, {
        closedOn: isoDay(days[to] as number),
        closeReason: r.pick(CLOSE_REASONS),
        outcome: r.pick(OUTCOMES),
        exitSummary: `${r.pick(SENTENCES)} ${r.pick(SENTENCES)}`,
      });
    }
    pupils.push(pupil);
  }

  // Targets: the active ones belong to open pupils (2 to 5 each), the past ones run one after the
  // other through every pupil's support, each replaced when met or dropped.
  interface Planned {
    target: Target;
    from: number;
    to: number;
  }
  const planned: Planned[] = [];
  const makeTarget = (p: number, from: number, to: number, active: boolean, follows?: string) => {
    const rhythm = r.pick(['daily', 'daily', 'daily', 'weekly', 'weekdays'] as const);
    const target: Target = {
      ...stamp(at(days[from] as number, r.int(0, 400))),
      pupilId: (pupils[p] as Pupil).id,
      wording: r.pick(TARGETS),
      howWeKnow: r.pick(HOW_WE_KNOW),
      rhythm,
      weekdays: rhythm === 'weekdays' ? [2, 4] : [],
      startOn: isoDay(days[from] as number),
      status: active ? 'active' : r.pick(['achieved', 'achieved', 'dropped'] as const),
      ...(follows ? { follows } : {}),
    };
    if (active && r.chance(0.3)) target.reviewOn = isoDay((days[Math.min(today, from + 20)] as number) + 7 * DAY_MS);
    if (!active) target.endedOn = isoDay(days[to] as number);
    planned.push({ target, from, to: active ? today - 1 : to });
    return target;
  };
  for (let i = 0; i < sizes.activeTargets; i++) {
    const p = i % sizes.openPupils;
    const span = spans[p] as Span;
    makeTarget(p, Math.max(span.from, today - r.int(5, 40)), today, true);
  }
  const lastOf = new Map<number, string>();
  for (let i = 0; i < sizes.pastTargets; i++) {
    const p = i % total;
    const span = spans[p] as Span;
    const from = r.int(span.from, Math.max(span.from, Math.min(span.to, today - 1) - 10));
    const to = Math.max(from, Math.min(span.to, today - 1, from + r.int(30, 110)));
    lastOf.set(p, makeTarget(p, from, to, false, lastOf.get(p)).id);
  }

  // Check-ins: on the days each target asks for one, until exactly the wanted number is reached.
  const candidates: { t: number; day: number }[] = [];
  for (const [t, { target, from, to }] of planned.entries()) {
    for (let d = from; d <= to; d++) {
      const weekday = new Date(days[d] as number).getUTCDay();
      const wanted =
        target.rhythm === 'daily' ||
        (target.rhythm === 'weekdays' && target.weekdays.includes(weekday)) ||
        (target.rhythm === 'weekly' && weekday === 3);
      if (wanted) candidates.push({ t, day: d });
    }
  }
  if (candidates.length < sizes.checkIns) throw new Error(`Only ${candidates.length} check-in days for ${sizes.checkIns} check-ins.`);
  const chosen = r.shuffle(candidates).slice(0, sizes.checkIns);
  chosen.sort((a, b) => a.day - b.day || a.t - b.t);
  const checkIns: CheckIn[] = chosen.map(({ t, day }) => {
    const { target } = planned[t] as Planned;
    return {
      ...stamp(at(days[day] as number, r.int(0, 420))),
      targetId: target.id,
      pupilId: target.pupilId,
      on: isoDay(days[day] as number),
      result: r.pick([...CHECK_IN_RESULTS, 'met']),
      word: r.chance(0.2) ? r.pick(WORDS) : '',
    };
  });

  // Sessions: spread over the school days, with pupils who were being supported that day; the
  // pupil supported for three years comes to about one in twenty.
  const sessions: Session[] = [];
  const perDay = sizes.sessions / days.length;
  const activeOn = (d: number) => spans.flatMap((s, i) => (s.from <= d && d <= s.to ? [i] : []));
  let owed = 0;
  for (let d = 0; d <= today; d++) {
    owed += perDay;
    const count = d === today ? sizes.sessions - sessions.length : Math.floor(owed) - 0;
    owed -= Math.max(0, count);
    const here = activeOn(d);
    for (let k = 0; k < count; k++) {
      const kind = r.pick(['one-to-one', 'one-to-one', 'one-to-one', 'group', 'observation', 'parent contact'] as const);
      const occurred = at(days[d] as number, Math.floor((k * 400) / Math.max(1, count)));
      const size = kind === 'group' ? r.int(3, 8) : 1;
      const pupilIds = new Set<string>();
      if (r.chance(0.05) || here.length === 0) pupilIds.add((pupils[0] as Pupil).id);
      while (pupilIds.size < Math.min(size, here.length)) pupilIds.add((pupils[r.pick(here)] as Pupil).id);
      const concern = r.chance(0.02);
      const sentences: string[] = Array.from({ length: r.chance(0.1) ? r.int(12, 30) : r.int(2, 8) }, () => r.pick(SENTENCES));
      if (concern) sentences.push(r.pick(CONCERN));
      const minutes = kind === 'group' ? 45 : r.pick([10, 15, 20, 30]);
      const session: Session = {
        ...stamp(occurred + minutes * 60_000 + r.int(1, 90) * 60_000),
        kind,
        occurredAt: new Date(Math.min(occurred, nowMs)).toISOString(),
        minutes,
        title: kind === 'group' ? r.pick(GROUPS) : '',
        pupilIds: [...pupilIds],
        note: sentences.join(' '),
        concern,
      };
      if (r.chance(0.002)) Object.assign(session, { withdrawnAt: session.updatedAt, withdrawnReason: 'Written on the wrong pupil.' });
      sessions.push(session);
    }
  }

  return { pupils, targets: planned.map((p) => p.target), checkIns, sessions, longestSupported: pupils[0] as Pupil };
}

/** Every record as a create, in the order a tablet would have made them: what a school endpoint is seeded with. */
export function asChanges(records: MentorRecords, firstSeq = 1): PushChange[] {
  const all: { table: SyncedTable; record: { id: string; createdAt: string; deviceId: string } }[] = [
    ...records.pupils.map((record) => ({ table: 'pupils' as const, record })),
    ...records.targets.map((record) => ({ table: 'targets' as const, record })),
    ...records.checkIns.map((record) => ({ table: 'checkIns' as const, record })),
    ...records.sessions.map((record) => ({ table: 'sessions' as const, record })),
  ];
  // By when each was made: a record's pupil or target always comes first.
  all.sort((a, b) => a.record.createdAt.localeCompare(b.record.createdAt) || a.record.id.localeCompare(b.record.id));
  let last = { wall: 0, count: 0 };
  return all.map(({ table, record }, i) => {
    const wall = Date.parse(record.createdAt);
    last = wall === last.wall ? { wall, count: last.count + 1 } : { wall, count: 0 };
    return {
      changeId: record.id,
      seq: firstSeq + i,
      table,
      recordId: record.id,
      op: 'create',
      values: record as unknown as Record<string, unknown>,
      hlc: encodeHlc({ ...last, node: record.deviceId }),
    };
  });
}

export const countRecords = (r: MentorRecords): number => r.pupils.length + r.targets.length + r.checkIns.length + r.sessions.length;
