import type { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { CostApi } from '@internal/plugin-cost-common';
import type { Experiment, ExperimentResults, ExperimentsApi } from '@internal/plugin-experiments-common';
import { screen, within } from '@testing-library/react';
import { ModelRegistryApiError, modelRegistryApiRef } from '../../api';
import { costApiRef, experimentsApiRef } from '../../api/peerApis';
import { MODEL, createFakeModelRegistryApi } from '../../__testUtils__/fakeModelRegistryApi';
import { rootRouteRef } from '../../routes';
import { EntityServiceModelContent } from './EntityServiceModelContent';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'recommendation-service',
    annotations: {
      'platform.example.com/mlflow-model': MODEL,
      'platform.example.com/experiments': 'recommendation-ranking',
      'platform.example.com/cost-allocation-tag': 'recommendation-service',
    },
  },
  spec: { type: 'service', owner: 'group:default/personalization-team', lifecycle: 'experimental' },
};

const experiment: Experiment = {
  key: 'recommendation-ranking',
  name: 'Ranker v3 against v2',
  hypothesis: 'the challenger lifts CTR',
  owner: 'group:personalization-team',
  kind: 'model',
  model: MODEL,
  seed: 's',
  status: 'running',
  variants: [
    { name: 'control', weight: 90, modelAlias: 'champion' },
    { name: 'treatment', weight: 10, modelAlias: 'challenger' },
  ],
  targeting: {},
  version: 3,
  createdAt: '2026-11-20T00:00:00.000Z',
  updatedAt: '2026-11-24T00:00:00.000Z',
  startedAt: '2026-11-21T00:00:00.000Z',
  stoppedAt: null,
  concludedAt: null,
};

// only what verdictOf reads: a significant +12% on the primary metric for treatment
const results = {
  experimentKey: 'recommendation-ranking',
  computedAt: '2026-11-24T10:00:00.000Z',
  analysis: {
    srm: { flagged: false, pValue: 0.6 },
    metrics: [
      {
        key: 'ctr',
        higherIsBetter: true,
        variants: [{ variantKey: 'treatment', comparison: { status: 'ok', lift: 0.12, frequentist: { significant: true } } }],
      },
    ],
  },
} as unknown as ExperimentResults;

function fakeExperiments(options: { fail?: Error } = {}) {
  const calls: string[] = [];
  const api = {
    async getExperiment(key: string) {
      calls.push(`getExperiment ${key}`);
      if (options.fail) throw options.fail;
      return experiment;
    },
    async getResults(key: string) {
      calls.push(`getResults ${key}`);
      return results;
    },
  } as unknown as ExperimentsApi;
  return { api, calls };
}

const day = (offset: number) => new Date(Date.parse('2026-11-30T00:00:00Z') + offset * 86_400_000).toISOString().slice(0, 10);

function fakeCost(options: { fail?: Error } = {}) {
  const calls: unknown[] = [];
  const api = {
    async getSummary() {
      if (options.fail) throw options.fail;
      return { asOf: '2026-11-30', currency: 'USD' };
    },
    async getDailyCosts(query: unknown) {
      calls.push(query);
      // 60 days: 10 a day in the previous 30, 12 a day in the last 30
      const days = Array.from({ length: 60 }, (_, i) => ({ day: day(i - 59), total: i < 30 ? 10 : 12, groups: [] }));
      return { from: day(-59), to: day(0), stackBy: 'cloud', currency: 'USD', keys: ['aws'], total: 660, days };
    },
    async getCosts(query: unknown) {
      calls.push(query);
      return { from: day(-29), to: day(0), groupBy: 'service', currency: 'USD', total: 3600, groups: [] };
    },
  } as unknown as CostApi;
  return { api, calls };
}

async function render(options: { registry?: ReturnType<typeof createFakeModelRegistryApi>; experiments?: ExperimentsApi; cost?: CostApi; entity?: Entity } = {}) {
  const registry = options.registry ?? createFakeModelRegistryApi();
  await renderInTestApp(
    <EntityProvider entity={options.entity ?? service}>
      <EntityServiceModelContent />
    </EntityProvider>,
    {
      apis: [
        [modelRegistryApiRef, registry.api],
        [experimentsApiRef, options.experiments ?? fakeExperiments().api],
        [costApiRef, options.cost ?? fakeCost().api],
      ],
      mountedRoutes: { '/models': rootRouteRef },
    },
  );
  return registry;
}

const card = (name: string) => screen.getByRole('region', { name });

describe('EntityServiceModelContent', () => {
  it(
    'joins what the service serves, the experiment and its verdict, the cost line and the live signals',
    async () => {
      const cost = fakeCost();
      const registry = await render({ cost: cost.api });
      for (const name of ['Serving now', 'Experiment', 'Cost', 'Live signals'])
        expect(screen.getByRole('heading', { name, level: 2 })).toBeInTheDocument();

      const served = await screen.findByRole('table', { name: 'Served versions' });
      const control = within(served).getByRole('row', { name: /^control/ });
      expect(within(control).getAllByRole('cell').map(c => c.textContent)).toEqual(['control', 'champion', 'version 2', '2026-11-24 09:00 UTC']);
      expect(within(control).getByRole('link', { name: 'version 2' })).toHaveAttribute('href', `/models/${MODEL}`);
      expect(within(served).getByRole('row', { name: /^treatment/ })).toHaveTextContent('challengerversion 3');
      expect(registry.calls.find(c => c.method === 'getServingStatus')?.args).toEqual(['component:default/recommendation-service']);

      const experimentCard = card('Experiment');
      expect(await within(experimentCard).findByText('Ranker v3 against v2')).toBeInTheDocument();
      expect(within(experimentCard).getByRole('group', { name: 'Traffic split' })).toHaveTextContent('control 90% / treatment 10%');
      expect(within(experimentCard).getByRole('group', { name: 'Traffic split' })).toHaveTextContent('treatment serves challenger');
      expect(within(experimentCard).getByRole('group', { name: 'Verdict' })).toHaveTextContent('treatment wins on ctr (+12%)');

      const costCard = card('Cost');
      expect(await within(costCard).findByRole('group', { name: 'Last 30 days' })).toHaveTextContent('$360.00');
      expect(within(costCard).getByRole('group', { name: 'Trend' })).toHaveTextContent('+20% on the previous 30 days');
      expect(within(costCard).getByRole('group', { name: 'Share of platform' })).toHaveTextContent('10%');
      expect(cost.calls).toEqual([
        { from: day(-59), to: day(0), stackBy: 'cloud', service: 'recommendation-service' },
        { from: day(-29), to: day(0), groupBy: 'service' },
      ]);

      const signals = card('Live signals');
      expect(await within(signals).findByRole('group', { name: 'Request rate' })).toHaveTextContent('12.5 req/s');
      expect(within(signals).getByRole('group', { name: 'P95 latency' })).toHaveTextContent('42.1 ms');
      expect(within(signals).getByRole('group', { name: 'Errors' })).toHaveTextContent('0.4%');
      expect(within(within(signals).getByRole('table', { name: 'Signals by variant' })).getByRole('row', { name: /^treatment/ })).toHaveTextContent(
        '1.30 req/s15 ms',
      );
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    },
    60_000,
  );

  it(
    'shows each failing source in its own card while the others render',
    async () => {
      const registry = createFakeModelRegistryApi();
      registry.state.servingError = new ModelRegistryApiError(503, 'the serving service does not answer at http://127.0.0.1:3003/models: fetch failed', 'SOURCE_UNAVAILABLE');
      registry.state.signalsError = new ModelRegistryApiError(503, 'Prometheus does not answer at http://127.0.0.1:9090: fetch failed', 'SOURCE_UNAVAILABLE');
      await render({ registry });

      expect(await within(card('Serving now')).findByRole('alert', { name: 'Serving status unavailable' })).toHaveTextContent(
        'the serving service does not answer at http://127.0.0.1:3003/models',
      );
      expect(await within(card('Live signals')).findByRole('alert', { name: 'Live signals unavailable' })).toHaveTextContent(
        'Prometheus does not answer at http://127.0.0.1:9090',
      );
      expect(await within(card('Experiment')).findByRole('group', { name: 'Verdict' })).toHaveTextContent('treatment wins on ctr');
      expect(await within(card('Cost')).findByRole('group', { name: 'Last 30 days' })).toHaveTextContent('$360.00');
    },
    60_000,
  );

  it(
    'says when the A/B testing or cost service is down, with the serving status still shown',
    async () => {
      const experiments = fakeExperiments({ fail: Object.assign(new Error('the A/B testing service is unreachable'), { status: 503 }) });
      await render({ experiments: experiments.api, cost: fakeCost({ fail: new Error('the cost service is unreachable') }).api });
      expect(await within(card('Experiment')).findByRole('alert', { name: 'Experiments unavailable' })).toHaveTextContent(
        'the A/B testing service is unreachable',
      );
      expect(await within(card('Cost')).findByRole('alert', { name: 'Cost unavailable' })).toHaveTextContent('the cost service is unreachable');
      expect(await screen.findByRole('table', { name: 'Served versions' })).toBeInTheDocument();
      expect(await within(card('Live signals')).findByRole('group', { name: 'Request rate' })).toHaveTextContent('12.5 req/s');
    },
    60_000,
  );

  it(
    'says "no data" and why when Prometheus has no series of the service',
    async () => {
      const registry = createFakeModelRegistryApi();
      registry.state.signals = { ...registry.state.signals, scraped: false, requestRate: null, p95Seconds: null, errorRatio: null, variants: [] };
      registry.state.serving = {
        ...registry.state.serving,
        registryUp: false,
        variants: [
          registry.state.serving.variants[0],
          { variant: 'treatment', alias: 'challenger', version: null, loadedAt: null, servedAlias: 'champion', servedVersion: '2' },
        ],
      };
      await render({ registry });
      const signals = card('Live signals');
      expect(await within(signals).findByRole('group', { name: 'Request rate' })).toHaveTextContent('no data');
      expect(within(signals).getByText('Prometheus cannot scrape recommendation-service right now (up = 0).')).toBeInTheDocument();
      const served = await screen.findByRole('table', { name: 'Served versions' });
      expect(within(served).getByRole('row', { name: /^treatment/ })).toHaveTextContent('none: served by champion (version 2)');
      expect(card('Serving now')).toHaveTextContent('MLflow is unreachable for the service');
    },
    60_000,
  );

  it(
    'explains a missing model annotation instead of calling anything',
    async () => {
      const registry = await render({ entity: { ...service, metadata: { name: 'plain', annotations: {} } } });
      expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
      expect(registry.calls).toEqual([]);
    },
    60_000,
  );

  it(
    'names the annotations when the service names no experiment and no cost tag',
    async () => {
      await render({ entity: { ...service, metadata: { name: 'recommendation-service', annotations: { 'platform.example.com/mlflow-model': MODEL } } } });
      expect(await within(card('Experiment')).findByText(/platform.example.com\/experiments annotation/)).toBeInTheDocument();
      expect(within(card('Cost')).getByText(/platform.example.com\/cost-allocation-tag annotation/)).toBeInTheDocument();
    },
    60_000,
  );
});
