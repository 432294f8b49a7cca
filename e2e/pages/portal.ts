import { APIRequestContext, expect, Page } from '@playwright/test';

/** Sign-in and navigation shared by every journey. */
export class Portal {
  constructor(readonly page: Page) {}

  async signInAsGuest(path = '/') {
    await this.page.goto(path);
    // every test gets a fresh browser context, so the sign-in page always comes first
    await this.page.getByRole('button', { name: 'Enter', exact: true }).click();
  }

  /** Signs in as one of the people of auth.providers.local in app-config.yaml, with their catalog memberships. */
  async signInAs(person: Person, path = '/') {
    await this.page.goto(path);
    await this.page.getByRole('button', { name: `Sign in as ${person.name}` }).click();
  }

  async open(path: string) {
    await this.page.goto(path);
  }

  async expectHeading(name: string | RegExp) {
    await expect(this.page.getByRole('heading', { name }).first()).toBeVisible();
  }
}

/** The people the local sign-in offers (app-config.yaml, auth.providers.local; catalog-info/org.yaml). */
export interface Person {
  name: string;
  userEntityRef: string;
}

/** Personalization team: owns the recommendation model and its experiment. */
export const OWNER: Person = { name: 'Priya Natarajan', userEntityRef: 'user:default/priya.natarajan' };
/** Storefront team: may read models and experiments, not change them. */
export const MEMBER_WITHOUT_RIGHTS: Person = { name: 'Maria Gonzalez', userEntityRef: 'user:default/maria.gonzalez' };

/**
 * A Backstage token for a person, from the same endpoint the sign-in page calls, to call the portal's APIs
 * directly as they would with a script.
 */
export async function tokenFor(request: APIRequestContext, person?: Person): Promise<string> {
  const response = person
    ? await request.get('/api/auth/local/refresh', {
        headers: { 'X-Requested-With': 'XMLHttpRequest', 'x-platform-local-user': person.userEntityRef },
      })
    : await request.get('/api/auth/guest/refresh', { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
  if (!response.ok()) throw new Error(`sign-in as ${person?.name ?? 'guest'} failed: ${response.status()} ${await response.text()}`);
  return (await response.json()).backstageIdentity.token as string;
}
