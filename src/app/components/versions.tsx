/**
 * A record's versions as the mentor reads them: each says who wrote it, when their tablet says
 * they did, and when it reached the school (the endpoint's word, src/shared/versions.ts).
 */
import { relativeMoment } from '../../shared/dates.ts';
import type { Revision } from '../../shared/model.ts';
import { type Version, type Versioned, versionsOf } from '../../shared/versions.ts';

/**
 * "Sam Patel, today at 10:05 by their tablet's clock; at the school today at 15:30". Who is left
 * out where it is not known: a record from before authors were kept, or made before this tablet
 * was enrolled.
 */
export function provenance(version: Pick<Version, 'by' | 'at' | 'receivedAt'>, names: ReadonlyMap<string, string>, now: Date): string {
  const who = version.by ? `${names.get(version.by) ?? 'a mentor no longer listed'}, ` : '';
  const reached = version.receivedAt ? `at the school ${relativeMoment(version.receivedAt, now)}` : 'not yet at the school';
  return `${who}${relativeMoment(version.at, now)} by their tablet’s clock; ${reached}`;
}

/**
 * Each earlier version of the named fields, newest first, in a box to open (a note's earlier
 * wordings are there for anyone to check, not to read every time), or in full view (`open`).
 */
export function EarlierVersions({
  record,
  revisions,
  fields,
  names,
  title = 'Earlier versions',
  open = false,
}: {
  record: Versioned & Record<string, unknown>;
  revisions: readonly Revision[];
  /** Each field with its name in the mentor's words: "the note". */
  fields: Readonly<Record<string, string>>;
  names: ReadonlyMap<string, string>;
  title?: string;
  open?: boolean;
}) {
  const now = new Date();
  const earlier = Object.entries(fields).flatMap(([field, label]) =>
    versionsOf(record, revisions, field)
      .slice(1)
      .map((version) => ({ field, label, version })),
  );
  if (earlier.length === 0) return null;
  const list = (
    <ol class="plain">
      {earlier.map(({ field, label, version }, i) => (
        <li key={`${field}-${i}`}>
          <p class="subtle">
            {label[0]?.toUpperCase()}
            {label.slice(1)} as written: {provenance(version, names, now)}
          </p>
          <p class="note-text">{typeof version.value === 'string' && version.value ? version.value : 'nothing'}</p>
        </li>
      ))}
    </ol>
  );
  return open ? (
    <section class="history" aria-labelledby="earlier-h">
      <h2 id="earlier-h">
        {title} ({earlier.length})
      </h2>
      {list}
    </section>
  ) : (
    <details class="history">
      <summary>
        {title} ({earlier.length})
      </summary>
      {list}
    </details>
  );
}
