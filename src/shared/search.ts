/**
 * Finding a pupil by typing part of a name. A caseload fits in memory (hundreds of pupils at
 * most), and names are sensitive, so search runs here over loaded records rather than through a
 * database index of names.
 */
import type { Pupil } from './model.ts';

type Named = Pick<Pupil, 'id' | 'name' | 'preferredName'>;

/** Lower case, without accents or punctuation, so "Zoë O'Neill" is found by "zoe oneill". */
export const normalise = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.-]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

export interface NameIndex<T extends Named> {
  entries: { pupil: T; haystack: string; words: string[] }[];
}

/** Prepare once per list of pupils; `searchNames` then runs on every keystroke. */
export function indexNames<T extends Named>(pupils: readonly T[]): NameIndex<T> {
  return {
    entries: pupils.map((pupil) => {
      const haystack = normalise(`${pupil.name} ${pupil.preferredName ?? ''}`);
      return { pupil, haystack, words: haystack.split(' ') };
    }),
  };
}

/**
 * Pupils whose name or preferred name contains every typed word. Pupils with a word that starts
 * with what was typed come first, then alphabetical order. An empty query returns everyone.
 */
export function searchNames<T extends Named>(index: NameIndex<T>, query: string): T[] {
  const terms = normalise(query).split(' ').filter(Boolean);
  const byName = (a: { pupil: T }, b: { pupil: T }) => a.pupil.name.localeCompare(b.pupil.name, 'en-GB');
  if (terms.length === 0) return [...index.entries].sort(byName).map((e) => e.pupil);
  const hits: { pupil: T; rank: number }[] = [];
  for (const e of index.entries) {
    if (!terms.every((t) => e.haystack.includes(t))) continue;
    const prefix = terms.every((t) => e.words.some((w) => w.startsWith(t)));
    hits.push({ pupil: e.pupil, rank: prefix ? 0 : 1 });
  }
  return hits.sort((a, b) => a.rank - b.rank || byName(a, b)).map((h) => h.pupil);
}
