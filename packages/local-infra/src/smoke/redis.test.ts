import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadInfraEnv } from '../env';

type StreamReply =
  | [stream: string, entries: [id: string, fields: string[]][]][]
  | null;

describe('Redis (yarn infra)', () => {
  let redis: Redis;
  const stream = `smoke:events:${randomUUID()}`;
  const group = 'smoke-consumers';

  beforeAll(() => {
    redis = new Redis(loadInfraEnv().REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis.del(stream);
    await redis.quit();
  });

  it('answers PING', async () => {
    await expect(redis.ping()).resolves.toBe('PONG');
  });

  it('delivers a stream to a consumer group, tracks pending entries and lets another consumer claim them', async () => {
    await redis.xgroup('CREATE', stream, group, '$', 'MKSTREAM');
    for (let i = 0; i < 10; i++)
      await redis.xadd(stream, '*', 'event', 'click', 'seq', String(i));

    const first = (await redis.xreadgroup(
      'GROUP',
      group,
      'alice',
      'COUNT',
      6,
      'STREAMS',
      stream,
      '>',
    )) as StreamReply;
    const second = (await redis.xreadgroup(
      'GROUP',
      group,
      'bob',
      'COUNT',
      10,
      'STREAMS',
      stream,
      '>',
    )) as StreamReply;
    const aliceEntries = first![0][1];
    const bobEntries = second![0][1];
    expect(aliceEntries).toHaveLength(6);
    expect(bobEntries).toHaveLength(4);
    const seqs = [...aliceEntries, ...bobEntries].map(([, fields]) =>
      Number(fields[3]),
    );
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // Alice acknowledges everything; Bob "crashes" before acknowledging.
    await expect(
      redis.xack(stream, group, ...aliceEntries.map(([id]) => id)),
    ).resolves.toBe(6);
    const [pendingCount] = (await redis.xpending(stream, group)) as [
      number,
      ...unknown[],
    ];
    expect(pendingCount).toBe(4);

    const [, claimed] = (await redis.xautoclaim(
      stream,
      group,
      'carol',
      0,
      '0',
    )) as [string, [string, string[]][]];
    expect(claimed.map(([id]) => id)).toEqual(bobEntries.map(([id]) => id));
    await redis.xack(stream, group, ...claimed.map(([id]) => id));
    const [remaining] = (await redis.xpending(stream, group)) as [
      number,
      ...unknown[],
    ];
    expect(remaining).toBe(0);
  });
});
