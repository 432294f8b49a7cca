import { expect, test } from '@playwright/test';
import { CatalogPage } from '../pages/catalog-page';
import { EntityPage } from '../pages/entity-page';
import { PLATFORM_SERVICES } from '../pages/platform';

const SERVICES = PLATFORM_SERVICES;

test.describe('catalog', () => {
  test('lists the twelve platform services', async ({ page }) => {
    const catalog = new CatalogPage(page);
    await catalog.openServices();
    for (const name of SERVICES) {
      await expect(catalog.link(name)).toBeVisible();
    }
    await expect(catalog.rows()).toHaveCount(SERVICES.length);
  });

  test('filtering by system narrows the list to that system', async ({ page }) => {
    const catalog = new CatalogPage(page);
    await catalog.openServices();
    await catalog.filterBySystem('personalization');
    for (const name of ['recommendation-service', 'feature-store-service', 'ab-testing-service']) {
      await expect(catalog.link(name)).toBeVisible();
    }
    await expect(catalog.link('user-service')).toHaveCount(0);
    await expect(catalog.rows()).toHaveCount(3);
  });

  test('the recommendation service shows its dependencies and its API', async ({ page }) => {
    const entity = new EntityPage(page);
    await entity.openEntity('component', 'recommendation-service');
    await entity.expectHeading('Recommendation Service');
    const components = entity.card('Depends on components');
    await entity.expectLinkIn(components, 'Feature Store Service');
    await entity.expectLinkIn(components, 'Product Service');
    await entity.expectLinkIn(entity.card('Depends on resources'), 'Model recommendation-ranker');
    await entity.expectLinkIn(entity.card('Provided APIs'), 'Recommendation API');
    await expect(entity.card('Relations')).toBeVisible();
  });

  test('an OpenAPI definition renders its operations', async ({ page }) => {
    const entity = new EntityPage(page);
    await entity.openEntity('api', 'recommendation-api');
    await expect(page.getByText('/recommendations', { exact: true }).first()).toBeVisible();
  });

  test('an AsyncAPI definition renders its channels', async ({ page }) => {
    const entity = new EntityPage(page);
    await entity.openEntity('api', 'platform-events');
    await expect(page.getByRole('heading', { name: 'SEND events.click' }).first()).toBeVisible();
    await expect(page.getByRole('heading', { name: 'RECEIVE orders' }).first()).toBeVisible();
  });

  test('the Kubernetes tab shows a clear state when no cluster is reachable', async ({ page }) => {
    const entity = new EntityPage(page);
    await entity.openEntity('component', 'recommendation-service');
    await entity.openTab('Kubernetes');
    await expect(page.getByText(/problem retrieving Kubernetes objects/i)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Your Clusters' })).toBeVisible();
  });

  test('an unknown entity shows a not-found page, not a crash', async ({ page }) => {
    const entity = new EntityPage(page);
    await entity.openEntity('component', 'no-such-service');
    await expect(page.getByText(/not found|no entity/i).first()).toBeVisible();
    await expect(page.getByText(/something went wrong|unexpected error/i)).toHaveCount(0);
  });
});
