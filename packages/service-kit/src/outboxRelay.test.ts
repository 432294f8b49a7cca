import { createOutboxRelay, OutboxRelay, OutboxRelayOptions, OutboxRelayStage } from './outboxRelay';

interface Row {
  id: number;
  published: boolean;
  attempts: number;
}

/** An outbox table as rows in memory: the relay only sees the fetch/mark pair, so this is its whole world. */
function outbox(count: number) {
  const rows: Row[] = Array.from({ length: count }, (_, i) => ({ id: i + 1, published: false, attempts: 0 }));
  const sent: number[][] = [];
  const failures: Array<[OutboxRelayStage, string]> = [];
  let publishedCount = 0;
  let waiters: Array<() => void> = [];
  const notify = () => {
    const current = waiters;
    waiters = [];
    current.forEach(resolve => resolve());
  };
  return {
    rows,
    sent,
    failures,
    published: () => publishedCount,
    /** resolves once no row is pending */
    drained: () =>
      new Promise<void>(resolve => {
        const check = () => (rows.every(r => r.published) ? resolve() : waiters.push(check));
        check();
      }),
    options: (overrides: Partial<OutboxRelayOptions<Row>> = {}): OutboxRelayOptions<Row> => ({
      name: 'test',
      batchSize: 2,
      pollIntervalMs: 60_000,
      backoff: { initialMs: 5, maxMs: 20 },
      fetchPending: async limit => rows.filter(r => !r.published).slice(0, limit),
      publish: async items => {
        sent.push(items.map(r => r.id));
      },
      markPublished: async items => {
        items.forEach(r => (r.published = true));
        notify();
      },
      markFailed: async items => {
        items.forEach(r => (r.attempts += 1));
        notify();
      },
      metrics: {
        published: n => (publishedCount += n),
        failed: (error, stage) => failures.push([stage, (error as Error).message]),
      },
      ...overrides,
    }),
  };
}

let relay: OutboxRelay | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

describe('createOutboxRelay', () => {
  it('publishes pending items batch after batch without waiting between full batches, and marks them', async () => {
    const box = outbox(5);
    // the poll interval is a minute: only "a full batch goes on at once" can drain five rows now
    relay = createOutboxRelay(box.options());
    relay.start();
    await box.drained();
    await relay.stop();
    expect(box.sent).toEqual([[1, 2], [3, 4], [5]]);
    expect(box.published()).toBe(5);
    expect(box.failures).toEqual([]);
  });

  it('backs off after a failed publish, records the failure and publishes later without loss', async () => {
    const box = outbox(3);
    let calls = 0;
    relay = createOutboxRelay(
      box.options({
        batchSize: 10,
        publish: async items => {
          calls += 1;
          if (calls <= 2) throw new Error('broker unavailable');
          box.sent.push(items.map(r => r.id));
        },
      }),
    );
    relay.start();
    await box.drained();
    expect(box.sent).toEqual([[1, 2, 3]]);
    expect(box.rows.map(r => r.attempts)).toEqual([2, 2, 2]);
    expect(box.failures).toEqual([
      ['publish', 'broker unavailable'],
      ['publish', 'broker unavailable'],
    ]);
  });

  it('runs fetch, publish and mark in one transaction, which a failed publish still completes', async () => {
    const box = outbox(1);
    const log: string[] = [];
    let fail = true;
    relay = createOutboxRelay<Row, string>({
      ...(box.options() as unknown as OutboxRelayOptions<Row, string>),
      async transaction(work) {
        log.push('begin');
        const result = await work('tx');
        log.push('commit');
        return result;
      },
      fetchPending: async (limit, tx) => {
        log.push(`fetch ${tx}`);
        return box.rows.filter(r => !r.published).slice(0, limit);
      },
      publish: async () => {
        if (fail) {
          fail = false;
          throw new Error('no leader');
        }
      },
      markFailed: async (items, _error, tx) => {
        log.push(`failed ${tx}`);
        items.forEach(r => (r.attempts += 1));
      },
      markPublished: async (items, tx) => {
        log.push(`published ${tx}`);
        items.forEach(r => (r.published = true));
      },
    });
    await expect(relay.drainOnce()).rejects.toThrow('no leader');
    expect(await relay.drainOnce()).toBe(1);
    expect(await relay.drainOnce()).toBe(0);
    expect(log).toEqual([
      'begin', 'fetch tx', 'failed tx', 'commit',
      'begin', 'fetch tx', 'published tx', 'commit',
      'begin', 'fetch tx', 'commit',
    ]);
    expect(box.rows[0].attempts).toBe(1);
  });

  it('counts a failed fetch as a fetch failure', async () => {
    const box = outbox(1);
    relay = createOutboxRelay(
      box.options({
        fetchPending: async () => {
          throw new Error('database unavailable');
        },
      }),
    );
    await expect(relay.drainOnce()).rejects.toThrow('database unavailable');
    expect(box.failures).toEqual([['fetch', 'database unavailable']]);
  });

  it('nudge() runs the next pass at once instead of after the poll interval', async () => {
    const box = outbox(0);
    let foundEmpty!: () => void;
    const asleep = new Promise<void>(resolve => (foundEmpty = resolve));
    relay = createOutboxRelay(
      box.options({
        fetchPending: async limit => {
          const pending = box.rows.filter(r => !r.published).slice(0, limit);
          if (!pending.length) setImmediate(foundEmpty);
          return pending;
        },
      }),
    );
    relay.start();
    // written after the relay found the outbox empty and went to sleep for a minute
    await asleep;
    box.rows.push({ id: 7, published: false, attempts: 0 });
    relay.nudge();
    await box.drained();
    expect(box.sent).toEqual([[7]]);
  });

  it('stop() lets the pass in flight finish, then closes', async () => {
    const box = outbox(1);
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let started!: () => void;
    const inFlight = new Promise<void>(resolve => (started = resolve));
    const current = createOutboxRelay(
      box.options({
        publish: async () => {
          started();
          await gate;
          events.push('published');
        },
        close: async () => {
          events.push('closed');
        },
      }),
    );
    current.start();
    await inFlight;
    const stopped = current.stop().then(() => events.push('stopped'));
    release();
    await stopped;
    expect(events).toEqual(['published', 'closed', 'stopped']);
    expect(box.rows[0].published).toBe(true);
  });
});
