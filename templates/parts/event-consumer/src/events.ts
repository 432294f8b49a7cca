import type { KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';

/** The events this service consumes. Change the schema to the producer's contract (catalog-info/ AsyncAPI). */
export const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  occurredAt: z.string().datetime({ offset: true }),
  data: z.record(z.unknown()).default({}),
});

export type Event = z.infer<typeof eventSchema>;

/**
 * Turns a Kafka message into an event. A message that is not JSON or does not fit the schema can never succeed:
 * the consumer dead-letters it at once (with this message as `dlq-reason`) instead of retrying it.
 */
export function decodeEvent(message: KafkaMessage): Event {
  if (message.value === null) throw new Error('empty message (tombstone)');
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map(i => `/${i.path.join('/')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export interface HandlerContext {
  logger: Logger;
}

/**
 * The service's work for one event: replace the body. Delivery is at least once (a batch is committed only after
 * every event in it was handled), so make it idempotent, e.g. keyed by `event.id`. A throw is retried with backoff;
 * an event that still fails after the retries goes to `<topic>.dlq`.
 */
export async function handleEvent(event: Event, { logger }: HandlerContext): Promise<void> {
  logger.debug({ eventId: event.id, type: event.type }, 'event handled');
}
