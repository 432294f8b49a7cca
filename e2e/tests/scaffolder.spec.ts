import { expect, test } from '@playwright/test';
import { EntityPage } from '../pages/entity-page';
import { ScaffolderPage } from '../pages/scaffolder-page';

const TEMPLATE = 'TypeScript service';

async function fillFirstPage(create: ScaffolderPage, name: string) {
  await create.fill(/^Name/, name);
  await create.fill(/^Description/, 'Created by the Playwright journey');
  await create.pick(/^Owner/, /platform/i);
  await create.pick(/^System/, /storefront/i);
}

test.describe('create a service from the template', () => {
  test('fills the form, runs the task and opens the new entity', async ({ page }) => {
    const name = `pw-${Date.now().toString(36)}`;
    const create = new ScaffolderPage(page);
    await create.openCreate();
    await create.chooseTemplate(TEMPLATE);
    await fillFirstPage(create, name);
    await create.next();
    await page.getByRole('checkbox', { name: 'PostgreSQL' }).check();
    await create.next();
    await expect(create.numberField(/^Maximum replicas/)).toHaveValue('50');
    await expect(create.numberField(/^Minimum replicas/)).toHaveValue('2');
    await create.next();
    // deployment options (memory, start-up budget, lag scaling, ingress, calls): a plain service keeps the defaults
    await create.next();
    await create.review();
    await create.create();
    await create.expectTaskSucceeded();
    await create.openCreatedEntity();
    await create.expectHeading(name);
    // a service that does not run yet has no series: its Metrics tab says so instead of drawing empty charts
    await new EntityPage(page).openTab('Metrics');
    await expect(page.getByText(`No metrics for ${name} yet`)).toBeVisible();
    await expect(page.getByRole('figure', { name: 'Latency' })).toHaveCount(0);
    await create.unregister(name);
  });

  for (const [why, name, message] of [
    ['uppercase', 'Wishlist-Service', 'Use lowercase letters only (kebab-case), e.g. wishlist-service.'],
    ['too long', `a${'b'.repeat(40)}`, 'Use at most 40 characters; this name has 41.'],
    ['already taken', 'user-service', 'component:default/user-service already exists in the catalog; choose another name.'],
  ] as const) {
    test(`blocks a name that is ${why} in the form`, async ({ page }) => {
      const create = new ScaffolderPage(page);
      await create.openCreate();
      await create.chooseTemplate(TEMPLATE);
      await fillFirstPage(create, name);
      await create.next();
      await create.expectFormError(message);
      // still on the first page: the stores step never appeared
      await expect(page.getByRole('checkbox', { name: 'PostgreSQL' })).toHaveCount(0);
      await expect(create.field(/^Name/)).toHaveAttribute('aria-invalid', 'true');
    });
  }

  test('blocks a maximum below the minimum replicas in the form', async ({ page }) => {
    const create = new ScaffolderPage(page);
    await create.openCreate();
    await create.chooseTemplate(TEMPLATE);
    await fillFirstPage(create, `pw-${Date.now().toString(36)}`);
    await create.next();
    await create.next();
    await create.numberField(/^Minimum replicas/).fill('10');
    await create.numberField(/^Maximum replicas/).fill('5');
    await create.next();
    await create.expectFormError('Must be at least the minimum replicas (10).');
    // still on the runtime step: the repository step never appeared
    await expect(page.getByText('Publisher')).toHaveCount(0);
  });
});

test.describe('create a Kafka consumer from the event consumer template', () => {
  test('fills the topics and scaling steps, runs the task and opens the new entity', async ({ page }) => {
    const name = `pw-consumer-${Date.now().toString(36)}`;
    const create = new ScaffolderPage(page);
    await create.openCreate();
    await create.chooseTemplate('Event consumer service');
    await fillFirstPage(create, name);
    await create.next();
    await create.fill(/^Topic/, 'orders');
    await create.next();
    await expect(create.numberField(/^Lag per replica/)).toHaveValue('100');
    await expect(create.numberField(/^Minimum replicas/)).toHaveValue('1');
    await expect(create.numberField(/^Maximum replicas/)).toHaveValue('12');
    await create.next();
    await create.review();
    await create.create();
    await create.expectTaskSucceeded();
    await create.openCreatedEntity();
    await create.expectHeading(name);
    // a service that does not run yet has no series: its Metrics tab says so instead of drawing empty charts
    await new EntityPage(page).openTab('Metrics');
    await expect(page.getByText(`No metrics for ${name} yet`)).toBeVisible();
    await expect(page.getByRole('figure', { name: 'Latency' })).toHaveCount(0);
    await create.unregister(name);
  });
});

test.describe('create a model server from the model serving template', () => {
  test('names the registered model, keeps the champion alias, runs the task and opens the new entity', async ({ page }) => {
    const name = `pw-model-${Date.now().toString(36)}`;
    const create = new ScaffolderPage(page);
    await create.openCreate();
    await create.chooseTemplate('Model serving service');
    await fillFirstPage(create, name);
    await create.next();
    await create.fill(/^Registered model/, 'demand-model');
    await expect(create.field(/^Alias served/)).toHaveValue('champion');
    await expect(create.numberField(/^Start-up budget/)).toHaveValue('300');
    await create.next();
    await expect(create.numberField(/^Prediction latency SLO/)).toHaveValue('50');
    await create.next();
    await create.review();
    await create.create();
    await create.expectTaskSucceeded();
    await create.openCreatedEntity();
    await create.expectHeading(name);
    // a service that does not run yet has no series: its Metrics tab says so instead of drawing empty charts
    await new EntityPage(page).openTab('Metrics');
    await expect(page.getByText(`No metrics for ${name} yet`)).toBeVisible();
    await expect(page.getByRole('figure', { name: 'Latency' })).toHaveCount(0);
    await create.unregister(name);
  });
});
