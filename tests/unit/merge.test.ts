import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { editedAfterDelete, type IncomingChange, type LostValue, mergeAll, mergeChange, type SyncedState } from '../../src/shared/merge.ts';

const T = Date.parse('2026-11-24T09:00:00.000Z');
/** A clock reading `minutes` after nine o'clock, issued by tablet `node`. */
const h = (minutes: number, node = 'tablet-a') => encodeHlc({ wall: T + minutes * 60_000, count: 0, node });

const created: SyncedState = {
  fields: { name: 'Jacob Smith', form: '9R', whatHelps: '' },
  clocks: { name: h(0), form: h(0), whatHelps: h(0) },
};
const edit = (hlc: string, values: Record<string, unknown>, base?: Record<string, string | null>): IncomingChange => ({
  op: 'update',
  hlc,
  values,
  base,
});
const del = (hlc: string): IncomingChange => ({ op: 'delete', hlc, values: { deletedAt: hlc } });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
const sortLost = (lost: LostValue[]) => [...lost].sort((a, b) => `${a.field}${a.hlc}`.localeCompare(`${b.field}${b.hlc}`));

interface Row {
  name: string;
  changes: IncomingChange[];
  fields: Record<string, unknown>;
  lost: Omit<LostValue, 'lostTo'>[];
  deleted?: boolean;
  flagged?: boolean;
  /**
   * The changes are causal (one was made after its author saw the other), so every tablet receives
   * them in this order: the second could only travel after the first reached the school.
   */
  causal?: true;
}

const rows: Row[] = [
  {
    name: 'two mentors edit different fields: both edits stay, nothing is lost',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), edit(h(6, 'tablet-b'), { whatHelps: 'Music' }, { whatHelps: h(0) })],
    fields: { name: 'Jacob Smith', form: '9S', whatHelps: 'Music' },
    lost: [],
  },
  {
    name: 'two mentors edit the same field unaware of each other: the later wins, the earlier is kept as lost',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), edit(h(6, 'tablet-b'), { form: '9T' }, { form: h(0) })],
    fields: { name: 'Jacob Smith', form: '9T', whatHelps: '' },
    lost: [{ field: 'form', value: '9S', hlc: h(5, 'tablet-a') }],
  },
  {
    name: 'an edit made on top of the other mentor’s edit is history, not a conflict',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), edit(h(6, 'tablet-b'), { form: '9T' }, { form: h(5, 'tablet-a') })],
    fields: { name: 'Jacob Smith', form: '9T', whatHelps: '' },
    lost: [],
    causal: true,
  },
  {
    name: 'the same moment on two tablets: the tablet id breaks the tie',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), edit(h(5, 'tablet-b'), { form: '9T' }, { form: h(0) })],
    fields: { name: 'Jacob Smith', form: '9T', whatHelps: '' },
    lost: [{ field: 'form', value: '9S', hlc: h(5, 'tablet-a') }],
  },
  {
    name: 'a delete beats edits made before it',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), del(h(7, 'tablet-b'))],
    fields: { name: 'Jacob Smith', form: '9S', whatHelps: '', deletedAt: h(7, 'tablet-b') },
    lost: [],
    deleted: true,
    flagged: false,
  },
  {
    name: 'an edit made after a delete is kept, and the record is flagged, still deleted',
    changes: [del(h(5, 'tablet-b')), edit(h(8, 'tablet-a'), { whatHelps: 'Quiet room' }, { whatHelps: h(0) })],
    fields: { name: 'Jacob Smith', form: '9R', whatHelps: 'Quiet room', deletedAt: h(5, 'tablet-b') },
    lost: [],
    deleted: true,
    flagged: true,
  },
  {
    name: 'two deletes: the record stays deleted once',
    changes: [del(h(5, 'tablet-a')), del(h(6, 'tablet-b'))],
    fields: { name: 'Jacob Smith', form: '9R', whatHelps: '', deletedAt: h(6, 'tablet-b') },
    // The earlier removal's time is no value a mentor wrote: it is not kept as lost.
    lost: [],
    deleted: true,
    flagged: false,
  },
  {
    name: 'who saved last, and when, is not a mentor’s value: the one replaced is not kept as lost',
    changes: [
      edit(h(5, 'tablet-a'), { form: '9S', updatedAt: 'a', deviceId: 'tablet-a' }, { form: h(0) }),
      { op: 'delete', hlc: h(6, 'tablet-b'), values: { deletedAt: h(6, 'tablet-b'), updatedAt: 'b', deviceId: 'tablet-b' } },
    ],
    fields: { name: 'Jacob Smith', form: '9S', whatHelps: '', updatedAt: 'b', deviceId: 'tablet-b', deletedAt: h(6, 'tablet-b') },
    lost: [],
    deleted: true,
    flagged: false,
  },
  {
    name: 'three tablets on one field: one winner, both others kept',
    changes: [
      edit(h(5, 'tablet-a'), { whatHelps: 'A' }, { whatHelps: h(0) }),
      edit(h(6, 'tablet-b'), { whatHelps: 'B' }, { whatHelps: h(0) }),
      edit(h(7, 'tablet-c'), { whatHelps: 'C' }, { whatHelps: h(0) }),
    ],
    fields: { name: 'Jacob Smith', form: '9R', whatHelps: 'C' },
    lost: [
      { field: 'whatHelps', value: 'A', hlc: h(5, 'tablet-a') },
      { field: 'whatHelps', value: 'B', hlc: h(6, 'tablet-b') },
    ],
  },
  {
    name: 'an edit that sets the value already there is no conflict',
    changes: [edit(h(5, 'tablet-a'), { form: '9S' }, { form: h(0) }), edit(h(6, 'tablet-b'), { form: '9S' }, { form: h(0) })],
    fields: { name: 'Jacob Smith', form: '9S', whatHelps: '' },
    lost: [],
  },
];

// Concurrent changes are merged in every order they could arrive in, and must agree.
describe('merging changes from several tablets', () => {
  it.each(rows)('$name', (row) => {
    const orders = row.causal ? [row.changes] : permutations(row.changes);
    const results = orders.map((order) => mergeAll(order, created));
    for (const [i, { state, lost }] of results.entries()) {
      const order = orders[i]?.map((c) => c.hlc.slice(11, 16)).join(' then ');
      expect(state?.fields, `fields, in the order ${order}`).toEqual(row.fields);
      expect(
        sortLost(lost).map(({ lostTo: _, ...l }) => l),
        `lost values, in the order ${order}`,
      ).toEqual(sortLost(row.lost as LostValue[]));
      expect(Boolean(state?.deleted), `deleted, in the order ${order}`).toBe(Boolean(row.deleted));
      if (row.flagged !== undefined) expect(editedAfterDelete(state as SyncedState), `flag, in the order ${order}`).toBe(row.flagged);
    }
    // Every order ends with the same clocks too, so later changes merge the same way everywhere.
    for (const { state } of results) expect(state).toEqual(results[0]?.state);
  });
});

describe('applying a change again', () => {
  it('is recognised, and changes nothing', () => {
    const change = edit(h(5), { form: '9S' }, { form: h(0) });
    const once = mergeChange(created, change);
    const twice = mergeChange(once.state, change);
    expect(once.alreadyApplied).toBe(false);
    expect(twice.alreadyApplied).toBe(true);
    expect(twice.state).toEqual(once.state);
    expect(twice.lost).toEqual([]);
  });

  it('a create for a record nobody has seen sets every field', () => {
    const { state, lost } = mergeChange(undefined, { op: 'create', hlc: h(1), values: { name: 'Priya', form: '7B' } });
    expect(state).toEqual({ fields: { name: 'Priya', form: '7B' }, clocks: { name: h(1), form: h(1) }, deleted: undefined });
    expect(lost).toEqual([]);
  });

  it('without a base, a replaced value that differs is kept rather than risk losing it', () => {
    const { lost } = mergeChange(created, edit(h(5, 'tablet-b'), { form: '9S' }));
    expect(lost).toEqual([{ field: 'form', value: '9R', hlc: h(0), lostTo: h(5, 'tablet-b') }]);
  });
});

// The later delete's clock is the record's removal clock, whatever order the two deletes arrive
// in: an edit made between them is then covered by the later delete, as on every other copy.
describe('two deletes of the same record', () => {
  const earlier = del(h(5, 'tablet-a'));
  const later = del(h(7, 'tablet-b'));
  it.each([
    { name: 'the earlier arrives first, then the later', first: earlier, second: later, deleted: later.hlc, again: false },
    { name: 'the later arrives first, then the earlier', first: later, second: earlier, deleted: later.hlc, again: false },
    { name: 'the same delete arrives twice', first: earlier, second: earlier, deleted: earlier.hlc, again: true },
  ])('$name: the later delete’s clock is kept; already applied only for the same delete', ({ first, second, deleted, again }) => {
    const once = mergeChange(created, first);
    expect(once.alreadyApplied).toBe(false);
    const twice = mergeChange(once.state, second);
    expect(twice.state.deleted).toBe(deleted);
    expect(twice.alreadyApplied).toBe(again);
  });

  it('a field the delete itself sets is no edit after it', () => {
    const { state } = mergeChange(created, { op: 'delete', hlc: h(5), values: { deletedAt: h(5), whatHelps: '' } });
    expect(editedAfterDelete(state)).toBe(false);
    expect(editedAfterDelete(mergeChange(state, edit(h(6), { whatHelps: 'Quiet room' }, { whatHelps: h(5) })).state)).toBe(true);
  });

  const between = edit(h(6, 'tablet-c'), { whatHelps: 'Quiet room' }, { whatHelps: h(0) });
  const afterBoth = edit(h(8, 'tablet-c'), { whatHelps: 'Quiet room' }, { whatHelps: h(0) });
  it.each([
    { name: 'an edit made between the two deletes is covered by the later one', changes: [earlier, between, later], flagged: false },
    { name: 'an edit made after both deletes is flagged', changes: [earlier, afterBoth, later], flagged: true },
  ])('$name, in every order of arrival', ({ changes, flagged }) => {
    for (const order of permutations(changes)) {
      const { state } = mergeAll(order, created);
      const arrival = order.map((c) => c.hlc.slice(11, 16)).join(' then ');
      expect(state?.deleted, `removal clock, in the order ${arrival}`).toBe(later.hlc);
      expect(editedAfterDelete(state as SyncedState), `flag, in the order ${arrival}`).toBe(flagged);
    }
  });
});
