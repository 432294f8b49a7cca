import { randomBytes, randomUUID } from 'node:crypto';
import {
  BlobServiceClient,
  ContainerClient,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { loadInfraEnv } from '../env';

async function names<T>(items: AsyncIterable<T>, name: (item: T) => string) {
  const found: string[] = [];
  for await (const item of items) found.push(name(item));
  return found;
}

describe('Azure Blob Storage (Azurite, yarn infra)', () => {
  const env = loadInfraEnv();
  // The way a service builds its client: from the connection string.
  const service = BlobServiceClient.fromConnectionString(
    env.AZURE_STORAGE_CONNECTION_STRING,
    { retryOptions: { maxTries: 1 } },
  );
  const containerName = `smoke-${randomUUID()}`;
  let container: ContainerClient;
  const partitions = ['2026-11-30', '2026-12-01'];
  const blobNames = partitions.flatMap(day =>
    [0, 1].map(part => `events/day=${day}/part-${part}.jsonl`),
  );

  beforeAll(async () => {
    container = service.getContainerClient(containerName);
    await container.create();
  });

  afterAll(async () => {
    await container.deleteIfExists();
  });

  it('lists the new container', async () => {
    expect(
      await names(
        service.listContainers({ prefix: containerName }),
        c => c.name,
      ),
    ).toEqual([containerName]);
  });

  it('takes the separate endpoint and key settings as well, and refuses a wrong key', async () => {
    const withKey = (key: string) =>
      new BlobServiceClient(
        env.AZURE_BLOB_ENDPOINT,
        new StorageSharedKeyCredential(env.AZURE_STORAGE_ACCOUNT, key),
        { retryOptions: { maxTries: 1 } },
      );
    await expect(
      withKey(env.AZURE_STORAGE_KEY).getContainerClient(containerName).exists(),
    ).resolves.toBe(true);
    await expect(
      withKey(randomBytes(64).toString('base64')).getProperties(),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it('uploads blobs, reads one back with its properties and lists them by prefix', async () => {
    for (const name of blobNames) {
      const body = `{"name":"${name}"}\n`;
      await container.getBlockBlobClient(name).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
        metadata: { producer: 'smoke-test' },
      });
    }

    const blob = container.getBlobClient(blobNames[1]);
    expect((await blob.downloadToBuffer()).toString()).toBe(
      `{"name":"${blobNames[1]}"}\n`,
    );
    const properties = await blob.getProperties();
    expect(properties.contentType).toBe('application/x-ndjson');
    expect(properties.metadata).toEqual({ producer: 'smoke-test' });

    expect(
      await names(
        container.listBlobsFlat({ prefix: `events/day=${partitions[1]}/` }),
        b => b.name,
      ),
    ).toEqual(blobNames.slice(2));

    // A delimiter lists the partitions, as a query engine discovers them.
    expect(
      await names(
        container.listBlobsByHierarchy('/', { prefix: 'events/' }),
        item => item.name,
      ),
    ).toEqual(partitions.map(day => `events/day=${day}/`));
  });

  it('commits staged blocks into one blob (how large data files are written)', async () => {
    const blob = container.getBlockBlobClient('tables/orders/part-big.bin');
    const blocks = [randomBytes(4 * 1024 * 1024), randomBytes(1024)];
    const blockIds = blocks.map((_, index) =>
      Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64'),
    );
    for (const [index, block] of blocks.entries())
      await blob.stageBlock(blockIds[index], block, block.length);
    await blob.commitBlockList(blockIds);

    expect((await blob.downloadToBuffer()).equals(Buffer.concat(blocks))).toBe(
      true,
    );
    const { committedBlocks } = await blob.getBlockList('committed');
    expect(committedBlocks?.map(b => b.size)).toEqual(
      blocks.map(b => b.length),
    );
  });

  it('deletes blobs', async () => {
    for (const name of blobNames) await container.getBlobClient(name).delete();
    await expect(container.getBlobClient(blobNames[0]).exists()).resolves.toBe(
      false,
    );
    expect(
      await names(container.listBlobsFlat({ prefix: 'events/' }), b => b.name),
    ).toEqual([]);
  });
});
