import path from 'node:path';
import { expect, test } from '@playwright/test';
import { EntityPage } from '../pages/entity-page';
import { PLATFORM_SERVICES } from '../pages/platform';
import { Portal } from '../pages/portal';
import { Storefront } from '../pages/storefront';
import { withSteadyTraffic } from '../pages/traffic';

test.describe('home and live metrics', () => {
  test("a newcomer's home page shows the platform's status, cost against budget, experiments and models, not edit mode", async ({
    page,
  }) => {
    const portal = new Portal(page);
    await portal.signInAsGuest('/');
    await expect(page.getByRole('navigation').getByLabel('Recommendation Platform').first()).toBeVisible();

    const status = page.getByRole('region', { name: 'Platform status' });
    // every service of the catalog (the twelve, and any the scaffolder journeys created), each a link to its entity
    // page, with the count of those up
    await expect(status.getByRole('heading', { name: /^\d+ of \d+ services up$/ })).toBeVisible();
    for (const name of PLATFORM_SERVICES) {
      await expect(status.locator(`a[href$="/catalog/default/component/${name}"]`)).toHaveCount(1);
    }
    const recommendation = status.getByRole('row', { name: /Recommendation/ });
    await expect(recommendation).toContainText('up');
    await expect(recommendation).toContainText(/\d+(\.\d+)? ms|–/);

    await expect(page.getByRole('region', { name: 'Cost this month' })).toContainText(/\$[\d,]+\.\d\d of \$[\d,]+\.\d\d budget/);
    await expect(page.getByRole('list', { name: 'Running experiments' })).toContainText('recommendation-ranking');
    await expect(page.getByRole('list', { name: 'Serving models' })).toContainText(/recommendation-ranker.*champion version \d+/s);

    // search across the catalog and the docs, from the page itself
    const search = page.getByPlaceholder('Search in Recommendation Platform Portal');
    await expect(search).toBeVisible();
    await search.fill('recommendation');
    await search.press('Enter');
    await expect(page).toHaveURL(/\/search\?query=recommendation/);
    await expect(page.getByRole('link', { name: /Recommendation Service/i }).first()).toBeVisible();
    await page.goBack();

    // the newest scaffolder tasks (none yet on a fresh machine: the card says where to create one)
    await expect(page.getByText('Recently created', { exact: true })).toBeVisible();
    await expect(
      page.getByText(/^No service created yet/).or(page.getByRole('list', { name: 'Recent scaffolder tasks' })),
    ).toBeVisible();

    // the default layout, not the empty grid in edit mode a newcomer used to land on
    await expect(page.getByText('No widgets added')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /add widget/i })).toHaveCount(0);

    // the picture in docs/service-metrics-plugin.md comes from this page (the pointer off the sidebar, which expands
    // over the page on hover)
    await page.mouse.move(1000, 10);
    await page.screenshot({ path: path.resolve(__dirname, '../../.state/e2e-results/home.png'), fullPage: true });

    await status.getByRole('link', { name: /Recommendation/ }).click();
    await expect(page).toHaveURL(/\/catalog\/default\/component\/recommendation-service/);
  });

  test("a service's Metrics tab charts its latency after traffic, and its overview shows live signals", async ({
    page,
    request,
  }) => {
    test.setTimeout(300_000);
    const shop = new Storefront(request);
    const shopper = await shop.register();
    await shop.logIn(shopper.email, shopper.password);
    const entity = new EntityPage(page);
    await entity.openEntity('component', 'recommendation-service');
    await withSteadyTraffic(shop, shopper.id, async () => {
      await expect(page.getByRole('region', { name: 'Live signals' })).toContainText(/Status\s*up/);
      await entity.openTab('Metrics');
      const latency = page.getByRole('figure', { name: 'Latency' });
      await expect(latency).toBeVisible();
      // the tab refreshes every 15 s; a rate needs two scrapes (15 s apart) during the traffic
      await expect(page.getByLabel('Latency, latest')).toContainText(/P95: \d+\.\d\d ms/, { timeout: 120_000 });
      // the chart draws a line, not an empty frame: a line needs two points in a row, and on a fresh machine the
      // second comes a step (15 s) after the first, at the tab's next refresh
      await expect(latency.locator('.recharts-line path.recharts-curve').first()).toHaveAttribute('d', /\d/, {
        timeout: 120_000,
      });
    });
    await expect(page.getByLabel('Request rate, latest')).toContainText(/requests\/s: \d+\.\d\d req\/s/);
    await page.mouse.move(1000, 10);
    await page.screenshot({ path: path.resolve(__dirname, '../../.state/e2e-results/metrics-tab.png'), fullPage: true });

    // a service with no series yet (one just created) gets the empty state: scaffolder.spec.ts
  });
});
