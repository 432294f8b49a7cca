import { expect, Locator, Page } from '@playwright/test';
import { Person, Portal } from './portal';

/** The experiments plugin: /experiments (every experiment) and /experiments/<key> (results, history, actions). */
export class ExperimentsPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  /** Signs in (as guest, a platform admin, unless a person is named) and opens the list. */
  async openList(person?: Person) {
    await (person ? this.signInAs(person, '/experiments') : this.signInAsGuest('/experiments'));
    await this.expectHeading('Experiments');
  }

  async openExperiment(key: string, person?: Person) {
    await (person ? this.signInAs(person, `/experiments/${key}`) : this.signInAsGuest(`/experiments/${key}`));
    await expect(this.split()).toBeVisible();
  }

  experiments(): Locator {
    return this.page.getByRole('table', { name: 'Experiments' });
  }

  split(): Locator {
    return this.page.getByLabel('Traffic split');
  }

  results(): Locator {
    return this.page.getByRole('table', { name: 'Results by metric' });
  }

  async ramp(weights: number[], reason: string) {
    await this.page.getByRole('group', { name: 'Experiment actions' }).getByRole('button', { name: 'Ramp' }).click();
    const dialog = this.page.getByRole('dialog');
    const fields = dialog.getByRole('spinbutton');
    for (const [i, weight] of weights.entries()) await fields.nth(i).fill(String(weight));
    await dialog.getByLabel(/^Reason/).fill(reason);
    await dialog.getByRole('button', { name: 'Confirm ramp' }).click();
    await expect(dialog).toBeHidden();
  }
}
