import { expect, Locator, Page } from '@playwright/test';
import { Portal } from './portal';

/** The catalog index at /catalog: a table of entities with kind, type, system and owner filters. */
export class CatalogPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  get table(): Locator {
    return this.page.getByRole('table').filter({ has: this.page.getByRole('columnheader', { name: 'Name' }) });
  }

  async openServices() {
    await this.signInAsGuest('/catalog?filters[kind]=component&filters[type]=service&filters[user]=all');
    await expect(this.table).toBeVisible();
  }

  /** The row link of an entity; the table shows titles, so entities are found by their page address. */
  link(name: string, kind = 'component'): Locator {
    return this.table.locator(`a[href$="/catalog/default/${kind}/${name}"]`);
  }

  rows(): Locator {
    return this.table.getByRole('rowgroup').nth(1).getByRole('row');
  }

  async filterBySystem(systemTitle: string) {
    await this.page.getByRole('combobox').filter({ has: this.page.getByRole('textbox', { name: 'System' }) }).click();
    await this.page.getByRole('option', { name: systemTitle }).click();
    await this.page.keyboard.press('Escape');
  }
}
