import { expect, Locator, Page } from '@playwright/test';
import { Portal } from './portal';

/** Create (/create): the template list, a template's multi-step form and the task page. */
export class ScaffolderPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  async openCreate() {
    await this.signInAsGuest('/create');
    await this.expectHeading('Create');
  }

  /** A template card: the nearest block around the template's title that holds a Choose button. */
  templateCard(title: string): Locator {
    return this.page
      .getByRole('heading', { name: title, exact: true })
      .locator('xpath=ancestor::*[.//button[normalize-space()="Choose"]][1]');
  }

  async chooseTemplate(title: string) {
    await this.templateCard(title).getByRole('button', { name: 'Choose' }).click();
    await this.expectHeading(title);
  }

  field(label: string | RegExp): Locator {
    return this.page.getByRole('textbox', { name: label });
  }

  numberField(label: string | RegExp): Locator {
    return this.page.getByRole('spinbutton', { name: label });
  }

  async fill(label: string | RegExp, value: string) {
    await this.field(label).fill(value);
  }

  /** Owner and System are autocompletes over catalog entities. */
  async pick(label: string | RegExp, option: string | RegExp) {
    await this.field(label).click();
    await this.page.getByRole('option', { name: option }).first().click();
  }

  async next() {
    await this.page.getByRole('button', { name: 'Next' }).click();
  }

  async review() {
    await this.page.getByRole('button', { name: 'Review' }).click();
  }

  async create() {
    await this.page.getByRole('button', { name: 'Create' }).click();
  }

  /** The error text the form shows under a field or in its error list. */
  async expectFormError(text: string | RegExp) {
    await expect(this.page.getByText(text).first()).toBeVisible();
  }

  async expectTaskSucceeded() {
    await expect(this.page.getByRole('link', { name: 'Open in catalog' })).toBeVisible({ timeout: 60_000 });
  }

  /**
   * Opens the task's entity. catalog:register adds the new repository's location and the task ends; the entity is
   * in the catalog once its location has been processed, a few seconds later, and the entity page does not ask
   * again by itself: reload until it shows the entity, not "Entity not found".
   */
  async openCreatedEntity() {
    await this.page.getByRole('link', { name: 'Open in catalog' }).click();
    await expect(async () => {
      if (await this.page.getByText('Entity not found').isVisible()) await this.page.reload();
      await expect(this.page.getByRole('navigation', { name: 'Content navigation' })).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 60_000 });
  }

  /** Unregisters a created component so suites that count the catalog's services are unaffected. */
  async unregister(name: string) {
    const refresh = await this.page.request.post('/api/auth/guest/refresh', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    const headers = { authorization: `Bearer ${(await refresh.json()).backstageIdentity.token}` };
    const location = await this.page.request.get(`/api/catalog/locations/by-entity/component/default/${name}`, { headers });
    if (location.ok()) {
      await this.page.request.delete(`/api/catalog/locations/${(await location.json()).id}`, { headers });
    }
  }
}
