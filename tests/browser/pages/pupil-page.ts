import type { Locator, Page } from '@playwright/test';

export interface NewTarget {
  wording: string;
  howWeKnow?: string;
  rhythm?: 'Every school day' | 'Once a week' | 'On chosen days';
}

export interface Closure {
  /** yyyy-MM-dd; today if not given. */
  on?: string;
  reason: 'targets met' | 'moved school' | 'left school' | 'referred to another service' | 'pupil or family declined' | 'other';
  outcome: 'much improved' | 'improved' | 'no change' | 'worse';
  summary: string;
}

export class PupilPage {
  constructor(readonly page: Page) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  async setTarget(t: NewTarget) {
    await this.page.getByRole('link', { name: 'Set a target' }).click();
    const form = this.page.getByRole('main');
    await form.getByLabel('The target').fill(t.wording);
    if (t.howWeKnow) await form.getByLabel('How we’ll know').fill(t.howWeKnow);
    if (t.rhythm) await form.getByRole('radio', { name: t.rhythm }).check();
    await form.getByRole('button', { name: 'Set target' }).click();
    await this.target(t.wording).waitFor();
  }

  target(wording: string): Locator {
    return this.page
      .getByRole('region', { name: /^Targets/ })
      .getByRole('listitem')
      .filter({ hasText: wording })
      .first();
  }

  async checkIn(wording: string, result: 'Met' | 'Partly' | 'Not met') {
    await this.target(wording).getByRole('button', { name: result, exact: true }).click();
  }

  /** The check-in strip's cells, as read out: "Tue 24 Nov: Met". */
  async strip(wording: string): Promise<string[]> {
    const said = await this.target(wording)
      .getByRole('img', { name: /Recent check-ins/ })
      .getAttribute('aria-label');
    return (said ?? '').replace(/^Recent check-ins, oldest first: /, '').split('; ');
  }

  get sessions(): Locator {
    return this.page.getByRole('region', { name: /Sessions and notes/ }).getByRole('listitem');
  }

  get sessionsHeading(): Locator {
    return this.page.getByRole('heading', { level: 2, name: /^Sessions and notes/ });
  }

  /** A one-to-one note about this pupil, started from their page; back on their page once saved. */
  async writeNote(note: string) {
    await this.page.getByRole('main').getByRole('link', { name: 'New note' }).click();
    await this.page.getByRole('main').getByLabel('Note').fill(note);
    await this.page.getByRole('button', { name: 'Save note' }).click();
    await this.session(note).waitFor();
  }

  async showEarlierNotes() {
    await this.page.getByRole('button', { name: /^Show earlier notes/ }).click();
  }

  /** One of the pupil's sessions, found by a piece of its note or heading. */
  session(text: string): Locator {
    return this.sessions.filter({ hasText: text }).first();
  }

  /** Opens a session's own page from the pupil's list of sessions. */
  async openSession(text: string) {
    await this.session(text).getByRole('link').first().click();
    await this.page.waitForURL(/\/sessions\/[^/]+$/);
  }

  /** The banner at the top saying a note raises a safeguarding concern. */
  get concernBanner(): Locator {
    return this.page.getByRole('note').filter({ hasText: /safeguarding concern/ });
  }

  /** The "Support closed" card: the date, the reason, the outcome and the exit summary. */
  get closure(): Locator {
    return this.page.getByRole('region', { name: /^Support closed/ });
  }

  /** Close support → date, reason, outcome, exit summary → Close support; lands back on this page. */
  async closeSupport(c: Closure) {
    await this.page.getByRole('main').getByRole('link', { name: 'Close support' }).click();
    await this.page.getByRole('heading', { level: 1, name: /^Close support/ }).waitFor();
    const form = this.page.getByRole('main');
    if (c.on) await form.getByLabel('Support ended on').fill(c.on);
    await form.getByLabel('Reason').selectOption(c.reason);
    await form.getByLabel('Outcome').selectOption(c.outcome);
    await form.getByLabel('Exit summary').fill(c.summary);
    await form.getByRole('button', { name: 'Close support' }).click();
    await this.closure.waitFor();
  }

  async reopenSupport() {
    await this.page.getByRole('main').getByRole('button', { name: 'Reopen support' }).click();
    await this.closure.waitFor({ state: 'detached' });
  }

  /** The wordings of the active targets, in the order shown. */
  get activeTargets(): Locator {
    return this.page.getByRole('region', { name: /^Targets/ }).locator('li.target .target-wording');
  }

  /** A target's "Change": rewords it and lands back on this page. */
  async changeTarget(wording: string, newWording: string) {
    await this.target(wording).getByRole('link', { name: 'Change', exact: true }).click();
    await this.page.getByRole('heading', { level: 1, name: /^Change the target/ }).waitFor();
    await this.page.getByRole('main').getByLabel('The target').fill(newWording);
    await this.page.getByRole('main').getByRole('button', { name: 'Save target' }).click();
    await this.target(newWording).waitFor();
  }

  /** Opens a target's "Earlier wording" and returns its entries, newest change first. */
  async earlierWording(wording: string): Promise<Locator> {
    const box = this.target(wording)
      .locator('details')
      .filter({ has: this.page.getByText(/^Earlier wording/) });
    if ((await box.getAttribute('open')) === null) await box.getByText(/^Earlier wording/).click();
    return box.getByRole('listitem');
  }

  /** "Achieved or dropped…" → Achieved, and set the next target in the same save. */
  async achieveTarget(wording: string, next: NewTarget) {
    await this.target(wording).getByRole('link', { name: 'Achieved or dropped…' }).click();
    await this.page.getByRole('heading', { level: 1, name: /^Finish/ }).waitFor();
    const form = this.page.getByRole('main');
    await form.getByRole('radio', { name: 'Achieved', exact: true }).check();
    await form.getByRole('checkbox', { name: 'Set the next target now' }).check();
    const nextTarget = form.getByRole('group', { name: 'The next target' });
    await nextTarget.getByLabel('The target').fill(next.wording);
    if (next.howWeKnow) await nextTarget.getByLabel('How we’ll know').fill(next.howWeKnow);
    if (next.rhythm) await nextTarget.getByRole('radio', { name: next.rhythm }).check();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await this.target(next.wording).waitFor();
  }

  /** Opens "Earlier targets" and returns its entries: each wording with how and when it ended. */
  async earlierTargets(): Promise<Locator> {
    const box = this.page
      .getByRole('region', { name: /^Targets/ })
      .locator('details')
      .filter({ has: this.page.getByText(/^Earlier targets/) });
    if ((await box.getAttribute('open')) === null) await box.getByText(/^Earlier targets/).click();
    return box.locator(':scope > ul > li');
  }
}
