/** A model version as MLflow's registry answers it. */
export interface ModelVersion {
  name: string;
  version: string;
  /** where the version's files are, e.g. `mlflow-artifacts:/1/<run>/artifacts/model` */
  source: string;
}

export class MlflowError extends Error {
  constructor(message: string, readonly status: number, readonly errorCode?: string) {
    super(message);
    this.name = 'MlflowError';
  }
}

/** What the model store needs of the registry; the REST client below is one. */
export interface ModelRegistry {
  versionByAlias(name: string, alias: string): Promise<ModelVersion>;
  downloadArtifact(source: string, path: string): Promise<Buffer>;
}

/** The two calls of MLflow's REST API 2.0 this service makes: resolve an alias, download a file of a version. */
export class MlflowRegistry implements ModelRegistry {
  constructor(private readonly trackingUri: string, private readonly timeoutMs = 60_000) {}

  async versionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const url = `${this.trackingUri}/api/2.0/mlflow/registered-models/alias?name=${encodeURIComponent(name)}&alias=${encodeURIComponent(alias)}`;
    const body = (await (await this.get(url)).json()) as { model_version: ModelVersion };
    return body.model_version;
  }

  async downloadArtifact(source: string, path: string): Promise<Buffer> {
    // the tracking server's artifact proxy serves `mlflow-artifacts:` sources
    const match = /^mlflow-artifacts:(?:\/\/[^/]+)?\/(.*)$/.exec(source);
    if (!match) throw new MlflowError(`artifact source ${source} is not served by the tracking server's artifact proxy`, 400);
    const full = [match[1].replace(/\/$/, ''), path].filter(Boolean).join('/');
    const url = `${this.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${full.split('/').map(encodeURIComponent).join('/')}`;
    return Buffer.from(await (await this.get(url)).arrayBuffer());
  }

  private async get(url: string): Promise<Response> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.ok) return res;
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { error_code?: string }).error_code;
    } catch {
      code = undefined;
    }
    throw new MlflowError(`GET ${url}: ${res.status} ${text.slice(0, 300)}`, res.status, code);
  }
}
