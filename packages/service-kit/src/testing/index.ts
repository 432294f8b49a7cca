import { Contract } from '../contract';

export interface ObservedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Contract tests: every response a test sees must be one the API's OpenAPI definition in catalog-info/ allows.
 * Works with supertest responses (status, headers, body).
 */
export function contractAsserter(apiName: string) {
  const contract = Contract.load(apiName);
  return {
    contract,
    /** throws, listing every mismatch, unless the response is allowed for that request */
    assertResponse(method: string, path: string, response: ObservedResponse) {
      const match = contract.match(method, path.split('?')[0]);
      if (!match) throw new Error(`${apiName} has no operation ${method.toUpperCase()} ${path}`);
      const contentType = response.headers['content-type'];
      const problems = contract.validateResponse(match, {
        status: response.status,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        body: response.body,
      });
      if (problems.length) {
        throw new Error(`response of ${method.toUpperCase()} ${path} breaks ${apiName}:\n  ${problems.join('\n  ')}`);
      }
    },
    /**
     * throws unless the response is allowed by a reusable response of components.responses, for answers that
     * belong to no single operation (e.g. the gateway's GatewayTimeout on any routed path)
     */
    assertComponentResponse(name: string, response: ObservedResponse) {
      const contentType = response.headers['content-type'];
      const problems = contract.validateComponentResponse(name, {
        status: response.status,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        body: response.body,
      });
      if (problems.length) {
        throw new Error(`response breaks ${apiName} components.responses.${name}:\n  ${problems.join('\n  ')}`);
      }
    },
  };
}

export { Contract };

// Until the kit's main entry exports them, tests take the pool and drop helpers from here.
export { createPool, dropDatabase } from '../postgres';
export type { PoolOptions } from '../postgres';
export { freePort } from './freePort';
export { testDatabase } from './testDatabase';
export type { TestDatabase } from './testDatabase';
export { eventually } from './eventually';
export { alertsWithoutRunbookSection, metricsIn, metricsQueriedBy } from './observability';
