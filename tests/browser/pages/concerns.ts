import type { Locator, Page } from '@playwright/test';

export interface NewConcern {
  category: string;
  account: string;
  toldWhom?: string;
}

/** Safeguarding concerns: recording one from a pupil's page, one concern's page, and the DSL's part. */
export class ConcernsPage {
  constructor(readonly page: Page) {}

  /** From the pupil's page that is open: records a concern and lands on its page. */
  async record(c: NewConcern) {
    await this.page.getByRole('link', { name: 'Record a concern' }).click();
    await this.saveForm(c);
  }

  /** The concern form a flagged note leads to, about that note's pupil. */
  get formAfterFlaggedNote(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Record a safeguarding concern about/ });
  }

  /** On the open concern form: fills it in, saves it and lands on the concern's page. */
  async saveForm(c: NewConcern) {
    const form = this.page.getByRole('main');
    await form.getByLabel('What is it about?').selectOption(c.category);
    await form.getByLabel('What was seen or said').fill(c.account);
    if (c.toldWhom) await form.getByLabel('Who you told in person').fill(c.toldWhom);
    await form.getByRole('button', { name: 'Save the concern' }).click();
    await this.page.getByRole('heading', { level: 1, name: /^Safeguarding concern about/ }).waitFor();
  }

  /** The line under a concern's heading saying whether the DSL has it, and whether they have seen it. */
  get delivery(): Locator {
    return this.page.getByRole('main').locator('.banner-concern, .status-seen, .status-sent').first();
  }

  /** Who recorded the open concern, when their tablet says they did, and when it reached the school. */
  get recordedBy(): Locator {
    return this.page.getByRole('main').locator('dt:text-is("Recorded by") + dd');
  }

  /** The header's count of concerns not yet with the DSL. */
  get notYetWithTheDsl(): Locator {
    return this.page.getByRole('banner').getByRole('status').filter({ hasText: 'not yet with the DSL' });
  }

  /** Today's list of concerns, for the DSL. */
  get onToday(): Locator {
    return this.page.getByRole('region', { name: /^Safeguarding concerns/ });
  }

  /** The DSL's: asks the school who saw or changed the open concern, and returns the list. */
  async auditTrail(): Promise<Locator> {
    const section = this.page.getByRole('region', { name: 'Who saw or changed it' });
    await section.getByRole('button', { name: 'Show the audit trail' }).click();
    return section.getByRole('listitem');
  }

  async acknowledge() {
    await this.page.getByRole('button', { name: 'Acknowledge' }).click();
    await this.page.getByRole('button', { name: 'Acknowledge' }).waitFor({ state: 'detached' });
  }

  async recordAction(action: string, note: string) {
    const dsl = this.page.getByRole('region', { name: 'As the DSL' });
    await dsl.getByLabel('What was done').selectOption(action);
    await dsl.getByLabel('Note').fill(note);
    await dsl.getByRole('button', { name: 'Record it' }).click();
    await this.page.getByRole('region', { name: 'What the DSL did' }).getByText(note).waitFor();
  }
}
