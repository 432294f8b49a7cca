import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { LakeStore } from './types';

export interface AzureStoreOptions {
  connectionString: string;
  container: string;
  /** tries of one request inside the SDK; the sink retries failed files itself */
  maxTries?: number;
}

export class AzureLakeStore implements LakeStore {
  readonly name = 'azure';
  private readonly container: ContainerClient;

  constructor(options: AzureStoreOptions) {
    const service = BlobServiceClient.fromConnectionString(options.connectionString, {
      retryOptions: { maxTries: options.maxTries ?? 2, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
    });
    this.container = service.getContainerClient(options.container);
  }

  async ensure(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.container.getBlockBlobClient(key).uploadData(body, {
      blobHTTPHeaders: { blobContentType: 'application/vnd.apache.parquet' },
    });
  }

  async get(key: string): Promise<Buffer> {
    return this.container.getBlockBlobClient(key).downloadToBuffer();
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix })) keys.push(blob.name);
    return keys;
  }

  async close(): Promise<void> {
    // the SDK keeps no connection that needs closing
  }
}
