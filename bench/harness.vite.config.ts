/**
 * The bench harness (bench/pages/harness.ts): the data layer exposed to the benchmarks, built
 * apart from the app so that it shares no chunk with it (the app's entry would start the app).
 * The benchmarks add it to the blank page, on the app's origin and so on the tablet's database.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    target: 'es2022',
    outDir: 'build/bench-app/harness',
    emptyOutDir: true,
    lib: { entry: 'bench/pages/harness.ts', formats: ['es'], fileName: 'harness' },
  },
});
