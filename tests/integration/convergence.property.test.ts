/**
 * Property: however three mentors' edits, removals, check-ins, syncs, failed syncs and crashes
 * interleave, once the network is back and every tablet has synced twice, the three tablets and
 * the school hold the same records, no value a mentor typed has vanished, and no change is left
 * waiting. Real engine (src/data/sync.ts) on fake-indexeddb, real server code over SQLite in memory.
 *
 * Each run draws a new seed and prints it ("convergence seed: 123 …"). A failure's report from
 * fast-check names the seed too, with the path to the smallest failing case; the same runs, and the
 * same failure, come back with:
 *
 *   WAYMARK_SEED=123 npx vitest run tests/integration/convergence.property.test.ts
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addPupil, editPupil, removePupil } from '../../src/data/pupils.ts';
import { outboxSummary } from '../../src/data/sync.ts';
import { checkIn, setTarget } from '../../src/data/targets.ts';
import { decodeHlc } from '../../src/shared/hlc.ts';
import { CHECK_IN_RESULTS, type CheckInResult, type SyncedTable } from '../../src/shared/model.ts';
import { pupil, target } from '../unit/helpers.ts';
import { type InProcessTablet, inProcessSchool } from './in-process.ts';

const TABLETS = ['A', 'B', 'C'] as const;
type Who = (typeof TABLETS)[number];
const FIELDS = ['name', 'form', 'whatHelps', 'preferredName'] as const;
type Field = (typeof FIELDS)[number];
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'] as const;

type Step = { advance: number } & (
  | { kind: 'edit'; who: Who; field: Field; value: string }
  | { kind: 'remove'; who: Who }
  | { kind: 'checkIn'; who: Who; on: (typeof DAYS)[number]; result: CheckInResult }
  | { kind: 'sync'; who: Who }
  | { kind: 'failedSync'; who: Who; mode: 'down' | 'error500' | 'dropAnswer' }
  | { kind: 'crash'; who: Who }
);

// Small alphabets, so that values often repeat: equal values are where merging takes shortcuts.
const letters = fc.constantFrom('a', 'b', 'c');
const who = fc.constantFrom(...TABLETS);
const stepArb: fc.Arbitrary<Step> = fc
  .tuple(
    // Weighted so that a removal (after which that tablet can only sync) comes in about half the runs.
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('edit' as const),
          who,
          field: fc.constant('name' as const),
          value: fc.string({ unit: letters, minLength: 1, maxLength: 2 }),
        }),
      },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('edit' as const),
          who,
          field: fc.constantFrom('form' as const, 'whatHelps' as const, 'preferredName' as const),
          value: fc.string({ unit: letters, maxLength: 2 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), who }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('checkIn' as const),
          who,
          on: fc.constantFrom(...DAYS),
          result: fc.constantFrom(...CHECK_IN_RESULTS),
        }),
      },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('sync' as const), who }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('failedSync' as const),
          who,
          mode: fc.constantFrom('down' as const, 'error500' as const, 'dropAnswer' as const),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), who }) },
    ),
    // Milliseconds that pass before the step: often none, so clock readings share a millisecond.
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 })),
  )
  .map(([step, advance]) => ({ ...step, advance }));

const scenario = fc.record({
  // Each tablet's clock is a little off the school's.
  skews: fc.tuple(
    fc.integer({ min: -300_000, max: 300_000 }),
    fc.integer({ min: -2000, max: 2000 }),
    fc.integer({ min: -2000, max: 2000 }),
  ),
  steps: fc.array(stepArb, { minLength: 5, maxLength: 25 }),
});

/** The seed of this run: WAYMARK_SEED replays an earlier one, otherwise a new one is drawn. */
function seedOfRun(given = process.env.WAYMARK_SEED): number {
  if (given === undefined || given === '') return Date.now() % 2 ** 31;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`WAYMARK_SEED must be a whole number, as printed by an earlier run; it is "${given}".`);
  return seed;
}

/** Without nulls: the server keeps a cleared field as null, a tablet leaves it out. */
const withoutNulls = (o: Record<string, unknown> | undefined) => o && Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));

async function run({ skews, steps }: { skews: [number, number, number]; steps: Step[] }) {
  // Virtual time: the school's clock and the tablets' (each a little off) move together, step by step.
  let elapsed = 0;
  const start = Date.now() - 30_000;
  const skew = { A: skews[0], B: skews[1], C: skews[2] };
  const clockOf = (w: Who) => () => new Date(start + elapsed + skew[w]);

  const school = inProcessSchool({ now: () => new Date(start + elapsed) });
  const { network } = school;
  const tablets = {} as Record<Who, InProcessTablet & { now: () => Date }>;
  try {
    for (const w of TABLETS) {
      const now = clockOf(w);
      tablets[w] = { ...(await school.tablet(`Mentor ${w}`, now)), now };
    }
    const { A, B, C } = tablets;

    // What every mentor typed, field by field: `${table}:${id}:${field}` → values.
    const typed = new Map<string, Set<unknown>>();
    const type = (table: SyncedTable, id: string, field: string, value: unknown) => {
      const key = `${table}:${id}:${field}`;
      typed.set(key, (typed.get(key) ?? new Set()).add(value));
    };

    const initial = pupil();
    const pupilId = await addPupil(A.db, initial, { now: A.now() });
    for (const f of FIELDS) type('pupils', pupilId, f, initial[f]);
    const targetId = await setTarget(A.db, target(pupilId), { now: A.now() });
    for (const t of [A, B, C]) expect(await t.sync()).toMatchObject({ status: 'done' });
    const checkInIds = new Set<string>();

    for (const step of steps) {
      elapsed += step.advance;
      const t = tablets[step.who];
      switch (step.kind) {
        case 'edit': {
          const current = await t.db.pupils.get(pupilId);
          // A removed pupil is not on the mentor's screen; an unchanged value writes nothing.
          if (!current || current.deletedAt || current[step.field] === step.value) break;
          await editPupil(t.db, pupilId, { [step.field]: step.value }, { now: t.now() });
          type('pupils', pupilId, step.field, step.value);
          break;
        }
        case 'remove': {
          const current = await t.db.pupils.get(pupilId);
          if (!current || current.deletedAt) break;
          await removePupil(t.db, pupilId);
          break;
        }
        case 'checkIn': {
          const done = await checkIn(t.db, { targetId, pupilId, on: step.on, result: step.result }, { now: t.now() });
          checkInIds.add(done.id);
          if (done.before?.result !== step.result) type('checkIns', done.id, 'result', step.result);
          break;
        }
        case 'sync':
          expect(await t.sync()).toMatchObject({ status: 'done' });
          break;
        case 'failedSync':
          network.mode = step.mode;
          try {
            expect(await t.sync()).toMatchObject({ status: 'stopped' });
          } finally {
            network.mode = 'up';
          }
          break;
        case 'crash': {
          // The tab is closed while a pulled page is being stored: the first pupil or check-in write throws.
          let armed = true;
          const crash = () => {
            if (!armed) return;
            armed = false;
            throw new Error('The tab was closed');
          };
          const tables = [t.db.pupils, t.db.checkIns] as const;
          for (const table of tables) {
            table.hook('creating', crash);
            table.hook('updating', crash);
          }
          try {
            await t.sync();
          } finally {
            for (const table of tables) {
              table.hook('creating').unsubscribe(crash);
              table.hook('updating').unsubscribe(crash);
            }
          }
          break;
        }
      }
    }

    // The network is back: every tablet syncs, in a round, twice.
    for (const w of [...TABLETS, ...TABLETS]) expect(await tablets[w].sync(), `final sync of ${w}`).toMatchObject({ status: 'done' });

    const onServer = (table: SyncedTable, id: string) => school.store.batch((w) => w.getRecord(table, id))?.state;

    // 1. Convergence: the pupil, the target and the check-ins are the same on every tablet and on the server.
    const held = await Promise.all(
      TABLETS.map(async (w) => {
        const { db } = tablets[w];
        return {
          pupil: await db.pupils.get(pupilId),
          target: await db.targets.get(targetId),
          checkIns: byId(await db.checkIns.toArray()),
          pupilClocks: await db.recordClocks.get(`pupils:${pupilId}`),
        };
      }),
    );
    const server = {
      pupil: withoutNulls(onServer('pupils', pupilId)?.fields),
      target: withoutNulls(onServer('targets', targetId)?.fields),
      checkIns: byId([...checkInIds].map((id) => withoutNulls(onServer('checkIns', id)?.fields) as { id: string })),
    };
    for (const [i, h] of held.entries()) {
      const w = TABLETS[i];
      expect(h.pupil, `pupil on ${w}`).toEqual(server.pupil);
      expect(h.target, `target on ${w}`).toEqual(server.target);
      expect(h.checkIns, `check-ins on ${w}`).toEqual(server.checkIns);
      const state = onServer('pupils', pupilId);
      expect(h.pupilClocks?.clocks, `pupil's field clocks on ${w}`).toEqual(state?.clocks);
      expect(h.pupilClocks?.deleted, `pupil's removal clock on ${w}`).toEqual(state?.deleted);
    }
    expect(held[0]?.pupil?.deletedAt !== undefined, 'removed iff some mentor removed it').toBe(steps.some((s) => s.kind === 'remove'));

    // 2. Nothing lost: every value typed is the final value, or kept as a conflict or a revision on a tablet.
    // (The server's lost_values table has no reader in the Store interface, so it is not consulted.)
    const kept = new Set<string>();
    for (const w of TABLETS) {
      const { db } = tablets[w];
      for (const c of await db.conflicts.toArray()) kept.add(JSON.stringify([c.table, c.recordId, c.field, c.value]));
      for (const r of await db.revisions.toArray())
        for (const [field, value] of Object.entries(r.before)) kept.add(JSON.stringify([r.table, r.recordId, field, value]));
    }
    const finalValue = (table: SyncedTable, id: string, field: string) => onServer(table, id)?.fields[field];
    const lost: string[] = [];
    for (const [key, values] of typed) {
      const [table, id, field] = key.split(':') as [SyncedTable, string, string];
      for (const value of values) {
        if (finalValue(table, id, field) === value) continue;
        if (kept.has(JSON.stringify([table, id, field, value]))) continue;
        lost.push(`${table}.${field} = ${JSON.stringify(value)} (final ${JSON.stringify(finalValue(table, id, field))})`);
      }
    }
    expect(lost, 'typed values found nowhere').toEqual([]);

    // 2b. A tablet's own successive edits are never a conflict, on any tablet: each was made on
    // top of the one before, even when the school re-dated the earlier one (a fast clock) after
    // the later was queued.
    const ownConflicts: string[] = [];
    for (const w of TABLETS) {
      for (const c of await tablets[w].db.conflicts.toArray()) {
        if (decodeHlc(c.hlc).node === decodeHlc(c.lostTo).node)
          ownConflicts.push(`${w}: ${c.field} ${JSON.stringify(c.value)} ${c.hlc} → ${c.lostTo}`);
      }
    }
    expect(ownConflicts, 'a tablet’s own later edit kept as a conflict with its earlier one').toEqual([]);

    // 3. Nothing left waiting, and nothing refused.
    for (const w of TABLETS) {
      const { waiting, needsAttention } = await outboxSummary(tablets[w].db);
      expect({ waiting, refused: needsAttention.length }, `outbox on ${w}`).toEqual({ waiting: 0, refused: 0 });
    }
  } finally {
    school.store.close();
    for (const t of Object.values(tablets)) {
      t.db.close();
      await t.db.delete();
    }
  }
}

describe('three tablets and the school, in any interleaving', () => {
  it('converge after two full rounds of syncing, lose no typed value, and leave nothing waiting', async () => {
    const seed = seedOfRun();
    console.log(`convergence seed: ${seed} (replay: WAYMARK_SEED=${seed} npx vitest run tests/integration/convergence.property.test.ts)`);
    await fc.assert(
      fc.asyncProperty(scenario, (s) => run(s)),
      { numRuns: 40, seed },
    );
  }, 120_000);
});
