/**
 * Idle cost of a connected kafkajs consumer: CPU time and timer callbacks over 10 s with nothing to consume,
 * plus the TimeoutNegativeWarnings Node printed. Prints one line; `yarn bench:kafka-idle`.
 *
 * kafkajs 2.2.4 unpatched polls its request queue every 1 ms on Node 24 (tulios/kafkajs#1751); the project's
 * patch (.yarn/patches/kafkajs-*.patch) stops that.
 */
import { randomBytes } from 'node:crypto';
import { loadInfraEnv } from '@platform/local-infra';
import { Kafka, logLevel } from 'kafkajs';

const IDLE_MS = 10_000;

async function main() {
  const { KAFKA_BROKERS } = loadInfraEnv();
  let negativeTimeouts = 0;
  process.on('warning', warning => {
    if (warning.name === 'TimeoutNegativeWarning') negativeTimeouts += 1;
  });
  const kafka = new Kafka({ clientId: 'bench-kafka-idle', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const topic = `bench.idle.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const consumer = kafka.consumer({ groupId: `${topic}.group` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.run({ eachMessage: async () => {} });
  while (!joined) await new Promise(r => setTimeout(r, 100));

  // count timer callbacks through the global the request queue uses
  let timers = 0;
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
    timers += 1;
    return original(fn, ms, ...rest);
  }) as typeof setTimeout;
  const cpuBefore = process.cpuUsage();
  await new Promise(r => original(r, IDLE_MS));
  const cpu = process.cpuUsage(cpuBefore);
  globalThis.setTimeout = original;

  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `kafkajs idle consumer over ${IDLE_MS / 1000} s: cpu ${cpuMs.toFixed(0)} ms (${((cpuMs / IDLE_MS) * 100).toFixed(1)} % of a core), ` +
      `setTimeout calls ${timers}, TimeoutNegativeWarning ${negativeTimeouts}`,
  );
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
