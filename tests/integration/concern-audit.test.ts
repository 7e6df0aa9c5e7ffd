/**
 * The audit trail of a pupil's concerns: who recorded, changed, acted on, opened or was sent each
 * one, on which tablet, in order, with openings recorded offline too. Real sync engine and server
 * code over SQLite, in this process, and `npm run admin -- audit` against the same store.
 */
import { describe, expect, it } from 'vitest';
import { noteConcernOpened, recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import { commit } from '../../src/data/load-commit.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { run } from '../../src/server/admin.ts';
import { auditTrail } from '../../src/server/audit.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const SAID = 'He said there is no heating at home';

describe('who saw or changed a concern', () => {
  it('is listed in order: recorded, sent to the DSL, opened by her offline, acted on, changed, sent back to its author; never another mentor, never the text', async () => {
    const school = inProcessSchool();
    const sam = await school.tablet('Sam Patel');
    const dana = await school.tablet('Dana Lead');
    const alex = await school.tablet('Alex Jones');
    school.store.setRole(dana.mentorId, 'dsl');
    const maya = await addPupil(sam.db, pupil({ name: 'Maya Okafor', schoolRef: 'M042' }));
    const concern = await recordConcern(sam.db, {
      pupilId: maya,
      category: 'neglect',
      account: `${SAID}.`,
      noticedAt: '2026-11-12T10:05:00.000Z',
      toldWhom: '',
    });
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
