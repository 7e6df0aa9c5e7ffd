import { LocationProvider, lazy, Route, Router, useLocation } from 'preact-iso';
import { accessOf, concernsNotDelivered, syncState } from '../data/index.ts';
import { Banners } from './components/banners.tsx';
import { ReadProblem } from './components/read-problem.tsx';
import { SyncStatus } from './components/sync-status.tsx';
import { ToastBar } from './components/toast-bar.tsx';
import { useLive, useTitle } from './hooks.ts';
import { db } from './notebook.ts';
import { Caseload } from './screens/Caseload.tsx';
import { PupilPage } from './screens/PupilPage.tsx';
import { SessionForm } from './screens/SessionForm.tsx';
import { Today } from './screens/Today.tsx';

// Screens used a few times a day load on first use (the service worker has them all, so they
// open offline too); Today, the caseload, a pupil and the note form are in the first download.
const PupilForm = lazy(() => import('./screens/PupilForm.tsx').then((m) => m.PupilForm));
const CloseSupport = lazy(() => import('./screens/CloseSupport.tsx').then((m) => m.CloseSupport));
const TargetForm = lazy(() => import('./screens/TargetForm.tsx').then((m) => m.TargetForm));
const EndTarget = lazy(() => import('./screens/TargetForm.tsx').then((m) => m.EndTarget));
const SessionPage = lazy(() => import('./screens/SessionPage.tsx').then((m) => m.SessionPage));
const Settings = lazy(() => import('./screens/Settings.tsx').then((m) => m.Settings));
const Concerns = lazy(() => import('./screens/Concerns.tsx').then((m) => m.Concerns));
const ConcernForm = lazy(() => import('./screens/ConcernForm.tsx').then((m) => m.ConcernForm));
const ConcernPage = lazy(() => import('./screens/ConcernPage.tsx').then((m) => m.ConcernPage));

function NotFound() {
  useTitle('Not here');
  return (
    <main id="main" class="screen">
      <h1>Not here</h1>
      <p>
        There is nothing at this address. <a href="/">Go to Today</a>.
      </p>
    </main>
  );
}

function Header() {
  const { path } = useLocation();
  const view = useLive(async () => {
    const [state, undelivered] = await Promise.all([syncState(db), concernsNotDelivered(db)]);
    return { readsConcerns: accessOf(state).readsEveryConcern, undelivered };
  }, []);
  const current = (href: string) => ((href === '/' ? path === '/' : path.startsWith(href)) ? 'page' : undefined);
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">Waymark</span>
      <nav aria-label="Main">
        <a href="/" aria-current={current('/')}>
          Today
        </a>
        <a href="/pupils" aria-current={current('/pupils')}>
          Caseload
        </a>
        {view?.readsConcerns && (
          <a href="/concerns" aria-current={current('/concerns')}>
            Concerns
          </a>
        )}
        <a href="/settings" aria-current={current('/settings')}>
          Settings
        </a>
      </nav>
      <SyncStatus />
      {(view?.undelivered ?? 0) > 0 && (
        <span class="concern-waiting" role="status">
          {view?.undelivered === 1 ? 'A concern is' : `${view?.undelivered} concerns are`} not yet with the DSL
        </span>
      )}
      <a class="button primary" href="/sessions/new">
        New note
      </a>
    </header>
  );
}

/** How long a new screen may take to load its record before focus is left where it is. */
const FOCUS_WAIT_MS = 3000;

/**
 * After moving to another screen, put focus at the start of the new screen's content, so a
 * keyboard or screen-reader user is not left on a control that has gone. A screen still loading
 * its record (`aria-busy`) is replaced when the record comes, taking focus with it: focus waits
 * for the screen that stays, unless the mentor has put it somewhere meanwhile. It waits by
 * watching the page change, not by checking every frame: asking for frames while the record
 * loads would keep a slow tablet drawing frames it does not need, and slow the screen it waits for.
 */
function focusNewScreen() {
  const from = document.activeElement;
  const untouched = () => document.activeElement === from || document.activeElement === document.body;
  const loaded = () => {
    const main = document.getElementById('main');
    return main && main.getAttribute('aria-busy') !== 'true' ? main : undefined;
  };
  const focus = (main: HTMLElement) =>
    // Just after the frame that shows it is painted: focusing needs the screen laid out, and
    // should not hold up the first sight of it.
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (!main.isConnected || !untouched()) return;
        main.setAttribute('tabindex', '-1');
        main.focus({ preventScroll: true });
      }, 0),
    );
  const ready = loaded();
  if (ready) return focus(ready);
  const observer = new MutationObserver(() => {
    if (!untouched()) return stop();
    const main = loaded();
    if (!main) return;
    stop();
    focus(main);
  });
  const timer = setTimeout(() => stop(), FOCUS_WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(document.getElementById('app') ?? document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-busy'],
  });
}

export function App() {
  return (
    <LocationProvider>
      <Screens />
    </LocationProvider>
  );
}

/** The header, banners and the screen at the address; a screen that cannot be read says so in its place. */
function Screens() {
  const { path } = useLocation();
  return (
    <ReadProblem path={path}>
      <Header />
      <Banners />
      <ReadProblem path={path}>
        <Router onRouteChange={focusNewScreen}>
          <Route path="/" component={Today} />
          <Route path="/pupils" component={Caseload} />
          <Route path="/pupils/new" component={PupilForm} />
          <Route path="/pupils/:id" component={PupilPage} />
          <Route path="/pupils/:id/edit" component={PupilForm} />
          <Route path="/pupils/:id/close" component={CloseSupport} />
          <Route path="/pupils/:id/targets/new" component={TargetForm} />
          <Route path="/targets/:targetId/edit" component={TargetForm} />
          <Route path="/targets/:targetId/end" component={EndTarget} />
          <Route path="/sessions/new" component={SessionForm} />
          <Route path="/sessions/:sessionId" component={SessionPage} />
          <Route path="/sessions/:sessionId/edit" component={SessionForm} />
          <Route path="/settings" component={Settings} />
          <Route path="/concerns" component={Concerns} />
          <Route path="/concerns/new" component={ConcernForm} />
          <Route path="/concerns/:id" component={ConcernPage} />
          <Route default component={NotFound} />
        </Router>
      </ReadProblem>
      <ToastBar />
    </ReadProblem>
  );
}
