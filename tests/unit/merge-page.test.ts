/**
 * What a tablet ends up holding after a pulled page: mergePage, the pure rule behind applyPulled,
 * as a table of pages and what each must leave.
 */
import { describe, expect, it } from 'vitest';
import { mergePage } from '../../src/data/sync/merge-page.ts';
import { compareHlc, decodeHlc, encodeHlc } from '../../src/shared/hlc.ts';
import type { SyncedState } from '../../src/shared/merge.ts';
import type { PulledChange } from '../../src/shared/protocol.ts';

const ME = 'tablet-me';
const clock = (iso: string, count = 0, node = 'tablet-other') => encodeHlc({ wall: Date.parse(iso), count, node });
const T1 = clock('2026-11-24T09:00:00.000Z');
const T2 = clock('2026-11-24T10:00:00.000Z');
const T3 = clock('2026-11-24T11:00:00.000Z');
const T4 = clock('2026-11-24T12:00:00.000Z');

const change = (
  op: PulledChange['op'],
  values: Record<string, unknown>,
  hlc: string,
  base?: Record<string, string | null>,
): PulledChange => ({
  table: 'pupils',
  recordId: 'p1',
  op,
  values,
  hlc,
  ...(base ? { base } : {}),
  deviceId: 'tablet-other',
  mentorId: 'm2',
});

/** The pupil p1 as this tablet holds it: form 9R set at T1, what helps set at T1. */
const held: SyncedState = { fields: { id: 'p1', form: '9R', whatHelps: 'Music' }, clocks: { id: T1, form: T1, whatHelps: T1 } };
const holding = (state?: SyncedState) => new Map(state ? [['pupils:p1', state]] : []);
const merge = (stored: Map<string, SyncedState>, changes: PulledChange[], now = '2026-11-24T08:00:00.000Z') =>
  mergePage(stored, changes, { last: undefined, now: Date.parse(now), node: ME });

describe('merging a pulled page', () => {
  it.each([
    {
      case: 'a record the tablet does not have is created as it came, cleared fields left out',
      stored: holding(),
      changes: [change('create', { id: 'p1', form: '9R', preferredName: null }, T1)],
      fields: { id: 'p1', form: '9R' },
      lost: [],
    },
    {
      case: 'an edit made on top of the value the tablet holds replaces it, nothing kept',
      stored: holding(held),
      changes: [change('update', { form: '9S' }, T2, { form: T1 })],
      fields: { id: 'p1', form: '9S', whatHelps: 'Music' },
      lost: [],
    },
    {
      case: 'an edit made without seeing the value it replaces wins, and the replaced value is kept',
      stored: holding(held),
      changes: [change('update', { form: '9S' }, T2, { form: null })],
      fields: { id: 'p1', form: '9S', whatHelps: 'Music' },
      lost: [{ field: 'form', value: '9R', hlc: T1, lostTo: T2 }],
    },
    {
      case: 'an edit older than the value held loses, and is kept',
      stored: holding({ ...held, clocks: { ...held.clocks, form: T3 } }),
      changes: [change('update', { form: '9S' }, T2, { form: T1 })],
      fields: { id: 'p1', form: '9R', whatHelps: 'Music' },
      lost: [{ field: 'form', value: '9S', hlc: T2, lostTo: T3 }],
    },
    {
      case: 'a record changed twice in one page takes both changes, in order',
      stored: holding(held),
      changes: [change('update', { form: '9S' }, T2, { form: T1 }), change('update', { form: '9T', whatHelps: 'Lego' }, T3, { form: T2 })],
      fields: { id: 'p1', form: '9T', whatHelps: 'Lego' },
      lost: [{ field: 'whatHelps', value: 'Music', hlc: T1, lostTo: T3 }],
    },
    {
      case: 'a field cleared on another tablet is left out of the record',
      stored: holding(held),
      changes: [change('update', { whatHelps: null }, T2, { whatHelps: T1 })],
      fields: { id: 'p1', form: '9R' },
      lost: [],
    },
    {
      case: 'a change is stored under its own record id, whatever its values say',
      stored: holding(),
      changes: [change('create', { id: 'someone-else', form: '9R' }, T1)],
      fields: { id: 'p1', form: '9R' },
      lost: [],
    },
  ])('$case', ({ stored, changes, fields, lost }) => {
    const merged = merge(stored, changes);
    expect(merged.written.map((w) => [w.table, w.recordId, w.state.fields])).toEqual([['pupils', 'p1', fields]]);
    expect(merged.conflicts).toEqual(lost.map((l) => ({ table: 'pupils', recordId: 'p1', ...l })));
    expect(merged.changedAfterRemoval).toEqual([]);
  });

  it('leaves the records it was given as they were', () => {
    const stored = holding(structuredClone(held));
    merge(stored, [change('update', { form: '9S' }, T2, { form: T1 })]);
    expect(stored.get('pupils:p1')).toEqual(held);
  });

  it.each([
    {
      case: 'a record removed, then changed on another tablet afterwards, stays removed and is reported once',
      changes: [
        change('delete', { deletedAt: '2026-11-24T10:00:00.000Z' }, T2),
        change('update', { form: '9S' }, T3),
        change('update', { form: '9T' }, T4),
      ],
      reported: [{ changedAt: '2026-11-24T11:00:00.000Z', removedAt: '2026-11-24T10:00:00.000Z' }],
    },
    {
      case: 'a change made before the removal is no change after it',
      changes: [change('update', { form: '9S' }, T2, { form: T1 }), change('delete', { deletedAt: '2026-11-24T11:00:00.000Z' }, T3)],
      reported: [],
    },
    {
      case: 'a removal arriving after a later change still reports the change',
      changes: [change('update', { form: '9S' }, T3, { form: T1 }), change('delete', { deletedAt: '2026-11-24T10:00:00.000Z' }, T2)],
      reported: [{ changedAt: '2026-11-24T10:00:00.000Z', removedAt: '2026-11-24T10:00:00.000Z' }],
    },
  ])('$case', ({ changes, reported }) => {
    const merged = merge(holding(held), changes);
    expect(merged.written[0]?.state.deleted).toBe(changes.find((c) => c.op === 'delete')?.hlc);
    expect(merged.changedAfterRemoval).toEqual(reported.map((r) => ({ key: 'pupils:p1', table: 'pupils', recordId: 'p1', ...r })));
  });

  it.each([
    ['behind the changes it saw', '2026-11-24T08:00:00.000Z'],
    ['ahead of them', '2026-11-24T15:00:00.000Z'],
    ['in the same millisecond as the latest', '2026-11-24T12:00:00.000Z'],
  ])('leaves this tablet’s clock after every change of the page, its wall clock %s', (_, now) => {
    const changes = [change('update', { form: '9S' }, T4), change('update', { form: '9T' }, T2)];
    const merged = merge(holding(held), changes, now);
    const after = merged.clock ? encodeHlc(merged.clock) : '';
    for (const c of changes) expect(compareHlc(after, c.hlc)).toBeGreaterThan(0);
    expect(merged.clock?.node).toBe(ME);
    expect(merged.clock?.wall).toBe(Math.max(Date.parse(now), decodeHlc(T4).wall));
  });

  it('an empty page changes nothing and leaves the clock as it was', () => {
    const last = decodeHlc(T1);
    const merged = mergePage(holding(held), [], { last, now: Date.parse('2026-11-24T15:00:00.000Z'), node: ME });
    expect(merged).toEqual({ written: [], conflicts: [], changedAfterRemoval: [], erased: [], clock: last });
  });

  it('passes an erasure on to be done once the page is stored, never merging it as an edit, and moves the clock past it', () => {
    const merged = merge(holding(held), [change('update', { form: '9S' }, T2, { form: T1 }), change('erase', { deletedAt: 'x' }, T3)]);
    expect(merged.erased).toEqual(['p1']);
    expect(merged.written).toEqual([
      expect.objectContaining({ state: expect.objectContaining({ fields: { id: 'p1', form: '9S', whatHelps: 'Music' } }) }),
    ]);
    expect(merged.clock && compareHlc(encodeHlc(merged.clock), T3)).toBeGreaterThan(0);
  });
});
