import { z } from 'zod';

export const INTERACTION_TYPES = ['click', 'view', 'cart', 'purchase'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** Weight of one interaction, in the category affinities and in the trainer's interactions table. */
export const INTERACTION_WEIGHTS: Record<InteractionType, number> = { view: 1, click: 2, cart: 4, purchase: 8 };

/** Frequency windows in UTC calendar days, counting the current day: `1d` is today, `7d` today and the 6 before. */
export const FREQUENCY_WINDOWS = { '1d': 1, '7d': 7, '30d': 30 } as const;
export type FrequencyWindow = keyof typeof FREQUENCY_WINDOWS;
export const LONGEST_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

/** yyyy-mm-dd of an instant, in UTC. */
export const utcDay = (millis: number) => new Date(millis).toISOString().slice(0, 10);

/** The UTC day `days` before the day of `millis`. */
export const dayBefore = (millis: number, days: number) => utcDay(millis - days * DAY_MS);

/** The interaction events of `events.<type>` the service reads (TrackedEvent; only what it uses is checked). */
export const interactionEventSchema = z.object({
  eventId: z.string().min(1),
  userId: z.string().nullable(),
  type: z.enum(INTERACTION_TYPES),
  productId: z.string().optional(),
  ts: z.string().datetime({ offset: true }),
});
export type InteractionEvent = z.infer<typeof interactionEventSchema>;

/** OrderEvent of the `orders` topic. */
export const orderEventSchema = z.object({
  eventId: z.string().min(1),
  orderId: z.string().min(1),
  userId: z.string().min(1),
  total: z.number().min(0),
  status: z.enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled']),
  occurredAt: z.string().datetime({ offset: true }),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** ProductChangeEvent of the `products` topic. */
export const productChangeEventSchema = z.object({
  eventId: z.string().min(1),
  type: z.enum(['created', 'updated', 'deleted']),
  product: z.object({ id: z.string().min(1), category: z.string().min(1) }),
});
export type ProductChangeEvent = z.infer<typeof productChangeEventSchema>;

export type Counts = Record<InteractionType | 'total', number>;

export interface EmbeddingPointer {
  model: string;
  version: string;
  row: number;
}

/** What `GET /features/{userId}` answers (UserFeatures in the contract). */
export interface UserFeatures {
  userId: string;
  recency: {
    lastInteractionAt: string | null;
    byType: Record<InteractionType, string | null>;
  };
  frequency: Record<FrequencyWindow, Counts>;
  monetary: { total: number; orders: number };
  categoryAffinity: Record<string, number>;
  embedding: EmbeddingPointer | null;
  updatedAt: string;
}
