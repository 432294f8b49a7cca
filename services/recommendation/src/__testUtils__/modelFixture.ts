import { MlflowClient } from '@platform/model-registry';
import { ARTIFACT_FILES, ARTIFACT_FORMAT, type ArtifactFile } from '../model/artifact';

export interface ModelSpec {
  /** item id → its factor row (all of one length k) */
  items: Record<string, number[]>;
  /** user id → its factor row */
  users: Record<string, number[]>;
  /** item ids, most popular first (default: item order) */
  popularity?: string[];
}

/** The files of a `platform-ials-v1` model (docs/model-artifacts.md) with exactly the given factors. */
export function modelFiles(spec: ModelSpec): Record<ArtifactFile, Buffer> {
  const itemIds = Object.keys(spec.items);
  const userIds = Object.keys(spec.users);
  const k = spec.items[itemIds[0]].length;
  const matrix = (rows: number[][]) => {
    const buffer = Buffer.alloc(rows.length * k * 4);
    rows.forEach((row, r) => row.forEach((value, c) => buffer.writeFloatLE(value, (r * k + c) * 4)));
    return buffer;
  };
  const manifest = {
    format: ARTIFACT_FORMAT,
    factors: k,
    users: userIds.length,
    items: itemIds.length,
    dtype: 'float32',
    byteOrder: 'little-endian',
    layout: 'row-major',
  };
  return {
    [ARTIFACT_FILES.manifest]: Buffer.from(JSON.stringify(manifest)),
    [ARTIFACT_FILES.itemFactors]: matrix(itemIds.map(id => spec.items[id])),
    [ARTIFACT_FILES.userFactors]: matrix(userIds.map(id => spec.users[id])),
    [ARTIFACT_FILES.itemIndex]: Buffer.from(JSON.stringify(itemIds)),
    [ARTIFACT_FILES.userIndex]: Buffer.from(JSON.stringify(userIds)),
    [ARTIFACT_FILES.popularity]: Buffer.from(JSON.stringify(spec.popularity ?? itemIds)),
  } as Record<ArtifactFile, Buffer>;
}

const EXPERIMENT = 'recommendation-service-tests';

/**
 * Registers models in the real MLflow as the trainer does (run, artifacts under `model/` through the artifact
 * proxy, a version of the registered model, an alias), under a registered-model name of the test's own.
 */
export class ModelRegistryFixture {
  readonly client: MlflowClient;

  constructor(readonly trackingUri: string, readonly modelName: string) {
    this.client = new MlflowClient(trackingUri, 10_000);
  }

  /** a new version holding these files; returns its version number */
  async register(files: Record<string, Buffer | string>): Promise<string> {
    const experimentId = await this.client.getOrCreateExperiment(EXPERIMENT);
    const run = await this.client.createRun(experimentId, `${this.modelName}-${Date.now()}`, { artifact_format: ARTIFACT_FORMAT });
    for (const [file, body] of Object.entries(files)) await this.client.uploadArtifact(run, `model/${file}`, body);
    await this.client.createRegisteredModel(this.modelName, 'recommendation-service test model');
    const version = await this.client.createModelVersion(this.modelName, `${run.info.artifact_uri}/model`, run.info.run_id, {
      artifact_format: ARTIFACT_FORMAT,
    });
    await this.client.finishRun(run.info.run_id, 'FINISHED');
    return version.version;
  }

  setAlias(alias: string, version: string): Promise<void> {
    return this.client.setAlias(this.modelName, alias, version);
  }

  /** removes the registered model with its versions (the client has no delete: the REST call directly) */
  async remove(): Promise<void> {
    await fetch(`${this.trackingUri}/api/2.0/mlflow/registered-models/delete`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: this.modelName }),
    }).catch(() => undefined);
  }
}
