/**
 * A tablet's link to the school, as its mentor sees it: what linking does to the records already
 * on the tablet, and what a sync answers and keeps when the tablet is not linked, removed, linked
 * again meanwhile, or the network fails.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { thisDevice } from '../../src/data/commit.ts';
import { concerns } from '../../src/data/concerns.ts';
import { WaymarkDB } from '../../src/data/db.ts';
import { addPupil, getPupil } from '../../src/data/pupils.ts';
import { recordSession, type SessionInput } from '../../src/data/sessions.ts';
import { discardRefused, enrolTablet, outboxSummary, type SyncOptions, syncNow, syncState } from '../../src/data/sync.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { pupil } from '../unit/helpers.ts';
import { openSchool, type TestSchool } from './school.ts';

let opened: TestSchool[] = [];
let tablets = 0;
const newTablet = () => new WaymarkDB(`tablet-link-${process.pid}-${++tablets}`);
const school = () => {
  const s = openSchool();
  opened.push(s);
  return s;
};
afterEach(async () => {
  for (const s of opened) await s.close();
  opened = [];
});

const SERVER = 'http://school.test';
/** The tablet's fetch to the school, counting the requests it makes. */
function counted(s: TestSchool) {
  const requests: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    requests.push(new URL(input as string).pathname);
    return s.tabletFetch(input, init);
  };
  return { fetch, requests };
}

/** Links `db` to the school for the mentor with that code, as the settings screen does. */
const link = (s: TestSchool, db: WaymarkDB, code: string, options: SyncOptions = {}) =>
  enrolTablet(db, SERVER, code, 'Sam’s iPad', { fetch: s.tabletFetch, ...options });

const concernNote = (pupilId: string, note: string): SessionInput => ({
  kind: 'one-to-one',
  occurredAt: '2026-11-24T10:00:00.000Z',
  minutes: 15,
  title: '',
  pupilIds: [pupilId],
  note,
  concern: true,
});

describe('linking a tablet to the school', () => {
  it('what the mentor recorded before linking says, once linked, that they recorded it', async () => {
    const s = school();
    const db = newTablet();
    const p = await addPupil(db, pupil());
    await recordSession(db, concernNote(p, 'She said she is scared to go home.'));
    expect((await concerns(db))[0]?.mentorId).toBeNull(); // “Recorded by this tablet (not yet synced)”
    const sam = s.addMentor('Sam Patel');
    await link(s, db, sam.code);
    expect((await concerns(db)).map((c) => c.mentorId)).toEqual([sam.mentorId]);
    expect((await getPupil(db, p))?.mentorId).toBe(sam.mentorId);
  });

  it('a tablet removed and linked again for its mentor still shows the other mentors’ concerns as theirs', async () => {
    const s = school();
    const sam = s.addMentor('Sam Patel');
    const alex = s.addMentor('Alex Jones');
    // The DSL: a note flagged as a concern reaches only its author and the DSLs.
    s.store.setRole(sam.mentorId, 'dsl');
    const samsTablet = newTablet();
    const alexsTablet = newTablet();
    await link(s, samsTablet, sam.code);
    await link(s, alexsTablet, alex.code);
    const p = await addPupil(alexsTablet, pupil());
    await recordSession(alexsTablet, concernNote(p, 'Recorded by Alex.'));
    await syncNow(alexsTablet, { fetch: s.tabletFetch });
    await syncNow(samsTablet, { fetch: s.tabletFetch });

    s.store.revokeDevice((await thisDevice(samsTablet)).deviceId, s.clock.now.toISOString());
    await link(s, samsTablet, issueEnrolmentCode(s.store, sam.mentorId, s.clock.now));
    expect((await concerns(samsTablet)).map((c) => [c.note, c.mentorId])).toEqual([['Recorded by Alex.', alex.mentorId]]);
  });

  it('linking again a browser whose storage was wiped tells the mentor which tablet it was before', async () => {
    const s = school();
    // The browser keeps the endpoint's cookie when script-written storage is wiped.
    let cookie: string | undefined;
    const browser: typeof fetch = async (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>), ...(cookie ? { cookie } : {}) };
      const response = await s.tabletFetch(input, { ...init, headers });
      cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      return response;
    };
    const before = newTablet();
    await link(s, before, s.addMentor('Sam Patel').code, { fetch: browser });
    await syncNow(before, { fetch: browser });
    const sam = s.store.mentors().find((m) => m.name === 'Sam Patel');
    const afterWipe = newTablet();
    const linked = await link(s, afterWipe, issueEnrolmentCode(s.store, sam?.id ?? '', s.clock.now), { fetch: browser });
    const wiped = { deviceId: (await thisDevice(before)).deviceId, lastSeenAt: s.clock.now.toISOString(), unsent: 0 };
    expect(linked.wiped).toEqual(wiped);
    expect((await syncState(afterWipe)).wiped).toEqual(wiped);
  });
});

describe('a sync', () => {
  it('on a tablet not linked to a school answers “not enrolled”, tries nothing, and keeps every change', async () => {
    const s = school();
    const db = newTablet();
    await addPupil(db, pupil());
    const { fetch, requests } = counted(s);
    expect(await syncNow(db, { fetch })).toEqual({ status: 'not enrolled' });
    expect(requests).toEqual([]);
    expect((await syncState(db)).failures).toBe(0);
    expect((await outboxSummary(db)).waiting).toBe(1);
  });

  it('on a tablet the school removed asks the mentor to link it again, and does not try again meanwhile', async () => {
    const s = school();
    const db = newTablet();
    await link(s, db, s.addMentor('Sam Patel').code);
    await addPupil(db, pupil());
    s.store.revokeDevice((await thisDevice(db)).deviceId, s.clock.now.toISOString());
    const first = await syncNow(db, { fetch: s.tabletFetch });
    expect(first).toMatchObject({ status: 'stopped', problem: { code: 'device_revoked' } });

    const { fetch, requests } = counted(s);
    expect(await syncNow(db, { fetch })).toEqual(first);
    expect(requests).toEqual([]);
    expect((await syncState(db)).failures).toBe(1);
    expect((await outboxSummary(db)).waiting).toBe(1);
  });

  const at = new Date('2026-11-24T15:45:00.000Z');
  it.each([
    ['done', 'lastSyncAt', false],
    ['stopped', 'problem.at', true],
  ] as const)(
    'that ends %s records when, by the tablet’s clock (%s), for “Synced … ago” and “cannot reach”',
    async (status, field, answersLost) => {
      const s = school();
      const db = newTablet();
      await link(s, db, s.addMentor('Sam Patel').code);
      s.network.answersLost = answersLost;
      expect(await syncNow(db, { fetch: s.tabletFetch, now: () => at })).toMatchObject({ status });
      const state = await syncState(db);
      expect(field === 'lastSyncAt' ? state.lastSyncAt : state.problem?.at).toBe(at.toISOString());
    },
  );

  it('with nothing to send still tells a tablet whose clock is 10 minutes fast, for the warning on the school link', async () => {
    const s = school();
    const db = newTablet();
    await link(s, db, s.addMentor('Sam Patel').code);
    const fast = () => new Date(s.clock.now.getTime() + 10 * 60_000);
    expect(await syncNow(db, { fetch: s.tabletFetch, now: fast })).toMatchObject({ status: 'done', pushed: 0 });
    expect((await syncState(db)).clockSkewMs).toBe(10 * 60_000);
  });

  it('that fails while the tablet is being linked again leaves the new link without the old link’s problem', async () => {
    // Browsers without Web Locks let the settings screen link the tablet while a sync is under way.
    const s = school();
    const db = newTablet();
    const sam = s.addMentor('Sam Patel');
    await link(s, db, sam.code);
    await addPupil(db, pupil());
    const linkedAgainThenLost: typeof fetch = async () => {
      s.store.revokeDevice((await thisDevice(db)).deviceId, s.clock.now.toISOString());
      await link(s, db, issueEnrolmentCode(s.store, sam.mentorId, s.clock.now));
      throw new TypeError('Failed to fetch');
    };
    expect(await syncNow(db, { fetch: linkedAgainThenLost })).toMatchObject({ status: 'stopped', problem: { code: 'unreachable' } });
    const state = await syncState(db);
    expect(state.problem).toBeUndefined();
    expect(state.failures).toBe(0);
    expect(await syncNow(db, { fetch: s.tabletFetch })).toMatchObject({ status: 'done', pushed: 1 });
  });
});

describe('pulling what other tablets changed', () => {
  /** Two mentors' tablets; Alex's has sent `pupils` new pupils, and Sam's pulls them through `fetch`. */
  async function alexSent(s: TestSchool, pupils: number) {
    const sams = newTablet();
    const alexs = newTablet();
    await link(s, sams, s.addMentor('Sam Patel').code);
    await link(s, alexs, s.addMentor('Alex Jones').code);
    for (let i = 0; i < pupils; i++) await addPupil(alexs, pupil({ name: `Pupil ${i + 1}` }));
    await syncNow(alexs, { fetch: s.tabletFetch });
    return { sams, alexs };
  }
  /** Pull requests as the endpoint sees them, with pages of at most `limit` changes. */
  const pulls = (s: TestSchool, limit?: number) => {
    const cursors: (string | null)[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      if (!String(input).endsWith('/pull')) return s.tabletFetch(input, init);
      const body = JSON.parse(String(init?.body));
      cursors.push(body.cursor);
      return s.tabletFetch(input, { ...init, body: JSON.stringify({ ...body, ...(limit ? { limit } : {}) }) });
    };
    return { fetch, cursors };
  };

  it('page after page brings each change once, until caught up', async () => {
    const s = school();
    const { sams } = await alexSent(s, 5);
    const { fetch, cursors } = pulls(s, 2);
    expect(await syncNow(sams, { fetch })).toMatchObject({ status: 'done', pulled: 5 });
    expect(cursors).toHaveLength(3);
    expect(await sams.pupils.count()).toBe(5);
  });

  it('cut off by the network, stops, and next time carries on from where it was rather than fetching everything again', async () => {
    const s = school();
    const { sams, alexs } = await alexSent(s, 2);
    await syncNow(sams, { fetch: s.tabletFetch });
    await addPupil(alexs, pupil({ name: 'Zoe Neill' }));
    await syncNow(alexs, { fetch: s.tabletFetch });
    let cutOff = true;
    const wifiDropsOnce: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/pull') && cutOff) {
        cutOff = false;
        throw new TypeError('Failed to fetch');
      }
      return s.tabletFetch(input, init);
    };
    expect(await syncNow(sams, { fetch: wifiDropsOnce })).toMatchObject({ status: 'stopped', problem: { code: 'unreachable' } });
    const { fetch, cursors } = pulls(s);
    expect(await syncNow(sams, { fetch })).toMatchObject({ status: 'done', pulled: 1 });
    expect(cursors).not.toContain(null);
  });
});

describe('discarding a refused change', () => {
  it('does nothing to a change still waiting to be sent', async () => {
    const db = newTablet();
    await addPupil(db, pupil());
    const [waiting] = await db.outbox.toArray();
    await discardRefused(db, waiting?.seq ?? 0);
    expect((await outboxSummary(db)).waiting).toBe(1);
  });

  it('twice (from two tabs) discards it once, with no error', async () => {
    const db = newTablet();
    await addPupil(db, pupil());
    await db.outbox
      .toCollection()
      .modify({ rejected: { code: 'invalid_record', message: 'Choose a year group.', at: '2026-11-24T15:30:00.000Z' } });
    const [refused] = await db.outbox.toArray();
    await discardRefused(db, refused?.seq ?? 0);
    await expect(discardRefused(db, refused?.seq ?? 0)).resolves.toBeUndefined();
    expect(await outboxSummary(db)).toMatchObject({ waiting: 0, needsAttention: [] });
  });
});
