/**
 * The pull cursor's fingerprint: a school's Waymark restored from a backup numbers its change log
 * again from where the backup stopped, so a position a tablet had read up to can come back holding
 * a different change. The cursor carries the clock reading of the change at its position; when the
 * change there is not that one, the tablet is told to fetch everything again rather than carry on
 * from a position that now means something else and never see the changes before it.
 */
import 'fake-indexeddb/auto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { WaymarkDB } from '../../src/data/db.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const names = async (db: WaymarkDB) => (await db.pupils.toArray()).map((p) => p.name).sort();

describe('a restored school whose change log has grown past where a tablet had read', () => {
  it('the tablet fetches everything again and shows the pupil written at a position it had read before the restore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-fingerprint-'));
    const school = inProcessSchool({ dataDir: dir });
    onTestFinished(() => {
      school.store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const sam = await school.tablet('Sam Patel');
    const alex = await school.tablet('Alex Jones');

    await addPupil(sam.db, pupil({ name: 'Before the backup' })); // change 1
    await sam.sync();
    school.reopen();
    copyFileSync(join(dir, 'waymark.sqlite'), join(dir, 'backup.sqlite')); // the night's backup

    await addPupil(sam.db, pupil({ name: 'Lost in the restore' })); // change 2
    await sam.sync();
    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 2 }); // Alex has read up to change 2

    school.reopen(join(dir, 'backup.sqlite')); // the school restores the backup: it holds change 1
    // A mentor new since the restore writes two pupils: they are changes 2 and 3 of the restored log.
    const priya = await school.tablet('Priya Shah');
    await addPupil(priya.db, pupil({ name: 'After the restore, first' }));
    await addPupil(priya.db, pupil({ name: 'After the restore, second' }));
    expect(await priya.sync()).toMatchObject({ status: 'done', pushed: 2 });

    // Alex's cursor says "up to change 2", and change 2 is now Priya's first pupil: only the
    // fingerprint tells them apart. Alex fetches all three of the school's pupils again.
    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 3 });
    expect(await names(alex.db)).toEqual([
      'After the restore, first',
      'After the restore, second',
      'Before the backup',
      'Lost in the restore',
    ]);

    // A tablet whose cursor is from the restored log carries on from it: nothing is fetched again.
    expect(await priya.sync()).toMatchObject({ status: 'done', pulled: 0 });
  });

  it('a change sent again after the restore, landing where it stood before with the same reading, does not hide the changes before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-fingerprint-'));
    const school = inProcessSchool({ dataDir: dir });
    onTestFinished(() => {
      school.store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const sam = await school.tablet('Sam Patel');
    const lee = await school.tablet('Lee Okafor');
    const alex = await school.tablet('Alex Jones');

    await addPupil(sam.db, pupil({ name: 'Before the backup' })); // change 1
    await sam.sync();
    school.reopen();
    copyFileSync(join(dir, 'waymark.sqlite'), join(dir, 'backup.sqlite'));

    await addPupil(lee.db, pupil({ name: 'Lee’s, lost in the restore' })); // change 2
    await lee.sync();
    await addPupil(sam.db, pupil({ name: 'Sam’s, sent twice' })); // change 3: the school has it, Sam never hears so
    school.network.mode = 'dropAnswer';
    await sam.sync();
    school.network.mode = 'up';
    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 3 }); // Alex has read up to change 3

    school.reopen(join(dir, 'backup.sqlite'));
    const priya = await school.tablet('Priya Shah');
    await addPupil(priya.db, pupil({ name: 'Priya’s, after the restore' })); // change 2 of the restored log
    await priya.sync();
    // Sam's change, still held, lands at position 3 again, with the same reading.
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 1 });

    // The change at Alex's position is the one it read there; the log before it is not.
    await alex.sync();
    expect(await names(alex.db)).toContain('Priya’s, after the restore');
  });

  it('another change, re-dated to the very reading the lost one had at the same position, is told apart by its id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-fingerprint-'));
    const serverNow = new Date('2026-11-24T15:30:00.000Z');
    const school = inProcessSchool({ dataDir: dir, now: () => serverNow });
    onTestFinished(() => {
      school.store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // Sam's tablet runs an hour fast: the endpoint re-dates each of its changes to a minute ahead of
    // its own clock, one count after the last it stored from Sam.
    const fast = { now: new Date(serverNow.getTime() + 60 * 60_000) };
    const sam = await school.tablet('Sam Patel', () => fast.now);
    const alex = await school.tablet('Alex Jones', () => serverNow);

    await addPupil(sam.db, pupil({ name: 'Before the backup' }), fast); // change 1
    await sam.sync();
    school.reopen();
    copyFileSync(join(dir, 'waymark.sqlite'), join(dir, 'backup.sqlite'));

    await addPupil(sam.db, pupil({ name: 'Sam’s, lost in the restore' }), fast); // change 2
    await sam.sync();
    const lostReading = school.store.changeHlcAt(2);
    expect(await alex.sync()).toMatchObject({ status: 'done', pulled: 2 }); // Alex has read up to change 2

    // A tablet that no longer keeps change 2 (a tablet of an earlier release, or one kept past its month).
    await sam.db.delivered.clear();
    school.reopen(join(dir, 'backup.sqlite'));
    await addPupil(sam.db, pupil({ name: 'Sam’s, after the restore' }), fast);
    expect(await sam.sync()).toMatchObject({ status: 'done', pushed: 1 });
    // Change 2 of the restored log: the same position, the same reading, the same log before it.
    expect(school.store.changeHlcAt(2)).toBe(lostReading);

    await alex.sync();
    expect(await names(alex.db)).toContain('Sam’s, after the restore');
  });
});
