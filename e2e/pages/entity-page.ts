import { expect, Locator, Page } from '@playwright/test';
import { Portal } from './portal';

/** An entity's page: overview cards and tabs (Overview, Dependencies, APIs, Definition, Kubernetes...). */
export class EntityPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  async openEntity(kind: string, name: string, namespace = 'default') {
    await this.signInAsGuest(`/catalog/${namespace}/${kind}/${name}`);
  }

  tab(name: string | RegExp): Locator {
    return this.page.getByRole('tab', { name });
  }

  async openTab(name: string | RegExp) {
    await this.tab(name).click();
  }

  card(title: string | RegExp): Locator {
    return this.page.locator('article, [class*="MuiCard-root"]').filter({
      has: this.page.getByRole('heading', { name: title }),
    });
  }

  async expectLink(name: string | RegExp) {
    await expect(this.page.getByRole('link', { name }).first()).toBeVisible();
  }
}
