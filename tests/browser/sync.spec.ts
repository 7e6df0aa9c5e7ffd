import { expect, launchTablet, test } from './fixtures.ts';
import { waitForOfflineReady } from './pages/app-shell.ts';
import { SessionPage } from './pages/session-page.ts';
import { type SchoolServer, startSchoolServer } from './school-server.ts';

let school: SchoolServer;
test.beforeAll(async () => {
  school = await startSchoolServer();
});
test.afterAll(async () => {
  await school?.stop();
});

test('a mentor links a tablet, works offline, comes back online and the school has it all; another mentor sees it after syncing', async () => {
  test.setTimeout(120_000);
  const samCode = school.admin('add-mentor', 'Sam Patel').at(-1) ?? '';
  const alexOutput = school.admin('add-mentor', 'Alex Jones');
  const alexCode = alexOutput.at(-1) ?? '';
  const alexId = alexOutput.join('\n').match(/Added mentor Alex Jones: id (\S+)/)?.[1] ?? '';
  // Alex is the school's Designated Safeguarding Lead.
  school.admin('set-role', alexId, 'dsl');
  const sam = await launchTablet(school.url);
  const alex = await launchTablet(school.url);
  try {
    await sam.today.open();
    await waitForOfflineReady(sam.page);
    await sam.settings.linkToSchool(samCode, 'Sam’s iPad');

    // A day in the corridors with no Wi-Fi.
    await sam.context.setOffline(true);
    await sam.caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7', form: '7B' });
    await sam.pupilPage.setTarget({ wording: 'Eat lunch with the lunch club', rhythm: 'Once a week' });
    await sam.pupilPage.checkIn('Eat lunch with the lunch club', 'Met');
    await sam.sessionForm.record({ kind: 'One-to-one', pupils: ['Priya'], note: 'Talked about the new lunch club. She went twice.' });
    await sam.sessionForm.record({
      kind: 'One-to-one',
      pupils: ['Priya'],
      note: 'She said she does not want to go home tonight.',
      concern: true,
    });
    await expect(sam.settings.syncStatus).toContainText(/Offline · \d+ waiting/);

    // Back on the school's Wi-Fi: the tablet syncs by itself.
    await sam.context.setOffline(false);
    await expect(sam.settings.syncStatus).toContainText(/Synced (just now|.+ ago)$/, { timeout: 30_000 });

    await alex.today.open();
    await alex.settings.linkToSchool(alexCode, 'Alex’s iPad');
    await alex.settings.syncNow();
    await expect(alex.settings.syncStatus).toContainText(/Synced/);
    await alex.caseload.openPupil('Priya', { wholeSchool: true });
    await expect(alex.pupilPage.heading).toHaveText('Priya Natarajan');
    await expect(alex.pupilPage.target('Eat lunch with the lunch club')).toBeVisible();
    expect((await alex.pupilPage.strip('Eat lunch with the lunch club')).some((cell) => /: Met/.test(cell))).toBe(true);
    await expect(alex.pupilPage.sessions.filter({ hasText: 'She went twice.' })).toHaveCount(1);

    // As the DSL, Alex sees the concern listed, and who recorded it.
    await alex.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Concerns' }).click();
    const concern = alex.page.getByRole('main').getByRole('listitem').filter({ hasText: 'does not want to go home' });
    await expect(concern).toContainText('Safeguarding concern');
    await expect(concern).toContainText('Recorded by Sam Patel');
    // Sam is not the DSL: no Concerns list on Sam's tablet.
    await expect(sam.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Concerns' })).toHaveCount(0);
  } finally {
    await sam.close();
    await alex.close();
  }
});

test('a tablet revoked by the school is told so and keeps its changes', async () => {
  test.setTimeout(60_000);
  const code = school.admin('add-mentor', 'Jo Lost').at(-1) ?? '';
  const jo = await launchTablet(school.url);
  try {
    await jo.today.open();
    await jo.settings.linkToSchool(code, 'Lost iPad');
    const device = school.admin('list-devices').find((line) => line.includes('Lost iPad'));
    const deviceId = device?.match(/[0-9a-f]{8}-[0-9a-f-]{27}/)?.[0] ?? '';
    school.admin('revoke-device', deviceId);
    await jo.caseload.addPupil({ name: 'Written After Loss', yearGroup: 'Year 5' });
    await jo.settings.syncNow();
    await expect(jo.page.getByRole('alert').filter({ hasText: 'removed from the school’s Waymark' }).first()).toBeVisible();
    await expect(jo.settings.syncStatus).toContainText('waiting');
  } finally {
    await jo.close();
  }
});

test('when the browser wipes Waymark’s storage, enrolling again says what was lost, and the school sees it', async () => {
  test.setTimeout(60_000);
  const tablet = await launchTablet(school.url);
  try {
    await tablet.today.open();
    await tablet.settings.linkToSchool(school.admin('add-mentor', 'Kim Wiped').at(-1) ?? '', 'Kim’s iPad');
    await tablet.caseload.addPupil({ name: 'Synced Before Wipe', yearGroup: 'Year 6' });
    await tablet.settings.syncNow();
    await expect(tablet.settings.syncStatus).toContainText(/Synced/);

    // What Safari does to a site not on the home screen after days without a visit: everything
    // the page can write is gone; the server's HTTP-only cookie is not.
    const cdp = await tablet.context.newCDPSession(tablet.page);
    await cdp.send('Storage.clearDataForOrigin', {
      origin: school.url,
      storageTypes: 'indexeddb,local_storage,service_workers,cache_storage',
    });
    await tablet.page.reload();
    await tablet.caseload.open();
    await expect(tablet.caseload.names).toHaveCount(0);

    await tablet.settings.linkToSchool(
      school
        .admin(
          'new-code',
          school
            .admin('list-mentors')
            .find((l) => l.includes('Kim Wiped'))
            ?.split(/\s+/)[0] ?? '',
        )
        .at(-1) ?? '',
    );
    await expect(tablet.page.getByRole('note').filter({ hasText: 'the browser has since wiped its records' })).toBeVisible();
    expect(school.admin('list-devices').some((line) => line.includes('Kim’s iPad') && line.includes('STORAGE WIPED'))).toBe(true);
  } finally {
    await tablet.close();
  }
});

test('linking to an address other than the one Waymark was opened from says so, and leaves the code unused', async () => {
  const code = school.admin('add-mentor', 'Lee Other').at(-1) ?? '';
  const tablet = await launchTablet(school.url);
  try {
    await tablet.today.open();
    await tablet.settings.open();
    const form = tablet.page.getByRole('region', { name: 'School connection' });
    // The same server by another name is another address to the browser.
    const otherName = school.url.replace('127.0.0.1', 'localhost');
    await form.getByLabel('School’s Waymark address').fill(otherName);
    await form.getByLabel('Enrolment code').fill(code);
    await form.getByRole('button', { name: 'Link this tablet' }).click();
    await expect(form.getByRole('alert')).toContainText(`opened from ${school.url}, so it can link only to that address`);
    await form.getByLabel('School’s Waymark address').fill(school.url);
    await form.getByRole('button', { name: 'Link this tablet' }).click();
    await expect(form.getByText(/^Linked to /)).toBeVisible();
  } finally {
    await tablet.close();
  }
});

test('a note edited on one tablet while its author changes it on another keeps both changes; the same field changed on both keeps both versions', async () => {
  test.setTimeout(60_000);
  // Sam's iPad, and the tablet Sam leaves in the office: a note is changed only by the mentor who
  // wrote it, on any of their tablets.
  const samOutput = school.admin('add-mentor', 'Sam Okafor');
  const samCode = samOutput.at(-1) ?? '';
  const samId = samOutput.join('\n').match(/Added mentor Sam Okafor: id (\S+)/)?.[1] ?? '';
  const sam = await launchTablet(school.url);
  const office = await launchTablet(school.url);
  try {
    /** Syncs from Settings, and waits until it is done. */
    const synced = async (tablet: typeof sam) => {
      await tablet.settings.syncNow();
      await expect(tablet.settings.syncStatus).toContainText(/Synced/);
    };
    await sam.today.open();
    await office.today.open();
    await sam.settings.linkToSchool(samCode, 'Sam’s iPad');
    await office.settings.linkToSchool(school.admin('new-code', samId).at(-1) ?? '', 'Office tablet');
    await sam.caseload.addPupil({ name: 'Leo Grant', yearGroup: 'Year 8', form: '8C' });
    await sam.sessionForm.record({ kind: 'One-to-one', pupils: ['Leo'], note: 'Leo talked about football.' });
    await synced(sam);
    await synced(office);

    // On the office tablet Sam opens the note to edit it. Meanwhile, on the iPad, Sam corrects how
    // long the session lasted, and it reaches the office tablet while the form is still open there
    // (the tablet syncs as it comes back online).
    // Asked again if a sync was already running when first asked (that one is not repeated).
    const arrivesInOffice = () =>
      expect(async () => {
        await office.page.evaluate(() => window.dispatchEvent(new Event('online')));
        await expect(officeNote.changedElsewhere).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 20_000 });
    const officeNote = new SessionPage(office.page);
    await office.caseload.openPupil('Leo');
    await office.pupilPage.openSession('football');
    await officeNote.startEditing();
    await office.sessionForm.note.fill('Leo talked about football and Saturday’s match.');
    await office.sessionForm.waitForDraftKept();
    const samNote = new SessionPage(sam.page);
    await sam.caseload.openPupil('Leo');
    await sam.pupilPage.openSession('football');
    await samNote.startEditing();
    await samNote.saveEdit({ minutes: '45' });
    await synced(sam);
    await arrivesInOffice();

    // The office tablet restarts before the note is finished: the draft still knows what the form
    // opened on. Sam saves there: the length Sam corrected stays, there and on the iPad.
    await office.page.reload();
    await expect(office.sessionForm.restoredNotice).toBeVisible();
    await expect(officeNote.changedElsewhere).toBeVisible();
    await expect(office.sessionForm.note).toHaveValue('Leo talked about football and Saturday’s match.');
    await officeNote.saveEdit({});
    await expect(officeNote.note).toHaveText('Leo talked about football and Saturday’s match.');
    await expect(office.page.getByRole('main')).toContainText('45 minutes');
    await synced(office);
    await synced(sam);
    await sam.caseload.openPupil('Leo');
    await sam.pupilPage.openSession('football');
    await expect(samNote.note).toHaveText('Leo talked about football and Saturday’s match.');
    await expect(sam.page.getByRole('main')).toContainText('45 minutes');

    // Both change the note itself, the office tablet from a form opened before the iPad's change
    // arrived: the office's later save wins, and the iPad's version is kept with the note on both.
    await office.caseload.openPupil('Leo');
    await office.pupilPage.openSession('match');
    await officeNote.startEditing();
    await samNote.startEditing();
    await samNote.saveEdit({ note: 'The iPad version: Leo is worried about the match.' });
    await synced(sam);
    await arrivesInOffice();
    await officeNote.saveEdit({ note: 'The office version: Leo is looking forward to the match.' });
    await expect(officeNote.note).toHaveText('The office version: Leo is looking forward to the match.');
    await expect(officeNote.conflicts).toContainText('The iPad version: Leo is worried about the match.');
    await synced(office);
    await synced(sam);
    await sam.caseload.openPupil('Leo');
    await sam.pupilPage.openSession('match');
    await expect(samNote.note).toHaveText('The office version: Leo is looking forward to the match.');
    await expect(samNote.conflicts).toContainText('The iPad version: Leo is worried about the match.');
  } finally {
    await sam.close();
    await office.close();
  }
});
