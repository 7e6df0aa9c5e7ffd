import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { allPupils } from '../../data/index.ts';
import { relativeDay } from '../../shared/dates.ts';
import { displayName } from '../../shared/model.ts';
import { supports } from '../../shared/roles.ts';
import { indexNames, searchNames } from '../../shared/search.ts';
import { WholeSchool, whoIsHere } from '../components/whole-school.tsx';
import { useLive, useTitle, useToday } from '../hooks.ts';
import { db } from '../notebook.ts';

export function Caseload() {
  const { query, route } = useLocation();
  const showClosed = query.show === 'closed';
  useTitle(showClosed ? 'Closed pupils' : 'Caseload');
  const day = useToday();
  // In the address, so that Back returns to the list as it was.
  const wholeSchool = query.whose === 'school';
  const setWholeSchool = (whole: boolean) => route(`/pupils?${new URLSearchParams({ ...query, whose: whole ? 'school' : 'mine' })}`, true);
  const who = useLive(() => whoIsHere(), []);
  const pupils = useLive(async () => {
    const [all, here] = await Promise.all([allPupils(db), whoIsHere()]);
    return wholeSchool ? all : all.filter((p) => supports(p, here.mentorId));
  }, [wholeSchool]);
  const [typed, setTyped] = useState('');
  const index = useMemo(() => indexNames((pupils ?? []).filter((p) => (p.status === 'closed') === showClosed)), [pupils, showClosed]);
  const found = useMemo(() => searchNames(index, typed), [index, typed]);
  const openCount = pupils?.filter((p) => p.status === 'active').length ?? 0;
  const closedCount = (pupils?.length ?? 0) - openCount;

  return (
    <main id="main" class="screen">
      <div class="screen-head">
        <h1>Caseload</h1>
        <a class="button primary" href="/pupils/new">
          Add a pupil
        </a>
      </div>
      {who?.seesWholeSchool && <WholeSchool whole={wholeSchool} onChange={setWholeSchool} />}
      <div class="caseload-tools">
        <label for="find" class="visually-hidden">
          Find a pupil
        </label>
        <input
          id="find"
          type="search"
          placeholder="Find a pupil by name"
          value={typed}
          autoComplete="off"
          spellcheck={false}
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
        <fieldset class="tabs">
          <legend class="visually-hidden">Which pupils</legend>
          <button type="button" aria-pressed={!showClosed} onClick={() => route('/pupils', true)}>
            On caseload ({openCount})
          </button>
          <button type="button" aria-pressed={showClosed} onClick={() => route('/pupils?show=closed', true)}>
            Closed ({closedCount})
          </button>
        </fieldset>
      </div>
      {!pupils ? (
        <p aria-busy="true">Loading…</p>
      ) : found.length === 0 ? (
        <p class="empty">
          {typed
            ? `No ${showClosed ? 'closed ' : ''}pupil matches “${typed}”.`
            : showClosed
              ? 'No closed pupils.'
              : 'No pupils yet. Add the first one.'}
        </p>
      ) : (
        <ul class="pupil-list" aria-label={showClosed ? 'Closed pupils' : 'Pupils on the caseload'}>
          {found.map((p) => (
            <li key={p.id}>
              <a href={`/pupils/${p.id}`} class="pupil-card">
                <span class="who">{displayName(p)}</span>
                <span class="subtle">
                  {p.yearGroup}
                  {p.form ? ` · ${p.form}` : ''}
                  {p.status === 'closed' && p.closedOn ? ` · closed ${relativeDay(p.closedOn, day)}` : ''}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
