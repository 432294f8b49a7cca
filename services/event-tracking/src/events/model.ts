/** The event types; each has the topic `<prefix>.<type>` and its dead-letter topic `<prefix>.<type>.dlq`. */
export const EVENT_TYPES = ['click', 'view', 'cart', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}

/** An event as the Event Tracking API takes it (`Event` in the contract), after validation. */
export interface IncomingEvent {
  eventId?: string;
  userId?: string | null;
  sessionId: string;
  type: EventType;
  productId?: string;
  ts: string;
  meta?: Record<string, string | number | boolean | null>;
  experiment?: { key: string; variant: string };
}

/** The value of a record on `events.<type>` (`TrackedEvent` in the platform-events AsyncAPI document). */
export interface TrackedEvent {
  eventId: string;
  /** null for an anonymous visitor, who is tracked by sessionId */
  userId: string | null;
  sessionId: string;
  type: EventType;
  productId?: string;
  ts: string;
  meta: Record<string, string | number | boolean | null>;
  experiment?: { key: string; variant: string };
  receivedAt: string;
}

/** The value of a record on `events.<type>.dlq` (`DeadLetter` in the platform-events AsyncAPI document). */
export interface DeadLetter {
  sourceTopic: string;
  key: string | null;
  payload: string;
  payloadEncoding: 'utf8';
  error: {
    kind: 'invalid-payload';
    message: string;
    errors: { pointer: string; message: string }[];
  };
  consumerGroup: string;
  failedAt: string;
}

export const topicFor = (prefix: string, type: EventType) =>
  `${prefix}.${type}`;
export const dlqTopicFor = (prefix: string, type: EventType) =>
  `${prefix}.${type}.dlq`;

/** Kafka record key: the user, or the session of an anonymous visitor, so one person's events keep their order. */
export const keyFor = (event: { userId: string | null; sessionId: string }) =>
  event.userId ?? event.sessionId;
