import { render } from 'preact';
import { App } from './App.tsx';
import { startPwa } from './pwa.ts';
import './styles.css';

render(<App />, document.getElementById('app') as HTMLElement);
startPwa();
