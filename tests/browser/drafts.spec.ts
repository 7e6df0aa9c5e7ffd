import { expect, test } from './fixtures.ts';
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
