import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

/*
 * kafkajs 2.2.4 is patched at install (postinstall: patch-package, patches/kafkajs+2.2.4.patch, the platform's own
 * patch): unpatched, its request queue schedules a check with a negative delay when nothing waits, so Node 24 warns
 * TimeoutNegativeWarning and the queue polls every millisecond for as long as the consumer idles.
 */
type RequestQueue = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};
// kafkajs's internal queue (no published types): the patched file itself
const RequestQueueClass: new (options: object) => RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const newQueue = () =>
  new RequestQueueClass({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 'test', broker: 'localhost:9092', logger: quiet });

test('the kafkajs request queue schedules nothing when no request waits (npm install applies the patch)', () => {
  const queue = newQueue();
  queue.checkPendingRequests(); // what every fulfilled request runs
  const scheduled = queue.throttleCheckTimeoutId;
  // unpatched, that timer re-arms itself forever and would keep this process alive
  queue.destroy();
  if (scheduled) clearTimeout(scheduled);
  assert.equal(scheduled, null);
});

test('the kafkajs request queue still schedules a check for a request waiting behind a throttle', () => {
  const queue = newQueue();
  queue.throttledUntil = Date.now() + 60_000;
  queue.pending.push({});
  queue.scheduleCheckPendingRequests();
  assert.notEqual(queue.throttleCheckTimeoutId, null);
  queue.destroy();
});
