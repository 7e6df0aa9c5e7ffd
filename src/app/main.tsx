import { render } from 'preact';
import { preloadWritePath } from '../data/index.ts';
import { App } from './App.tsx';
import { startPwa } from './pwa.ts';
import { startSync } from './sync.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
startPwa();
startSync();
if (!window.isSecureContext) void import('./components/insecure-context.tsx').then((m) => m.showInsecureContext());
// Once the first screen is up, fetch what saving needs (it is not in the first download), so the
// first tap on a check-in is saved as fast as every later one.
if ('requestIdleCallback' in window) requestIdleCallback(preloadWritePath, { timeout: 2000 });
else setTimeout(preloadWritePath, 500);
