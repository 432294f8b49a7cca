export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * awaiting-order: asked for over HTTP for an order whose event has not arrived yet (the event says which channels
 * the buyer wants); queued: due for an attempt; sent; failed: attempts used up or the provider refused it
 * (dead-lettered with the reason); suppressed: the buyer does not want this channel.
 */
export type NotificationStatus =
  | 'awaiting-order'
  | 'queued'
  | 'sent'
  | 'failed'
  | 'suppressed';
export type Provider = 'smtp' | 'twilio';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  outcome: 'sent' | 'failed' | 'rejected';
  error?: string;
  providerMessageId?: string;
}

/** A notification as `GET /notifications/{id}` shows it (`Notification` in notification-api). */
export interface Notification {
  id: string;
  channel: Channel;
  to: string;
  subject?: string;
  template: string;
  source: 'orders' | 'api';
  orderId?: string;
  status: NotificationStatus;
  attempts: number;
  deliveryAttempts: DeliveryAttempt[];
  nextAttemptAt?: string;
  provider?: Provider;
  providerMessageId?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

/** What POST /notifications accepts (`NotificationRequest`). */
export interface NotificationRequest {
  channel: Channel;
  to: string;
  subject?: string;
  template: string;
  data?: Record<string, string | number | boolean | null>;
}

export const providerOf: Record<Channel, Provider> = {
  email: 'smtp',
  sms: 'twilio',
};
