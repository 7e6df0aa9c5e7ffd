import { expect, test } from './fixtures.ts';
import { simulateFullDisk } from './pages/app-shell.ts';
import { SessionPage } from './pages/session-page.ts';

test('a note flagged as a safeguarding concern leads to recording the concern, and is marked on Today, on the pupil’s page and on its own page', async ({
  tablet,
}) => {
  const { page, today, caseload, pupilPage, sessionForm, concerns } = tablet;
  const sessionPage = new SessionPage(page);
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });

  await sessionForm.record({ kind: 'One-to-one', pupils: ['Priya'], note: 'Talked about her reading book.' });
  await expect(pupilPage.concernBanner).toHaveCount(0);
  await sessionForm.record({
    kind: 'One-to-one',
    pupils: ['Priya'],
    note: 'Priya said she is scared to go home at the weekend.',
    concern: true,
  });
  // The note is saved; the concern for the DSL is recorded next, about Priya.
  await expect(concerns.formAfterFlaggedNote).toHaveText('Record a safeguarding concern about Priya Natarajan');
  await concerns.saveForm({ category: 'emotional abuse', account: 'She said she is scared to go home at the weekend.' });
  await expect(concerns.delivery).toContainText('The DSL has not got this yet');

  // The pupil's page: a banner, and the note marked in the list of sessions (the other one is not).
  await caseload.openPupil('Priya');
  await expect(pupilPage.heading).toHaveText('Priya Natarajan');
  await expect(pupilPage.concernBanner).toHaveText(/One note raises a safeguarding concern\./);
  await expect(pupilPage.session('scared to go home')).toContainText('Safeguarding concern');
  await expect(pupilPage.session('reading book')).not.toContainText('Safeguarding concern');

  // The session's own page.
  await pupilPage.openSession('scared to go home');
  await expect(sessionPage.note).toHaveText('Priya said she is scared to go home at the weekend.');
  await expect(sessionPage.concernBadge).toBeVisible();

  // Today's sessions.
  await today.open();
  await expect(today.sessions).toHaveCount(2);
  await expect(today.sessions.filter({ hasText: 'Safeguarding concern' })).toHaveCount(1);

  // And the other note's page has no badge.
  await caseload.openPupil('Priya');
  await pupilPage.openSession('reading book');
  await expect(sessionPage.note).toHaveText('Talked about her reading book.');
  await expect(sessionPage.concernBadge).toHaveCount(0);
});

test('editing a note keeps the earlier version', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  const sessionPage = new SessionPage(page);
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await sessionForm.record({ kind: 'One-to-one', pupils: ['Jake'], note: 'Jake was late to maths twice this week.' });

  await pupilPage.openSession('late to maths');
  await sessionPage.changeNote('Jake was late to maths three times this week; the bus is the problem.');

  await expect(sessionPage.note).toHaveText('Jake was late to maths three times this week; the bus is the problem.');
  const versions = await sessionPage.earlierVersions();
  await expect(versions).toHaveCount(1);
  await expect(versions.first()).toContainText('Jake was late to maths twice this week.');

  // The pupil's page shows the note as it reads now.
  await sessionPage.openPupil('Jake Smith');
  await expect(pupilPage.sessions).toHaveCount(1);
  await expect(pupilPage.sessions.first()).toContainText('three times this week');
});

test('“New note” tapped while editing a note starts an empty note, not a copy of the one being edited', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  const sessionPage = new SessionPage(page);
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await sessionForm.record({ kind: 'One-to-one', pupils: ['Jake'], note: 'Jake talked about his brother’s illness.', concern: true });
  await caseload.openPupil('Jake');
  await pupilPage.openSession('brother’s illness');
  await sessionPage.editButton.click();
  await expect(sessionForm.note).toHaveValue('Jake talked about his brother’s illness.');

  await sessionForm.start();
  await expect(page.getByRole('main').getByRole('button', { name: 'Save note' })).toBeEnabled();
  await expect(sessionForm.note).toHaveValue('');
  await expect(page.getByRole('main').getByRole('checkbox', { name: /Safeguarding concern/ })).not.toBeChecked();
  await expect(sessionForm.pupilChosen('Jake')).not.toBeChecked();
});

test('a withdrawn note stays on the pupil’s page, marked, with its reason, and can no longer be edited', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  const sessionPage = new SessionPage(page);
  await today.open();
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  await sessionForm.record({ kind: 'One-to-one', pupils: ['Millie'], note: 'Millie forgot her PE kit again.' });

  await pupilPage.openSession('PE kit');
  await expect(sessionPage.editButton).toBeVisible();
  await sessionPage.withdraw('Written about the wrong pupil');

  await expect(sessionPage.withdrawnNotice).toContainText('Written about the wrong pupil');
  await expect(sessionPage.withdrawnNotice).toContainText('It stays in the record.');
  await expect(sessionPage.withdrawnBadge).toBeVisible();
  await expect(sessionPage.note).toHaveText('Millie forgot her PE kit again.');
  await expect(sessionPage.editButton).toHaveCount(0);
  await expect(sessionPage.withdrawButton).toHaveCount(0);

  await page.reload();
  await expect(sessionPage.withdrawnNotice).toContainText('Written about the wrong pupil');
  await expect(sessionPage.editButton).toHaveCount(0);

  await sessionPage.openPupil('Millie Jacobs');
  await expect(pupilPage.sessions).toHaveCount(1);
  await expect(pupilPage.session('PE kit')).toContainText('Millie forgot her PE kit again.');
  await expect(pupilPage.session('PE kit')).toContainText('Withdrawn');
});

test('closing support moves a pupil from “On caseload” to “Closed”, and reopening brings them back', async ({ tablet }) => {
  const { today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Priya Natarajan', yearGroup: 'Year 7' });
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });

  await pupilPage.closeSupport({
    reason: 'moved school',
    outcome: 'improved',
    summary: 'Attendance up from 82% to 94%. Moving to Hillside Academy; their mentor has our notes.',
  });
  await expect(pupilPage.closure).toContainText('Support closed');
  await expect(pupilPage.closure).toContainText('moved school · outcome: improved');
  await expect(pupilPage.closure).toContainText('Attendance up from 82% to 94%.');

  await caseload.open();
  await expect(caseload.onCaseloadTab).toHaveText('On caseload (1)');
  await expect(caseload.closedTab).toHaveText('Closed (1)');
  await expect(caseload.names).toHaveText(['Priya Natarajan']);
  await caseload.showClosed();
  await expect(caseload.names).toHaveText(['Jake Smith']);

  await caseload.openClosedPupil('Jake');
  await expect(pupilPage.closure).toContainText('moved school · outcome: improved');
  await pupilPage.reopenSupport();
  await expect(pupilPage.closure).toHaveCount(0);

  await caseload.open();
  await expect(caseload.onCaseloadTab).toHaveText('On caseload (2)');
  await expect(caseload.names).toHaveText(['Jake Smith', 'Priya Natarajan']);
  await caseload.showClosed();
  await expect(caseload.closedTab).toHaveText('Closed (0)');
  await expect(caseload.emptyMessage).toHaveText('No closed pupils.');
});

test('a mentor finds a pupil by typing part of a name, with or without accents', async ({ tablet }) => {
  const { today, caseload } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  await caseload.addPupil({ name: 'Zoë O’Neill', yearGroup: 'Year 10' });
  await caseload.open();
  await expect(caseload.names).toHaveCount(3);

  await caseload.search('jac');
  await expect(caseload.names).toHaveText(['Millie Jacobs', 'Jake Smith']);

  await caseload.search('zoe');
  await expect(caseload.names).toHaveText(['Zoë O’Neill']);
  await caseload.search('zoe oneill');
  await expect(caseload.names).toHaveText(['Zoë O’Neill']);

  await caseload.search('Jake');
  await expect(caseload.names).toHaveText(['Jake Smith']);

  await caseload.search('xavier');
  await expect(caseload.names).toHaveCount(0);
  await expect(caseload.emptyMessage).toHaveText('No pupil matches “xavier”.');

  await caseload.search('');
  await expect(caseload.names).toHaveCount(3);
});

test('a check-in tap leaves Today at once; if the tablet cannot save it, it comes back with the reason', async ({ tablet }) => {
  const { page, today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Amara Okafor', yearGroup: 'Year 8' });
  await pupilPage.setTarget({ wording: 'Bring PE kit on PE days', rhythm: 'Once a week' });
  await today.open();

  await simulateFullDisk(page, true);
  await today.checkIn('Bring PE kit on PE days', 'Met');
  await expect(page.getByRole('status')).toContainText('out of storage space');
  await expect(today.due('Bring PE kit on PE days')).toHaveCount(1);

  await simulateFullDisk(page, false);
  await today.checkIn('Bring PE kit on PE days', 'Met');
  await expect(today.due('Bring PE kit on PE days')).toHaveCount(0);
  // The row leaves at the tap; the message with Undo comes once the save has landed. (Reloading
  // before then would abort the save's transaction, as closing the tab would.)
  await expect(page.getByRole('status')).toContainText('met – “Bring PE kit on PE days”');
  await today.open();
  await expect(today.due('Bring PE kit on PE days')).toHaveCount(0);
});

test('Undo after a check-in on Today makes the target due again; changing a target keeps its earlier wording', async ({ tablet }) => {
  const { today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await pupilPage.setTarget({ wording: 'Hand in maths homework on time', rhythm: 'Once a week' });

  await today.open();
  await expect(today.due('Hand in maths homework on time')).toHaveCount(1);
  await today.checkIn('Hand in maths homework on time', 'Met');
  await expect(today.due('Hand in maths homework on time')).toHaveCount(0);
  await today.undoCheckIn();
  await expect(today.due('Hand in maths homework on time')).toHaveCount(1);
  await expect(today.due('Hand in maths homework on time')).toContainText('Jake Smith');

  // Still due after a reload: the undo was saved, not just hidden.
  await today.open();
  await expect(today.due('Hand in maths homework on time')).toHaveCount(1);

  await caseload.openPupil('Jake');
  expect((await pupilPage.strip('Hand in maths homework on time')).some((cell) => /: Met/.test(cell))).toBe(false);
  await pupilPage.changeTarget('Hand in maths homework on time', 'Hand in maths and science homework on time');
  await expect(pupilPage.activeTargets).toHaveText(['Hand in maths and science homework on time']);
  const earlier = await pupilPage.earlierWording('Hand in maths and science homework on time');
  await expect(earlier).toHaveCount(1);
  await expect(earlier.first()).toContainText('“Hand in maths homework on time”');

  await today.open();
  await expect(today.due('Hand in maths and science homework on time')).toHaveCount(1);
});

test('achieving a target and setting the next one moves the old one under “Earlier targets”', async ({ tablet }) => {
  const { today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  await pupilPage.setTarget({ wording: 'Bring PE kit every Tuesday', rhythm: 'Once a week' });

  await pupilPage.achieveTarget('Bring PE kit every Tuesday', {
    wording: 'Say one thing in class each day',
    howWeKnow: 'Miss Lee notes it in the planner',
    rhythm: 'Once a week',
  });

  await expect(pupilPage.activeTargets).toHaveText(['Say one thing in class each day']);
  await expect(pupilPage.target('Say one thing in class each day')).toContainText('Miss Lee notes it in the planner');
  const earlier = await pupilPage.earlierTargets();
  await expect(earlier).toHaveCount(1);
  await expect(earlier.first()).toContainText('Bring PE kit every Tuesday');
  await expect(earlier.first()).toContainText('(achieved, today)');

  await today.open();
  await expect(today.due('Say one thing in class each day')).toHaveCount(1);
  await expect(today.due('Bring PE kit every Tuesday')).toHaveCount(0);
});

test('a pupil with many notes shows the latest 30, counts them all, and shows the earlier ones when asked', async ({ tablet }) => {
  const { today, caseload, pupilPage } = tablet;
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', yearGroup: 'Year 9' });
  for (let i = 1; i <= 32; i++) await pupilPage.writeNote(`Talked about week ${i}.`);
  await expect(pupilPage.sessionsHeading).toHaveText('Sessions and notes (32)');
  await expect(pupilPage.sessions).toHaveCount(30);
  await expect(pupilPage.sessions.first()).toContainText('Talked about week 32.');
  await expect(pupilPage.session('Talked about week 2.')).toHaveCount(0);
  await expect(tablet.page.getByRole('button', { name: 'Show earlier notes (2 more)' })).toBeVisible();
  await pupilPage.showEarlierNotes();
  await expect(pupilPage.sessions).toHaveCount(32);
  await expect(pupilPage.sessions.last()).toContainText('Talked about week 1.');
  await expect(tablet.page.getByRole('button', { name: /^Show earlier notes/ })).toHaveCount(0);
});
