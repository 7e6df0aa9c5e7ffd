import { render } from 'preact';
import { App } from './App.tsx';
import { startPwa } from './pwa.ts';
import { startSync } from './sync.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
startPwa();
startSync();
