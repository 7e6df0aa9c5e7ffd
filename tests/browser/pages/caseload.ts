import type { Page } from '@playwright/test';

export interface NewPupil {
  name: string;
  preferredName?: string;
  yearGroup: string;
  form?: string;
  reasons?: string[];
  consent?: 'given' | 'refused' | 'not yet asked';
  whatHelps?: string;
}

export class Caseload {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseload' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'Caseload' }).waitFor();
  }

  /** Adds a pupil through the form and lands on their page. */
  async addPupil(p: NewPupil) {
    await this.open();
    await this.page.getByRole('link', { name: 'Add a pupil' }).click();
    const form = this.page.getByRole('main');
    await form.getByLabel('Full name').fill(p.name);
    if (p.preferredName) await form.getByLabel('Preferred name').fill(p.preferredName);
    await form.getByLabel('Year group').selectOption(p.yearGroup);
    if (p.form) await form.getByLabel('Form or class').fill(p.form);
    for (const reason of p.reasons ?? []) await form.getByRole('checkbox', { name: reason }).check();
    if (p.consent) await form.getByRole('radio', { name: p.consent }).check();
    if (p.whatHelps) await form.getByLabel('What helps').fill(p.whatHelps);
    await form.getByRole('button', { name: 'Add pupil' }).click();
    await this.page.getByRole('heading', { level: 1, name: p.preferredName ? new RegExp(p.preferredName) : p.name }).waitFor();
  }

  async search(text: string) {
    await this.page.getByLabel('Find a pupil').fill(text);
  }

  get names() {
    return this.page.getByRole('list', { name: /Pupils on the caseload|Closed pupils/ }).locator('.who');
  }

  /** Opens a pupil found by name: on my caseload, or among all pupils in the school (a lead mentor, a DSL). */
  async openPupil(name: string, options: { wholeSchool?: boolean } = {}) {
    await this.open();
    if (options.wholeSchool) await this.page.getByRole('button', { name: 'All pupils in the school' }).click();
    await this.search(name);
    await this.page
      .getByRole('link', { name: new RegExp(name) })
      .first()
      .click();
  }

  /** The "On caseload (n)" switch. */
  get onCaseloadTab() {
    return this.page.getByRole('button', { name: /^On caseload/ });
  }

  /** The "Closed (n)" switch. */
  get closedTab() {
    return this.page.getByRole('button', { name: /^Closed/ });
  }

  async showOnCaseload() {
    await this.onCaseloadTab.click();
    await this.page.waitForURL((url) => url.pathname === '/pupils' && !url.search);
  }

  async showClosed() {
    await this.closedTab.click();
    await this.page.waitForURL(/\/pupils\?show=closed/);
  }

  /** What the list says when it has nobody to show (no match, no closed pupils, no pupils yet). */
  get emptyMessage() {
    return this.page.getByRole('main').locator('p.empty');
  }

  async openClosedPupil(name: string) {
    await this.open();
    await this.showClosed();
    await this.search(name);
    await this.page
      .getByRole('link', { name: new RegExp(name) })
      .first()
      .click();
    await this.page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
  }
}
