import { describe, expect, it } from 'vitest';
import { indexNames, normalise, searchNames } from '../../src/shared/search.ts';

const pupils = [
  { id: '1', name: 'Jacob Smith', preferredName: 'Jake' },
  { id: '2', name: "Zoë O'Neill", preferredName: '' },
  { id: '3', name: 'Amelia Jacobs', preferredName: 'Millie' },
  { id: '4', name: 'Mohammed Khan', preferredName: 'Mo' },
  { id: '5', name: 'Joanne Taylor', preferredName: '' },
  { id: '6', name: 'Siân Jones', preferredName: '' },
];
const names = (q: string) => searchNames(indexNames(pupils), q).map((p) => p.name);

describe('name search', () => {
  it.each([
    ['', ['Amelia Jacobs', 'Jacob Smith', 'Joanne Taylor', 'Mohammed Khan', 'Siân Jones', "Zoë O'Neill"]],
    ['jac', ['Amelia Jacobs', 'Jacob Smith']],
    ['JAKE', ['Jacob Smith']],
    ['millie', ['Amelia Jacobs']],
    ['zoe', ["Zoë O'Neill"]],
    ['oneill', ["Zoë O'Neill"]],
    // An accent inside a word, not only at its end.
    ['sian', ['Siân Jones']],
    ['siân jones', ['Siân Jones']],
    ['o neill', ["Zoë O'Neill"]],
    ['ann', ['Joanne Taylor']],
    ['smith jac', ['Jacob Smith']],
    ['  mo  ', ['Mohammed Khan']],
    ['ob', ['Amelia Jacobs', 'Jacob Smith']],
    ['xyz', []],
  ])('"%s" finds %j', (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  // The one form both a name and what is typed are brought to before they are compared.
  it.each([
    ["Zoë O'Neill", 'zoe oneill'],
    ['  Siân   JONES ', 'sian jones'],
    ['Mary-Jane\tSmith', 'maryjane smith'],
    ['Chloé St. John', 'chloe st john'],
  ])('"%s" is compared as "%s"', (name, compared) => {
    expect(normalise(name)).toBe(compared);
  });

  it('finds a pupil among 600 by part of a name', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      id: String(i),
      name: `Pupil ${String(i).padStart(3, '0')} Example`,
      preferredName: '',
    }));
    many.push({ id: 'x', name: 'Priya Natarajan', preferredName: '' });
    expect(searchNames(indexNames(many), 'nata').map((p) => p.id)).toEqual(['x']);
    // 590 to 599 start with "59" and come first; 059, 159 … 559 only contain it.
    const hits = searchNames(indexNames(many), 'pupil 59').map((p) => p.id);
    expect(hits).toHaveLength(16);
    expect(hits.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => String(590 + i)));
  });
});
