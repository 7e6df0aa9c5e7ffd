/** How the outbox is cut into pushes: never more than the endpoint takes, never a change left behind. */
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/data/db.ts';
import { BATCH_BYTES, takeBatch, toPushChange } from '../../src/data/sync/push.ts';
import { LIMITS } from '../../src/shared/protocol.ts';

const entry = (seq: number, note = ''): OutboxEntry => ({
  seq,
  changeId: `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
  table: 'sessions',
  recordId: `00000000-0000-7000-9000-${String(seq).padStart(12, '0')}`,
  op: 'update',
  values: { note },
  at: '2026-11-24T10:00:00.000Z',
  deviceId: 'tablet',
  mentorId: 'm1',
  hlc: `2026-11-24T10:00:00.000Z_${seq.toString(36).padStart(4, '0')}_tablet`,
});
const entries = (n: number, note = '') => Array.from({ length: n }, (_, i) => entry(i + 1, note));
const bytesOf = (batch: OutboxEntry[]) =>
  batch.reduce((sum, e) => sum + new TextEncoder().encode(JSON.stringify(toPushChange(e))).length, 0);

describe('cutting the outbox into pushes', () => {
  it.each([
    ['nothing waiting', 0, 0],
    ['one change', 1, 1],
    ['a day offline', 300, 300],
    ['exactly the most one push takes', LIMITS.pushChanges, LIMITS.pushChanges],
    ['one more than that', LIMITS.pushChanges + 1, LIMITS.pushChanges],
  ])('%s (%i changes): the first push carries %i, oldest first', (_, waiting, pushed) => {
    const batch = takeBatch(entries(waiting));
    expect(batch.map((e) => e.seq)).toEqual(Array.from({ length: pushed }, (_, i) => i + 1));
  });

  it('long notes: stops before the push would pass its size, and the rest follow in order', () => {
    const waiting = entries(300, 'x'.repeat(20_000));
    const first = takeBatch(waiting);
    expect(bytesOf(first)).toBeLessThanOrEqual(BATCH_BYTES);
    // Not a change fewer than fits.
    expect(bytesOf([...first, waiting[first.length] as OutboxEntry])).toBeGreaterThan(BATCH_BYTES);
    const second = takeBatch(waiting.slice(first.length));
    expect(second[0]?.seq).toBe(first.length + 1);
  });

  it('changes that fill a push exactly to its size all go in it', () => {
    const last = entry(2);
    const filler = BATCH_BYTES - bytesOf([last]) - bytesOf([entry(1)]);
    const waiting = [entry(1, 'x'.repeat(filler)), last];
    expect(bytesOf(waiting)).toBe(BATCH_BYTES);
    expect(takeBatch(waiting).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a single change larger than a push still goes, alone, so the tablet never stops sending', () => {
    const huge = entry(1, 'x'.repeat(BATCH_BYTES + 10));
    expect(takeBatch([huge, entry(2)]).map((e) => e.seq)).toEqual([1]);
  });
});

describe('a change as it is sent', () => {
  it('queued by an earlier release, without a clock reading: it goes dated from when it was made, by the tablet that made it', () => {
    const { hlc: _, ...queued } = entry(7);
    expect(toPushChange({ ...queued, at: '2026-11-20T09:15:00.000Z' }).hlc).toBe('2026-11-20T09:15:00.000Z_0000_tablet');
  });
});
