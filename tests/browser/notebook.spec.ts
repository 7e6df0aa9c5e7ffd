import { expect, test } from './fixtures.ts';

test('a mentor adds a pupil, sets a target, checks it in, records a group session, reloads, and everything is still there', async ({
  tablet,
}) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  await today.open();

  await caseload.addPupil({
    name: 'Jacob Smith',
    preferredName: 'Jake',
    yearGroup: 'Year 9',
    form: '9R',
    reasons: ['attendance', 'behaviour'],
    consent: 'given',
  });
  await pupilPage.setTarget({ wording: 'Hand in maths homework on time', howWeKnow: 'Mr Patel signs the planner' });
  await pupilPage.checkIn('Hand in maths homework on time', 'Met');
  await expect(pupilPage.target('Hand in maths homework on time').getByRole('button', { name: 'Met', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  await pupilPage.setTarget({ wording: 'Ask for help once a lesson', rhythm: 'Once a week' });

  await sessionForm.record({
    kind: 'Group or homework club',
    groupName: 'Homework club',
    pupils: ['Jake Smith', 'Millie Jacobs'],
    note: 'Both finished the maths worksheet. Jake helped Millie with fractions.',
    minutes: 45,
    reviews: [{ pupil: 'Millie Jacobs', target: 'Ask for help once a lesson', result: 'Partly' }],
  });
  await expect(page.getByRole('heading', { level: 1, name: /Group or homework club – Homework club/ })).toBeVisible();

  await page.reload();

  await today.open();
  await expect(today.sessions).toHaveCount(1);
  await expect(today.sessions.first()).toContainText('Homework club: Jake Smith, Millie Jacobs');
  // Checked in today, so no longer due.
  await expect(today.due('Hand in maths homework on time')).toHaveCount(0);

  await caseload.open();
  await expect(caseload.names).toHaveText(['Millie Jacobs', 'Jake Smith']);
  await caseload.openPupil('Jake');
  await expect(pupilPage.heading).toHaveText('Jake Smith');
  await expect(pupilPage.target('Hand in maths homework on time')).toContainText('Mr Patel signs the planner');
  expect((await pupilPage.strip('Hand in maths homework on time')).some((cell) => /: Met/.test(cell))).toBe(true);
  await expect(pupilPage.sessions).toHaveCount(1);
  await expect(pupilPage.sessions.first()).toContainText('Jake helped Millie with fractions.');

  await caseload.openPupil('Millie');
  await expect(pupilPage.sessions.first()).toContainText('Jake helped Millie with fractions.');
  // The target reviewed in the group session was checked in by it.
  expect((await pupilPage.strip('Ask for help once a lesson')).some((cell) => /: Partly/.test(cell))).toBe(true);
});
