import { parse, parseAllDocuments } from 'yaml';
import { startTemplateDryRun } from './__testUtils__/templateDryRun';

const baseValues = {
  name: 'demand-forecaster',
  description: 'Forecasts demand per product',
  owner: 'group:default/personalization-team',
  system: 'system:default/recommendation',
  modelName: 'demand-model',
  modelAlias: 'champion',
  mlflowTrackingUri: 'http://mlflow.mlflow.svc.cluster.local:5000',
  registryNamespace: 'mlflow',
  registryPort: 5000,
  memoryLimitMi: 1024,
  startupBudgetSeconds: 300,
  port: 3040,
  latencyP95Ms: 50,
  availability: '99.9',
  minReplicas: 2,
  maxReplicas: 20,
  target: 'eks',
  publisher: 'local-git',
};

describe('model-serving-service template (dry run through the scaffolder API)', () => {
  let dryRun: Awaited<ReturnType<typeof startTemplateDryRun>>;

  beforeAll(async () => {
    dryRun = await startTemplateDryRun('model-serving-service.template.yaml');
  });

  it('renders a model-serving repository from the shared chart, CI, catalog and docs parts and its own code and dashboards', async () => {
    const { files, output } = await dryRun.render(baseValues);
    const paths = [...files.keys()].sort();
    for (const expected of [
      'package.json', 'tsconfig.json', 'Dockerfile', '.dockerignore', '.gitignore',
      'src/main.ts', 'src/app.ts', 'src/config.ts', 'src/metrics.ts', 'src/mlflow.ts', 'src/model.ts',
      'src/modelStore.ts', 'src/problem.ts', 'test/app.test.ts', 'test/config.test.ts', 'test/model.test.ts',
      'test/mlflowServer.ts', 'chart/Chart.yaml', 'chart/values.yaml', 'chart/templates/deployment.yaml',
      'chart/templates/hpa.yaml', '.github/workflows/ci.yaml', '.github/workflows/deploy.yaml', 'catalog-info.yaml',
      'openapi.yaml', 'mkdocs.yml', 'docs/index.md', 'README.md', 'dashboards/demand-forecaster.json',
      'alerts/demand-forecaster.rules.yaml',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(paths).not.toContain('src/stores.ts');
    const pkg = JSON.parse(files.get('package.json')!);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['express', 'pino', 'prom-client', 'zod']);
    expect(files.get('src/config.ts')).toContain("MODEL_URI: modelUri.default('models:/demand-model@champion')");
    expect(files.get('README.md')).toContain("platform's `model-serving-service` template: serves `models:/demand-model@champion`");
    expect(files.get('README.md')).not.toContain('typescript-service');
    const api = parse(files.get('openapi.yaml')!);
    expect(Object.keys(api.paths)).toEqual(['/v1/predict', '/v1/model']);
    const component = parseAllDocuments(files.get('catalog-info.yaml')!)[0].toJS();
    expect(component.spec).toMatchObject({ owner: 'group:default/personalization-team', system: 'system:default/recommendation', providesApis: ['demand-forecaster-api'] });
    expect(output.links[1].entityRef).toBe('component:default/demand-forecaster');
  });

  it('gives the chart the model URI, a start-up budget for loading, memory for the model and egress to MLflow', async () => {
    const { files } = await dryRun.render({ ...baseValues, modelAlias: 'challenger', memoryLimitMi: 2048, startupBudgetSeconds: 600, registryNamespace: 'ml', registryPort: 8080, mlflowTrackingUri: 'http://mlflow.ml.svc:8080' });
    const values = parse(files.get('chart/values.yaml')!);
    expect(values.config).toEqual({ LOG_LEVEL: 'info', MLFLOW_TRACKING_URI: 'http://mlflow.ml.svc:8080', MODEL_URI: 'models:/demand-model@challenger' });
    expect(values.probes).toEqual({ startupSeconds: 600 });
    expect(values.resources).toMatchObject({ requests: { memory: '1024Mi' }, limits: { memory: '2048Mi' } });
    expect(values.networkPolicy.namespaces).toEqual([{ namespace: 'ml', port: 8080 }]);
    expect(values.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 20, kafkaLag: { enabled: false } });
    expect(values.secretEnv).toEqual({});
  });

  it('has a dashboard of latency by model version over the metrics the service exposes', async () => {
    const { files } = await dryRun.render(baseValues);
    const dashboard = JSON.parse(files.get('dashboards/demand-forecaster.json')!);
    const panels = dashboard.panels as { title: string; targets: { expr: string; legendFormat: string }[] }[];
    const p95 = panels.find(p => p.title.startsWith('Prediction latency p95 by model version'))!;
    expect(p95.title).toBe('Prediction latency p95 by model version (SLO < 50 ms)');
    expect(p95.targets[0].expr).toBe(
      'histogram_quantile(0.95, sum by (le, model_version) (rate(model_prediction_duration_seconds_bucket{job="demand-forecaster"}[5m])))',
    );
    expect(p95.targets[0].legendFormat).toBe('v{{model_version}}');
    // every metric a panel queries is declared in the service's metrics.ts
    const declared = [...files.get('src/metrics.ts')!.matchAll(/name: '([a-z_]+)'/g)].map(m => m[1]);
    const queried = new Set<string>();
    for (const panel of panels) {
      for (const { expr } of panel.targets) for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) queried.add(m[1].replace(/_(bucket|count|sum)$/, ''));
    }
    const processMetrics = ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'];
    expect([...queried].filter(n => !declared.includes(n) && !processMetrics.includes(n))).toEqual([]);
  });

  it('alerts on no model served, latency of a version, fast budget burn, a refused version and an unreachable registry', async () => {
    const { files } = await dryRun.render({ ...baseValues, latencyP95Ms: 80, availability: '99.95' });
    const rules = parse(files.get('alerts/demand-forecaster.rules.yaml')!).groups[0].rules as { alert: string; expr: string; labels: { severity: string } }[];
    expect(rules.map(r => r.alert.replace('demand_forecaster_', ''))).toEqual([
      'NoModelServed', 'PredictionLatencyP95High', 'ErrorBudgetBurnFast', 'ModelVersionRefused', 'ModelRegistryUnreachable',
    ]);
    expect(rules[1].expr).toContain('> 0.08');
    expect(rules[2].expr).toContain('(14.4 * 0.0005)');
    // the runbook has a section for every alert, under the alert's name
    const runbook = files.get('docs/runbook.md')!;
    expect([...runbook.matchAll(/^## (\w+) \((page|ticket)\)$/gm)].map(m => [m[1], m[2]])).toEqual(
      rules.map(r => [r.alert.replace('demand_forecaster_', ''), r.labels.severity]),
    );
  });

  it.each([
    ['user-service', 'component:default/user-service already exists in the catalog'],
    [`d${'x'.repeat(40)}`, 'Use at most 40 characters; this name has 41'],
  ])('refuses the name %j at the first step, before any file is fetched', async (name, message) => {
    const res = await dryRun.dryRun({ ...baseValues, name });
    expect(JSON.stringify(res.body)).toContain(message);
    expect(res.body.directoryContents ?? []).toEqual([]);
  });
});
