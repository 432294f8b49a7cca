import { expect, Locator, Page } from '@playwright/test';
import { Portal } from './portal';

/** The catalog index at / : a table of entities with kind, type and system filters. */
export class CatalogPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  get table(): Locator {
    return this.page.getByRole('table');
  }

  async openServices() {
    await this.signInAsGuest('/catalog?filters[kind]=component&filters[type]=service&filters[user]=all');
    await expect(this.table).toBeVisible();
  }

  rowFor(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async serviceNames(): Promise<string[]> {
    await expect(this.table.getByRole('row').nth(1)).toBeVisible();
    const links = this.table.getByRole('row').locator('td').first().getByRole('link');
    return links.allInnerTexts();
  }

  async filterBySystem(system: string) {
    await this.page.getByRole('combobox', { name: /system/i }).click();
    await this.page.getByRole('option', { name: system }).click();
    await this.page.keyboard.press('Escape');
  }
}
