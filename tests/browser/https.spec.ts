/**
 * A tablet on the school network, as it really meets the server: at the school's name over HTTPS
 * once it trusts the certificate authority the server made (installed as the IT person would, from
 * /setup), and at a plain-HTTP address, where the browser gives Waymark no secure context.
 *
 * The names are mapped to 127.0.0.1 inside Chromium, so no traffic leaves this machine. Chromium
 * on Linux trusts the certificates in $HOME/.pki/nssdb: each trusting tablet gets a HOME of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, expect, launchTablet, test } from './fixtures.ts';
import { waitForOfflineReady } from './pages/app-shell.ts';
import { SchoolAddress } from './pages/school-address.ts';
import { type SchoolServer, startSchoolServer } from './school-server.ts';

const SCHOOL_NAME = 'waymark.hillside.test';
const LAN_NAME = 'school-lan.test';
const resolveToThisMachine = `--host-resolver-rules=MAP ${SCHOOL_NAME} 127.0.0.1,MAP ${LAN_NAME} 127.0.0.1`;

let school: SchoolServer;
const homes: string[] = [];
test.beforeAll(async () => {
  school = await startSchoolServer({ names: [SCHOOL_NAME, LAN_NAME] });
});
test.afterAll(async () => {
  await school?.stop();
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

/** A HOME whose NSS database trusts the certificate authority downloaded from the server's /setup. */
async function homeTrustingTheSchool(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'waymark-home-'));
  homes.push(home);
  const nssdb = join(home, '.pki', 'nssdb');
  await mkdir(nssdb, { recursive: true });
  const download = await fetch(`${school.url}/setup/waymark-ca.crt`);
  expect(download.headers.get('content-type')).toBe('application/x-x509-ca-cert');
  const certificate = join(home, 'waymark-ca.crt');
  await writeFile(certificate, Buffer.from(await download.arrayBuffer()));
  execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
  // C: a certificate authority trusted for websites.
  execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'Waymark school server', '-t', 'C,,', '-i', certificate]);
  return home;
}

test('at the school’s https name, a tablet that trusts the school’s certificate installs Waymark, links, and opens its records offline', async () => {
  test.setTimeout(120_000);
  const added = school.admin('add-mentor', 'Sam Patel');
  // The admin command tells the mentor the address the certificate holds.
  expect(added.join('\n')).toContain(`open Waymark at ${school.httpsUrl} and type the code`);
  const tablet = await launchTablet(school.httpsUrl, {
    env: { ...process.env, HOME: await homeTrustingTheSchool() } as Record<string, string>,
    args: [...CHROMIUM_ARGS, resolveToThisMachine],
  });
  try {
    const { page, today, caseload, settings } = tablet;
    const address = new SchoolAddress(page);
    await today.open();
    expect(await address.isSecureContext()).toBe(true);
    await waitForOfflineReady(page);
    await expect(address.insecureWarning).toHaveCount(0);

    await settings.linkToSchool(added.at(-1) ?? '', 'Sam’s iPad');
    await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7', form: '7B' });
    await settings.syncNow();
    await expect(settings.syncStatus).toContainText(/Synced/);
    expect(school.admin('list-devices').some((line) => line.includes('Sam’s iPad'))).toBe(true);

    // The corridor with no Wi-Fi: the service worker opens Waymark, and the records are there.
    await tablet.context.setOffline(true);
    await page.reload();
    await caseload.open();
    await expect(caseload.names).toHaveText(['Priya Natarajan']);
  } finally {
    await tablet.close();
  }
});

test('at a plain-http address on the school network, Waymark says what is wrong and what to do, and does not link the tablet', async () => {
  const code = school.admin('add-mentor', 'Lee Insecure').at(-1) ?? '';
  const lanUrl = `http://${LAN_NAME}:${school.port}`;
  const tablet = await launchTablet(lanUrl, { args: [...CHROMIUM_ARGS, resolveToThisMachine] });
  try {
    const { page, today, settings } = tablet;
    const address = new SchoolAddress(page);
    await today.open();
    expect(await address.isSecureContext()).toBe(false);
    await expect(address.insecureWarning).toContainText(`Waymark is open at ${lanUrl}`);
    await expect(address.insecureWarning).toContainText('cannot keep working without Wi-Fi');
    await expect(address.insecureWarning).toContainText('trust the school’s certificate');

    await settings.open();
    const form = page.getByRole('region', { name: 'School connection' });
    await form.getByLabel('Enrolment code').fill(code);
    await form.getByLabel('Name for this tablet').fill('Lee’s iPad');
    await form.getByRole('button', { name: 'Link this tablet' }).click();
    await expect(form.getByRole('alert')).toContainText(`This tablet cannot be linked at ${lanUrl}: it is not a secure (https) address`);
    await expect(form.getByText(/^Linked to /)).toHaveCount(0);
    expect(school.admin('list-devices').some((line) => line.includes('Lee’s iPad'))).toBe(false);

    // The warning's link is the IT person's page, which says where to go instead.
    await address.openSetupFromWarning();
    expect(await address.addressOnSetup()).toBe(school.httpsUrl);
    await expect(page.getByRole('link', { name: 'waymark.mobileconfig' })).toBeVisible();
  } finally {
    await tablet.close();
  }
});
