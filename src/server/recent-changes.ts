/**
 * The tail of the change log, kept in memory. At the end of a school day every tablet pulls the
 * day's changes, the same few thousand rows over and over; served from here, a pull page is a
 * copy of bytes already made instead of a thousand rows read from SQLite (about 1 ms a page,
 * most of a busy endpoint's time).
 *
 * It holds only changes this process logged and saw committed, and only an unbroken run of log
 * positions. A page is served from here only when that run reaches back to the cursor and forward
 * to the log's last position, so anything it cannot vouch for (a change logged by another process,
 * a restart, a cursor older than the tail) is read from the database as before.
 */
import type { ChangePage } from './store.ts';

export interface LoggedChange {
  seq: number;
  schoolId: string;
  deviceId: string;
  /** The change's stored JSON, as UTF-8. */
  wire: Buffer;
}

const COMMA = Buffer.from(',');

export class RecentChanges {
  /** Log positions (after, after + entries.length] are held, in order, with no gaps. */
  private after = 0;
  private entries: LoggedChange[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** Changes just committed, in log order. A gap before them starts the run again from them. */
  add(changes: readonly LoggedChange[]): void {
    for (const change of changes) {
      if (change.seq !== this.after + this.entries.length + 1) {
        this.after = change.seq - 1;
        this.entries = [];
        this.bytes = 0;
      }
      this.entries.push(change);
      this.bytes += change.wire.length;
    }
    if (this.bytes > this.maxBytes) {
      // Drop the oldest quarter at once rather than one at a time: shifting a long array is slow.
      let drop = 0;
      let dropped = 0;
      while (this.bytes - dropped > (this.maxBytes * 3) / 4 && drop < this.entries.length)
        dropped += (this.entries[drop++] as LoggedChange).wire.length;
      this.entries = this.entries.slice(drop);
      this.after += drop;
      this.bytes -= dropped;
    }
  }

  /** Forgets everything: the next page is read from the database. */
  clear(): void {
    this.after += this.entries.length;
    this.entries = [];
    this.bytes = 0;
  }

  /**
   * The page after `after`, as the database would give it, or undefined when this tail does not
   * hold every change from there to `latest` (the log's last position, read from the database).
   */
  page(schoolId: string, after: number, limit: number, latest: number, excludeDevice?: string): ChangePage | undefined {
    const last = this.after + this.entries.length;
    if (after < this.after || last !== latest) return undefined;
    const json: Buffer[] = [];
    let count = 0;
    let lastSeq: number | null = null;
    for (let i = after - this.after; i < this.entries.length && count < limit; i++) {
      const change = this.entries[i] as LoggedChange;
      if (change.schoolId !== schoolId || change.deviceId === excludeDevice) continue;
      if (count > 0) json.push(COMMA);
      json.push(change.wire);
      count++;
      lastSeq = change.seq;
    }
    return { json, count, lastSeq };
  }
}
