/**
 * The endpoint keeps the change log's tail in memory for pulls (src/server/recent-changes.ts).
 * Whatever it serves from there must be byte for byte what the database gives: checked here
 * against a second store opened on the same file, whose memory is empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_ONE, RecentChanges } from '../../src/server/recent-changes.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Puller, Store } from '../../src/server/store.ts';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(dir: string): Store {
  const store = openSqliteStore(dir);
  stores.push(store);
  return store;
}

/** Logs `count` changes from a tablet, in one batch, as a push does; a name with “quotes” and é. */
function log(store: Store, schoolId: string, deviceId: string, count: number, from = 0): void {
  store.batch((writer) => {
    for (let i = from; i < from + count; i++) {
      writer.appendChange(
        schoolId,
        {
          table: 'pupils',
          recordId: `${deviceId}-p${i}`,
          op: 'create',
          values: { id: `${deviceId}-p${i}`, name: `Zoë “${i}”` },
          hlc: `h${i}`,
          deviceId,
          mentorId: 'm',
        },
        `${deviceId}-c${i}`,
        '2026-11-24T15:30:00.000Z',
      );
    }
  });
}

const text = (store: Store, schoolId: string, after: number, limit: number, exclude?: string, maxChars?: number) => {
  const page = store.changesSince(schoolId, after, limit, exclude === undefined ? undefined : { deviceId: exclude, ...NO_ONE }, maxChars);
  return { ...page, json: Buffer.concat(page.json).toString('utf8') };
};

describe('pull pages from the log’s tail in memory', () => {
  it('are the pages the database gives, for every cursor, page size and tablet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-recent-'));
    dirs.push(dir);
    const live = open(dir);
    const [a, b] = [live.addSchool('Brookfield').id, live.addSchool('Hillside').id];
    log(live, a, 'tablet-1', 4);
    log(live, b, 'tablet-9', 3);
    log(live, a, 'tablet-2', 5);
    log(live, a, 'tablet-1', 2, 4);
    const fresh = open(dir);
    const latest = live.lastChangeSeq();
    expect(latest).toBe(14);
    let compared = 0;
    for (const school of [a, b])
      for (let after = 0; after <= latest; after++)
        // Each change's JSON is about 150 characters: pages of one, of two, and of as many as the limit lets in.
        for (const limit of [1, 3, 1000])
          for (const exclude of [undefined, 'tablet-1', 'tablet-2'])
            for (const maxChars of [1, 200, undefined]) {
              const where = `${school} after ${after}, ${limit}, ${exclude}, ${maxChars}`;
              expect(text(live, school, after, limit, exclude, maxChars), where).toEqual(
                text(fresh, school, after, limit, exclude, maxChars),
              );
              compared++;
            }
    expect(compared).toBe(2 * 15 * 3 * 3 * 3);
    expect(text(live, a, 0, 1000, 'tablet-1')).toMatchObject({ count: 5, lastSeq: 12, full: false });
    // A page stops at its limit, or once its changes reach the length asked for, and says more wait.
    expect(text(live, a, 0, 3)).toMatchObject({ count: 3, lastSeq: 3, full: true });
    expect(text(fresh, a, 0, 1000, undefined, 200)).toMatchObject({ count: 2, lastSeq: 2, full: true });
    expect(text(fresh, a, 0, 1000, undefined, 1)).toMatchObject({ count: 1, lastSeq: 1, full: true });
    expect(text(fresh, a, 12, 1000, undefined, 1)).toMatchObject({ count: 1, lastSeq: 13, full: true });
    expect(text(fresh, a, 13, 1000, undefined, 1)).toMatchObject({ count: 1, lastSeq: 14, full: false });
    expect(JSON.parse(`[${text(live, a, 0, 2).json}]`)).toMatchObject([{ values: { name: 'Zoë “0”' } }, { recordId: 'tablet-1-p1' }]);
  });

  it('hand a concern’s text only to those who may read it, and its notice to everyone else, as the database does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-recent-'));
    dirs.push(dir);
    const live = open(dir);
    const school = live.addSchool('Brookfield').id;
    const change = (recordId: string, values: Record<string, unknown>) => ({
      table: 'concerns' as const,
      recordId,
      op: 'create' as const,
      values,
      hlc: `h-${recordId}`,
      deviceId: 'tablet-1',
      mentorId: 'sam',
    });
    live.batch((writer) => {
      writer.appendChange(school, change('p', { name: 'Maya' }), 'c1', '2026-11-24T15:30:00.000Z');
      writer.appendChange(school, change('k', { account: 'sam’s words' }), 'c2', '2026-11-24T15:30:00.000Z', undefined, { by: 'sam' });
      writer.appendChange(school, change('k', { notice: true }), 'c3', '2026-11-24T15:30:00.000Z', undefined, { by: 'sam', notice: true });
      writer.appendChange(school, change('j', { account: 'ola’s words' }), 'c4', '2026-11-24T15:30:00.000Z', undefined, { by: 'ola' });
      writer.appendChange(school, change('j', { notice: true }), 'c5', '2026-11-24T15:30:00.000Z', undefined, { by: 'ola', notice: true });
      // A concern whose author the endpoint does not know: only those who read every concern.
      writer.appendChange(school, change('u', { account: 'no one’s words' }), 'c6', '2026-11-24T15:30:00.000Z', undefined, { by: '' });
    });
    const fresh = open(dir);
    const sent = (store: Store, puller?: Puller) =>
      (JSON.parse(`[${Buffer.concat(store.changesSince(school, 0, 1000, puller).json)}]`) as { values: Record<string, unknown> }[]).map(
        (c) => c.values.account ?? (c.values.notice ? 'notice' : c.values.name),
      );
    const cases: [string, Puller | undefined, string[]][] = [
      ['no one in particular', undefined, ['Maya', 'notice', 'notice']],
      ['Sam, who wrote one', { deviceId: 'tablet-2', mentorId: 'sam', readsEveryConcern: false }, ['Maya', 'sam’s words', 'notice']],
      ['another mentor', { deviceId: 'tablet-2', mentorId: 'alex', readsEveryConcern: false }, ['Maya', 'notice', 'notice']],
      [
        'a tablet whose mentor is not known',
        { deviceId: 'tablet-4', mentorId: '', readsEveryConcern: false },
        ['Maya', 'notice', 'notice'],
      ],
      [
        'the DSL',
        { deviceId: 'tablet-3', mentorId: 'dana', readsEveryConcern: true },
        ['Maya', 'sam’s words', 'ola’s words', 'no one’s words'],
      ],
      [
        'the DSL, who wrote one',
        { deviceId: 'tablet-3', mentorId: 'ola', readsEveryConcern: true },
        ['Maya', 'sam’s words', 'ola’s words', 'no one’s words'],
      ],
    ];
    for (const [who, puller, expected] of cases) {
      expect(sent(live, puller), `${who}, from the tail`).toEqual(expected);
      expect(sent(fresh, puller), `${who}, from the database`).toEqual(expected);
    }
  });

  it('never hold a batch that was rolled back, nor miss a change logged by another process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-recent-'));
    dirs.push(dir);
    const live = open(dir);
    const school = live.addSchool('Brookfield').id;
    log(live, school, 'tablet-1', 3);
    expect(() =>
      live.batch((writer) => {
        writer.appendChange(
          school,
          { table: 'pupils', recordId: 'x', op: 'create', values: { id: 'x' }, hlc: 'h', deviceId: 't', mentorId: 'm' },
          'cx',
          '2026-11-24T15:30:00.000Z',
        );
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(text(live, school, 0, 1000)).toMatchObject({ count: 3, lastSeq: 3 });
    // Nor a batch inside a batch, whose changes would join the tail before the outer one commits.
    expect(() => live.batch(() => live.batch(() => 0))).toThrow('cannot run inside another transaction');

    // Another process (a second server on the same folder, by mistake) logs a change, at the
    // position the rolled-back one had: this one sends that change, not the rolled-back one, and
    // never answers a cursor from a tail that stops short of the log's end.
    const other = open(dir);
    log(other, school, 'tablet-2', 1);
    const fresh = open(dir);
    expect(text(live, school, 3, 1000)).toEqual(text(fresh, school, 3, 1000));
    expect(text(live, school, 3, 1000)).toMatchObject({ count: 1, lastSeq: 4 });
    log(other, school, 'tablet-2', 1, 1);
    log(live, school, 'tablet-1', 1, 3);
    const page = text(live, school, 0, 1000);
    expect(page).toEqual(text(fresh, school, 0, 1000));
    expect(JSON.parse(`[${page.json}]`).map((c: { deviceId: string }) => c.deviceId)).toEqual([
      'tablet-1',
      'tablet-1',
      'tablet-1',
      'tablet-2',
      'tablet-2',
      'tablet-1',
    ]);
    expect(text(live, school, 5, 1000)).toMatchObject({ count: 1, lastSeq: 6 });
  });
});

describe('the tail itself', () => {
  const change = (seq: number, deviceId = 't') => ({ seq, schoolId: 's', deviceId, wire: `{"n":${seq}}` });
  const json = (page: ReturnType<RecentChanges['page']>) => page && Buffer.concat(page.json).toString('utf8');

  it('answers only for cursors it reaches back to, and only while it reaches the log’s end', () => {
    const tail = new RecentChanges();
    tail.add([change(11), change(12), change(13)]);
    expect(json(tail.page('s', 10, 10, 13))).toBe('{"n":11},{"n":12},{"n":13}');
    expect(json(tail.page('s', 12, 10, 13))).toBe('{"n":13}');
    expect(tail.page('s', 13, 10, 13)).toEqual({ json: [], count: 0, lastSeq: null, full: false });
    expect(tail.page('s', 9, 10, 13)).toBeUndefined();
    expect(tail.page('s', 12, 10, 14)).toBeUndefined();
    // A gap (a change it never saw) starts it again from the change after the gap.
    tail.add([change(15)]);
    expect(tail.page('s', 13, 10, 15)).toBeUndefined();
    expect(json(tail.page('s', 14, 10, 15))).toBe('{"n":15}');
  });

  it('sends each run of changes as one slice, which stays as it was while more arrive', () => {
    const tail = new RecentChanges(200);
    tail.add([change(1), change(2, 'me'), change(3), change(4)]);
    expect(tail.page('s', 0, 10, 4)?.json).toHaveLength(1);
    const page = tail.page('s', 0, 10, 4, { deviceId: 'me', ...NO_ONE });
    expect(page?.json).toHaveLength(2);
    expect(json(page)).toBe('{"n":1},{"n":3},{"n":4}');
    expect(page).toMatchObject({ count: 3, lastSeq: 4 });
    // Past its 200 bytes: it grows, then drops its oldest changes into a new buffer.
    tail.add(Array.from({ length: 40 }, (_, i) => change(i + 5)));
    expect(tail.page('s', 0, 10, 44)).toBeUndefined();
    expect(json(page)).toBe('{"n":1},{"n":3},{"n":4}');
    expect(json(tail.page('s', 42, 10, 44))).toBe('{"n":43},{"n":44}');
  });

  it('gives back every change exactly as added, whatever the lengths and however full its buffer', () => {
    // Lengths around each size's edges, some with characters of two and three bytes.
    const wire = (seq: number) => `{"n":${seq},"name":"${'é“'.slice(0, seq % 3).padEnd(seq % 7, 'x')}"}`;
    for (const size of [20, 33, 64, 100, 257]) {
      const tail = new RecentChanges(size);
      const wires: string[] = [];
      for (let seq = 1; seq <= 60; seq++) {
        tail.add([{ seq, schoolId: 's', deviceId: 't', wire: wire(seq) }]);
        wires.push(wire(seq));
        let held = 0;
        for (let after = 0; after < seq; after++) {
          const page = json(tail.page('s', after, 100, seq));
          if (page === undefined) continue;
          expect(page, `size ${size}, ${seq} held, after ${after}`).toBe(wires.slice(after).join(','));
          // Each change with its comma after it.
          held = Math.max(held, Buffer.byteLength(page) + 1);
        }
        // Within its size, unless the newest change alone is longer.
        expect(held, `size ${size}, ${seq} held`).toBeLessThanOrEqual(Math.max(size, Buffer.byteLength(wire(seq)) + 1));
      }
    }
    // One change longer than the room left in the tail's first buffer.
    const tail = new RecentChanges(1024 * 1024);
    tail.add([{ seq: 1, schoolId: 's', deviceId: 't', wire: 'a'.repeat(30_000) }]);
    tail.add([{ seq: 2, schoolId: 's', deviceId: 't', wire: 'b'.repeat(40_000) }]);
    expect(json(tail.page('s', 0, 10, 2))).toBe(`${'a'.repeat(30_000)},${'b'.repeat(40_000)}`);
  });

  it.each([
    // A tail of more than 64 KB starts with a buffer of 64 KB, and grows it up to its size.
    ['past its first buffer, to just within its size', 80 * 1024, 60, 1100],
    ['past its first buffer, to exactly its size', 66_000, 1000, 66],
  ])('keeps every change when %s', (_, size, length, count) => {
    const tail = new RecentChanges(size);
    // Each change takes `length` bytes with its comma.
    const changes = Array.from({ length: count }, (_, i) => ({ seq: i + 1, schoolId: 's', deviceId: 't', wire: 'x'.repeat(length - 1) }));
    tail.add(changes);
    expect(tail.page('s', 0, count, count)?.count).toBe(count);
  });

  it('stops a page at the change that reaches its length, as the database does', () => {
    const tail = new RecentChanges();
    tail.add([change(1), change(2), change(3)]);
    // Each change is 7 characters: a page of 7 holds one, of 8 two.
    expect(tail.page('s', 0, 10, 3, undefined, 7)).toMatchObject({ count: 1, full: true });
    expect(tail.page('s', 0, 10, 3, undefined, 8)).toMatchObject({ count: 2, full: true });
    expect(tail.page('s', 0, 10, 3, undefined, 21)).toMatchObject({ count: 3, full: false });
  });

  it('by default holds a busy school day: thousands of changes, a few KB each', () => {
    const tail = new RecentChanges();
    const day = Array.from({ length: 4000 }, (_, i) => ({ seq: i + 1, schoolId: 's', deviceId: 't', wire: 'x'.repeat(2000) }));
    tail.add(day);
    expect(tail.page('s', 0, 1000, 4000)?.count).toBe(1000);
  });

  it('once full, drops its oldest changes down to three quarters of its size, and no further', () => {
    const tail = new RecentChanges(80);
    // Each change takes 10 bytes with its comma: eight fill the tail.
    const changes = Array.from({ length: 9 }, (_, i) => ({ seq: i + 1, schoolId: 's', deviceId: 't', wire: 'x'.repeat(9) }));
    tail.add(changes.slice(0, 8));
    expect(tail.page('s', 0, 100, 8)?.count).toBe(8);
    // The ninth: the oldest three go, and the six newest (60 of its 80 bytes) are kept.
    tail.add(changes.slice(8));
    expect(tail.page('s', 3, 100, 9)?.count).toBe(6);
    expect(tail.page('s', 2, 100, 9)).toBeUndefined();
  });

  it('stays within its size, dropping the oldest changes first', () => {
    const tail = new RecentChanges(100);
    tail.add(Array.from({ length: 30 }, (_, i) => change(i + 1)));
    expect(tail.page('s', 0, 100, 30)).toBeUndefined();
    const kept = tail.page('s', 30 - 8, 100, 30);
    expect(kept?.count).toBe(8);
    let reach = 30;
    while (tail.page('s', reach - 1, 100, 30)) reach--;
    const bytes = Buffer.concat(tail.page('s', reach, 100, 30)?.json ?? []).length;
    expect(bytes).toBeLessThanOrEqual(100);
    expect(bytes).toBeGreaterThan(50);
  });
});
