/**
 * The changes this tablet delivered, kept for a month. A school's endpoint restored from last
 * night's backup no longer has what tablets sent it since, and says so: its answers carry
 * `received`, the last of this tablet's changes it holds. Every kept change above that goes back
 * into the outbox, the same change under the same number, and is sent again, so a restore loses
 * nothing a tablet still holds.
 */
import type { DeliveredEntry, OutboxEntry, WaymarkDB } from '../db.ts';

/** How long a delivered change is kept: long enough for a school to notice and restore last month's backup. */
export const KEEP_DELIVERED_DAYS = 30;
const KEEP_DELIVERED_MS = KEEP_DELIVERED_DAYS * 24 * 60 * 60_000;

/**
 * Moves a change the endpoint acknowledged from the outbox to the kept ones, in one transaction
 * (the caller's, if it has one). `sent` is the reading it was sent with; `stored`, the one the
 * endpoint stored it with when it re-dated it: the tablet adopted that one, so the change is sent
 * again with it.
 */
export async function keepDelivered(db: WaymarkDB, entry: OutboxEntry, sent: string, stored: string | undefined, now: Date): Promise<void> {
  const { rejected: _, ...change } = entry;
  const redated = stored !== undefined && stored !== sent;
  const kept: DeliveredEntry = { ...change, ...(redated ? { hlc: stored, sentHlc: sent } : {}), deliveredAt: now.toISOString() };
  await db.transaction('rw', db.outbox, db.delivered, async () => {
    await db.delivered.put(kept);
    await db.outbox.delete(entry.seq);
  });
}

/**
 * The endpoint holds this tablet's changes up to `received` and no further: every kept change
 * above it goes back into the outbox to be sent again, and a refusal above it is forgotten (the
 * endpoint no longer has it, and judges that change again). Returns how many changes are to go
 * again. In one transaction: a change is kept or waiting, never both and never neither.
 */
export async function sendAgainAbove(db: WaymarkDB, received: number): Promise<number> {
  return db.transaction('rw', db.outbox, db.delivered, async () => {
    const kept = await db.delivered.where('seq').above(received).toArray();
    const refused = await db.outbox
      .where('seq')
      .above(received)
      .filter((e) => e.rejected !== undefined)
      .count();
    if (kept.length === 0 && refused === 0) return 0;
    await db.outbox.bulkPut(kept.map(({ deliveredAt: _, sentHlc: __, ...change }) => change));
    await db.delivered.bulkDelete(kept.map((k) => k.seq));
    // The endpoint re-dated some of these when they first came, and matched the readings they were
    // sent with in later changes' base to its own. It no longer has them: the changes going again
    // name the readings it will store, as this tablet's own clocks do.
    const redated = new Map(kept.flatMap((k) => (k.sentHlc ? [[k.sentHlc, k.hlc as string] as const] : [])));
    await db.outbox
      .where('seq')
      .above(received)
      .modify((entry) => {
        delete entry.rejected;
        if (entry.base && redated.size > 0) {
          entry.base = Object.fromEntries(
            Object.entries(entry.base).map(([field, clock]) => [field, (clock && redated.get(clock)) ?? clock]),
          );
        }
      });
    return kept.length + refused;
  });
}

/**
 * Forgets the kept changes delivered more than KEEP_DELIVERED_DAYS before `now`: the school's time
 * (schoolTime), so that a tablet clock set wrongly ahead does not forget a month's changes at once.
 */
export async function forgetOldDelivered(db: WaymarkDB, now: Date): Promise<void> {
  const before = new Date(now.getTime() - KEEP_DELIVERED_MS).toISOString();
  await db.transaction('rw', db.delivered, () => db.delivered.where('deliveredAt').below(before).delete());
}

/**
 * The school's time by this tablet's clock, corrected by how far the school says it is off: a
 * change is kept a month by the school's calendar, however wrong the tablet's clock.
 */
export const schoolTime = (now: Date, clockSkewMs: number | undefined) => new Date(now.getTime() - (clockSkewMs ?? 0));
