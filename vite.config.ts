import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { ChunkingContext } from 'rolldown';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

const THEME = '#1d4e5f';

const APP_PAGE = resolve(import.meta.dirname, 'index.html');
/** Per build: keyed by the page's module info, which a build reuses while it splits chunks. */
const firstLoads = new WeakMap<object, Set<string>>();

/**
 * Whether the app page imports a module before it can start: statically, with no dynamic import
 * on the way. Worked out from index.html alone, so that a build with more pages
 * (bench/vite.config.ts) still splits the app as it ships.
 */
function inFirstLoad(id: string, ctx: ChunkingContext): boolean {
  const page = ctx.getModuleInfo(APP_PAGE);
  if (!page) return false;
  let found = firstLoads.get(page);
  if (!found) {
    found = new Set([APP_PAGE]);
    for (const seen of found) for (const next of ctx.getModuleInfo(seen)?.importedIds ?? []) found.add(next);
    firstLoads.set(page, found);
  }
  return found.has(id);
}

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside each text file of the build, once, at the
 * strongest settings, so the server sends a tablet the smaller one its browser accepts without
 * compressing on every request (src/server/static.ts). Runs after the service worker is built, so
 * sw.js has its copies too and the precache list names only the originals.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'waymark:precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
          if (!entry.isFile() || !/\.(js|mjs|css|html|svg|webmanifest|json|txt|ico)$/.test(entry.name)) continue;
          const path = join(entry.parentPath, entry.name);
          const original = readFileSync(path);
          // Below a packet's size a compressed copy saves nothing worth the header.
          if (original.byteLength < 1024) continue;
          const brotli = brotliCompressSync(original, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: original.byteLength,
            },
          });
          const gzip = gzipSync(original, { level: constants.Z_BEST_COMPRESSION });
          if (brotli.byteLength < original.byteLength) writeFileSync(`${path}.br`, brotli);
          if (gzip.byteLength < original.byteLength) writeFileSync(`${path}.gz`, gzip);
        }
      },
    },
  };
}

export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  define: {
    // Shown in Settings, and tells one build from the next in the update tests.
    __WAYMARK_BUILD__: JSON.stringify(process.env.WAYMARK_BUILD ?? new Date().toISOString()),
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // rollupOptions, not rolldownOptions: Vite takes one or the other, and configs merged onto this
    // one (bench/vite.config.ts) add their entries under rollupOptions.
    rollupOptions: {
      output: {
        // The first load in two files: the libraries, which change rarely and stay cached from one
        // release to the next, and Waymark's own code. What loads later (the write path, the sync
        // engine, workbox-window, the less used screens) is split where the dynamic imports fall.
        codeSplitting: {
          groups: [{ name: (id, ctx) => (inFirstLoad(id, ctx) ? (/[\\/]node_modules[\\/]/.test(id) ? 'vendor' : 'waymark') : null) }],
        },
      },
    },
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      // The page registers the service worker itself (src/app/pwa.ts), and asks before updating.
      injectRegister: false,
      registerType: 'prompt',
      // The manifest's icons and the manifest itself are added by the plugin; the globs add the rest.
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,ico,woff2}', 'icons/apple-touch-icon-*.png'],
        globIgnores: ['**/*.map', 'screenshots/**'],
      },
      manifest: {
        id: '/',
        name: 'Waymark',
        short_name: 'Waymark',
        description: 'Pupils, small targets and session notes for learning mentors: on the tablet, offline all day.',
        lang: 'en-GB',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: THEME,
        background_color: '#f7f7f4',
        categories: ['education', 'productivity'],
        icons: [
          { src: '/icons/pwa-64x64.png', sizes: '64x64', type: 'image/png' },
          { src: '/icons/pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-icon-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/waymark.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
        screenshots: [
          {
            src: '/screenshots/today-wide.png',
            sizes: '1366x1024',
            type: 'image/png',
            form_factor: 'wide',
            label: 'Today: check-ins due and sessions',
          },
          {
            src: '/screenshots/pupil-narrow.png',
            sizes: '768x1024',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'A pupil’s targets and notes',
          },
        ],
      },
    }),
    precompress(),
  ],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/faults/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    // The compiled server, made once for every test file that runs it in another process.
    globalSetup: ['tests/compile-server.ts'],
    environment: 'node',
    // Mentors' days are local days: test where local time and UTC differ for half the year.
    env: { TZ: 'Europe/London' },
  },
});
