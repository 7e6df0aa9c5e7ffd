/**
 * The audit trail of a pupil's concerns: who recorded, changed, acted on, opened or was sent each
 * one, on which tablet, in order, with openings recorded offline too. Real sync engine and server
 * code over SQLite, in this process, and `npm run admin -- audit` against the same store.
 */
import { describe, expect, it } from 'vitest';
import { noteConcernOpened, recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import { commit } from '../../src/data/load-commit.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { addAddendum, recordSession } from '../../src/data/sessions.ts';
import { auditTrailOf } from '../../src/data/sync.ts';
import { run } from '../../src/server/admin.ts';
import { auditTrail } from '../../src/server/audit.ts';
import { pupil } from '../unit/helpers.ts';
import { type InProcessTablet, inProcessSchool } from './in-process.ts';

const SAID = 'He said there is no heating at home';

/** A school with Sam, a mentor, and Dana, its DSL; Maya (M042) on Sam's tablet. */
async function samDanaAndMaya() {
  const school = inProcessSchool();
  const sam = await school.tablet('Sam Patel');
  const dana = await school.tablet('Dana Lead');
  school.store.setRole(dana.mentorId, 'dsl');
  const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', schoolRef: 'M042' }));
  return { school, sam, dana, maya };
}

/** Sam records a concern about Maya, in what the child said. */
const samsConcern = (sam: InProcessTablet, maya: string) =>
  recordConcern(sam.db, { pupilId: maya, category: 'neglect', account: `${SAID}.`, noticedAt: '2026-11-12T10:05:00.000Z', toldWhom: '' });

describe('who saw or changed a concern', () => {
  it('is listed in order: recorded, sent to the DSL, opened by her offline, acted on, changed, sent back to its author; never another mentor, never the text', async () => {
    const { school, sam, dana, maya } = await samDanaAndMaya();
    const alex = await school.tablet('Alex Jones');
    const concern = await samsConcern(sam, maya);
    await sam.sync();
    await dana.sync();
    await alex.sync();
    school.network.mode = 'down';
    await noteConcernOpened(dana.db, concern);
    school.network.mode = 'up';
    await recordConcernAction(dana.db, { concernId: concern, action: 'acknowledged', note: '', on: '2026-11-12', stillOpen: false });
    await dana.sync();
    await commit(sam.db, [{ op: 'update', table: 'concerns', id: concern, patch: { toldWhom: 'Dana Lead' } }]);
    await sam.sync();
    await alex.sync();
    await dana.sync();

    const trail = auditTrail(school.store, maya).map((e) => [e.mentor, e.tablet, e.what]);
    expect(trail).toEqual([
      ['Sam Patel', "Sam Patel's iPad", 'recorded the concern'],
      ['Dana Lead', "Dana Lead's iPad", 'was sent the concern'],
      ['Dana Lead', "Dana Lead's iPad", 'opened the concern'],
      ['Dana Lead', "Dana Lead's iPad", 'recorded what was done'],
      ['Sam Patel', "Sam Patel's iPad", 'changed the concern'],
      // Sam's tablet is sent Dana's acknowledgement; Dana's, Sam's change.
      ['Sam Patel', "Sam Patel's iPad", 'was sent the concern'],
      ['Dana Lead', "Dana Lead's iPad", 'was sent the concern'],
    ]);

    const lines: string[] = [];
    run(school.store, ['audit', 'M042'], (line) => lines.push(...line.split('\n')));
    const printed = lines.join('\n');
    expect(printed).toMatch(/Sam Patel .* recorded the concern/);
    expect(printed).toMatch(/Dana Lead .* opened the concern/);
    for (const secret of [SAID, 'neglect', 'Maya', 'Alex Jones']) expect(printed).not.toContain(secret);
  });

  it('a note flagged as a concern is in the trail as a concern is, listed by `audit --pupil`', async () => {
    const { school, sam, dana, maya } = await samDanaAndMaya();
    const note = { kind: 'one-to-one' as const, occurredAt: '2026-11-12T10:00:00.000Z', minutes: 20, title: '', pupilIds: [maya] };
    const flagged = await recordSession(sam.db, { ...note, note: `${SAID}.`, concern: true });
    await recordSession(sam.db, { ...note, note: 'Read a chapter.', concern: false });
    await sam.sync();
    await dana.sync();
    await addAddendum(dana.db, flagged, 'Spoke to her mother.');
    await dana.sync();

    expect(auditTrail(school.store, maya).map((e) => [e.mentor, e.what, e.concernId])).toEqual([
      ['Sam Patel', 'wrote the note flagged as a concern', flagged],
      ['Dana Lead', 'was sent the concern', flagged],
      ['Dana Lead', 'added an addendum to the note flagged as a concern', flagged],
    ]);
    const lines: string[] = [];
    run(school.store, ['audit', '--pupil', 'M042'], (line) => lines.push(...line.split('\n')));
    expect(lines.join('\n')).toMatch(/Sam Patel .* wrote the note flagged as a concern/);
    expect(lines.join('\n')).not.toContain(SAID);
  });

  it('the DSL’s tablet is shown it by the school, online; a mentor’s is refused, and so is another school’s pupil', async () => {
    const { school, sam, dana, maya } = await samDanaAndMaya();
    const concern = await samsConcern(sam, maya);
    await sam.sync();
    await dana.sync();

    const asked = (tablet: typeof sam, pupilId = maya) => auditTrailOf(tablet.db, pupilId, { fetch: school.fetch });
    expect((await asked(dana)).map((e) => [e.mentor, e.what, e.concernId])).toEqual([
      ['Sam Patel', 'recorded the concern', concern],
      ['Dana Lead', 'was sent the concern', concern],
    ]);
    await expect(asked(sam)).rejects.toMatchObject({
      code: 'not_allowed',
      message: 'Only the Designated Safeguarding Lead or a deputy can see who saw or changed a concern.',
    });
    // A pupil the tablet's school does not have.
    await expect(asked(dana, '01a23456-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
    school.network.mode = 'down';
    await expect(asked(dana)).rejects.toMatchObject({ code: 'unreachable', message: expect.stringMatching(/kept at the school/) });
  });

  it('says so for a pupil with no concern', async () => {
    const school = inProcessSchool();
    const sam = await school.tablet('Sam Patel');
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', schoolRef: 'M042' }));
    await sam.sync();
    const lines: string[] = [];
    run(school.store, ['audit', 'M042'], (line) => lines.push(line));
    expect(lines).toEqual([`No concern has been recorded about pupil ${maya}.`]);
  });
});
