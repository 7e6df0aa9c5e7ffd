import { useRef, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Banners } from './components/banners.tsx';
import { Caseload } from './screens/Caseload.tsx';
import { CloseSupport } from './screens/CloseSupport.tsx';
import { PupilForm } from './screens/PupilForm.tsx';
import { PupilPage } from './screens/PupilPage.tsx';
import { SessionForm } from './screens/SessionForm.tsx';
import { SessionPage } from './screens/SessionPage.tsx';
import { Settings } from './screens/Settings.tsx';
import { EndTarget, TargetForm } from './screens/TargetForm.tsx';
import { Today } from './screens/Today.tsx';
import { hideToast, holdToast, useToast } from './toast.ts';

function NotFound() {
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
        <a href="/settings" aria-current={current('/settings')}>
          Settings
        </a>
      </nav>
      <a class="button primary" href="/sessions/new">
        New note
      </a>
    </header>
  );
}

function ToastBar() {
  const toast = useToast();
  const [word, setWord] = useState('');
  const [open, setOpen] = useState(false);
  const lastToast = useRef(toast);
  if (lastToast.current !== toast) {
    lastToast.current = toast;
    if (open) setOpen(false);
    if (word) setWord('');
  }
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {toast && (
        <div class="toast">
          <span>{toast.message}</span>
          {toast.word && !open && (
            <button
              type="button"
              onClick={() => {
                holdToast();
                setOpen(true);
              }}
            >
              {toast.word.label}
            </button>
          )}
          {toast.word && open && (
            <form
              class="toast-word"
              onSubmit={(e) => {
                e.preventDefault();
                toast.word?.save(word.trim());
                hideToast();
              }}
            >
              <label>
                <span class="visually-hidden">A word about it</span>
                <input value={word} maxLength={200} onInput={(e) => setWord(e.currentTarget.value)} ref={(el) => el?.focus()} />
              </label>
              <button type="submit">Save word</button>
            </form>
          )}
          {toast.action && (
            <button
              type="button"
              onClick={() => {
                toast.action?.run();
                hideToast();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" class="close" aria-label="Dismiss" onClick={hideToast}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}

export function App() {
  return (
    <LocationProvider>
      <Header />
      <Banners />
      <Router>
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
        <Route default component={NotFound} />
      </Router>
      <ToastBar />
    </LocationProvider>
  );
}
