/**
 * The school's data folder taken away under the running server (deleted by mistake, or moved):
 * SQLite would go on writing into the file it holds open, every push answered "applied", and all
 * of it gone at the next start. Instead nothing more is acknowledged, tablets keep their changes,
 * and the IT person is told, on every request, what to do.
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addPupil } from '../../src/data/pupils.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { StoreUnavailable } from '../../src/server/store.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

const folder = () => {
  const parent = mkdtempSync(join(tmpdir(), 'waymark-data-'));
  onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
  return { parent, dataDir: join(parent, 'data') };
};

describe('the data folder taken away while the server runs', () => {
  it('no change is acknowledged into it: the tablet keeps them, and they arrive once the folder is back', async () => {
    const { parent, dataDir } = folder();
    const school = inProcessSchool({ dataDir });
    onTestFinished(() => school.store.close());
    const sam = await school.tablet('Sam Patel');
    await addPupil(sam.db, pupil({ name: 'Priya Natarajan' }));
    expect((await sam.sync()).status).toBe('done');

    renameSync(dataDir, join(parent, 'moved'));
    await addPupil(sam.db, pupil({ name: 'Jacob Smith' }));
    const refused = await sam.sync();
    expect(refused).toMatchObject({ status: 'stopped' });
    expect((await outboxSummary(sam.db)).waiting).toBe(1);

    renameSync(join(parent, 'moved'), dataDir);
    expect((await sam.sync()).status).toBe('done');
    expect((await outboxSummary(sam.db)).waiting).toBe(0);
    const colleague = await school.tablet('Alex Jones');
    expect((await colleague.sync()).status).toBe('done');
    expect((await colleague.db.pupils.toArray()).map((p) => p.name).sort()).toEqual(['Jacob Smith', 'Priya Natarajan']);
  });

  it.each([
    ['deleted', () => {}],
    // A copy put where it was (a backup restored, or the folder copied back, while the server ran):
    // the server's open file is still the deleted one, which no one will read again.
    [
      'replaced by a copy',
      (dataDir: string, copy: string) => {
        mkdirSync(dataDir);
        copyFileSync(copy, join(dataDir, 'waymark.sqlite'));
      },
    ],
  ])('the store refuses to take a batch into a file %s, saying what happened and what to do', (_, putBack) => {
    const { parent, dataDir } = folder();
    const store = openSqliteStore(dataDir);
    onTestFinished(() => store.close());
    const school = store.addSchool('Hillside Academy');
    const copy = join(parent, 'copy.sqlite');
    copyFileSync(join(dataDir, 'waymark.sqlite'), copy);
    rmSync(dataDir, { recursive: true, force: true });
    putBack(dataDir, copy);
    const logged = () =>
      store.batch((writer) =>
        writer.appendChange(
          school.id,
          { table: 'pupils', recordId: 'p', op: 'create', values: {}, hlc: 'h', deviceId: 'd', mentorId: 'm' },
          'c',
          '2026-11-24T09:00:00.000Z',
        ),
      );
    expect(logged).toThrow(StoreUnavailable);
    expect(logged).toThrow(/is no longer there .* nothing is being saved\. Stop the server, put the folder back/);
    expect(store.lastChangeSeq()).toBe(0);
  });
});
