/**
 * The bench build: the app exactly as shipped, plus a blank page that the service worker
 * precaches with it (the floor a cold start is measured against). Built to build/bench-app;
 * never deployed. The harness page is a build of its own (harness.vite.config.ts).
 */
import { mergeConfig } from 'vite';
import app from '../vite.config.ts';

export default mergeConfig(app, {
  build: {
    outDir: 'build/bench-app',
    emptyOutDir: true,
    rollupOptions: { input: { index: 'index.html', blank: 'bench/pages/blank.html' } },
  },
});
