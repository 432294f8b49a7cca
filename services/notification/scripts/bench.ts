/**
 * Notifications per second with SMTP on loopback (Mailpit of `yarn infra up`): the service as deployed (its
 * delivery relay, nodemailer's pool, PostgreSQL) beside the real user service, on a database and topics of its own.
 *
 *   yarn workspace @platform/notification-service bench            # BENCH_COUNT=2000 per phase
 *
 * Phase "orders": BENCH_COUNT paid orders of 50 buyers published to Kafka, timed until every confirmation is
 * sent (consumer, user look-up, PostgreSQL, SMTP). Phase "delivery": BENCH_COUNT notifications stored at once,
 * timed until sent (the delivery relay and SMTP alone). Mailpit's API confirms the count; the mail is deleted after.
 * DELIVERY_BATCH_SIZE and SMTP_POOL_SIZE in the environment override the service's defaults (20 and 5).
 */
import os from 'node:os';
import { infra, startHarness } from '../src/__testUtils__/harness';

const count = Number(process.env.BENCH_COUNT ?? 2000);
const buyers = 50;

async function waitSent(
  h: Awaited<ReturnType<typeof startHarness>>,
  since: Date,
  expected: number,
  timeoutMs = 600_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await h.db.pool().query<{ sent: string; failed: string }>(
      `SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'failed') AS failed
           FROM notifications WHERE created_at >= $1`,
      [since],
    );
    if (Number(rows[0].failed) > 0)
      throw new Error(`${rows[0].failed} notifications failed`);
    if (Number(rows[0].sent) >= expected) return;
    if (Date.now() > deadline)
      throw new Error(`only ${rows[0].sent} of ${expected} sent`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function latency(
  h: Awaited<ReturnType<typeof startHarness>>,
  since: Date,
) {
  const { rows } = await h.db.pool().query<{ p50: number; p95: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)) * 1000 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)) * 1000 AS p95
       FROM notifications WHERE created_at >= $1`,
    [since],
  );
  return rows[0];
}

async function main() {
  const h = await startHarness({
    env: {
      LOG_LEVEL: 'warn',
      ...(process.env.DELIVERY_BATCH_SIZE
        ? { DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE }
        : {}),
      ...(process.env.SMTP_POOL_SIZE
        ? { SMTP_POOL_SIZE: process.env.SMTP_POOL_SIZE }
        : {}),
    },
  });
  const domain = `bench-${Date.now().toString(36)}.example`;
  try {
    // the buyers' mail goes to the bench's own domain, so the count and the clean-up find exactly it
    const addresses = Array.from(
      { length: buyers },
      (_, i) => `buyer-${i}@${domain}`,
    );
    const people = await Promise.all(
      addresses.map(address => h.newBuyer({}, address)),
    );
    const results: string[] = [];

    // phase 1: orders on Kafka
    const ordersStart = new Date(Date.now() - 1000);
    const events = Array.from({ length: count }, (_, i) =>
      h.paidOrder(people[i % buyers].id),
    );
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += 500)
      await h.publish(...events.slice(i, i + 500));
    await waitSent(h, ordersStart, count);
    const ordersSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const ordersLatency = await latency(h, ordersStart);
    results.push(
      `orders -> e-mail: ${count} paid orders in ${ordersSeconds.toFixed(
        2,
      )} s = ${(count / ordersSeconds).toFixed(0)} notifications/s ` +
        `(stored -> sent p50 ${ordersLatency.p50.toFixed(
          0,
        )} ms, p95 ${ordersLatency.p95.toFixed(0)} ms)`,
    );

    // phase 2: delivery alone
    await new Promise(resolve => setTimeout(resolve, 1000));
    const deliveryStart = new Date();
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, (_, j) =>
          h.app.store.request({
            channel: 'email',
            to: addresses[(i + j) % buyers],
            subject: 'Bench',
            template: 'message',
            data: { text: `message ${i + j}` },
          }),
        ),
      );
      h.app.delivery.nudge();
    }
    await waitSent(h, deliveryStart, count);
    const deliverySeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const deliveryLatency = await latency(h, deliveryStart);
    results.push(
      `delivery alone: ${count} e-mails in ${deliverySeconds.toFixed(2)} s = ${(
        count / deliverySeconds
      ).toFixed(0)} notifications/s ` +
        `(stored -> sent p50 ${deliveryLatency.p50.toFixed(
          0,
        )} ms, p95 ${deliveryLatency.p95.toFixed(0)} ms)`,
    );

    const arrived = await fetch(
      `${infra.MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(
        `to:"${domain}"`,
      )}&limit=1`,
    );
    const total = ((await arrived.json()) as { messages_count: number })
      .messages_count;
    results.push(
      `Mailpit received ${total} e-mails for ${domain} (expected ${2 * count})`,
    );
    await fetch(
      `${infra.MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(
        `to:"${domain}"`,
      )}`,
      { method: 'DELETE' },
    );

    console.log(
      [
        `notification-service benchmark, SMTP on loopback (${h.config.SMTP_URL}), DELIVERY_BATCH_SIZE ${h.config.DELIVERY_BATCH_SIZE}, SMTP_POOL_SIZE ${h.config.SMTP_POOL_SIZE}`,
        ...results,
        `load average ${os
          .loadavg()
          .map(l => l.toFixed(2))
          .join(' ')} on ${os.cpus().length} cores`,
      ].join('\n'),
    );
  } finally {
    await h.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
