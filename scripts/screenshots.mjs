// `npm run screenshots`: the install sheet's screenshots (public/screenshots/), taken from the built
// app in Debian's Chromium with made-up pupils. Run after `npm run build`; commit the PNGs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium } from '@playwright/test';
import { createApp } from '../build/server/app.js';

const server = serve({ fetch: createApp({ staticDir: 'dist' }).fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const profile = await mkdtemp(join(tmpdir(), 'waymark-shots-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
  headless: true,
  locale: 'en-GB',
  timezoneId: 'Europe/London',
});
const page = context.pages()[0] ?? (await context.newPage());

const pupils = [
  { name: 'Jacob Smith', preferred: 'Jake', year: 'Year 9', targets: ['Hand in maths homework on time', 'Get to registration by 8:40'] },
  { name: 'Amelia Jacobs', preferred: 'Millie', year: 'Year 8', targets: ['Say one thing in class each day'] },
  { name: 'Mohammed Khan', preferred: 'Mo', year: 'Year 10', targets: ['Bring PE kit on Tuesdays and Thursdays'] },
  { name: 'Priya Natarajan', preferred: '', year: 'Year 7', targets: ['Eat lunch with the lunch club twice a week'] },
];
let jake = '';
for (const p of pupils) {
  await page.goto(`${base}/pupils/new`);
  await page.getByLabel('Full name').fill(p.name);
  if (p.preferred) await page.getByLabel('Preferred name').fill(p.preferred);
  await page.getByLabel('Year group').selectOption(p.year);
  await page.getByRole('button', { name: 'Add pupil' }).click();
  await page.getByRole('link', { name: 'Set a target' }).waitFor();
  if (!jake) jake = new URL(page.url()).pathname;
  for (const wording of p.targets) {
    await page.getByRole('link', { name: 'Set a target' }).click();
    await page.getByLabel('The target').fill(wording);
    await page.getByRole('button', { name: 'Set target' }).click();
    await page.getByText(wording).first().waitFor();
  }
}
await page.goto(`${base}${jake}`);
await page.getByRole('button', { name: 'Met', exact: true }).first().click();
await page.goto(`${base}/sessions/new`);
await page.getByRole('radio', { name: 'Group or homework club' }).check();
await page.getByLabel('Group name').fill('Year 9 homework club');
for (const name of ['Jake', 'Millie']) await page.getByRole('checkbox', { name: new RegExp(name) }).check();
await page.getByLabel('Note').fill('Both finished the fractions worksheet. Jake explained equivalent fractions to Millie.');
await page.getByRole('button', { name: 'Save note' }).click();
await page.getByRole('heading', { name: /Homework club|homework club/ }).waitFor();

await page.setViewportSize({ width: 1366, height: 1024 });
await page.goto(`${base}/`);
await page.getByRole('heading', { name: /Check-ins due/ }).waitFor();
const notNow = page.getByRole('button', { name: 'Not now' });
if (await notNow.isVisible()) await notNow.click();
await page.screenshot({ path: 'public/screenshots/today-wide.png' });
await page.setViewportSize({ width: 768, height: 1024 });
await page.goto(`${base}${jake}`);
await page.getByRole('heading', { name: 'Jake Smith' }).waitFor();
await page.screenshot({ path: 'public/screenshots/pupil-narrow.png' });

await context.close();
await rm(profile, { recursive: true, force: true });
server.close();
console.log('Screenshots written to public/screenshots/');
