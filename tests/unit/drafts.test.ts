import { describe, expect, it } from 'vitest';
import { changedFields, draftToRestore, keptDraft, type Opened, openDraft, readStash, type Stash } from '../../src/data/drafts.ts';

const EARLIER = '2026-11-24T09:00:00.000Z';
const LATER = '2026-11-24T09:00:05.000Z';
const stashed: Stash = { value: { note: 'typed as the page went' }, savedAt: LATER };
const stored: Stash = { value: { note: 'saved at a pause in typing' }, savedAt: EARLIER };

describe('which copy of a half-typed form comes back', () => {
  it.each<[string, Stash | undefined, Stash | undefined, Stash | undefined, boolean]>([
    // case, database draft, stash, restored, stash written to the database first?
    ['the stash is newer', stored, stashed, stashed, true],
    ['the database draft is newer', { ...stored, savedAt: LATER }, { ...stashed, savedAt: EARLIER }, { ...stored, savedAt: LATER }, false],
    [
      'both saved at the same moment: the database already has it',
      { ...stored, savedAt: LATER },
      stashed,
      { ...stored, savedAt: LATER },
      false,
    ],
    ['only a stash', undefined, stashed, stashed, true],
    ['only a database draft', stored, undefined, stored, false],
    ['neither', undefined, undefined, undefined, false],
    // Times compare as moments, not as text: 09:30 an hour ahead of London in winter is 08:30 there.
    [
      'the database draft is newer, the stash’s time written another way',
      stored,
      { ...stashed, savedAt: '2026-11-24T09:30:00+01:00' },
      stored,
      false,
    ],
  ])('%s', (_, inDatabase, stash, restored, fromStash) => {
    expect(draftToRestore(inDatabase, stash)).toEqual({ draft: restored, fromStash });
  });
});

describe('a stash read back from the page’s storage', () => {
  it.each<[string, string | null, Stash | undefined]>([
    ['as written', JSON.stringify(stashed), stashed],
    ['none', null, undefined],
    ['empty', '', undefined],
    ['cut short', JSON.stringify(stashed).slice(0, 20), undefined],
    ['not an object', '"a note"', undefined],
    ['null', 'null', undefined],
    ['with nothing in it', JSON.stringify({ savedAt: LATER }), undefined],
    ['with no time', JSON.stringify({ value: stashed.value }), undefined],
    ['with a time that is not a time', JSON.stringify({ value: stashed.value, savedAt: 'yesterday-ish' }), undefined],
    ['with a time that is a number', JSON.stringify({ value: stashed.value, savedAt: 1764000000000 }), undefined],
  ])('%s', (_, raw, expected) => {
    expect(readStash(raw)).toEqual(expected);
  });

  it('a malformed stash is never chosen over the database draft', () => {
    expect(draftToRestore(stored, readStash('{"value":'))).toEqual({ draft: stored, fromStash: false });
  });
});

interface Fields {
  note: string;
  pupilIds: string[];
  minutes?: string;
}

describe('what an edit form opened on, kept with its draft', () => {
  const opened: Opened<Fields> = { fields: { note: 'As it was', pupilIds: ['a'] }, clocks: { note: '0001' } };
  const initial: Fields = { note: '', pupilIds: [], minutes: '20' };

  it.each<[string, Fields, Opened<Fields> | undefined]>([
    ['an edit form', { note: 'Changed', pupilIds: ['a'] }, opened],
    ['a new record’s form (nothing opened on)', { note: 'New', pupilIds: ['b'] }, undefined],
  ])('%s: kept and opened again, the same fields and the same record opened on', (_, fields, was) => {
    const kept = JSON.parse(JSON.stringify(keptDraft(fields, was)));
    expect(openDraft(kept, initial)).toEqual({ fields: { ...initial, ...fields }, opened: was });
  });

  it('a draft kept before drafts held what their form opened on opens on the record as it is now', () => {
    expect(openDraft({ note: 'Old draft', pupilIds: ['a'] }, initial)).toEqual({
      fields: { note: 'Old draft', pupilIds: ['a'], minutes: '20' },
      opened: undefined,
    });
  });

  it('a field the form gained since the draft was kept starts from the form’s own value', () => {
    expect(openDraft(keptDraft({ note: 'Kept', pupilIds: [] }, opened), initial).fields).toEqual({
      note: 'Kept',
      pupilIds: [],
      minutes: '20',
    });
  });
});

describe('what an edit changes', () => {
  const was: Fields = { note: 'As it was', pupilIds: ['a', 'b'], minutes: '20' };
  it.each<[string, Fields, Partial<Fields>]>([
    ['nothing changed', { note: 'As it was', pupilIds: ['a', 'b'], minutes: '20' }, {}],
    ['one field changed', { ...was, note: 'Reworded' }, { note: 'Reworded' }],
    ['a field cleared', { ...was, note: '' }, { note: '' }],
    ['a list with the same contents, a new copy', { ...was, pupilIds: [...was.pupilIds] }, {}],
    ['a list changed', { ...was, pupilIds: ['a'] }, { pupilIds: ['a'] }],
    ['a list reordered', { ...was, pupilIds: ['b', 'a'] }, { pupilIds: ['b', 'a'] }],
    ['two fields changed', { ...was, note: 'Reworded', minutes: '30' }, { note: 'Reworded', minutes: '30' }],
  ])('%s', (_, now, changed) => {
    expect(changedFields(was, now)).toEqual(changed);
  });

  it('a field the form did not have when it opened counts as changed', () => {
    expect(changedFields<Fields>({ note: 'As it was', pupilIds: [] }, { note: 'As it was', pupilIds: [], minutes: '30' })).toEqual({
      minutes: '30',
    });
  });
});
