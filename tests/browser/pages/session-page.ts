import { expect, type Locator, type Page } from '@playwright/test';

/** One session's own page (`/sessions/:id`): its note, its badges, its history, Edit and Withdraw. */
export class SessionPage {
  constructor(readonly page: Page) {}

  private get main(): Locator {
    return this.page.getByRole('main');
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  /** The "Safeguarding concern" badge under the heading. */
  get concernBadge(): Locator {
    return this.main.getByText('Safeguarding concern');
  }

  /** The "Withdrawn" badge under the heading. */
  get withdrawnBadge(): Locator {
    return this.main.getByText('Withdrawn', { exact: true });
  }

  /** The line saying when and why the note was withdrawn. */
  get withdrawnNotice(): Locator {
    return this.main.getByRole('note').filter({ hasText: /^Withdrawn/ });
  }

  /** The note as it reads now (the paragraph under the "Note" heading). */
  get note(): Locator {
    return this.main.getByRole('heading', { level: 2, name: 'Note', exact: true }).locator('xpath=following-sibling::p[1]');
  }

  get editButton(): Locator {
    return this.main.getByRole('link', { name: 'Edit', exact: true });
  }

  get withdrawButton(): Locator {
    return this.main.getByRole('button', { name: 'Withdraw…' });
  }

  private get earlierVersionsBox(): Locator {
    return this.main.locator('details').filter({ has: this.page.getByText(/^Earlier versions of the note/) });
  }

  /** Opens "Earlier versions of the note" and returns its entries, newest edit first. */
  async earlierVersions(): Promise<Locator> {
    const box = this.earlierVersionsBox;
    if ((await box.getAttribute('open')) === null) await box.getByText(/^Earlier versions of the note/).click();
    return box.getByRole('listitem');
  }

  /** Edit: opens the form on this session, ready to use. */
  async startEditing() {
    await this.editButton.click();
    await this.page.getByRole('heading', { level: 1, name: 'Edit session' }).waitFor();
    // The form waits for any saved draft before it can be used.
    await expect(this.main.getByRole('button', { name: 'Save changes' })).toBeEnabled();
  }

  /** On the open edit form: changes the note and the concern flag as given → Save changes; lands back on this page. */
  async saveEdit(change: { note?: string; minutes?: string; concern?: boolean }) {
    if (change.note !== undefined) await this.main.getByLabel('Note').fill(change.note);
    if (change.minutes !== undefined) await this.main.getByLabel('Length in minutes').fill(change.minutes);
    if (change.concern !== undefined) await this.main.getByRole('checkbox', { name: /Safeguarding concern/ }).setChecked(change.concern);
    await this.main.getByRole('button', { name: 'Save changes' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'Edit session' }).waitFor({ state: 'detached' });
  }

  /** Edit → change the note → Save changes; lands back on this page. */
  async changeNote(note: string) {
    await this.startEditing();
    await this.saveEdit({ note });
  }

  /** On the open edit form: the notice that the session changed on another tablet since the form opened. */
  get changedElsewhere(): Locator {
    return this.main.getByRole('status').filter({ hasText: 'changed on another tablet since you opened it' });
  }

  /** "Changed on two tablets at once": the versions that lost, kept with the session. */
  get conflicts(): Locator {
    return this.main.locator('details').filter({ hasText: /^Changed on two tablets at once/ });
  }

  /** Withdraw… → give the reason → Withdraw note. */
  async withdraw(reason: string) {
    await this.withdrawButton.click();
    await this.main.getByLabel('Why withdraw it?').fill(reason);
    await this.main.getByRole('button', { name: 'Withdraw note' }).click();
    await this.withdrawnNotice.waitFor();
  }

  /** Follows the link to one of the session's pupils. */
  async openPupil(name: string) {
    await this.main.getByRole('link', { name }).click();
    await this.page.getByRole('heading', { level: 1, name }).waitFor();
  }
}
