import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { Suspense } from 'react';
import type { PrometheusApi, PrometheusSeries } from '../api';
import { prometheusApiRef } from '../api';
import { PlatformStatus } from './PlatformStatus';

const service = (name: string, title: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', title, annotations },
  spec: { type: 'service', owner: 'group:platform-team', lifecycle: 'production' },
});

const sample = (labels: Record<string, string>, value: string): PrometheusSeries => ({ metric: labels, value: [1_800_000_000, value] });

/** Prometheus's answers by the metric each query reads (the shapes of GET /api/v1/query's vector results). */
function fakePrometheus(): PrometheusApi & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async query(promql) {
      queries.push(promql);
      if (promql.startsWith('max by (service) (up)')) {
        return [sample({ service: 'user-service' }, '1'), sample({ service: 'search-service' }, '0'), sample({ service: 'checkout' }, '1')];
      }
      if (promql.includes('http_request_duration_seconds_bucket')) {
        // a quantile of no requests is NaN: no number, not zero
        return [sample({ service: 'user-service' }, '0.042'), sample({ service: 'search-service' }, 'NaN')];
      }
      if (promql.includes('http_requests_total')) return [sample({ service: 'user-service' }, '12.5')];
      return [];
    },
    async queryRange() {
      return [];
    },
  };
}

jest.setTimeout(60_000);

describe('PlatformStatus', () => {
  it('shows each catalog service up, down or not scraped with its P95 and traffic, and how many are up', async () => {
    const prometheus = fakePrometheus();
    await renderInTestApp(
      <Suspense fallback="loading">
        <PlatformStatus />
      </Suspense>,
      {
      apis: [
        [prometheusApiRef, prometheus],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              service('user-service', 'User Service'),
              service('search-service', 'Search Service'),
              service('cart-checkout-service', 'Cart and Checkout Service', { 'platform.example.com/prometheus-service': 'checkout' }),
              service('analytics-service', 'Analytics Service'),
            ],
          }),
        ],
      ],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const status = await screen.findByRole('region', { name: 'Platform status' });
    expect(within(status).getByText('2 of 4 services up')).toBeInTheDocument();
    const rows = within(status).getAllByRole('row').slice(1).map(row => row.textContent);
    // sorted by title; 0.042 s is 42 ms, 12.5 req/s shown as "13 req/s" (no decimals from 10 up)
    expect(rows).toEqual([
      expect.stringMatching(/^Analytics Service\s*not scraped––$/),
      expect.stringMatching(/^Cart and Checkout Service\s*up––$/),
      expect.stringMatching(/^Search Service\s*down––$/),
      expect.stringMatching(/^User Service\s*up42 ms13 req\/s$/),
    ]);
    expect(within(status).getByRole('link', { name: 'User Service' })).toHaveAttribute('href', expect.stringContaining('/catalog/default/component/user-service'));
    // three queries for all services at once, not one per service
    expect(prometheus.queries).toHaveLength(3);
  });

  it("lists only the platform's systems' services when the config names them", async () => {
    const inSystem = (name: string, title: string, system: string) => ({ ...service(name, title), spec: { ...service(name, title).spec, system } });
    await renderInTestApp(
      <Suspense fallback="loading">
        <PlatformStatus />
      </Suspense>,
      {
        apis: [
          [prometheusApiRef, fakePrometheus()],
          [
            catalogApiRef,
            catalogApiMock({
              entities: [
                inSystem('user-service', 'User Service', 'storefront'),
                inSystem('search-service', 'Search Service', 'storefront'),
                inSystem('ledger-service', 'Ledger Service', 'finance'),
              ],
            }),
          ],
        ],
        config: { serviceMetrics: { platformStatus: { systems: ['storefront', 'personalization'] } } },
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const status = await screen.findByRole('region', { name: 'Platform status' });
    expect(within(status).getByText('1 of 2 services up')).toBeInTheDocument();
    expect(within(status).queryByText('Ledger Service')).toBeNull();
  });
});
