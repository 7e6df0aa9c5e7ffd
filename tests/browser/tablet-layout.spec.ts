import { expect, test } from './fixtures.ts';
import { overflowsSideways, smallTouchTargets } from './pages/layout.ts';

const SIZES = [
  { name: 'portrait tablet', width: 768, height: 1024 },
  { name: 'landscape tablet', width: 1366, height: 1024 },
];

test('every screen fits a tablet in both orientations, with touch targets of at least 44 px', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9', form: '9R', reasons: ['attendance'] });
  await pupilPage.setTarget({ wording: 'Hand in maths homework on time', rhythm: 'Every school day' });
  await pupilPage.checkIn('Hand in maths homework on time', 'Partly');
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  await pupilPage.setTarget({ wording: 'Say one thing in class this week', rhythm: 'Once a week' });
  await caseload.openPupil('Jake');
  await sessionForm.record({ kind: 'One-to-one', pupils: ['Jake'], note: 'A long note. '.repeat(40) });
  // A one-to-one note returns to the pupil's page.
  await expect(pupilPage.heading).toHaveText('Jake Smith');
  const pupilUrl = new URL(page.url()).pathname;
  const screens = ['/', '/pupils', pupilUrl, '/sessions/new', '/pupils/new', `${pupilUrl}/targets/new`];

  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const path of screens) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expect.soft(await smallTouchTargets(page), `${path} on a ${size.name}`).toEqual([]);
      expect.soft(await overflowsSideways(page), `${path} scrolls sideways on a ${size.name}`).toBe(false);
    }
  }
});

test('a target can be checked in from Today with the keyboard alone', async ({ tablet }) => {
  const { page, today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  // Weekly, so that it is due whatever day of the week the test runs.
  await pupilPage.setTarget({ wording: 'Say one thing in class this week', rhythm: 'Once a week' });
  await today.open();
  const due = today.due('Say one thing in class this week');
  await due.getByRole('link', { name: 'Millie Jacobs' }).focus();
  await page.keyboard.press('Tab');
  await expect(due.getByRole('button', { name: 'Met', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Millie Jacobs: met' })).toBeVisible();
  await expect(due).toHaveCount(0);
});
