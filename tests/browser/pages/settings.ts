import type { Page } from '@playwright/test';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  }

  /** The build's version, as shown under About. */
  async version(): Promise<string> {
    return (await this.page.getByRole('region', { name: 'About' }).locator('dd').first().textContent())?.trim() ?? '';
  }

  /** Downloads everything on the tablet and returns the parsed file. */
  async downloadEverything(): Promise<{ suggestedName: string; data: Record<string, unknown> }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: /Download everything/ }).click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { suggestedName: download.suggestedFilename(), data: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  }

  /** Links this tablet to the school with an enrolment code (the address is the app's own). */
  async linkToSchool(code: string, tabletName = 'Test tablet') {
    await this.open();
    const form = this.page.getByRole('region', { name: 'School connection' });
    await form.getByLabel('Enrolment code').fill(code);
    await form.getByLabel('Name for this tablet').fill(tabletName);
    await form.getByRole('button', { name: 'Link this tablet' }).click();
    await form.getByText(/^Linked to /).waitFor();
  }

  async syncNow() {
    await this.open();
    await this.page.getByRole('button', { name: 'Sync now' }).click();
  }

  /** The sync line in the header: "Synced 2 minutes ago · 3 waiting". */
  get syncStatus() {
    return this.page.getByRole('banner').locator('.sync-status');
  }
}
