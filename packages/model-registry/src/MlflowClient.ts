/**
 * A typed client of the MLflow tracking server's REST API 2.0 (runs, metrics, the artifact proxy, the model
 * registry with aliases), on fetch. Connection errors are retried for `retryMs` (the server may restart).
 */
export interface MlflowRun {
  info: { run_id: string; experiment_id: string; status: string; artifact_uri: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string; value: number; step: string }[] };
}

export interface ModelVersion {
  name: string;
  version: string;
  source: string;
  run_id: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

export interface RegisteredModel {
  name: string;
  description?: string;
  aliases?: { alias: string; version: string }[];
  tags?: { key: string; value: string }[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export class MlflowError extends Error {
  constructor(message: string, readonly status: number, readonly errorCode?: string) {
    super(message);
  }
}

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export class MlflowClient {
  constructor(private readonly baseUrl: string, private readonly retryMs = 60_000) {}

  async getOrCreateExperiment(name: string): Promise<string> {
    try {
      const found = await this.call<{ experiment: { experiment_id: string } }>('GET', `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
      return found.experiment.experiment_id;
    } catch (error) {
      if (!(error instanceof MlflowError) || error.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    }
    return (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
  }

  async createRun(experimentId: string, runName: string, tags: Record<string, string>): Promise<MlflowRun> {
    const body = { experiment_id: experimentId, run_name: runName, start_time: Date.now(), tags: toTags(tags) };
    return (await this.call<{ run: MlflowRun }>('POST', 'runs/create', body)).run;
  }

  /** log-batch takes at most 1000 metrics, 100 params and 100 tags per call. */
  async logBatch(runId: string, batch: { metrics?: Metric[]; params?: Record<string, string>; tags?: Record<string, string> }) {
    const metrics = batch.metrics ?? [];
    const params = toTags(batch.params ?? {});
    const tags = toTags(batch.tags ?? {});
    for (let i = 0; i === 0 || i * 100 < Math.max(metrics.length / 10, params.length, tags.length); i++) {
      await this.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: metrics.slice(i * 1000, (i + 1) * 1000),
        params: params.slice(i * 100, (i + 1) * 100),
        tags: tags.slice(i * 100, (i + 1) * 100),
      });
    }
  }

  async finishRun(runId: string, status: 'FINISHED' | 'FAILED'): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  async getRun(runId: string): Promise<MlflowRun> {
    return (await this.call<{ run: MlflowRun }>('GET', `runs/get?run_id=${encodeURIComponent(runId)}`)).run;
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    const res = await this.call<{ metrics?: { key: string; value: number; timestamp: string; step: string }[] }>(
      'GET',
      `metrics/get-history?run_id=${encodeURIComponent(runId)}&metric_key=${encodeURIComponent(key)}&max_results=1000`,
    );
    return (res.metrics ?? []).map(m => ({ key: m.key, value: m.value, timestamp: Number(m.timestamp), step: Number(m.step ?? 0) }));
  }

  /** Uploads through the server's artifact proxy; the run's artifact_uri must be `mlflow-artifacts:/...`. */
  async uploadArtifact(run: MlflowRun, path: string, body: Uint8Array | string): Promise<void> {
    await this.raw('PUT', this.artifactUrl(run.info.artifact_uri, path), body);
  }

  async downloadArtifact(artifactUri: string, path: string): Promise<Buffer> {
    return Buffer.from(await (await this.raw('GET', this.artifactUrl(artifactUri, path))).arrayBuffer());
  }

  async createRegisteredModel(name: string, description: string): Promise<void> {
    try {
      await this.call('POST', 'registered-models/create', { name, description });
    } catch (error) {
      if (!(error instanceof MlflowError) || error.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
    }
  }

  async createModelVersion(name: string, source: string, runId: string, tags: Record<string, string>): Promise<ModelVersion> {
    const body = { name, source, run_id: runId, tags: toTags(tags) };
    return (await this.call<{ model_version: ModelVersion }>('POST', 'model-versions/create', body)).model_version;
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async versionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const query = `registered-models/alias?name=${encodeURIComponent(name)}&alias=${encodeURIComponent(alias)}`;
    return (await this.call<{ model_version: ModelVersion }>('GET', query)).model_version;
  }

  /** 404 RESOURCE_DOES_NOT_EXIST when the alias is not set. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  /** The registered model with its aliases (`[{ alias, version }]`). */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.call<{ registered_model: RegisteredModel }>('GET', `registered-models/get?name=${encodeURIComponent(name)}`))
      .registered_model;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const query = `model-versions/get?name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}`;
    return (await this.call<{ model_version: ModelVersion }>('GET', query)).model_version;
  }

  /** Every version of a registered model (all pages). */
  async searchModelVersions(name: string): Promise<ModelVersion[]> {
    const versions: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const filter = `name='${name.replaceAll("'", "\\'")}'`;
      const query = `model-versions/search?filter=${encodeURIComponent(filter)}&max_results=1000${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
      const page = await this.call<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', query);
      versions.push(...(page.model_versions ?? []));
      pageToken = page.next_page_token;
    } while (pageToken);
    return versions;
  }

  /** Model registry tag values are limited (5000 characters on a SQL backend). */
  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.call('DELETE', 'model-versions/delete-tag', { name, version, key });
  }

  /** Deletes a registered model with its versions (tests clean up with it). */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', 'registered-models/delete', { name });
  }

  private artifactUrl(artifactUri: string, path: string): string {
    const match = /^mlflow-artifacts:(?:\/\/[^/]+)?\/(.*)$/.exec(artifactUri);
    if (!match) throw new Error(`artifact URI ${artifactUri} is not served by the tracking server's artifact proxy`);
    const full = [match[1].replace(/\/$/, ''), path].filter(Boolean).join('/');
    return `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${full.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async call<T = unknown>(method: 'GET' | 'POST' | 'DELETE', endpoint: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, `${this.baseUrl}/api/2.0/mlflow/${endpoint}`, body === undefined ? undefined : JSON.stringify(body));
    return (await res.json()) as T;
  }

  private async raw(method: string, url: string, body?: Uint8Array | string): Promise<Response> {
    const deadline = Date.now() + this.retryMs;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          body,
          headers: typeof body === 'string' && method !== 'PUT' ? { 'content-type': 'application/json' } : undefined,
        });
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise(resolve => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5000)));
        continue;
      }
      if (res.ok) return res;
      const text = await res.text();
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error_code?: string }).error_code;
      } catch {
        code = undefined;
      }
      throw new MlflowError(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`, res.status, code);
    }
  }
}
