import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createDataLakeSinkService, DataLakeSinkService } from '../app';
import {
  closedPort,
  countsByEventId,
  eventually,
  readLake,
  TestLake,
  testLake,
  trackedEvent,
} from '../__testUtils__/lake';
import { objectKey } from '../layout';
import { ParquetWriter } from '../parquet';
import { lakeRowOf, TrackedEvent } from '../schema';
import { LAKE_METRICS } from './metrics';

const started: DataLakeSinkService[] = [];
const children: ChildProcess[] = [];
let lake: TestLake | undefined;

async function startSink(extra: Record<string, string> = {}) {
  const sink = await createDataLakeSinkService(lake!.config(extra));
  started.push(sink);
  await sink.sink.start();
  return sink;
}

async function metric(sink: DataLakeSinkService, name: string, labels: Record<string, string> = {}) {
  const found = sink.service.metrics.registry.getSingleMetric(name);
  const { values } = await found!.get();
  return values
    .filter(v => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

const ids = (events: TrackedEvent[]) => events.map(e => e.eventId).sort();

function expectExactlyOnce(counts: Map<string, number>, events: TrackedEvent[]) {
  expect([...counts.keys()].sort()).toEqual(ids(events));
  expect([...counts.values()].every(n => n === 1)).toBe(true);
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
  for (const sink of started.splice(0)) await sink.service.stop();
  await lake?.cleanup();
  lake = undefined;
});

describe('data lake sink', () => {
  it('writes events to both stores as Parquet in the partition of their own hour, and commits', async () => {
    lake = await testLake();
    const clicks = [
      trackedEvent('click', '2026-03-01T10:15:00.000Z'),
      trackedEvent('click', '2026-03-01T10:59:59.999Z'),
      // a late event: its own hour, not the hour it arrived in
      trackedEvent('click', '2026-03-01T08:00:00.000Z', { experiment: { key: 'reco-v2', variant: 'b' } }),
    ];
    const purchases = [trackedEvent('purchase', '2026-03-01T23:30:00.000+00:00'), trackedEvent('purchase', '2026-03-02T01:30:00.000+02:00')];
    await lake.produce(clicks);
    await lake.produce(purchases);
    const sink = await startSink();

    await eventually(async () => ((await lake!.committed('purchase'))[0] === '2' && (await lake!.committed('click'))[0] === '3' ? true : undefined));
    for (const store of [sink.s3, sink.azure]) {
      const contents = await readLake(store);
      expect(contents.keys).toEqual([
        `events/type=click/dt=2026-03-01/hour=08/${lake.run}.click-0-2-2.parquet`,
        `events/type=click/dt=2026-03-01/hour=10/${lake.run}.click-0-0-1.parquet`,
        `events/type=purchase/dt=2026-03-01/hour=23/${lake.run}.purchase-0-0-1.parquet`,
      ]);
      expectExactlyOnce(countsByEventId(contents), [...clicks, ...purchases]);
      const late = contents.rows.find(row => row.event_id === clicks[2].eventId)!;
      expect(late).toMatchObject({
        type: 'click',
        dt: '2026-03-01',
        hour: '08',
        ts_utc: '2026-03-01T08:00:00.000',
        experiment_key: 'reco-v2',
        experiment_variant: 'b',
        product_id: null,
        meta: JSON.stringify(clicks[2].meta),
        kafka_topic: `${lake.run}.click`,
        kafka_partition: 0,
        kafka_offset: '2',
      });
      expect(contents.rows.find(row => row.event_id === purchases[1].eventId)).toMatchObject({
        hour: '23',
        ts_utc: '2026-03-01T23:30:00.000',
        product_id: purchases[1].productId,
      });
    }
    expect(await metric(sink, LAKE_METRICS.filesWritten, { store: 's3' })).toBe(3);
    expect(await metric(sink, LAKE_METRICS.filesWritten, { store: 'azure' })).toBe(3);
    expect(await metric(sink, LAKE_METRICS.rowsWritten)).toBe(5);
    expect(await metric(sink, LAKE_METRICS.oldestBufferedAge)).toBe(0);
  }, 90_000);

  it('closes a file early at the row limit and commits only up to the first buffered event', async () => {
    lake = await testLake();
    const views = Array.from({ length: 7 }, (_, i) => trackedEvent('view', `2026-03-01T10:0${i}:00.000Z`));
    await lake.produce(views);
    // time never closes a file here: only the size limit does, then the drain at stop
    const sink = await startSink({ LAKE_FILE_MAX_ROWS: '3', LAKE_HOUR_GRACE_MS: '3600000', LAKE_FILE_MAX_OPEN_MS: '3600000' });

    await eventually(async () => ((await lake!.committed('view'))[0] === '6' ? true : undefined));
    expect((await readLake(sink.s3)).keys).toEqual([
      `events/type=view/dt=2026-03-01/hour=10/${lake.run}.view-0-0-2.parquet`,
      `events/type=view/dt=2026-03-01/hour=10/${lake.run}.view-0-3-5.parquet`,
    ]);
    expect(await metric(sink, LAKE_METRICS.bufferedRows)).toBe(1);
    // its hour (2026-03-01 10:00) has ended: ./idp start waits for such rows before training on the lake
    expect(await metric(sink, LAKE_METRICS.pastHourRows)).toBe(1);
    expect(await metric(sink, LAKE_METRICS.oldestBufferedAge)).toBeGreaterThan(0);

    await sink.service.stop();
    expect(await lake.committed('view')).toEqual(['7']);
    for (const store of [sink.s3, sink.azure]) {
      const contents = await readLake(store);
      expect(contents.keys).toHaveLength(3);
      expect(contents.keys[2]).toMatch(/view-0-6-6\.parquet$/);
      expectExactlyOnce(countsByEventId(contents), views);
    }
  }, 90_000);

  it('after a crash between storing and committing, the next member neither duplicates nor loses an event', async () => {
    lake = await testLake();
    // two hours interleaved in one partition: files of each hour cover gaps of the other
    const first = Array.from({ length: 9 }, (_, i) => trackedEvent('cart', i % 2 ? '2026-03-01T11:30:00Z' : '2026-03-01T10:30:00Z'));
    await lake.produce(first);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../__testUtils__/crashingSink.ts')], {
      env: { ...process.env, ...lake.env, LAKE_FILE_MAX_ROWS: '2', LAKE_HOUR_GRACE_MS: '3600000', LAKE_FILE_MAX_OPEN_MS: '3600000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', chunk => (output += chunk));
    await eventually(() => (output.includes('STORED') ? true : undefined), 60_000);
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const { s3 } = lake.stores();
    const crashed = await readLake(s3).finally(() => s3.close());
    expect(crashed.keys.length).toBeGreaterThan(0);
    expect(await lake.committed('cart')).toEqual(['-1']);

    // the next member cuts files differently; it must still skip what is stored
    const more = Array.from({ length: 3 }, () => trackedEvent('cart', '2026-03-01T10:45:00Z'));
    await lake.produce(more);
    const sink = await startSink({ LAKE_FILE_MAX_ROWS: '3' });
    await eventually(async () => ((await lake!.committed('cart'))[0] === '12' ? true : undefined), 60_000);
    expect(await metric(sink, LAKE_METRICS.replaySkipped)).toBeGreaterThan(0);
    for (const store of [sink.s3, sink.azure]) {
      const contents = await readLake(store);
      expectExactlyOnce(countsByEventId(contents), [...first, ...more]);
      expect(contents.rows.map(row => row.kafka_offset)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    }
  }, 120_000);

  it('does not commit while the replica fails, retries, and loses nothing once it is back', async () => {
    lake = await testLake();
    const purchases = Array.from({ length: 4 }, () => trackedEvent('purchase', '2026-03-01T09:10:00Z'));
    await lake.produce(purchases);
    const port = await closedPort();
    const broken = lake.env.AZURE_STORAGE_CONNECTION_STRING.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1`);
    const failing = await startSink({ AZURE_STORAGE_CONNECTION_STRING: broken });

    await eventually(async () => ((await metric(failing, LAKE_METRICS.storeErrors, { store: 'azure' })) >= 3 ? true : undefined));
    expect(await lake.committed('purchase')).toEqual(['-1']);
    expect(await metric(failing, LAKE_METRICS.rowsWritten)).toBe(0);
    await failing.service.stop();
    expect(await lake.committed('purchase')).toEqual(['-1']);

    const sink = await startSink();
    await eventually(async () => ((await lake!.committed('purchase'))[0] === '4' ? true : undefined));
    for (const store of [sink.s3, sink.azure]) expectExactlyOnce(countsByEventId(await readLake(store)), purchases);
  }, 120_000);

  it('copies a file found in one store only (a crash between the two uploads) to the other, and skips its events', async () => {
    lake = await testLake();
    const views = Array.from({ length: 3 }, () => trackedEvent('view', '2026-03-01T07:00:00Z'));
    await lake.produce(views);
    const topic = `${lake.run}.view`;
    const writer = await ParquetWriter.create();
    const { s3, azure } = lake.stores();
    try {
      await s3.ensure();
      const key = objectKey({ type: 'view', dt: '2026-03-01', hour: '07' }, { topic, partition: 0, firstOffset: 0n, lastOffset: 1n });
      await s3.put(key, await writer.write(views.slice(0, 2).map((event, i) => lakeRowOf(event, { topic, partition: 0, offset: String(i) }))));
    } finally {
      await writer.close();
    }

    const sink = await startSink();
    await eventually(async () => ((await lake!.committed('view'))[0] === '3' ? true : undefined));
    expect(await metric(sink, LAKE_METRICS.repaired, { store: 'azure' })).toBe(1);
    for (const store of [s3, azure]) {
      const contents = await readLake(store);
      expect(contents.keys.map(k => k.split('/').pop())).toEqual([`${topic}-0-0-1.parquet`, `${topic}-0-2-2.parquet`]);
      expectExactlyOnce(countsByEventId(contents), views);
    }
    await s3.close();
  }, 90_000);
});
