import { expect, test } from './fixtures.ts';
import { seriousViolations } from './pages/axe.ts';

/**
 * Every main screen, with realistic records on it, has no serious or critical WCAG 2.2 AA problem
 * that axe can find. Axe finds only part of what matters (no substitute for trying a screen
 * reader), but what it finds is certain.
 */
test('Today, Caseload, a pupil, the session form and Settings have no serious or critical axe violations', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  await today.open();

  await caseload.addPupil({
    name: 'Jacob Smith',
    preferredName: 'Jake',
    yearGroup: 'Year 9',
    form: '9R',
    reasons: ['attendance', 'behaviour'],
    consent: 'given',
    whatHelps: 'A quiet word before the lesson, not in front of the class.',
  });
  await pupilPage.setTarget({ wording: 'Hand in maths homework on time', howWeKnow: 'Mr Patel signs the planner' });
  await pupilPage.checkIn('Hand in maths homework on time', 'Partly');
  const pupilPath = new URL(page.url()).pathname;
  const jakeId = pupilPath.split('/').pop();

  await caseload.addPupil({ name: 'Amelia Jacobs', preferredName: 'Millie', yearGroup: 'Year 8' });
  // Weekly, so that it is due on Today whatever day the test runs.
  await pupilPage.setTarget({ wording: 'Say one thing in class this week', rhythm: 'Once a week' });

  await sessionForm.record({
    kind: 'One-to-one',
    pupils: ['Jake'],
    note: 'Jake said things are hard at home since his dad moved out. Passed to the DSL at lunch.',
    concern: true,
    minutes: 30,
  });
  // A flagged note leads to the concern form, which the mentor leaves for now.
  await caseload.openPupil('Jake');
  await expect(pupilPage.heading).toHaveText('Jake Smith');
  await sessionForm.record({
    kind: 'Group or homework club',
    groupName: 'Homework club',
    pupils: ['Jake', 'Millie'],
    note: 'Both finished the maths worksheet.',
    minutes: 45,
  });

  const screens: { name: string; path: string; ready: () => Promise<void> }[] = [
    {
      name: 'Today',
      path: '/',
      ready: () => today.due('Say one thing in class this week').waitFor(),
    },
    {
      name: 'Caseload',
      path: '/pupils',
      ready: () => caseload.names.first().waitFor(),
    },
    {
      name: 'a pupil',
      path: pupilPath,
      ready: async () => {
        await pupilPage.target('Hand in maths homework on time').waitFor();
        await expect(pupilPage.sessions).toHaveCount(2);
      },
    },
    {
      name: 'the session form, a pupil chosen',
      path: `/sessions/new?pupil=${jakeId}`,
      ready: async () => {
        const review = page.getByRole('group', { name: 'Jake Smith: Hand in maths homework on time' });
        // With a result chosen and the concern ticked, every part of the form is on screen.
        await review.getByRole('radio', { name: 'Met', exact: true }).check();
        await review.getByLabel('A word (optional)').waitFor();
        await page.getByRole('checkbox', { name: /Safeguarding concern/ }).check();
        await sessionForm.waitForDraftKept();
      },
    },
    {
      name: 'Settings',
      path: '/settings',
      ready: () => page.getByRole('heading', { level: 2, name: 'Storage' }).waitFor(),
    },
  ];

  for (const screen of screens) {
    await page.goto(screen.path);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await screen.ready();
    const violations = await seriousViolations(page);
    expect.soft(violations.length, `serious or critical on ${screen.name} (${screen.path}):\n${violations.join('\n')}`).toBe(0);
  }
});

test('moving to another screen puts focus at the start of it, also when the screen first loads its record', async ({ tablet }) => {
  const { page, today, caseload, pupilPage, sessionForm } = tablet;
  const focusedScreen = () =>
    page.evaluate(() => {
      const active = document.activeElement;
      return active?.id === 'main' ? (active.querySelector('h1')?.textContent ?? '') : `not the screen: ${active?.tagName}`;
    });
  await today.open();
  await caseload.addPupil({ name: 'Jacob Smith', preferredName: 'Jake', yearGroup: 'Year 9' });
  await sessionForm.record({ kind: 'One-to-one', pupils: ['Jake'], note: 'Jake settled well after break.' });

  await caseload.open();
  await expect.poll(focusedScreen).toBe('Caseload');
  await caseload.openPupil('Jake Smith');
  await expect.poll(focusedScreen).toBe('Jake Smith');
  await pupilPage.openSession('settled well');
  await expect.poll(focusedScreen).toMatch(/One-to-one/);
});
