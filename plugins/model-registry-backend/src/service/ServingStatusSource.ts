import type { ServedVariant } from '@internal/plugin-model-registry-common';
import { SourceUnavailableError, causeOf } from './errors';

/** The serving service's own answer (`GET /models` of catalog-info/apis/recommendation-api.openapi.yaml). */
export interface ServedModels {
  model: string;
  variants: ServedVariant[];
  registryUp: boolean | null;
  lastRegistryContactAt: string | null;
}

/** Where the service Model tab reads what a serving service serves right now. */
export interface ServingStatusSource {
  servedModels(): Promise<ServedModels>;
}

/**
 * `GET {baseUrl}/models` of the running recommendation service, with the portal's service token. Refused,
 * timed out, or answered with an error: SourceUnavailableError (the tab says the service is not answering).
 */
export class HttpServingStatusSource implements ServingStatusSource {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: { token?: () => Promise<string | undefined>; timeoutMs?: number } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async servedModels(): Promise<ServedModels> {
    const url = `${this.baseUrl}/models`;
    const token = await this.options.token?.();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3_000),
      });
    } catch (error) {
      throw new SourceUnavailableError('serving-service', `the serving service does not answer at ${url}: ${causeOf(error)}`);
    }
    const body = (await response.json().catch(() => null)) as (ServedModels & { detail?: string }) | null;
    if (!response.ok) {
      const hint = response.status === 401 || response.status === 403 ? ' (is modelRegistry.serviceToken.privateKey the platform signing key?)' : '';
      throw new SourceUnavailableError(
        'serving-service',
        `the serving service answered ${response.status} at ${url}: ${body?.detail ?? response.statusText}${hint}`,
      );
    }
    if (!body || typeof body.model !== 'string' || !Array.isArray(body.variants)) {
      throw new SourceUnavailableError('serving-service', `the serving service at ${url} answered something other than its served models`);
    }
    return {
      model: body.model,
      variants: body.variants,
      registryUp: body.registryUp ?? null,
      lastRegistryContactAt: body.lastRegistryContactAt ?? null,
    };
  }
}
