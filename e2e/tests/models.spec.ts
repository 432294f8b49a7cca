import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAuditEvent } from '../pages/audit-log';
import { EntityPage } from '../pages/entity-page';
import { ModelsPage } from '../pages/models-page';
import { MEMBER_WITHOUT_RIGHTS, tokenFor } from '../pages/portal';
import { Storefront } from '../pages/storefront';
import { withSteadyTraffic } from '../pages/traffic';

const MODEL = 'recommendation-ranker';
// docs/recommendation-service.md: the service polls the aliases every 5 s, then downloads and checks the version
const FOLLOW_MS = 20_000;

/**
 * The version that answers the shopper through the gateway. The demo experiment puts a shopper in control (the
 * champion) or treatment (the challenger); without a challenger, treatment is answered by the champion too.
 */
async function served(
  shop: Storefront,
  userId: string,
): Promise<{ version: string; alias: string }> {
  const answer = await shop.recommendations(userId, 5);
  return { version: answer.modelVersion, alias: answer.model.alias };
}
const servedVersion = async (shop: Storefront, userId: string) =>
  (await served(shop, userId)).version;

// ./idp start trains two versions of the demo model: the first is champion, the second (16 factors) challenger.
test.describe('model registry', () => {
  test('the Models page lists the demo model with its champion and challenger', async ({
    page,
  }) => {
    const models = new ModelsPage(page);
    await models.openList();
    const row = models.models().getByRole('row', { name: new RegExp(MODEL) });
    await expect(row).toBeVisible();
    await expect(row).toContainText('personalization-team');
  });

  test('a model page charts a metric across versions and compares two versions', async ({
    page,
  }) => {
    const models = new ModelsPage(page);
    await models.openModel(MODEL);
    const { champion, challenger } = await models.aliases();
    expect(champion).not.toBe(challenger);
    expect(
      await models.versions().getByRole('row').count(),
    ).toBeGreaterThanOrEqual(3); // header + two versions at least
    await expect(
      page
        .getByRole('figure', { name: /across versions/ })
        .locator('.recharts-line')
        .first(),
    ).toBeVisible();
    await models.compare(champion, challenger);
    await expect(models.comparison()).toContainText('recall');
  });

  test("the recommendation service's Model tab joins the version serving each variant, the experiment, cost and live signals", async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    // some traffic for the live signals: Prometheus scrapes the service every 15 s
    const shop = new Storefront(request);
    const shopper = await shop.register();
    await shop.logIn(shopper.email, shopper.password);
    await withSteadyTraffic(shop, shopper.id, async () => {
      const models = new ModelsPage(page);
      await models.openModel(MODEL);
      const { champion } = await models.aliases();

      const entity = new EntityPage(page);
      await entity.open('/catalog/default/component/recommendation-service');
      await entity.openTab('Model');
      const serving = page.getByRole('table', { name: 'Served versions' });
      await expect(serving.getByRole('row', { name: /control/ })).toContainText(
        `version ${champion}`,
      );
      await expect(
        page.getByRole('heading', { name: 'Experiment', exact: true }),
      ).toBeVisible();
      await expect(
        page.getByRole('group', { name: 'Traffic split' }),
      ).toContainText(/control \d+%/);
      await expect(
        page.getByRole('group', { name: 'Last 30 days' }),
      ).toContainText('$');
      // the card refreshes every 30 s; two scrapes (15 s apart) during the traffic give Prometheus a rate
      await expect(
        page.getByRole('group', { name: 'P95 latency' }),
      ).toContainText(/\d+(\.\d+)? ms/, { timeout: 120_000 });
    });
    // the picture in docs/model-registry-plugin.md comes from this page
    await page.screenshot({
      path: path.resolve(__dirname, '../../.state/e2e-results/model-tab.png'),
      fullPage: true,
    });
  });

  test('an owner promotes the challenger, the service serves it, a rollback brings the champion back', async ({
    page,
    request,
  }) => {
    const models = new ModelsPage(page);
    await models.openModel(MODEL);
    const { champion, challenger } = await models.aliases();
    const shop = new Storefront(request);
    const shopper = await shop.register();
    await shop.logIn(shopper.email, shopper.password);
    const before = await served(shop, shopper.id);
    expect(before.version).toBe(
      before.alias === 'challenger' ? challenger : champion,
    );

    await models.promote(challenger, 'journey: the challenger goes live');
    await expect(models.fact('Champion')).toContainText(
      `version ${challenger}`,
    );
    await expect
      .poll(() => servedVersion(shop, shopper.id), { timeout: FOLLOW_MS })
      .toBe(challenger);

    await models.rollBack('journey: back to the champion');
    await expect(models.fact('Champion')).toContainText(`version ${champion}`);
    await expect
      .poll(() => servedVersion(shop, shopper.id), { timeout: FOLLOW_MS })
      .toBe(champion);
    await expect(
      page.getByRole('table', { name: 'Alias history' }),
    ).toContainText('journey: back to the champion');

    // the demo experiment compares the two again: the challenger is nominated once more (the registry's operation)
    execFileSync(
      'yarn',
      [
        'registry',
        'nominate',
        '--version',
        challenger,
        '--reason',
        'journey: restore the demo challenger',
        '--actor',
        'e2e',
      ],
      {
        cwd: path.resolve(__dirname, '../..'),
        stdio: 'pipe',
      },
    );
  });

  test('a member outside the owning group sees no Promote or Roll back, and the API refuses and audits', async ({
    page,
    request,
  }) => {
    const models = new ModelsPage(page);
    const decided = page.waitForResponse(
      response =>
        response.url().endsWith('/api/permission/authorize') &&
        !!response.request().postData()?.includes('model-registry.model.promote'),
    );
    await models.openModel(MODEL, MEMBER_WITHOUT_RIGHTS);
    const decision = await (await decided).json();
    expect(decision.items.map((item: { result: string }) => item.result)).not.toContain('ALLOW');
    // the journey before renominates the challenger with the registry's CLI, which the portal's model cache (10 s)
    // sees only when it expires
    await expect(async () => {
      await page.reload();
      await expect(models.fact('Challenger')).toContainText(/version \d+/, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    const { champion, challenger } = await models.aliases();
    await expect(models.versions()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Promote', exact: true })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Roll back', exact: true })).toHaveCount(0);

    // the same person calls the portal's API directly
    const reason = `journey: ${MEMBER_WITHOUT_RIGHTS.name} tries a promotion ${Date.now()}`;
    const answer = await request.post(`/api/model-registry/models/${MODEL}/promote`, {
      headers: { Authorization: `Bearer ${await tokenFor(request, MEMBER_WITHOUT_RIGHTS)}` },
      data: { version: challenger, reason },
    });
    expect(answer.status()).toBe(403);
    expect(answer.headers()['content-type']).toContain('application/problem+json');
    const event = await expectAuditEvent('the refused promotion', e =>
      e.eventId === 'model-promote' && e.status === 'failed' && e.meta?.reason === reason,
    );
    expect(event.actor).toMatchObject({ actorId: MEMBER_WITHOUT_RIGHTS.userEntityRef });

    // the champion did not move
    await page.reload();
    await expect(models.fact('Champion')).toContainText(`version ${champion}`);
  });
});
