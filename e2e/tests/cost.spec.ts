import { expect, test } from '@playwright/test';
import { CostApi, usd } from '../pages/cost-api';
import { CostPage } from '../pages/cost-page';
import { EntityPage } from '../pages/entity-page';

test.describe('cost', () => {
  test('the Cost page shows the same totals as the cost API for the same period', async ({ page }) => {
    const costPage = new CostPage(page);
    const api = new CostApi(page.request);
    await costPage.open();

    for (const label of ['Last 90 days', 'Month to date']) {
      const before = await costPage.period();
      await costPage.choosePeriod(label);
      await expect.poll(() => costPage.period()).not.toEqual(before);
      const period = await costPage.period();
      const costs = await api.get<{ total: number }>('/costs', { ...period, groupBy: 'service' });
      await expect(costPage.stat('Total for period')).toContainText(usd(costs.total));
    }

    const summary = await api.get<{ monthToDate: number; budget: number; forecast: number }>('/summary');
    await expect(costPage.stat('Month to date')).toContainText(usd(summary.monthToDate));
    await expect(costPage.stat('Monthly budget')).toContainText(usd(summary.budget));
    await expect(costPage.stat('Forecast for the month')).toContainText(usd(summary.forecast));
    await expect(page.getByRole('figure', { name: 'Daily cost by cloud' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Top movers' })).toBeVisible();
  });

  test("the recommendation service's Cost tab shows its trend", async ({ page }) => {
    const entity = new EntityPage(page);
    const api = new CostApi(page.request);
    await entity.openEntity('component', 'recommendation-service');
    await entity.openTab('Cost');

    await expect(page.getByRole('figure', { name: 'Daily cost by cloud' })).toBeVisible();
    const summary = await api.get<{ asOf: string }>('/summary');
    const to = summary.asOf;
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
    const daily = await api.get<{ total: number }>('/costs/daily', { from, to, stackBy: 'cloud', service: 'recommendation-service' });
    expect(daily.total).toBeGreaterThan(0);
    await expect(page.getByRole('group', { name: 'Last 90 days', exact: true })).toContainText(usd(daily.total));
    await expect(page.getByRole('group', { name: 'Share of platform', exact: true })).toContainText('%');
  });

  test('acknowledging an alert removes it from the open list', async ({ page }) => {
    const costPage = new CostPage(page);
    await costPage.open();
    await expect(costPage.alerts('open')).toBeVisible();

    const message = await costPage.acknowledgeFirstOpenAlert();
    await expect(page.getByText(message, { exact: true })).toHaveCount(0);

    await costPage.showAlerts('Acknowledged');
    await expect(costPage.alerts('acknowledged')).toContainText(message);

    // Reopening puts it back, which also leaves the product's data as the journey found it.
    await costPage.reopen('acknowledged', message);
    await costPage.showAlerts('Open');
    await expect(costPage.alerts('open')).toContainText(message);
  });
});
