import { expect, Page } from '@playwright/test';

/** Sign-in and navigation shared by every journey. */
export class Portal {
  constructor(readonly page: Page) {}

  async signInAsGuest(path = '/') {
    await this.page.goto(path);
    // every test gets a fresh browser context, so the guest sign-in page always comes first
    await this.page.getByRole('button', { name: 'Enter' }).click();
  }

  async open(path: string) {
    await this.page.goto(path);
  }

  async expectHeading(name: string | RegExp) {
    await expect(this.page.getByRole('heading', { name }).first()).toBeVisible();
  }
}
