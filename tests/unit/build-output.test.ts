/**
 * The production build, as a reviewer of a PWA checks it: the web app manifest, the install
 * metadata in index.html, the precache list injected into the service worker, and no source maps.
 *
 * This test reads dist/ and does not build it: `npm test` must run `npm run build` before the unit
 * tests. Run by hand, build first: `npm run build && npx vitest run tests/unit/build-output.test.ts`.
 * Without a build it fails (it never skips), saying so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '../../dist');

interface ManifestImage {
  src: string;
  sizes?: string;
  type?: string;
  purpose?: string;
}
interface WebManifest {
  name?: string;
  short_name?: string;
  start_url?: string;
  scope?: string;
  display?: string;
  theme_color?: string;
  background_color?: string;
  icons?: ManifestImage[];
  screenshots?: ManifestImage[];
}
interface PrecacheEntry {
  url: string;
  revision: string | null;
}

/** Every file under dist/, as a path relative to dist/ with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(DIST, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** A URL from the manifest or the precache list ("/icons/a.png", "icons/a.png?v=1") as a path in dist/. */
const distPath = (url: string) => decodeURIComponent(new URL(url, 'https://waymark.test/').pathname.slice(1));

/**
 * The entries vite-plugin-pwa injects in place of `self.__WB_MANIFEST`: objects with a `url` and a
 * `revision` (a hash, or null for files with a hash in their name). Read by regex, so quoted or
 * unquoted keys, either order and minified output all parse.
 */
function precacheEntries(sw: string): PrecacheEntry[] {
  const entries: PrecacheEntry[] = [];
  for (const [object] of sw.matchAll(/\{[^{}]*\burl"?\s*:\s*"[^"]*"[^{}]*\}/g)) {
    const revision = /\brevision"?\s*:\s*(null|"([^"]*)")/.exec(object);
    const url = /\burl"?\s*:\s*"([^"]*)"/.exec(object)?.[1];
    if (revision && url !== undefined) entries.push({ url, revision: revision[2] ?? null });
  }
  return entries;
}

let files: string[];
let manifest: WebManifest;
let html: string;
let precache: PrecacheEntry[];
let precached: Set<string>;

beforeAll(() => {
  if (!existsSync(join(DIST, 'sw.js'))) {
    throw new Error(`No production build: ${join(DIST, 'sw.js')} is missing. Run \`npm run build\` first, then run this test again.`);
  }
  files = filesUnder(DIST);
  manifest = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8'));
  html = readFileSync(join(DIST, 'index.html'), 'utf8');
  precache = precacheEntries(readFileSync(join(DIST, 'sw.js'), 'utf8'));
  precached = new Set(precache.map((e) => distPath(e.url)));
});

describe('dist/manifest.webmanifest', () => {
  it('names the app and installs it standalone at the root', () => {
    expect(manifest.name).toBeTruthy();
    expect(manifest.short_name).toBeTruthy();
    expect(manifest.start_url).toBe('/');
    expect(manifest.scope).toBe('/');
    expect(manifest.display).toBe('standalone');
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{3,8}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{3,8}$/i);
  });

  it('has PNG icons at 192x192 and 512x512, and a maskable one', () => {
    const icons = manifest.icons ?? [];
    const png = (size: string) => icons.filter((i) => i.type === 'image/png' && (i.sizes ?? '').split(/\s+/).includes(size));
    expect(png('192x192'), 'a 192x192 image/png icon').not.toHaveLength(0);
    expect(png('512x512'), 'a 512x512 image/png icon').not.toHaveLength(0);
    expect(
      icons.filter((i) => (i.purpose ?? 'any').split(/\s+/).includes('maskable')),
      'an icon with purpose "maskable"',
    ).not.toHaveLength(0);
  });

  it('every icon it lists is in dist/', () => {
    const missing = (manifest.icons ?? []).map((i) => distPath(i.src)).filter((p) => !files.includes(p));
    expect(missing, 'icons listed in the manifest but not in dist/').toEqual([]);
  });

  // Fails until the screenshots have been made: a manifest that lists them must ship them.
  it('every screenshot it lists is in dist/', () => {
    const missing = (manifest.screenshots ?? []).map((s) => distPath(s.src)).filter((p) => !files.includes(p));
    expect(missing, 'screenshots listed in the manifest but not in dist/').toEqual([]);
  });
});

describe('dist/index.html', () => {
  it('links the manifest exactly once, and the file is there', () => {
    const links = [...html.matchAll(/<link\b[^>]*\brel=["']?manifest\b[^>]*>/gi)].map((m) => m[0]);
    expect(links).toHaveLength(1);
    const href = /\bhref=["']?([^"' >]+)/i.exec(links[0] ?? '')?.[1] ?? '';
    expect(distPath(href)).toBe('manifest.webmanifest');
  });

  it('has an apple-touch-icon that is in dist/', () => {
    const link = /<link\b[^>]*\brel=["']?apple-touch-icon\b[^>]*>/i.exec(html)?.[0];
    expect(link, '<link rel="apple-touch-icon">').toBeDefined();
    const href = /\bhref=["']?([^"' >]+)/i.exec(link ?? '')?.[1] ?? '';
    expect(files).toContain(distPath(href));
  });

  it('has apple-mobile-web-app-title and a theme-color matching the manifest', () => {
    expect(html).toMatch(/<meta\b[^>]*\bname=["']?apple-mobile-web-app-title["']?[^>]*\bcontent=["']?[^"'\s>]+/i);
    const themeColor = /<meta\b[^>]*\bname=["']?theme-color["']?[^>]*\bcontent=["']?([^"' >]+)/i.exec(html)?.[1];
    expect(themeColor, '<meta name="theme-color">').toBeDefined();
    expect(themeColor?.toLowerCase()).toBe(manifest.theme_color?.toLowerCase());
  });
});

describe('the precache list injected into dist/sw.js', () => {
  it('was injected (no __WB_MANIFEST placeholder left) and parses', () => {
    expect(readFileSync(join(DIST, 'sw.js'), 'utf8')).not.toContain('self.__WB_MANIFEST');
    expect(precache.length).toBeGreaterThan(0);
  });

  it('lists index.html, manifest.webmanifest and every .js and .css file under assets/', () => {
    const assets = files.filter((f) => f.startsWith('assets/') && /\.(js|css)$/.test(f));
    expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
    expect(assets.some((f) => f.endsWith('.css'))).toBe(true);
    const missing = ['index.html', 'manifest.webmanifest', ...assets].filter((f) => !precached.has(f));
    expect(missing, 'files the app shell needs offline but the service worker does not precache').toEqual([]);
  });

  it('lists the icons: those in the manifest, the apple-touch-icon and everything under icons/', () => {
    const icons = new Set([...(manifest.icons ?? []).map((i) => distPath(i.src)), ...files.filter((f) => f.startsWith('icons/'))]);
    const missing = [...icons].filter((f) => !precached.has(f));
    expect(missing, 'icons not precached').toEqual([]);
  });

  it('lists only files that are in dist/', () => {
    const missing = [...precached].filter((f) => !files.includes(f));
    expect(missing, 'precached URLs with no file in dist/: the service worker would fail to install').toEqual([]);
  });

  it('never lists one URL with two revisions (Workbox refuses to install)', () => {
    const revisions = new Map<string, Set<string | null>>();
    for (const e of precache) revisions.set(distPath(e.url), (revisions.get(distPath(e.url)) ?? new Set()).add(e.revision));
    const conflicting = [...revisions].filter(([, r]) => r.size > 1).map(([url]) => url);
    expect(conflicting).toEqual([]);
  });

  it('lists no source map, test file or screenshot', () => {
    const unwanted = [...precached].filter(
      (f) =>
        f.endsWith('.map') ||
        /(^|\/)(tests?|__tests__)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
        f.startsWith('screenshots/'),
    );
    expect(unwanted).toEqual([]);
  });
});

describe('dist/', () => {
  it('has no source maps', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('has no sourceMappingURL comment pointing at a map', () => {
    const pointing = files.filter((f) => /\.(js|css)$/.test(f) && /[#@] sourceMappingURL=/.test(readFileSync(join(DIST, f), 'utf8')));
    expect(pointing).toEqual([]);
  });
});
