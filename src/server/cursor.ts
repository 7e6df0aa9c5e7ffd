/**
 * Pull cursors, sealed. A cursor says where a tablet has read up to: this database's epoch, a
 * position in its change log, and the log's hash chain at that position. The log is one for all
 * the schools on an endpoint, so a position a tablet could read would show how busy the other
 * schools are; and a cursor a tablet could write could point anywhere. So the position and chain
 * travel sealed (AES-256-GCM, under a secret the database made once: a restore keeps it, a new
 * database makes another), behind the epoch in clear, which tells a replaced endpoint's cursors
 * apart from forged ones.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Cursor {
  epoch: string;
  seq: number;
  /** The chain at `seq` (absent at 0); in a cursor of an earlier release, the clock reading there. */
  at?: string;
}

const IV = 12;
const TAG = 16;
/** The sealed JSON's length: a chain (43 characters) and any position fit. */
const SEALED_LENGTH = 96;

/** `<epoch>.<base64url of iv, tag and the sealed JSON>`. */
export function sealCursor(secret: Buffer, cursor: Cursor): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.from(cursor.epoch));
  // Padded to one length, so that a cursor's length tells nothing of how far along the log it is.
  const inside = JSON.stringify({ seq: cursor.seq, at: cursor.at }).padEnd(SEALED_LENGTH);
  const sealed = Buffer.concat([cipher.update(inside), cipher.final()]);
  return `${cursor.epoch}.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
}

/**
 * The cursor in `text`, or undefined when this endpoint did not issue it. A cursor from another
 * database (another epoch) is returned with its epoch only, for the caller to answer `resync`.
 * Cursors of the last release, base64url JSON in clear, are still read (sync.ts checks their chain).
 */
export function openCursor(secret: Buffer, epoch: string, text: string): Cursor | undefined {
  const dot = text.indexOf('.');
  if (dot === -1) return wellFormed(parse(Buffer.from(text, 'base64url').toString('utf8')));
  const from = text.slice(0, dot);
  if (from !== epoch) return from.length > 0 ? { epoch: from, seq: 0 } : undefined;
  const bytes = Buffer.from(text.slice(dot + 1), 'base64url');
  if (bytes.length <= IV + TAG) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV));
    decipher.setAAD(Buffer.from(epoch));
    decipher.setAuthTag(bytes.subarray(IV, IV + TAG));
    const json = Buffer.concat([decipher.update(bytes.subarray(IV + TAG)), decipher.final()]).toString('utf8');
    const inside = parse(json) as { seq?: unknown; at?: unknown } | undefined;
    return wellFormed(inside && typeof inside === 'object' ? { ...inside, epoch } : undefined);
  } catch {
    return undefined;
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function wellFormed(c: unknown): Cursor | undefined {
  const cursor = c as Partial<Cursor> | null | undefined;
  // A position below 0 would read from the start of the log as if it were a first pull.
  if (
    typeof cursor?.epoch === 'string' &&
    Number.isInteger(cursor.seq) &&
    (cursor.seq as number) >= 0 &&
    (cursor.at === undefined || typeof cursor.at === 'string')
  )
    return { epoch: cursor.epoch, seq: cursor.seq as number, ...(cursor.at === undefined ? {} : { at: cursor.at }) };
  return undefined;
}
