import type { Locator, Page } from '@playwright/test';

export class TodayPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto('/');
    await this.page.getByRole('heading', { level: 1, name: /Today/ }).waitFor();
  }

  /** The row of a due check-in, found by the target's wording. */
  due(wording: string): Locator {
    return this.page
      .getByRole('region', { name: /Check-ins due/ })
      .getByRole('listitem')
      .filter({ hasText: wording });
  }

  async checkIn(wording: string, result: 'Met' | 'Partly' | 'Not met') {
    await this.due(wording).getByRole('button', { name: result, exact: true }).click();
  }

  get sessions(): Locator {
    return this.page.getByRole('region', { name: /Today’s sessions/ }).getByRole('listitem');
  }

  /** "Undo" on the message that follows a check-in tap. */
  async undoCheckIn() {
    await this.page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  }
}
