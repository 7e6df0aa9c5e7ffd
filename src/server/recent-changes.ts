/**
 * The tail of the change log, kept in memory. At the end of a school day every tablet pulls the
 * day's changes, the same few thousand rows over and over; served from here, a pull page is a few
 * slices of bytes already made instead of a thousand rows read from SQLite for every tablet.
 *
 * It holds only changes this process logged and saw committed, and only an unbroken run of log
 * positions. A page is served from here only when that run reaches back to the cursor and forward
 * to the log's last position, so anything it cannot vouch for (a change logged by another process,
 * a restart, a cursor older than the tail) is read from the database as before.
 */
import { type Reader, receives } from '../shared/roles.ts';
import type { ChangePage, ConcernText, Puller } from './store.ts';

export interface LoggedChange {
  seq: number;
  schoolId: string;
  deviceId: string;
  /** The change's stored JSON. */
  wire: string;
  concernText?: ConcernText;
}

/** Who reads a page pulled for no tablet in particular: no one's concern text. */
export const NO_ONE: Reader = { mentorId: '', readsEveryConcern: false };

/** Where a held change's JSON lies in `bytes`: [start, end), followed by a comma. */
interface Held {
  seq: number;
  schoolId: string;
  deviceId: string;
  start: number;
  end: number;
  /** The JSON's length in characters, as the database counts it for a page's length. */
  chars: number;
  concernText?: ConcernText;
}

export class RecentChanges {
  /** Log positions (after, after + held.length] are held, in order, with no gaps. */
  private after = 0;
  private held: Held[] = [];
  /**
   * Every held change's JSON, each followed by a comma, one after another: a run of changes a
   * page sends is then one slice, not a thousand strings and the commas between them.
   * Slices already handed out stay valid: bytes are only ever added after them, or a new buffer
   * is made.
   */
  private bytes = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** Changes just committed, in log order. A gap before them starts the run again from them. */
  add(changes: readonly LoggedChange[]): void {
    for (const change of changes) {
      if (change.seq !== this.after + this.held.length + 1) this.restartAt(change.seq - 1);
      const size = Buffer.byteLength(change.wire) + 1;
      if (this.used + size > this.bytes.length) this.makeRoom(size);
      const start = this.used;
      this.used += this.bytes.write(change.wire, start);
      this.held.push({
        seq: change.seq,
        schoolId: change.schoolId,
        deviceId: change.deviceId,
        start,
        end: this.used,
        chars: change.wire.length,
        ...(change.concernText ? { concernText: change.concernText } : {}),
      });
      this.bytes[this.used++] = 0x2c; // ','
    }
  }

  /** Forgets everything: the next page is read from the database. */
  clear(): void {
    this.restartAt(this.after + this.held.length);
  }

  private restartAt(after: number): void {
    this.after = after;
    this.held = [];
    this.bytes = Buffer.alloc(0);
    this.used = 0;
  }

  /** Room for `size` more bytes: the oldest quarter is dropped once the tail would pass its size. */
  private makeRoom(size: number): void {
    let from = 0;
    if (this.used + size > this.maxBytes) {
      const keep = (this.maxBytes * 3) / 4 - size;
      while (from < this.held.length && this.used - (this.held[from] as Held).start > keep) from++;
    }
    const kept = this.held.slice(from);
    const shift = kept[0]?.start ?? this.used;
    const length = this.used - shift;
    const next = Buffer.allocUnsafe(Math.min(Math.max(this.maxBytes, length + size), Math.max(64 * 1024, 2 * (length + size))));
    this.bytes.copy(next, 0, shift, this.used);
    this.after += from;
    this.held = kept.map((h) => ({ ...h, start: h.start - shift, end: h.end - shift }));
    this.bytes = next;
    this.used = length;
  }

  /**
   * The page after `after`, as the database would give it, or undefined when this tail does not
   * hold every change from there to `latest` (the log's last position, read from the database).
   */
  page(schoolId: string, after: number, limit: number, latest: number, puller?: Puller, maxChars = Infinity): ChangePage | undefined {
    const reader = puller ?? NO_ONE;
    if (after < this.after || this.after + this.held.length !== latest) return undefined;
    const json: Buffer[] = [];
    let count = 0;
    let chars = 0;
    let full = false;
    let lastSeq: number | null = null;
    // The run of sent changes being gathered: from `start` to `end`, commas between them included.
    let start = -1;
    let end = -1;
    for (let i = after - this.after; i < this.held.length; i++) {
      const change = this.held[i] as Held;
      if (change.schoolId !== schoolId || change.deviceId === puller?.deviceId) continue;
      if (!receives(reader, change.concernText?.by, change.concernText?.notice)) continue;
      // Stopped by `limit` or by its length, with this change after it.
      if (count === limit || chars >= maxChars) {
        full = true;
        break;
      }
      chars += change.chars;
      if (start < 0 || change.start !== end + 1) {
        if (start >= 0) json.push(this.bytes.subarray(start, end + 1));
        start = change.start;
      }
      end = change.end;
      count++;
      lastSeq = change.seq;
    }
    // The last run without its trailing comma.
    if (start >= 0) json.push(this.bytes.subarray(start, end));
    return { json, count, lastSeq, full };
  }
}
