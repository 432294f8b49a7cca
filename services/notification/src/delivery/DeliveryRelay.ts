import type { Logger } from 'pino';
import type { PoolClient } from 'pg';
import {
  backoffDelay,
  createOutboxRelay,
  type OutboxRelay,
} from '@platform/service-kit';
import { DeliveryError, type ChannelSender } from '../channels/types';
import type { NotificationMetrics } from '../metrics';
import type { Channel } from '../notifications/model';
import type {
  AttemptOutcome,
  NotificationRow,
  NotificationStore,
  RetryPolicy,
} from '../notifications/NotificationStore';
import { render } from '../templates/templates';

export interface DeliveryRelayOptions {
  store: NotificationStore;
  senders: Record<Channel, ChannelSender>;
  metrics: NotificationMetrics;
  logger: Logger;
  maxAttempts: number;
  backoff: { initialMs: number; maxMs: number };
  batchSize: number;
  pollIntervalMs: number;
  /** told of every notification that failed for good (the dead-letter relay publishes it) */
  onFailed(): void;
}

type Attempted = NotificationRow & { outcome?: AttemptOutcome };

/** The `outcome` label of notification_deliveries_total: sent, failed (retried), rejected (refused), exhausted. */
function outcomeLabel(outcome: AttemptOutcome, status: string): string {
  if (outcome.kind === 'sent') return 'sent';
  if (outcome.permanent) return 'rejected';
  return status === 'failed' ? 'exhausted' : 'failed';
}

/**
 * Sends due notifications. Each pass claims up to `batchSize` of them (FOR UPDATE SKIP LOCKED, so replicas never
 * send the same one at the same time), sends them concurrently, and records each attempt in the same transaction.
 * A failed attempt makes the notification due again after an exponential, jittered wait (the kit's backoffDelay)
 * until `maxAttempts`; then it is failed and handed to the dead-letter relay. A crash after the provider accepted a
 * message but before the commit sends it once more (same Message-ID): providers are the at-least-once edge.
 */
export function createDeliveryRelay(
  options: DeliveryRelayOptions,
): OutboxRelay {
  const { store, senders, metrics, logger } = options;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts,
    delayMs: attempt => backoffDelay(attempt, options.backoff),
  };

  async function sendOne(row: Attempted): Promise<void> {
    const stop = metrics.deliveryDuration.startTimer({ channel: row.channel });
    try {
      const content = render(
        row.template,
        row.channel,
        row.data,
        row.subject ?? undefined,
      );
      const { providerMessageId } = await senders[row.channel].send({
        id: row.id,
        to: row.recipient,
        content,
      });
      row.outcome = { kind: 'sent', providerMessageId };
    } catch (error) {
      // a template that cannot render its data is as final as a provider's refusal
      const permanent = !(error instanceof DeliveryError) || error.permanent;
      row.outcome = {
        kind: 'failed',
        error: (error as Error).message,
        permanent,
      };
    } finally {
      stop();
    }
  }

  return createOutboxRelay<Attempted, PoolClient>({
    name: 'delivery',
    batchSize: options.batchSize,
    pollIntervalMs: options.pollIntervalMs,
    logger,
    metrics: {
      failed: (_error, stage) =>
        metrics.relayFailures.inc({ relay: 'delivery', stage }),
    },
    transaction: work => store.transaction(work),
    fetchPending: (limit, client) => store.claimDue(client, limit),
    // never throws for a provider: each notification's outcome is kept on it and recorded below
    publish: rows => Promise.all(rows.map(sendOne)).then(() => undefined),
    async markPublished(rows, client) {
      const statuses = await store.recordAttempts(
        client,
        rows.map(row => ({ row, outcome: row.outcome! })),
        policy,
      );
      let failed = 0;
      rows.forEach((row, i) => {
        const outcome = row.outcome!;
        metrics.deliveries.inc({
          channel: row.channel,
          outcome: outcomeLabel(outcome, statuses[i]),
        });
        if (statuses[i] === 'failed') failed++;
        if (outcome.kind === 'failed') {
          logger.warn(
            {
              notificationId: row.id,
              channel: row.channel,
              attempt: row.attempts + 1,
              error: outcome.error,
              status: statuses[i],
            },
            'delivery failed',
          );
        }
      });
      if (failed) options.onFailed();
    },
  });
}
