import { expect, test } from '@playwright/test';
import { ExperimentsPage } from '../pages/experiments-page';

// ./idp start seeds the model experiment recommendation-ranking (champion 90% against challenger 10%) and sends
// its demo traffic, which the A/B testing service counts from the event topics.
const KEY = 'recommendation-ranking';

test.describe('experiments', () => {
  test('the Experiments page lists the demo experiment with its split and SRM state', async ({ page }) => {
    const experiments = new ExperimentsPage(page);
    await experiments.openList();
    const row = experiments.experiments().getByRole('row', { name: new RegExp(KEY) });
    await expect(row).toContainText('running');
    await expect(row).toContainText(/\d+\/\d+/);
    await expect(row).toContainText(/OK|SRM|too early/);
  });

  test("the experiment's page shows results from the demo traffic, and an owner's ramp changes the split", async ({ page }) => {
    const experiments = new ExperimentsPage(page);
    await experiments.openExperiment(KEY);
    const before = (await experiments.split().innerText()).trim();
    await expect(experiments.results()).toBeVisible();
    await expect(experiments.results().getByRole('row')).not.toHaveCount(1);
    await expect(page.getByRole('figure', { name: /by day, cumulative/ })).toBeVisible();

    await experiments.ramp([80, 20], 'journey: a wider ramp');
    await expect(experiments.split()).toHaveText('80/20');
    await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('journey: a wider ramp');

    // back to where the demo started, through the same audited path
    const [control, treatment] = before.split('/').map(Number);
    await experiments.ramp([control, treatment], 'journey: back to the demo split');
    await expect(experiments.split()).toHaveText(before);
  });
});
