/**
 * The tablet: a new tablet's first full pull of one mentor's three years (62,110 records), then,
 * on that tablet, an end-of-day sync, saving, a cold start offline, finding, and memory. Every
 * figure is timed in the page at 4x CPU slowdown, next to its baseline from the same browser.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import Database from 'better-sqlite3';
import { SCHOOL_FILE } from './lib/paths.ts';
import { readTodayRaw, timeInteraction, timeToLandmark } from './lib/probe.ts';
import { type Figure, noteEnvironment, record, type Summary, summarise } from './lib/results.ts';
import { type BenchTablet, heapMb, openTablet } from './lib/tablet.ts';
import type { Bench } from './pages/harness.ts';
import { mentorRecords, type RunningServer, type SeededSchool, startServer } from './school.ts';

declare global {
  interface Window {
    bench: Bench;
  }
}

const PULLS = 3;
const RUNS = 7;

const NOTE = 'Talked through the week: homework club on Tuesday went well, maths still feels too fast. '.repeat(6);

const ratio = (ours: Summary, base: Summary) => ours.median / base.median;

/** An endpoint that only answers: what the same HTTP requests cost with no sync work behind them. */
async function startEcho(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return res.end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const count = req.url === '/push' ? 300 : 0;
      const results = Array.from({ length: count }, (_, seq) => ({ seq, changeId: randomUUID(), status: 'applied' }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ protocol: 1, results, changes: [], cursor: 'x'.repeat(120), more: false, mentors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The endpoint's database writes for one day's push, alone: the same rows inserted in one SQLite transaction. */
function rawSqliteDayMs(changes: number, bodyBytes: number): number {
  const file = join(tmpdir(), `waymark-raw-${randomUUID()}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE records (id TEXT PRIMARY KEY, state TEXT); CREATE TABLE changes (seq INTEGER PRIMARY KEY, values_ TEXT)');
  const value = 'x'.repeat(Math.round(bodyBytes / changes));
  const insertRecord = db.prepare('INSERT INTO records VALUES (?, ?)');
  const insertChange = db.prepare('INSERT INTO changes (values_) VALUES (?)');
  const started = performance.now();
  db.transaction(() => {
    for (let i = 0; i < changes; i++) {
      insertRecord.run(randomUUID(), value);
      insertChange.run(value);
    }
  })();
  const ms = performance.now() - started;
  db.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  return ms;
}

test.describe
  .serial('tablet', () => {
    let school: SeededSchool;
    let server: RunningServer;
    let echo: { url: string; server: Server };
    /** The benchmarked tablet's profile: enrolled, holding the full data set, service worker installed. */
    let profile: string;
    let pupils: { typical: { id: string; name: string }; longest: { id: string; name: string } };

    test.beforeAll(async () => {
      school = JSON.parse(readFileSync(SCHOOL_FILE, 'utf8')) as SeededSchool;
      const records = mentorRecords(2026, school.brookfield.mentorId, randomUUID(), new Date(school.now));
      // The same records, for the raw bulk write to fetch (the bench build is served as static files).
      const { pupils: p, targets, checkIns, sessions } = records;
      writeFileSync('build/bench-app/bench-data.json', JSON.stringify({ pupils: p, targets, checkIns, sessions }));
      const typical = p.find((x) => x.status === 'active' && x.id !== records.longestSupported.id) as { id: string; name: string };
      pupils = { typical, longest: records.longestSupported };
      server = await startServer(school.dataDir);
      echo = await startEcho();
    });

    test.afterAll(async () => {
      await server?.stop();
      echo?.server.close();
    });

    /** The blank page with the harness added: the data layer on the tablet's database, without the app running. */
    const harness = async (tablet: BenchTablet) => {
      await tablet.page.goto('/bench/pages/blank.html');
      await tablet.page.addScriptTag({ url: '/harness/harness.js', type: 'module' });
      await tablet.page.waitForFunction(() => Boolean(window.bench), undefined, { timeout: 10_000 });
    };

    test('first full pull to a new tablet, against a raw IndexedDB bulk write', async () => {
      const pulls: number[] = [];
      const raws: number[] = [];
      const layouts = { indexed: [] as number[], asStored: [] as number[] };
      let pulled = 0;
      for (let i = 0; i < PULLS; i++) {
        const tablet = await openTablet(server.url);
        try {
          await harness(tablet);
          const result = await tablet.page.evaluate(([url, code]) => window.bench.firstPull(url as string, code as string), [
            server.url,
            school.brookfield.codes[i],
          ] as const);
          pulled = result.pulled;
          pulls.push((result.pulled / result.ms) * 1000);
          const raw = await tablet.page.evaluate(() => window.bench.rawBulkWrite('/bench-data.json'));
          raws.push((raw.written / raw.ms) * 1000);
          // What the tablet's own layout costs written raw, after the baseline (each is deleted after).
          const indexed = await tablet.page.evaluate(() => window.bench.rawBulkWrite('/bench-data.json', 'indexed'));
          const asStored = await tablet.page.evaluate(() => window.bench.rawBulkWrite('/bench-data.json', 'as stored'));
          layouts.indexed.push(indexed.ms);
          layouts.asStored.push(asStored.ms);
          console.log(
            `  pull ${i + 1}: ${result.pulled} records in ${Math.round(result.ms)} ms; raw bulk write ${Math.round(raw.ms)} ms (${Math.round(indexed.ms)} ms with the tablet's indexes, ${Math.round(asStored.ms)} ms with its clock rows too)`,
          );
          if (i === PULLS - 1) {
            profile = tablet.profile;
            // Visit the app once online, so its service worker installs and precaches it.
            await tablet.page.goto('/');
            await tablet.page.evaluate(async () => {
              await navigator.serviceWorker.ready;
              if (!navigator.serviceWorker.controller)
                await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
            });
            await noteEnvironment({ chromium: await tablet.page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '') });
          }
        } finally {
          await tablet.close();
        }
      }
      const result = summarise(pulls);
      const baseline = summarise(raws);
      const seconds = pulled / result.median;
      const rawSeconds = pulled / baseline.median;
      const asRatio = (ms: number) => `${(ms / 1000).toFixed(1)} s (${(ms / 1000 / rawSeconds).toFixed(2)}x the raw write's time)`;
      await record({
        id: 'sync-first-pull',
        group: 'Sync',
        what: `First full pull to a new tablet (${pulled.toLocaleString('en-GB')} records)`,
        unit: 'records/s',
        result,
        baseline: { what: 'raw IndexedDB bulk write, 1,000 a transaction', result: baseline },
        ratio: baseline.median / result.median,
        budget: { text: '≤ 1.5x raw bulk write', met: baseline.median / result.median <= 1.5 },
        notes: `${seconds.toFixed(1)} s end to end; the same records written raw into stores with the tablet's own indexes: ${asRatio(summarise(layouts.indexed).median)}, and with its field clocks as a row per record too: ${asRatio(summarise(layouts.asStored).median)}`,
      });
    });

    test('end-of-day sync of 300 changes, against the same requests and writes alone', async () => {
      // The baseline's echo endpoint is on another port, which the server's Content-Security-Policy
      // would refuse: this tablet alone is let past it.
      const tablet = await openTablet(server.url, profile, { bypassCSP: true });
      const days: number[] = [];
      const raws: number[] = [];
      try {
        await harness(tablet);
        for (let i = 0; i < 5; i++) {
          const made = await tablet.page.evaluate((note) => window.bench.makeDay(300, note), NOTE);
          const day = await tablet.page.evaluate(() => window.bench.syncDay());
          if (day.pushed !== made) throw new Error(`Pushed ${day.pushed} of ${made} changes.`);
          days.push(day.ms);
          const raw = await tablet.page.evaluate(([url, bytes]) => window.bench.rawDay(url as string, bytes as number, 300), [
            echo.url,
            day.bodyBytes,
          ] as const);
          raws.push(raw.ms + rawSqliteDayMs(300, day.bodyBytes));
        }
      } finally {
        await tablet.close();
      }
      const result = summarise(days);
      const baseline = summarise(raws);
      await record({
        id: 'sync-end-of-day',
        group: 'Sync',
        what: 'End-of-day sync of 300 changes over loopback, end to end',
        unit: 'ms',
        result,
        baseline: { what: 'same bytes to an echo endpoint + raw IndexedDB and SQLite writes', result: baseline },
        ratio: ratio(result, baseline),
        budget: { text: '< 1 s', met: result.median < 1000 },
        notes: `${Math.round((300 / result.median) * 1000).toLocaleString('en-GB')} changes/s`,
      });
    });

    test('saving in the data layer, against a raw IndexedDB put of the same record', async () => {
      // Online, as the harness is not precached; nothing syncs unless asked, so no request is made.
      const tablet = await openTablet(server.url, profile);
      const checkIns = { save: [] as number[], raw: [] as number[], dexie: [] as number[] };
      const notes = { save: [] as number[], raw: [] as number[], dexie: [] as number[] };
      try {
        await harness(tablet);
        for (let i = 0; i < 15; i++) {
          const c = await tablet.page.evaluate((n) => window.bench.checkInSave(n), i);
          checkIns.save.push(c.save);
          checkIns.raw.push(c.raw);
          checkIns.dexie.push(c.dexie);
          const n = await tablet.page.evaluate((note) => window.bench.noteSave(note), NOTE);
          notes.save.push(n.save);
          notes.raw.push(n.raw);
          notes.dexie.push(n.dexie);
        }
      } finally {
        await tablet.close();
      }
      for (const [id, what, runs] of [
        ['save-check-in', 'Check-in save (data layer: record, outbox, clocks, one transaction)', checkIns],
        ['save-note', 'Session note save (data layer)', notes],
      ] as const) {
        const result = summarise(runs.save);
        const baseline = summarise(runs.raw);
        await record({
          id,
          group: 'Saving',
          what,
          unit: 'ms',
          result,
          baseline: { what: 'raw IndexedDB put', result: baseline },
          ratio: ratio(result, baseline),
          budget: { text: '≤ 1.3x raw put', met: ratio(result, baseline) <= 1.3 },
          notes: `Dexie alone, the same reads and writes with none of the data layer's work: ${summarise(runs.dexie).median} ms (${ratio(summarise(runs.dexie), baseline).toFixed(2)}x raw)`,
        });
      }
    });

    test('cold start offline from the service worker cache, against a blank page from the same service worker', async () => {
      const floor: number[] = [];
      const reads: number[] = [];
      const today: number[] = [];
      let due = '';
      for (let i = 0; i < RUNS; i++) {
        for (const which of ['blank', 'reads', 'today'] as const) {
          const tablet = await openTablet(server.url, profile, { offline: true });
          try {
            if (which === 'blank') {
              await tablet.page.goto('/bench/pages/blank.html');
              floor.push(await timeToLandmark(tablet.page, '#blank'));
            } else if (which === 'reads') {
              await tablet.page.addInitScript(readTodayRaw);
              await tablet.page.goto('/bench/pages/blank.html');
              reads.push(await tablet.page.evaluate(() => window.__probe.shown('#today-read')));
            } else {
              await tablet.page.goto('/');
              today.push(await timeToLandmark(tablet.page, '.today-grid'));
              due = (await tablet.page.locator('#due-h').textContent()) ?? '';
            }
          } finally {
            await tablet.close();
          }
        }
      }
      const result = summarise(today);
      const baseline = summarise(floor);
      await record({
        id: 'cold-start',
        group: 'Cold start',
        what: 'Cold start to Today with the full data set, offline',
        unit: 'ms',
        result,
        baseline: { what: 'blank page, same service worker', result: baseline },
        ratio: ratio(result, baseline),
        budget: { text: '≤ 1.5x blank and < 1 s', met: ratio(result, baseline) <= 1.5 && result.median < 1000 },
        notes: `Today showed “${due}”; the blank page opening the tablet's database and reading Today's records raw, nothing drawn: ${summarise(reads).median} ms (${ratio(summarise(reads), baseline).toFixed(2)}x blank)`,
      });
    });

    test('on screen: saving, finding, and memory', async () => {
      const tablet = await openTablet(server.url, profile, { offline: true });
      const { page } = tablet;
      const figures: Figure[] = [];
      try {
        await page.goto('/');
        await page.locator('.today-grid').waitFor();

        // A check-in tap on Today, until the due count has gone down on screen.
        const taps: number[] = [];
        for (let i = 0; i < 10; i++) {
          const count = Number(((await page.locator('#due-h').textContent()) ?? '').match(/\((\d+)\)/)?.[1]);
          const row = page.locator('.due-list li').first().getByRole('button', { name: 'Met', exact: true });
          taps.push(await timeInteraction(page, 'click', () => row.click(), '#due-h', `(${count - 1})`));
        }
        figures.push(onScreen('paint-check-in', 'Saving', 'Check-in tap on Today until the screen shows it', taps, '< 50 ms', 50));

        // A session note saved, until the pupil's page shows it.
        const saves: number[] = [];
        for (let i = 0; i < 7; i++) {
          await page.goto(`/sessions/new?pupil=${pupils.typical.id}`);
          const marker = `Bench note ${i} ${randomUUID()}`;
          await page.getByRole('main').getByLabel('Note').fill(`${NOTE}${marker}`);
          const save = page.getByRole('button', { name: 'Save note' });
          saves.push(await timeInteraction(page, 'click', () => save.click(), 'ol.sessions', marker));
        }
        figures.push(onScreen('paint-note', 'Saving', 'Session note save until the pupil’s page shows it', saves, '< 50 ms', 50));

        // Name search: every keystroke, on the caseload (60) and the closed pupils (300).
        const keys: number[] = [];
        for (const tab of ['/pupils', '/pupils?show=closed']) {
          await page.goto(tab);
          const find = page.getByLabel('Find a pupil');
          for (const word of ['oliv', 'khan', 'zoe', 'ahmed s', 'j']) {
            await find.fill('');
            await find.focus();
            for (const ch of word) keys.push(await timeInteraction(page, 'input', () => page.keyboard.type(ch)));
          }
        }
        figures.push(
          onScreen('find-search', 'Finding', 'Name search, each keystroke to paint (360 pupils: 60 open, 300 closed)', keys, '< 16 ms', 16),
        );

        // The pupil with three years of notes, opened from the caseload.
        const opens: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          await page.goto('/pupils');
          await page.getByLabel('Find a pupil').fill(pupils.longest.name);
          const link = page.getByRole('link', { name: new RegExp(pupils.longest.name) }).first();
          // Until the notes and their number are both on screen (the number is counted just after the rest).
          opens.push(await timeInteraction(page, 'click', () => link.click(), '#sessions-h', ' ('));
        }
        const sessionCount = (await page.locator('#sessions-h').textContent()) ?? '';
        figures.push(
          onScreen(
            'find-pupil-page',
            'Finding',
            `Pupil page with three years of notes (${sessionCount.replace(/\D/g, '')} sessions)`,
            opens,
            '< 100 ms',
            100,
          ),
        );

        // Today, from the caseload.
        const todays: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          await page.goto('/pupils');
          await page.locator('#find').waitFor();
          const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' });
          todays.push(await timeInteraction(page, 'click', () => link.click(), '.today-grid'));
        }
        figures.push(onScreen('find-today', 'Finding', 'Today’s due targets, from the caseload', todays));

        // Memory, with the full data set loaded and Today on screen.
        const heap = await heapMb(tablet.context, page);
        await page.goto('/bench/pages/blank.html');
        const blank = await heapMb(tablet.context, page);
        figures.push({
          id: 'memory-heap',
          group: 'Memory',
          what: 'JS heap after Today, the caseload and a three-year pupil page, garbage collected',
          unit: 'MB',
          result: summarise([heap]),
          baseline: { what: 'blank page', result: summarise([blank]) },
          ratio: heap / blank,
        });
      } finally {
        await tablet.close();
      }
      for (const f of figures) await record(f);
    });
  });

function onScreen(id: string, group: Figure['group'], what: string, samples: number[], budget?: string, limit?: number): Figure {
  const result = summarise(samples);
  return {
    id,
    group,
    what: `${what}, at 4x CPU`,
    unit: 'ms',
    result,
    ...(budget && limit ? { budget: { text: budget, met: result.median < limit } } : {}),
  };
}
