import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';

/** The value of a record on `orders` (`OrderEvent` in catalog-info/apis/platform-events.asyncapi.yaml). */
export const orderEventSchema = z.object({
  eventId: z.string().uuid(),
  orderId: z.string().uuid(),
  userId: z.string().uuid(),
  total: z.number().min(0),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  status: z.enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled']),
  items: z
    .array(
      z.object({
        productId: z.string().min(1).max(64),
        quantity: z.number().int().min(1),
        price: z.number().min(0),
      }),
    )
    .min(1),
  occurredAt: z.string().datetime({ offset: true }),
});

export type OrderEvent = z.infer<typeof orderEventSchema>;

/** The kit's decode: a record that is not an OrderEvent is dead-lettered at once, with the zod issues as the reason. */
export function decodeOrderEvent(message: KafkaMessage): OrderEvent {
  const result = orderEventSchema.safeParse(
    JSON.parse(message.value?.toString('utf8') ?? 'null'),
  );
  if (!result.success) {
    throw new Error(
      `not an OrderEvent: ${result.error.issues
        .map(issue => `${issue.path.join('.') || '(value)'} ${issue.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}

/** The moment the buyer is told the order is confirmed: payment accepted, as the checkout's own outbox asks. */
export const CONFIRMED_STATUS = 'paid';
