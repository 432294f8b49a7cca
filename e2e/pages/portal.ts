import { expect, Page } from '@playwright/test';

/** Sign-in and navigation shared by every journey. */
export class Portal {
  constructor(readonly page: Page) {}

  async signInAsGuest(path = '/') {
    await this.page.goto(path);
    const enter = this.page.getByRole('button', { name: 'Enter' });
    if (await enter.isVisible({ timeout: 10_000 }).catch(() => false)) {
      await enter.click();
    }
  }

  async open(path: string) {
    await this.page.goto(path);
  }

  async expectHeading(name: string | RegExp) {
    await expect(this.page.getByRole('heading', { name }).first()).toBeVisible();
  }
}
