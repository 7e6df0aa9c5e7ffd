import { describe, expect, it } from 'vitest';
import { commit } from '../../src/data/commit.ts';
import { historyOf } from '../../src/data/history.ts';
import { addPupil, allPupils, closeSupport, editPupil, getPupil, removePupil, reopenSupport } from '../../src/data/pupils.ts';
import { SaveError } from '../../src/data/save-error.ts';
import { ValidationError } from '../../src/shared/model.ts';
import { freshDb, pupil } from './helpers.ts';

describe('every write lands with its outbox entry, in one transaction', () => {
  it('adding a pupil writes the row and exactly one outbox entry carrying the whole record', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ seq: 1, table: 'pupils', recordId: id, op: 'create' });
    expect(outbox[0]?.values).toMatchObject({ id, name: 'Jacob Smith', status: 'active' });
    const stored = await db.pupils.get(id);
    expect(stored?.deviceId).toBe(outbox[0]?.deviceId);
    expect(stored?.createdAt).toBe(stored?.updatedAt);
  });

  it('gives records time-sortable UUIDs made on the tablet', async () => {
    const db = freshDb();
    const a = await addPupil(db, pupil({ name: 'A One' }));
    const b = await addPupil(db, pupil({ name: 'B Two' }));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(a < b).toBe(true);
  });

  it('numbers outbox entries by one per change, in order, across saves', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await editPupil(db, id, { form: '9S' });
    await editPupil(db, id, { form: '9T' });
    const seqs = (await db.outbox.toArray()).map((e) => [e.seq, e.table, e.op]);
    expect(seqs).toEqual([
      [1, 'pupils', 'create'],
      [2, 'pupils', 'update'],
      [3, 'revisions', 'create'],
      [4, 'pupils', 'update'],
      [5, 'revisions', 'create'],
    ]);
  });

  it('every record a save writes, its earlier versions too, has its clocks under its own table and id (a pull and a push read them there)', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await editPupil(db, id, { form: '9S' });
    const records = [
      ...(await db.pupils.toArray()).map((r) => `pupils:${r.id}`),
      ...(await db.revisions.toArray()).map((r) => `revisions:${r.id}`),
    ];
    expect(records).toHaveLength(2);
    expect((await db.recordClocks.toArray()).map((c) => c.key).sort()).toEqual(records.sort());
  });

  it('an edit queues only the fields that changed, and keeps what they were', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await editPupil(db, id, { form: '9S', whatHelps: 'Time to settle before talking.' });
    const update = (await db.outbox.toArray()).find((e) => e.op === 'update');
    // The changed field, plus when and by whom: every copy says who last changed the record.
    expect(Object.keys(update?.values ?? {}).sort()).toEqual(['deviceId', 'form', 'mentorId', 'updatedAt']);
    const [revision] = await historyOf(db, id);
    expect(revision?.before).toEqual({ form: '9R' });
  });

  it('an edit that changes nothing queues nothing', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await editPupil(db, id, { form: '9R' });
    expect(await db.outbox.count()).toBe(1);
  });

  it('a failed write leaves neither the row nor an outbox entry', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    // The second change of this save collides with an existing id, so the whole save must fail.
    const failing = commit(db, [
      { op: 'create', table: 'pupils', record: { ...pupil({ name: 'New Pupil' }), status: 'active' } },
      { op: 'create', table: 'pupils', record: { ...pupil(), id, status: 'active' } },
    ]);
    await expect(failing).rejects.toBeInstanceOf(SaveError);
    expect((await allPupils(db)).map((p) => p.name)).toEqual(['Jacob Smith']);
    // Only the first pupil's entry: none for the pupil whose save failed.
    expect((await db.outbox.toArray()).map((e) => [e.seq, e.recordId])).toEqual([[1, id]]);
    expect((await db.device.get('device'))?.lastIssuedSeq).toBe(1);
    // The next change still gets the next number: no gap, no reuse.
    await editPupil(db, id, { form: '10R' });
    expect((await db.outbox.toArray()).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a save refused at its second change keeps nothing of the first: no row, no outbox entry, no clocks', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    const before = { outbox: await db.outbox.toArray(), clocks: await db.recordClocks.toArray(), device: await db.device.get('device') };
    // The first change is fine; the second clears the existing pupil's name, which is refused.
    const failing = commit(db, [
      { op: 'create', table: 'pupils', record: { ...pupil({ name: 'New Pupil' }), status: 'active' } },
      { op: 'update', table: 'pupils', id, patch: { name: ' ' } },
    ]);
    await expect(failing).rejects.toBeInstanceOf(ValidationError);
    expect((await db.pupils.toArray()).map((p) => p.name)).toEqual(['Jacob Smith']);
    expect(await db.outbox.toArray(), 'the outbox is as it was').toEqual(before.outbox);
    expect(await db.recordClocks.toArray(), 'the clocks are as they were').toEqual(before.clocks);
    expect(await db.device.get('device')).toEqual(before.device);
    expect(await db.revisions.count()).toBe(0);
  });

  it('a save whose outbox entry cannot be written keeps none of its rows', async () => {
    const db = freshDb();
    // The second outbox entry of the save fails (as a full disk would fail it), after the first was written.
    let entries = 0;
    db.outbox.hook('creating', () => {
      entries += 1;
      if (entries === 2) throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    const failing = commit(db, [
      { op: 'create', table: 'pupils', record: { ...pupil({ name: 'First Pupil' }), status: 'active' } },
      { op: 'create', table: 'pupils', record: { ...pupil({ name: 'Second Pupil' }), status: 'active' } },
    ]);
    await expect(failing).rejects.toBeInstanceOf(SaveError);
    expect(await db.pupils.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.recordClocks.count()).toBe(0);
  });

  it('ten records saved in the same millisecond carry ten clock readings, each after the one before', async () => {
    const db = freshDb();
    const now = new Date('2026-11-24T09:00:00.000Z');
    const names = Array.from({ length: 10 }, (_, i) => `Pupil ${i + 1}`);
    await commit(
      db,
      names.map((name) => ({ op: 'create', table: 'pupils', record: { ...pupil({ name }), status: 'active' } }) as const),
      { now },
    );
    // A second save in that same millisecond goes on counting from where the first stopped.
    await addPupil(db, pupil({ name: 'Pupil 11' }), { now });
    const readings = (await db.outbox.toArray()).sort((a, b) => a.seq - b.seq).map((e) => e.hlc ?? '');
    expect(readings).toHaveLength(11);
    for (const [i, reading] of readings.entries()) if (i > 0) expect(reading > (readings[i - 1] as string), `change ${i + 1}`).toBe(true);
    expect(new Set(readings).size).toBe(11);
  });

  it('an invalid record is refused with plain words and nothing is written', async () => {
    const db = freshDb();
    const error = await addPupil(db, pupil({ name: '   ', startOn: '2026-02-30' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual(['Name is required.', 'That date does not exist.']);
    expect(await db.pupils.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('editing a record that is not on the tablet is refused', async () => {
    const db = freshDb();
    await expect(editPupil(db, '0190aaaa-0000-7000-8000-000000000000', { form: 'X' })).rejects.toThrow(/not on this tablet/);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a full disk is reported in words that say the typed text is still there', async () => {
    const db = freshDb();
    db.outbox.hook('creating', () => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    const error = await addPupil(db, pupil()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as Error).message).toMatch(/out of storage space.*still here/);
    expect(await db.pupils.count()).toBe(0);
  });

  it.each([
    ['an id already taken', 'A record with that id already exists; nothing was saved.', null],
    ['any other failure', 'This was not saved: The tab was closed. What you typed is still here.', new Error('The tab was closed')],
  ])('%s is reported in words the mentor can act on, and nothing is saved', async (_, message, failure) => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    db.pupils.hook('creating', () => {
      if (failure) throw failure;
    });
    const error = await commit(db, [
      { op: 'create', table: 'pupils', record: { ...pupil({ name: 'Second' }), id, status: 'active' } },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as Error).message).toBe(message);
    expect((await allPupils(db)).map((p) => p.name)).toEqual(['Jacob Smith']);
  });
});

describe('tombstones', () => {
  it('removing a pupil keeps a tombstone that syncs as a delete, and hides the pupil', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await removePupil(db, id);
    expect(await getPupil(db, id)).toBeUndefined();
    expect(await allPupils(db)).toEqual([]);
    const row = await db.pupils.get(id);
    expect(row?.deletedAt).toBeDefined();
    const last = (await db.outbox.toArray()).at(-1);
    expect(last).toMatchObject({ op: 'delete', recordId: id, table: 'pupils' });
    expect(last?.values).toHaveProperty('deletedAt', row?.deletedAt);
  });

  it('a removed record cannot be edited or removed again', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await removePupil(db, id);
    await expect(editPupil(db, id, { form: '9X' })).rejects.toThrow(/not on this tablet/);
    await expect(removePupil(db, id)).rejects.toThrow(/not on this tablet/);
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('closing and reopening support', () => {
  it('a closed pupil leaves the caseload with reason, outcome and summary, and reopening keeps the closure in history', async () => {
    const db = freshDb();
    const id = await addPupil(db, pupil());
    await closeSupport(db, id, {
      closedOn: '2026-11-20',
      closeReason: 'targets met',
      outcome: 'improved',
      exitSummary: 'Attendance up from 82% to 95%.',
    });
    expect(await getPupil(db, id)).toMatchObject({ status: 'closed', closeReason: 'targets met', outcome: 'improved' });
    await reopenSupport(db, id);
    const reopened = await getPupil(db, id);
    expect(reopened?.status).toBe('active');
    expect(reopened?.closeReason).toBeUndefined();
    const [lastEdit] = await historyOf(db, id);
    expect(lastEdit?.before).toMatchObject({ status: 'closed', closeReason: 'targets met', exitSummary: 'Attendance up from 82% to 95%.' });
  });
});
