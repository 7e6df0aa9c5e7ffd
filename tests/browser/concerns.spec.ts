/**
 * A concern reaches the DSL and is acted on: three tablets against the school's server as
 * `npm start` runs it. Recorded offline, the mentor is told the DSL has not got it; back online it
 * goes; the DSL sees it first on Today, acknowledges it and records an action; the mentor's tablet
 * says it was seen; a third mentor's tablet (a lead mentor's) holds neither its text nor the DSL's list.
 */
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

const SAID = 'She said her stepdad locks her out at night';

/** A mentor added by the IT person: their id and one-time code. */
function addMentor(name: string) {
  const out = school.admin('add-mentor', name);
  return { id: out.join('\n').match(/Added mentor .*: id (\S+)/)?.[1] ?? '', code: out.at(-1) ?? '' };
}

test('a concern recorded offline reaches the DSL, who acknowledges and acts on it; its author sees that; another mentor sees only that one exists', async () => {
  test.setTimeout(180_000);
  const samIs = addMentor('Sam Patel');
  const danaIs = addMentor('Dana Lead');
  const alexIs = addMentor('Alex Jones');
  school.admin('set-role', danaIs.id, 'dsl');
  // A lead mentor sees every pupil, and, unless the school turns it on, no concern's text.
  school.admin('set-role', alexIs.id, 'lead');
  const sam = await launchTablet(school.url);
  const dana = await launchTablet(school.url);
  const alex = await launchTablet(school.url);
  try {
    await sam.today.open();
    await waitForOfflineReady(sam.page);
    await sam.settings.linkToSchool(samIs.code, 'Sam’s iPad');
    await sam.caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });

    // In the corridor, with no Wi-Fi.
    await sam.context.setOffline(true);
    await sam.concerns.record({ category: 'neglect', account: `${SAID}.`, toldWhom: 'No one yet' });
    await expect(sam.concerns.delivery).toContainText('The DSL has not got this yet');
    await expect(sam.concerns.delivery).toContainText('speak to the DSL in person');
    await expect(sam.concerns.recordedBy).toHaveText(/^Sam Patel, today at \d\d:\d\d by their tablet’s clock; not yet at the school$/);
    await expect(sam.concerns.notYetWithTheDsl).toHaveText('A concern is not yet with the DSL');

    // Back on the school's Wi-Fi, it goes by itself.
    await sam.context.setOffline(false);
    await expect(sam.concerns.delivery).toHaveText('With the school: the DSL has not acknowledged it yet.', { timeout: 30_000 });
    await expect(sam.concerns.notYetWithTheDsl).toHaveCount(0);
    const concernUrl = sam.page.url();

    // The DSL's tablet: the concern is first on Today.
    await dana.today.open();
    await dana.settings.linkToSchool(danaIs.code, 'Dana’s iPad');
    await dana.today.open();
    await expect(dana.concerns.onToday).toContainText('Priya Natarajan');
    await expect(dana.concerns.onToday).toContainText('new, not opened yet');
    await dana.concerns.onToday.getByRole('link', { name: /Priya Natarajan/ }).click();
    await expect(dana.page.getByRole('main')).toContainText(SAID);
    await expect(dana.concerns.recordedBy).toHaveText(
      /^Sam Patel, today at \d\d:\d\d by their tablet’s clock; at the school today at \d\d:\d\d$/,
    );
    await dana.concerns.acknowledge();
    await dana.concerns.recordAction('spoke to the child', 'Spoke to Priya with her teacher; calling home today.');
    await dana.settings.syncNow();
    await expect(dana.settings.syncStatus).toContainText(/Synced/);
    // Who saw or changed it, as the school keeps it.
    await dana.page.goBack();
    const trail = await dana.concerns.auditTrail();
    await expect(trail.filter({ hasText: 'Sam Patel recorded the concern' })).toHaveCount(1);
    // Opening the page again is recorded too, and may reach the school before the list is asked for.
    await expect(trail.filter({ hasText: 'Dana Lead opened the concern' }).first()).toBeVisible();

    // Sam's tablet hears it was seen.
    await sam.settings.syncNow();
    await expect(sam.settings.syncStatus).toContainText(/Synced/);
    await sam.page.goto(concernUrl);
    await expect(sam.concerns.delivery).toContainText(/^Seen by the DSL at \d\d:\d\d on .+ \(Dana Lead\)\.$/);
    await expect(sam.page.getByRole('region', { name: 'What the DSL did' })).toContainText('spoke to the child');

    // Another mentor, a lead mentor: that a concern was recorded, never what it says, and no DSL's list.
    await alex.today.open();
    await alex.settings.linkToSchool(alexIs.code, 'Alex’s iPad');
    await alex.caseload.openPupil('Priya', { wholeSchool: true });
    const concerns = alex.page.getByRole('region', { name: 'Safeguarding concerns' });
    await expect(concerns).toContainText('A concern: speak to the DSL');
    await concerns.getByRole('link').first().click();
    await expect(alex.page.getByRole('main')).toContainText(/A concern was recorded on .+; speak to the Designated Safeguarding Lead\./);
    await expect(alex.page.getByRole('main')).not.toContainText(SAID);
    await alex.page.goto('/concerns');
    await expect(alex.page.getByRole('main')).toContainText('This list is for the Designated Safeguarding Lead');
    await expect(alex.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Concerns' })).toHaveCount(0);
    const stored = await alex.page.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '');
      const dump: string[] = [];
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown[]>((ok) => {
            const r = db.transaction(store).objectStore(store).getAll();
            r.onsuccess = () => ok(r.result);
          });
          dump.push(JSON.stringify(all));
        }
        db.close();
      }
      return dump.join('\n');
    });
    expect(stored).not.toContain(SAID);
    expect(stored).not.toContain('calling home today');
  } finally {
    await sam.close();
    await dana.close();
    await alex.close();
  }
});

test('a note flagged as a concern: its author cannot take the flag off; the DSL can, saying why', async () => {
  test.setTimeout(120_000);
  const samIs = addMentor('Sam Okafor');
  const danaIs = addMentor('Dana Reid');
  school.admin('set-role', danaIs.id, 'dsl');
  const sam = await launchTablet(school.url);
  const dana = await launchTablet(school.url);
  try {
    await sam.today.open();
    await sam.settings.linkToSchool(samIs.code, 'Sam’s iPad');
    await sam.caseload.addPupil({ name: 'Leo Grant', yearGroup: 'Year 8' });
    await sam.sessionForm.record({ kind: 'One-to-one', pupils: ['Leo'], note: 'Leo had a bruise on his arm.', concern: true });
    await sam.settings.syncNow();
    await expect(sam.settings.syncStatus).toContainText(/Synced/);

    // Sam, its author: the box is there, and cannot be unticked.
    await sam.caseload.openPupil('Leo');
    const samNote = new SessionPage(sam.page);
    await sam.pupilPage.openSession('bruise');
    await samNote.startEditing();
    const samsBox = sam.page.getByRole('main').getByRole('checkbox', { name: /Safeguarding concern/ });
    await expect(samsBox).toBeDisabled();
    await expect(sam.page.getByRole('main')).toContainText('Only the DSL can take the flag off.');

    // Dana, the DSL: unticking it asks why, and the reason goes with it.
    await dana.today.open();
    await dana.settings.linkToSchool(danaIs.code, 'Dana’s iPad');
    await dana.caseload.openPupil('Leo', { wholeSchool: true });
    const danaNote = new SessionPage(dana.page);
    await dana.pupilPage.openSession('bruise');
    await danaNote.startEditing();
    await dana.page
      .getByRole('main')
      .getByRole('checkbox', { name: /Safeguarding concern/ })
      .uncheck();
    await dana.page.getByRole('main').getByLabel('Why is the flag taken off?').fill('Spoke to his mum: it was from football.');
    await dana.page.getByRole('main').getByRole('button', { name: 'Save changes' }).click();
    await expect(danaNote.concernBadge).toHaveCount(0);
    await dana.settings.syncNow();
    await expect(dana.settings.syncStatus).toContainText(/Synced/);
    await expect(dana.settings.syncStatus).not.toContainText(/attention/);
  } finally {
    await sam.close();
    await dana.close();
  }
});
