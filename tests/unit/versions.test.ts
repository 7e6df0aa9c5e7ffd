/** A field's versions, each with who wrote it and when it reached the school (src/shared/versions.ts). */
import { describe, expect, it } from 'vitest';
import { mentorOfReading, type Version, versionsOf, writtenAndChanged } from '../../src/shared/versions.ts';

const SAM = 'mentor-sam';
const ALEX = 'mentor-alex';
const at = (hhmm: string) => `2026-11-24T${hhmm}:00.000Z`;

/** A note Sam wrote at 10:00 on a tablet, which reached the school at 15:30. */
const note = (fields: Record<string, unknown> = {}) => ({
  createdAt: at('10:00'),
  authorId: SAM,
  mentorId: SAM,
  receivedAt: at('15:30'),
  note: 'Read a chapter.',
  ...fields,
});

let ids = 0;
/** An edit that replaced `before`, made by `by` at `made`, at the school at `received`. */
type Edit = Parameters<typeof versionsOf>[1][number];
const edit = (before: Record<string, unknown>, by: string | undefined, made: string, received?: string): Edit => ({
  id: `r${String(++ids).padStart(3, '0')}`,
  before,
  createdAt: at(made),
  ...(by ? { authorId: by, mentorId: by } : { mentorId: null }),
  ...(received ? { receivedAt: at(received) } : {}),
});

const v = (value: unknown, by: string | undefined, made: string, received?: string): Version => ({
  value,
  by,
  at: at(made),
  receivedAt: received ? at(received) : undefined,
});

describe('versionsOf: each version of a field, newest first, with who wrote it and when it reached the school', () => {
  it.each<[string, Record<string, unknown>, Edit[], Version[]]>([
    ['never edited: one version, the author’s', note(), [], [v('Read a chapter.', SAM, '10:00', '15:30')]],
    [
      'not yet at the school: no time it arrived',
      note({ receivedAt: undefined }),
      [],
      [{ value: 'Read a chapter.', by: SAM, at: at('10:00'), receivedAt: undefined }],
    ],
    [
      'edited once by another: the edit’s mentor wrote the version now, the author the first',
      note({ note: 'Read two chapters.', mentorId: ALEX }),
      [edit({ note: 'Read a chapter.' }, ALEX, '11:00', '15:45')],
      [v('Read two chapters.', ALEX, '11:00', '15:45'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'edited twice, the revisions listed out of order: each version goes with the edit that wrote it',
      note({ note: 'Three.' }),
      [edit({ note: 'Two.' }, SAM, '12:00', '15:31'), edit({ note: 'Read a chapter.' }, ALEX, '11:00')],
      [v('Three.', SAM, '12:00', '15:31'), v('Two.', ALEX, '11:00'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'an edit of another field is no version of this one, and does not move who wrote it',
      note({ note: 'Two.', title: 'Lunch' }),
      [edit({ title: '' }, ALEX, '11:00', '15:40'), edit({ note: 'Read a chapter.' }, SAM, '12:00', '15:41')],
      [v('Two.', SAM, '12:00', '15:41'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'a field cleared by an edit: its earlier version is kept as it was',
      note({ note: undefined }),
      [edit({ note: 'Read a chapter.' }, ALEX, '11:00')],
      [v(undefined, ALEX, '11:00'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'two edits in the same millisecond: their ids keep them in the order they were made',
      note({ note: 'C' }),
      [edit({ note: 'Read a chapter.' }, ALEX, '11:00'), edit({ note: 'B' }, SAM, '11:00')],
      [v('C', SAM, '11:00'), v('B', ALEX, '11:00'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'from before authors were kept, never edited: its mentor wrote it',
      note({ authorId: undefined }),
      [],
      [v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
    [
      'from before authors were kept, edited: its mentor is its last editor, so its first writer is not known',
      note({ authorId: undefined, mentorId: ALEX, note: 'Two.' }),
      [edit({ note: 'Read a chapter.' }, ALEX, '11:00')],
      [v('Two.', ALEX, '11:00'), v('Read a chapter.', undefined, '10:00', '15:30')],
    ],
    [
      'an edit from before authors were kept: its mentor made it',
      note({ note: 'Two.' }),
      [{ ...edit({ note: 'Read a chapter.' }, undefined, '11:00'), mentorId: ALEX }],
      [v('Two.', ALEX, '11:00'), v('Read a chapter.', SAM, '10:00', '15:30')],
    ],
  ])('%s', (_, record, revisions, expected) => {
    expect(versionsOf(record as Parameters<typeof versionsOf>[0], revisions, 'note')).toEqual(expected);
  });
});

describe('writtenAndChanged: who wrote a record first, and who changed it last', () => {
  it.each<[string, Record<string, unknown>, Edit[], ReturnType<typeof writtenAndChanged>]>([
    ['never changed', note(), [], { written: { by: SAM, at: at('10:00'), receivedAt: at('15:30') }, changed: undefined }],
    [
      'changed twice, listed out of order: the later edit is the last change, whatever field it changed',
      note({ mentorId: ALEX }),
      [edit({ title: '' }, ALEX, '12:00', '15:50'), edit({ note: 'Read a chapter.' }, SAM, '11:00', '15:40')],
      { written: { by: SAM, at: at('10:00'), receivedAt: at('15:30') }, changed: { by: ALEX, at: at('12:00'), receivedAt: at('15:50') } },
    ],
    [
      'changed, not yet at the school',
      note(),
      [edit({ note: 'Read a chapter.' }, SAM, '11:00')],
      { written: { by: SAM, at: at('10:00'), receivedAt: at('15:30') }, changed: { by: SAM, at: at('11:00'), receivedAt: undefined } },
    ],
  ])('%s', (_, record, revisions, expected) => {
    expect(writtenAndChanged(record as unknown as Parameters<typeof writtenAndChanged>[0], revisions)).toEqual(expected);
  });
});

describe('mentorOfReading: whose tablet made a clock reading', () => {
  const mentors = [{ id: SAM, devices: ['tablet-1', 'tablet-2'] }, { id: ALEX, devices: ['tablet-3'] }, { id: 'mentor-old-endpoint' }];
  it.each([
    ['Sam’s second tablet', '2026-11-24T10:00:00.000Z_0000_tablet-2', SAM],
    ['Alex’s tablet', '2026-11-24T10:00:00.000Z_0003_tablet-3', ALEX],
    ['a tablet no mentor is listed with', '2026-11-24T10:00:00.000Z_0000_tablet-9', undefined],
    ['the school’s own reading', '2026-11-24T10:00:00.000Z_0000_school', undefined],
  ])('%s', (_, hlc, expected) => {
    expect(mentorOfReading(hlc, mentors)).toBe(expected);
  });
});
