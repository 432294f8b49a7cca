import type { Channel, Provider } from '../notifications/model';
import type { Rendered } from '../templates/templates';

export interface Outgoing {
  /** the notification id: the e-mail's Message-ID and the provider's idempotency handle */
  id: string;
  to: string;
  content: Rendered;
}

/**
 * A provider's failure. `permanent`: the provider refused this message (a rejected recipient, a 4xx from
 * Twilio); trying again cannot help. Otherwise (connection refused, timeout, 5xx, 429) the next attempt may work.
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface ChannelSender {
  channel: Channel;
  provider: Provider;
  /** resolves with the provider's message id, or throws a DeliveryError */
  send(message: Outgoing): Promise<{ providerMessageId: string }>;
  /** readiness: throws when the provider cannot be reached */
  check?(): Promise<void>;
  close?(): Promise<void>;
}
