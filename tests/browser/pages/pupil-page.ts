import type { Locator, Page } from '@playwright/test';

export interface NewTarget {
  wording: string;
  howWeKnow?: string;
  rhythm?: 'Every school day' | 'Once a week' | 'On chosen days';
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
    return this.target(wording)
      .getByRole('list', { name: /Recent check-ins/ })
      .getByRole('listitem')
      .allInnerTexts();
  }

  get sessions(): Locator {
    return this.page.getByRole('region', { name: /Sessions and notes/ }).getByRole('listitem');
  }
}
