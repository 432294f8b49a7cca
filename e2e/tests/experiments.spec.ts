import { expect, test } from '@playwright/test';
import { expectAuditEvent } from '../pages/audit-log';
import { ExperimentsPage } from '../pages/experiments-page';
import { MEMBER_WITHOUT_RIGHTS, OWNER, tokenFor } from '../pages/portal';

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
    // a member of the owner group (personalization-team), not a platform admin
    await experiments.openExperiment(KEY, OWNER);
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

  test('a member outside the owner group sees no actions, and a direct ramp is refused and audited', async ({ page, request }) => {
    const experiments = new ExperimentsPage(page);
    const decided = page.waitForResponse(
      response => response.url().endsWith('/api/permission/authorize') && !!response.request().postData()?.includes('experiments.experiment.manage'),
    );
    await experiments.openExperiment(KEY, MEMBER_WITHOUT_RIGHTS);
    const decision = await (await decided).json();
    expect(decision.items.map((item: { result: string }) => item.result)).toEqual(['DENY']);
    await expect(experiments.results()).toBeVisible();
    await expect(page.getByRole('group', { name: 'Experiment actions' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Ramp' })).toHaveCount(0);
    const split = (await experiments.split().innerText()).trim();

    // the same person calls the portal's API directly, as a script would
    const reason = `journey: ${MEMBER_WITHOUT_RIGHTS.name} tries a ramp ${Date.now()}`;
    const answer = await request.post(`/api/experiments/experiments/${KEY}/ramp`, {
      headers: { Authorization: `Bearer ${await tokenFor(request, MEMBER_WITHOUT_RIGHTS)}` },
      data: { variants: [{ name: 'control', weight: 50 }, { name: 'treatment', weight: 50 }], reason },
    });
    expect(answer.status()).toBe(403);
    expect(answer.headers()['content-type']).toContain('application/problem+json');
    expect((await answer.json()).detail).toMatch(/only members of its owner group group:(default\/)?personalization-team/);
    const event = await expectAuditEvent('the refused ramp', e =>
      e.eventId === 'experiment-change' && e.status === 'failed' && e.meta?.actor === MEMBER_WITHOUT_RIGHTS.userEntityRef && e.meta?.reason === reason,
    );
    expect(event.meta).toMatchObject({ action: 'ramp', experimentKey: KEY, decision: 'deny' });

    // nothing changed
    await page.reload();
    await expect(experiments.split()).toHaveText(split);
  });
});
