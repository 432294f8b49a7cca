import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';

const isoSecond = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an ISO 8601 UTC second');
const count = z.number().int().min(0);
const money = z.number().min(0);
const base = { windowStart: isoSecond, windowEnd: isoSecond };

/** A value on analytics-results (`WindowResult` in catalog-info/apis/platform-events.asyncapi.yaml). */
export const windowResultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('interactions'),
    window: z.enum(['1m', '1h']),
    ...base,
    experiment: z.object({ key: z.string().min(1), variant: z.string().min(1) }).optional(),
    views: count,
    clicks: count,
    carts: count,
    purchases: count,
    sessions: count,
    convertedSessions: count,
    ctr: z.number().min(0),
    conversionRate: z.number().min(0).max(1),
  }),
  z.object({
    kind: z.literal('orders'),
    window: z.literal('5m'),
    ...base,
    orders: count,
    revenue: money,
    averageOrderValue: money,
  }),
  z.object({
    kind: z.literal('top-product'),
    window: z.literal('5m'),
    ...base,
    rank: z.number().int().min(1),
    productId: z.string().min(1),
    quantity: count,
    revenue: money,
  }),
]);

export type WindowResult = z.infer<typeof windowResultSchema>;
export type InteractionWindow = Extract<WindowResult, { kind: 'interactions' }>;
export type OrderWindow = Extract<WindowResult, { kind: 'orders' }>;
export type TopProduct = Extract<WindowResult, { kind: 'top-product' }>;

/** The kit's decode: a value that is no WindowResult is dead-lettered with the reasons. */
export function decodeWindowResult(message: KafkaMessage): WindowResult {
  const result = windowResultSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
  if (!result.success) {
    throw new Error(
      `not a WindowResult: ${result.error.issues.map(i => `${i.path.join('.') || '(value)'} ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
