import type { Page } from '@playwright/test';

export interface NewSession {
  kind: 'One-to-one' | 'Group or homework club' | 'Lesson observation' | 'Parent or carer contact';
  groupName?: string;
  pupils: string[];
  note: string;
  concern?: boolean;
  minutes?: number;
  reviews?: { pupil: string; target: string; result: 'Met' | 'Partly' | 'Not met' }[];
}

export class SessionForm {
  constructor(readonly page: Page) {}

  async start() {
    await this.page.getByRole('banner').getByRole('link', { name: 'New note' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'New session note' }).waitFor();
  }

  async fill(s: NewSession) {
    const form = this.page.getByRole('main');
    await form.getByRole('radio', { name: s.kind }).check();
    if (s.groupName) await form.getByLabel('Group name').fill(s.groupName);
    if (s.minutes) await form.getByLabel('Length in minutes').fill(String(s.minutes));
    for (const name of s.pupils) {
      await form.getByLabel('Find a pupil to add').fill(name);
      await form.getByRole('checkbox', { name: new RegExp(name) }).check();
    }
    await form.getByLabel('Find a pupil to add').fill('');
    await form.getByLabel('Note').fill(s.note);
    if (s.concern) await form.getByRole('checkbox', { name: /Safeguarding concern/ }).check();
    for (const r of s.reviews ?? []) {
      await form
        .getByRole('group', { name: `${r.pupil}: ${r.target}` })
        .getByRole('radio', { name: r.result, exact: true })
        .check();
    }
  }

  get note() {
    return this.page.getByRole('main').getByLabel('Note');
  }

  /** Waits until what is on screen has been kept on the tablet as a draft. */
  async waitForDraftKept() {
    await this.page.getByText(/^Draft kept on this tablet at/).waitFor();
  }

  get restoredNotice() {
    return this.page.getByRole('status').filter({ hasText: 'Restored what you were typing' });
  }

  pupilChosen(name: string) {
    return this.page.getByRole('main').getByRole('checkbox', { name: new RegExp(name) });
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save note' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'New session note' }).waitFor({ state: 'detached' });
  }

  async record(s: NewSession) {
    await this.start();
    await this.fill(s);
    await this.save();
  }
}
