import type { Page } from '@playwright/test';

/** What a tablet shows about the address Waymark was opened at, and the IT person's /setup page. */
export class SchoolAddress {
  constructor(readonly page: Page) {}

  /** The warning above every screen on an address that is not secure. */
  get insecureWarning() {
    return this.page.getByRole('alert').filter({ hasText: 'which is not a secure (https) address' });
  }

  /** Whether the browser gives this page a secure context (service worker, Web Locks, lasting storage). */
  isSecureContext(): Promise<boolean> {
    return this.page.evaluate(() => window.isSecureContext);
  }

  /** Follows the warning's link to the IT person's page. */
  async openSetupFromWarning() {
    await this.insecureWarning.getByRole('link').click();
    await this.page.getByRole('heading', { level: 1, name: 'Setting up tablets for Waymark' }).waitFor();
  }

  /** The https address /setup tells the IT person to open on each tablet. */
  async addressOnSetup(): Promise<string> {
    return (await this.page.locator('.address a').textContent())?.trim() ?? '';
  }
}
