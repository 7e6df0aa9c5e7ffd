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
}
