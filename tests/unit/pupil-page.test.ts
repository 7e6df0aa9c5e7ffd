import { describe, expect, it } from 'vitest';
import { live } from '../../src/data/index.ts';
import { pupilPage } from '../../src/data/pupil-page.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { checkIn, endTarget, reviseTarget, setTarget } from '../../src/data/targets.ts';
import { freshDb, pupil, target } from './helpers.ts';

const TODAY = '2026-11-24';

describe('a pupil’s page', () => {
  it('brings each target’s earlier wording and its recent check-ins, and only this pupil’s', async () => {
    const db = freshDb();
    const jacob = await addPupil(db, pupil());
    const maya = await addPupil(db, pupil({ name: 'Maya Khan', preferredName: '' }));
    const homework = await setTarget(db, target(jacob));
    const kit = await setTarget(db, target(jacob, { wording: 'Bring PE kit' }));
    const hers = await setTarget(db, target(maya, { wording: 'Arrive by 8:45' }));
    await reviseTarget(db, homework, { wording: 'Hand in maths homework by Friday' });
    await reviseTarget(db, homework, { wording: 'Hand in maths homework on Fridays' });
    await reviseTarget(db, hers, { wording: 'Arrive by 8:40' });
    await endTarget(db, kit, { status: 'achieved', endedOn: '2026-11-20' });
    await checkIn(db, { targetId: homework, pupilId: jacob, on: TODAY, result: 'met' });

    const view = await pupilPage(db, jacob, TODAY, 30);
    expect(view?.active.map((t) => t.wording)).toEqual(['Hand in maths homework on Fridays']);
    expect(view?.ended.map((t) => t.wording)).toEqual(['Bring PE kit']);
    expect(view?.history.get(homework)?.map((r) => r.before.wording)).toEqual([
      'Hand in maths homework by Friday',
      'Hand in maths homework on time',
    ]);
    // Ending a target is kept as history too (its status before), but there is no earlier wording.
    expect(view?.history.get(kit)?.map((r) => r.before.wording)).toEqual([undefined]);
    expect(view?.history.has(hers)).toBe(false);
    expect(view?.checkIns.get(homework)?.map((c) => c.result)).toEqual(['met']);
  });

  it('brings values kept from a conflict for the pupil and their active targets, and shows new ones as they arrive', async () => {
    const db = freshDb();
    const jacob = await addPupil(db, pupil());
    const homework = await setTarget(db, target(jacob));
    const seen: number[] = [];
    const subscription = live(() => pupilPage(db, jacob, TODAY, 30)).subscribe((view) => {
      seen.push(view?.conflicts.get(homework)?.length ?? 0);
    });
    try {
      await expect.poll(() => seen.at(-1)).toBe(0);
      // As the sync engine keeps a value that lost to another tablet's change made at the same time.
      const lost = { table: 'targets' as const, field: 'wording', value: 'Homework in on time', hlc: '1', lostTo: '2' };
      await db.conflicts.bulkAdd([
        { ...lost, recordId: homework },
        { ...lost, table: 'pupils', recordId: jacob, field: 'form', value: '9T' },
      ]);
      await expect.poll(() => seen.at(-1)).toBe(1);
      const view = await pupilPage(db, jacob, TODAY, 30);
      expect(view?.conflicts.get(jacob)?.map((c) => c.value)).toEqual(['9T']);
    } finally {
      subscription.unsubscribe();
    }
  });
});
