import { expect, test } from './fixtures.ts';
import { holdDrafts } from './pages/app-shell.ts';
import { SessionForm } from './pages/session-form.ts';

test('a half-written note survives a reload and the app being closed, and is gone once saved', async ({ tablet }) => {
  const { context, today, caseload, sessionForm } = tablet;
  let { page } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });

  await sessionForm.start();
  await sessionForm.fill({ kind: 'Parent or carer contact', pupils: ['Priya'], note: 'Mum called about the bus. She says Priya has been' });
  await sessionForm.waitForDraftKept();

  await page.reload();
  await expect(sessionForm.restoredNotice).toBeVisible();
  await expect(sessionForm.note).toHaveValue('Mum called about the bus. She says Priya has been');
  await expect(sessionForm.pupilChosen('Priya')).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Parent or carer contact' })).toBeChecked();

  // Close the app altogether (the last page of the tablet's browser) and open it again.
  await sessionForm.note.fill('Mum called about the bus. She says Priya has been anxious in the mornings.');
  await sessionForm.waitForDraftKept();
  const reopened = await context.newPage();
  await page.close();
  page = reopened;
  await page.goto('/sessions/new');
  const form = new SessionForm(page);
  await expect(form.note).toHaveValue('Mum called about the bus. She says Priya has been anxious in the mornings.');

  await form.save();
  await page.goto('/sessions/new');
  await expect(form.note).toHaveValue('');
  await expect(form.restoredNotice).toHaveCount(0);
});

test('a save refused for a missing pupil keeps everything typed, and says why', async ({ tablet }) => {
  const { page, today, sessionForm } = tablet;
  await today.open();
  await sessionForm.start();
  await sessionForm.note.fill('Important words that must not be lost.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose at least one pupil.');
  await expect(sessionForm.note).toHaveValue('Important words that must not be lost.');
  await page.reload();
  await expect(sessionForm.note).toHaveValue('Important words that must not be lost.');
});

test('a note whose draft was still being written when the app was closed comes back when it is opened again', async ({ tablet }) => {
  const { context, page, today, caseload, sessionForm } = tablet;
  // The page's clock runs only when the test says, so the form's pause-in-typing save starts just
  // when the test moves it on, while the drafts are held.
  await page.clock.install();
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await sessionForm.start();
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  const other = await context.newPage();
  await other.goto('/favicon.svg');
  const drafts = await holdDrafts(other);

  await sessionForm.fill({ kind: 'One-to-one', pupils: ['Priya'], note: 'Said she had been anxious since the' });
  await page.clock.runFor(1_000);
  // The save has started and is not written yet: the mentor closes the app.
  await page.close();
  await drafts.release();

  await page.clock.resume();
  const reopened = await context.newPage();
  await reopened.goto('/sessions/new');
  await expect(new SessionForm(reopened).note).toHaveValue('Said she had been anxious since the');
});

test('words typed while the draft was being written, when a newer version closed the database, come back after the reload', async ({
  tablet,
}) => {
  const { context, page, today, caseload, sessionForm } = tablet;
  await page.clock.install();
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await sessionForm.start();
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  const other = await context.newPage();
  await other.goto('/favicon.svg');
  await holdDrafts(other);

  await sessionForm.fill({ kind: 'One-to-one', pupils: ['Priya'], note: 'Said she had been anxious' });
  await page.clock.runFor(1_000);
  // The save of the first words is waiting when the mentor types more and a newer version takes
  // the database: the waiting save is written as the database closes, after the stash of both.
  await sessionForm.note.pressSequentially(' since the');
  const upgraded = await other.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.open('waymark', 1000);
        request.onsuccess = () => {
          request.result.close();
          resolve('upgraded');
        };
        request.onerror = () => resolve(`error: ${request.error?.message}`);
      }),
  );
  expect(upgraded).toBe('upgraded');
  await expect(page.getByRole('alert').filter({ hasText: 'Waymark was updated in another window' })).toBeVisible();
  // Kept for the next load even if this page never gets to stash again (the tablet switched off).
  const stashed = await page.evaluate(() => localStorage.getItem('waymark:draft:session:new'));
  expect(JSON.parse(stashed ?? '{}').value?.note).toBe('Said she had been anxious since the');

  await page.clock.resume();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(sessionForm.restoredNotice).toBeVisible();
  await expect(sessionForm.note).toHaveValue('Said she had been anxious since the');
});
