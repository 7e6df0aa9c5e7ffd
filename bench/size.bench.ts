/**
 * Size: what a tablet downloads and parses before Today can show, gzip and brotli, against the
 * libraries Waymark cannot do without (Preact, Dexie, workbox-window) in their own minified
 * builds; Waymark's own share of it; and the service worker.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { test } from '@playwright/test';
import { record, summarise } from './lib/results.ts';

const KB = 1024;
const gzip = (bytes: Buffer | string) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes: Buffer | string) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const one = (x: number) => summarise([Math.round((x / KB) * 10) / 10]);

/** The files index.html makes the browser fetch before the app can run: the entry, its modulepreloads and the CSS. */
function firstLoad(dir: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => (m[1] as string).replace(/^\//, ''));
  return {
    js: [...attr(/<script[^>]+type="module"[^>]+src="([^"]+)"/g), ...attr(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)],
    css: attr(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
  };
}

/** Splits built chunks into Waymark's own code and the libraries', by their source maps. */
function ownAndLibraries(dir: string, files: string[]): { own: string; libraries: string } {
  let own = '';
  let libraries = '';
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    // The bundler's own runtime (rolldown-runtime: loading chunks) has no source map: it is the
    // bundler's code, counted with the libraries'.
    if (!existsSync(join(dir, `${file}.map`))) {
      libraries += text;
      continue;
    }
    const code = text.split('\n');
    const map = JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8')) as { sources: string[]; mappings: string };
    for (const [i, segments] of decode(map.mappings).entries()) {
      const line = code[i] ?? '';
      for (const [k, segment] of segments.entries()) {
        const end = segments[k + 1]?.[0] ?? line.length;
        const text = line.slice(segment[0], end);
        const source = segment.length > 1 ? (map.sources[segment[1] as number] ?? '') : '';
        if (source.includes('node_modules')) libraries += text;
        else own += text;
      }
    }
  }
  return { own, libraries };
}

test('size of the first load, the libraries alone, and the service worker', async () => {
  const dist = 'dist';
  const { js, css } = firstLoad(dist);
  const read = (f: string) => readFileSync(join(dist, f));
  const jsGzip = js.reduce((sum, f) => sum + gzip(read(f)), 0);
  const jsBrotli = js.reduce((sum, f) => sum + brotli(read(f)), 0);
  const cssGzip = css.reduce((sum, f) => sum + gzip(read(f)), 0);
  const cssBrotli = css.reduce((sum, f) => sum + brotli(read(f)), 0);

  const libs = [
    'node_modules/preact/dist/preact.mjs',
    'node_modules/dexie/dist/dexie.min.js',
    'node_modules/workbox-window/build/workbox-window.prod.mjs',
  ];
  const libsGzip = libs.reduce((sum, f) => sum + gzip(readFileSync(f)), 0);
  const libsBrotli = libs.reduce((sum, f) => sum + brotli(readFileSync(f)), 0);
  const baseline = (bytes: number) => ({ what: 'Preact + Dexie + workbox-window, minified', result: one(bytes) });

  // The same build with source maps, to tell Waymark's code from the libraries'.
  const mapped = mkdtempSync(join(tmpdir(), 'waymark-size-'));
  try {
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--sourcemap', '--outDir', mapped, '--emptyOutDir', '--logLevel', 'error'],
      {
        stdio: 'inherit',
      },
    );
    const parts = ownAndLibraries(mapped, firstLoad(mapped).js);
    const ownGzip = gzip(parts.own);
    await record({
      id: 'size-own-js',
      group: 'Size',
      what: 'Waymark’s own code in the first load, gzip',
      unit: 'KB',
      result: one(ownGzip),
      notes: `libraries in the first load: ${(gzip(parts.libraries) / KB).toFixed(1)} KB gzip`,
      budget: { text: '≤ 20 KB', met: ownGzip <= 20 * KB },
    });
  } finally {
    rmSync(mapped, { recursive: true, force: true });
  }

  await record({
    id: 'size-first-load-js-gzip',
    group: 'Size',
    what: `First-load JavaScript, gzip (${js.length} files)`,
    unit: 'KB',
    result: one(jsGzip),
    baseline: baseline(libsGzip),
    ratio: jsGzip / libsGzip,
    budget: { text: '≤ 60 KB', met: jsGzip <= 60 * KB },
  });
  await record({
    id: 'size-first-load-js-brotli',
    group: 'Size',
    what: 'First-load JavaScript, brotli',
    unit: 'KB',
    result: one(jsBrotli),
    baseline: baseline(libsBrotli),
    ratio: jsBrotli / libsBrotli,
  });
  await record({
    id: 'size-first-load-css',
    group: 'Size',
    what: 'First-load CSS, gzip / brotli',
    unit: 'KB',
    result: one(cssGzip),
    notes: `${(cssBrotli / KB).toFixed(1)} KB brotli`,
  });
  const sw = read('sw.js');
  await record({
    id: 'size-service-worker',
    group: 'Size',
    what: 'Service worker (sw.js, with the sync engine), gzip',
    unit: 'KB',
    result: one(gzip(sw)),
    notes: `${(brotli(sw) / KB).toFixed(1)} KB brotli, ${(sw.length / KB).toFixed(0)} KB raw`,
  });
});
