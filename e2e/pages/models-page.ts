import { expect, Locator, Page } from '@playwright/test';
import { Person, Portal } from './portal';

/** The model registry plugin: /models (every registered model) and /models/<name> (one model). */
export class ModelsPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  /** Signs in (as guest, a platform admin, unless a person is named) and opens the list. */
  async openList(person?: Person) {
    await (person ? this.signInAs(person, '/models') : this.signInAsGuest('/models'));
    await this.expectHeading('Models');
  }

  async openModel(name: string, person?: Person) {
    await (person ? this.signInAs(person, `/models/${name}`) : this.signInAsGuest(`/models/${name}`));
    await expect(this.fact('Champion')).toBeVisible();
  }

  models(): Locator {
    return this.page.getByRole('table', { name: 'Registered models' });
  }

  /** A labelled figure of the model page: "Champion", "Challenger", "Previous champion", "Last trained", "Owner". */
  fact(name: string): Locator {
    return this.page.getByRole('group', { name, exact: true });
  }

  /** The champion's and the challenger's version numbers as the page shows them ("version 3"). */
  async aliases(): Promise<{ champion: string; challenger: string }> {
    const number = async (name: string) => {
      await expect(this.fact(name)).toContainText(/version \d+/);
      return /version (\d+)/.exec(await this.fact(name).innerText())![1];
    };
    return { champion: await number('Champion'), challenger: await number('Challenger') };
  }

  versions(): Locator {
    return this.page.getByRole('table', { name: 'Versions' });
  }

  comparison(): Locator {
    return this.page.getByRole('table', { name: 'Version comparison' });
  }

  async compare(first: string, second: string) {
    for (const [label, version] of [['First version', first], ['Second version', second]] as const) {
      await this.page.getByRole('button', { name: label }).click();
      await this.page.getByRole('option', { name: new RegExp(`^version ${version}\\b`) }).click();
    }
  }

  async promote(version: string, reason: string) {
    await this.page.getByRole('button', { name: 'Promote', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Version' }).click();
    await this.page.getByRole('option', { name: new RegExp(`^version ${version}\\b`) }).click();
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Confirm promotion' }).click();
    await expect(dialog).toBeHidden();
  }

  async rollBack(reason: string) {
    await this.page.getByRole('button', { name: 'Roll back', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Confirm rollback' }).click();
    await expect(dialog).toBeHidden();
  }
}
