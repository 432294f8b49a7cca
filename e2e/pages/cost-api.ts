import { APIRequestContext } from '@playwright/test';

/** The portal's cost backend, called as the guest user, to compare the page with the API's numbers. */
export class CostApi {
  private token?: string;

  constructor(private readonly request: APIRequestContext) {}

  private async authorization(): Promise<Record<string, string>> {
    if (!this.token) {
      const response = await this.request.post('/api/auth/guest/refresh', { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      if (!response.ok()) throw new Error(`guest sign-in failed: ${response.status()}`);
      this.token = (await response.json()).backstageIdentity.token as string;
    }
    return { Authorization: `Bearer ${this.token}` };
  }

  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const response = await this.request.get(`/api/cost${path}`, { params: query, headers: await this.authorization() });
    if (!response.ok()) throw new Error(`GET /api/cost${path} answered ${response.status()}: ${await response.text()}`);
    return (await response.json()) as T;
  }
}

export function usd(amount: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }).format(amount);
}
