/** When the tablet's storage fails under Waymark: every failure is said on screen, with what to do. */
import { expect, test } from './fixtures.ts';
import { allowBrokenStorage, simulateBrokenStorage, simulateFullPageStorage } from './pages/app-shell.ts';

test('reopening support when the tablet cannot save says so, and works once it can', async ({ tablet }) => {
  const { page, today, caseload, pupilPage } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await pupilPage.closeSupport({ reason: 'moved school', outcome: 'improved', summary: 'Moved to Leeds.' });

  await simulateBrokenStorage(page, true);
  await page.getByRole('main').getByRole('button', { name: 'Reopen support' }).click();
  await expect(
    page.getByRole('status').filter({
      hasText: 'Support for Jake Smith was not reopened. Waymark could not write to the tablet’s storage. Reload Waymark, then try again.',
    }),
  ).toBeVisible();
  await expect(pupilPage.closure).toBeVisible();

  await simulateBrokenStorage(page, false);
  await pupilPage.reopenSupport();
  await expect(page.getByRole('main').getByRole('link', { name: 'Close support' })).toBeVisible();
});

test('discarding a change the school refused, when the tablet cannot save, says so and keeps it', async ({ tablet }) => {
  const { page, today, caseload, settings } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  // The school's server refused the new pupil (as it does a change it cannot accept): it waits under "Needs attention".
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('waymark');
        request.onsuccess = () => {
          const outbox = request.result.transaction('outbox', 'readwrite').objectStore('outbox');
          const all = outbox.getAll();
          all.onsuccess = () => {
            const entry = all.result.find((e) => e.table === 'pupils');
            outbox.put({
              ...entry,
              rejected: { code: 'invalid', message: 'The school’s records do not allow this.', at: new Date().toISOString() },
            });
            outbox.transaction.oncomplete = () => {
              request.result.close();
              resolve();
            };
          };
        };
        request.onerror = () => reject(request.error);
      }),
  );
  await page.reload();
  await settings.open();
  const refused = page.getByRole('listitem').filter({ hasText: 'The school’s records do not allow this.' });
  await expect(refused).toBeVisible();

  await simulateBrokenStorage(page, true);
  await refused.getByRole('button', { name: 'Discard' }).click();
  await expect(
    page.getByRole('status').filter({
      hasText: 'The refused change was not discarded. Waymark could not write to the tablet’s storage. Reload Waymark, then try again.',
    }),
  ).toBeVisible();
  await expect(refused).toBeVisible();

  await simulateBrokenStorage(page, false);
  await refused.getByRole('button', { name: 'Discard' }).click();
  await expect(refused).toHaveCount(0);
});

test('a screen whose records cannot be read says so, with a reload, rather than loading for good', async ({ tablet }) => {
  const { page, today, caseload } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await today.open();
  const nav = page.getByRole('navigation', { name: 'Main' });

  await simulateBrokenStorage(page, true);
  await nav.getByRole('link', { name: 'Caseload' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Waymark could not read this from the tablet');
  await expect(page.getByRole('alert').filter({ hasText: 'Reload Waymark to try again' })).toBeVisible();

  // The rest of Waymark is still there: another screen tries again.
  await simulateBrokenStorage(page, false);
  await nav.getByRole('link', { name: 'Today' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Today/ })).toBeVisible();

  await simulateBrokenStorage(page, true);
  await nav.getByRole('link', { name: 'Caseload' }).click();
  await page.getByRole('button', { name: 'Reload Waymark' }).click();
  await expect(caseload.names).toHaveText(['Priya Natarajan']);
});

test('typing the tablet cannot keep as a draft is kept in the page’s storage, and when neither can keep it the form says so', async ({
  tablet,
}) => {
  const { page, today, caseload, sessionForm } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await sessionForm.start();

  await simulateBrokenStorage(page, true);
  await sessionForm.fill({ kind: 'One-to-one', pupils: ['Priya'], note: 'Said she had been anxious' });
  await sessionForm.waitForDraftKept();

  await simulateFullPageStorage(page, true);
  await sessionForm.note.pressSequentially(' since the');
  await expect(page.getByRole('alert').filter({ hasText: 'What you type here is not being kept on the tablet' })).toBeVisible();

  await simulateFullPageStorage(page, false);
  await simulateBrokenStorage(page, false);
  await sessionForm.note.pressSequentially(' move.');
  await sessionForm.waitForDraftKept();
  await page.reload();
  await expect(sessionForm.note).toHaveValue('Said she had been anxious since the move.');
});

test('a form whose earlier draft cannot be read back says so, and to reload before typing', async ({ tablet }) => {
  const { page, today, caseload } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.open();
  await page.getByRole('link', { name: 'Add a pupil' }).click();
  await page.getByRole('main').getByLabel('Full name').fill('Samira Haddad');
  await page.getByText(/^Draft kept on this tablet at/).waitFor();
  await caseload.open();

  await simulateBrokenStorage(page, true);
  await page.getByRole('link', { name: 'Add a pupil' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'What you typed in this form before could not be read back' })).toBeVisible();
});

test('“Start again” on a restored form, when the tablet cannot save, says so and keeps what was typed', async ({ tablet }) => {
  const { page, today, caseload, sessionForm } = tablet;
  await allowBrokenStorage(page);
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await sessionForm.start();
  await sessionForm.fill({ kind: 'One-to-one', pupils: ['Priya'], note: 'Half a thought' });
  await sessionForm.waitForDraftKept();
  await page.reload();
  await expect(sessionForm.restoredNotice).toBeVisible();

  await simulateBrokenStorage(page, true);
  await sessionForm.restoredNotice.getByRole('button', { name: 'Start again' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'The form was not started again. Waymark could not write to the tablet’s storage.' }),
  ).toBeVisible();
  await expect(sessionForm.note).toHaveValue('Half a thought');
});
