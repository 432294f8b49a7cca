import { expect, test } from '@playwright/test';
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
    await create.review();
    await create.create();
    await create.expectTaskSucceeded();
    await create.openCreatedEntity();
    await create.expectHeading(name);
    await create.unregister(name);
  });

  for (const [why, name] of [
    ['uppercase', 'Wishlist-Service'],
    ['too long', `a${'b'.repeat(40)}`],
  ] as const) {
    test(`blocks a name that is ${why}`, async ({ page }) => {
      const create = new ScaffolderPage(page);
      await create.openCreate();
      await create.chooseTemplate(TEMPLATE);
      await fillFirstPage(create, name);
      await create.next();
      await create.expectFormError(
        why === 'uppercase' ? /must match pattern/i : /must NOT have more than 40 characters/i,
      );
      // still on the first page: the stores step never appeared
      await expect(page.getByRole('checkbox', { name: 'PostgreSQL' })).toHaveCount(0);
    });
  }

  test('a name already taken in the catalog stops the task before anything is published', async ({ page }) => {
    const create = new ScaffolderPage(page);
    await create.openCreate();
    await create.chooseTemplate(TEMPLATE);
    await fillFirstPage(create, 'user-service');
    await create.next();
    await create.next();
    await create.next();
    await create.review();
    await create.create();
    await create.expectFormError(/component:default\/user-service already exists in the catalog/);
    await expect(page.getByRole('link', { name: 'Open in catalog' })).toHaveCount(0);
  });
});
