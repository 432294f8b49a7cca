import { randomBytes, randomUUID } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { loadInfraEnv } from '../env';

/** A client from the settings in infra.env, the way a service builds one. */
function s3Client(env: Record<string, string>, secretAccessKey?: string) {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: secretAccessKey ?? env.S3_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });
}

describe('S3 API (versitygw, yarn infra)', () => {
  const env = loadInfraEnv();
  const s3 = s3Client(env);
  const bucket = `smoke-${randomUUID()}`;
  const partitions = ['2026-11-30', '2026-12-01'];
  const keys = partitions.flatMap(day =>
    [0, 1].map(part => `events/day=${day}/part-${part}.jsonl`),
  );

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (left.Contents?.length)
      await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: left.Contents.map(({ Key }) => ({ Key })) },
        }),
      );
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
  });

  it('lists the new bucket', async () => {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map(b => b.Name)).toContain(bucket);
  });

  it('refuses a request signed with the wrong secret', async () => {
    const intruder = s3Client(env, 'not-the-secret');
    try {
      await expect(
        intruder.send(new ListBucketsCommand({})),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      intruder.destroy();
    }
  });

  it('puts objects, reads one back with its metadata and lists them by prefix', async () => {
    for (const key of keys)
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: `{"key":"${key}"}\n`,
          ContentType: 'application/x-ndjson',
          Metadata: { producer: 'smoke-test' },
        }),
      );

    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: keys[1] }),
    );
    expect(await object.Body!.transformToString()).toBe(
      `{"key":"${keys[1]}"}\n`,
    );
    expect(object.ContentType).toBe('application/x-ndjson');
    expect(object.Metadata).toEqual({ producer: 'smoke-test' });

    const oneDay = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: `events/day=${partitions[1]}/`,
      }),
    );
    expect(oneDay.Contents?.map(o => o.Key)).toEqual(keys.slice(2));

    // A delimiter lists the partitions, as a query engine discovers them.
    const days = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: 'events/',
        Delimiter: '/',
      }),
    );
    expect(days.CommonPrefixes?.map(p => p.Prefix)).toEqual(
      partitions.map(day => `events/day=${day}/`),
    );
  });

  it('assembles a multipart upload (how large data files are written)', async () => {
    const key = 'tables/orders/part-big.bin';
    // S3's minimum size of every part but the last is 5 MiB.
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024)];
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const uploaded = [];
    for (const [index, body] of parts.entries()) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: index + 1,
          Body: body,
        }),
      );
      uploaded.push({ ETag, PartNumber: index + 1 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: uploaded },
      }),
    );

    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
    );
    const body = Buffer.from(await object.Body!.transformToByteArray());
    expect(body.equals(Buffer.concat(parts))).toBe(true);
    expect(object.ETag).toMatch(/-2"$/);
  });

  it('deletes objects', async () => {
    const { Deleted } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map(Key => ({ Key })) },
      }),
    );
    expect(Deleted?.map(d => d.Key).sort()).toEqual([...keys].sort());
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: keys[0] })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const left = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'events/' }),
    );
    expect(left.KeyCount).toBe(0);
  });
});
