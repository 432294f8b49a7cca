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

  /** Entity content tabs are links in the "Content navigation" bar (Overview, APIs, Kubernetes, Cost...). */
  tab(name: string | RegExp): Locator {
    return this.page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name, exact: typeof name === 'string' });
  }

  async openTab(name: string | RegExp) {
    await this.tab(name).click();
  }

  card(title: string | RegExp): Locator {
    return this.page.getByRole('article').filter({
      has: this.page.getByRole('heading', { name: title, exact: typeof title === 'string' }),
    });
  }

  async expectLinkIn(card: Locator, name: string) {
    await expect(card.getByRole('link', { name, exact: true })).toBeVisible();
  }
}
