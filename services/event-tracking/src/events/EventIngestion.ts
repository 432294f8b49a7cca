import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventCheck, EventFieldError } from './EventValidator';
import {
  KafkaUnavailableError,
  type EventPublisher,
  type OutgoingRecord,
} from './EventPublisher';
import type { EventMetrics } from './eventMetrics';
import {
  dlqTopicFor,
  isEventType,
  keyFor,
  topicFor,
  type DeadLetter,
  type IncomingEvent,
  type TrackedEvent,
} from './model';

/** Who sends the events: the verified token's subject, or nobody (an anonymous visitor). */
export interface Caller {
  userId?: string;
  /** `service` or `admin`: may send events on behalf of any user */
  privileged: boolean;
}

export interface RejectedEvent {
  index: number;
  /** pointers into the event */
  errors: EventFieldError[];
  deadLettered: boolean;
}

export interface IngestionResult {
  eventIds: string[];
  rejected: RejectedEvent[];
}

/** The events name another user than the caller (403) or a user without a token (401). */
export class IdentityMismatchError extends Error {
  constructor(
    readonly reason: 'anonymous' | 'other-user',
    readonly indexes: number[],
  ) {
    super(
      reason === 'anonymous'
        ? 'events name a userId but the request has no access token'
        : "events name another user than the access token's",
    );
    this.name = 'IdentityMismatchError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ingest side sits here, so the DLQ envelope names it where a consumer would name its group. */
const DEAD_LETTER_SOURCE = 'event-tracking-service';

/**
 * Turns the events of one request into Kafka records: valid events to `<prefix>.<type>`, invalid ones with a
 * known type to `<prefix>.<type>.dlq` with their reason; answers only after Kafka acknowledged all of them.
 */
export class EventIngestion {
  constructor(
    private readonly options: {
      topicPrefix: string;
      validate: (candidate: unknown) => EventCheck;
      publisher: EventPublisher;
      metrics: EventMetrics;
      logger: Logger;
    },
  ) {}

  /** Throws IdentityMismatchError before anything is published, KafkaUnavailableError if Kafka did not acknowledge. */
  async ingest(
    candidates: unknown[],
    caller: Caller,
  ): Promise<IngestionResult> {
    this.checkIdentity(candidates, caller);
    const receivedAt = new Date().toISOString();
    const { topicPrefix, validate, metrics } = this.options;
    const accepted: TrackedEvent[] = [];
    const records: OutgoingRecord[] = [];
    const deadLetters: OutgoingRecord[] = [];
    const rejected: RejectedEvent[] = [];
    candidates.forEach((candidate, index) => {
      const check = validate(candidate);
      if (check.valid) {
        const event = this.tracked(check.event, caller, receivedAt);
        accepted.push(event);
        records.push({
          topic: topicFor(topicPrefix, event.type),
          key: keyFor(event),
          value: JSON.stringify(event),
          headers: { 'event-id': event.eventId, 'event-type': event.type },
        });
        return;
      }
      const type = (candidate as { type?: unknown } | null)?.type;
      const known = isEventType(type);
      metrics.rejected.inc({ type: known ? type : 'unknown' });
      if (known)
        deadLetters.push(
          this.deadLetter(candidate, check.errors, caller, type, receivedAt),
        );
      rejected.push({ index, errors: check.errors, deadLettered: known });
    });

    if (accepted.length > 0) {
      // one publish: a 207 says the valid events and the copies of the invalid ones are both in Kafka
      await this.options.publisher.publish([...records, ...deadLetters]);
    } else if (deadLetters.length > 0) {
      // nothing to accept: the request is a 400 whatever happens, so a Kafka outage only loses the copies
      try {
        await this.options.publisher.publish(deadLetters);
      } catch (error) {
        if (!(error instanceof KafkaUnavailableError)) throw error;
        this.options.logger.warn(
          { err: error },
          'could not dead-letter rejected events',
        );
        rejected.forEach(r => {
          r.deadLettered = false;
        });
      }
    }
    for (const event of accepted) metrics.accepted.inc({ type: event.type });
    for (const r of rejected) {
      const type = (candidates[r.index] as { type?: unknown } | null)?.type;
      if (r.deadLettered && isEventType(type))
        metrics.deadLettered.inc({ type });
    }
    return { eventIds: accepted.map(e => e.eventId), rejected };
  }

  private checkIdentity(candidates: unknown[], caller: Caller): void {
    if (caller.privileged) return;
    const named = candidates
      .map((c, index) => ({
        userId: (c as { userId?: unknown } | null)?.userId,
        index,
      }))
      .filter(({ userId }) => userId !== undefined && userId !== null);
    if (caller.userId === undefined) {
      if (named.length)
        throw new IdentityMismatchError(
          'anonymous',
          named.map(n => n.index),
        );
      return;
    }
    const others = named.filter(n => n.userId !== caller.userId);
    if (others.length)
      throw new IdentityMismatchError(
        'other-user',
        others.map(o => o.index),
      );
  }

  private userIdOf(event: { userId?: unknown }, caller: Caller): string | null {
    if (caller.privileged && event.userId !== undefined)
      return typeof event.userId === 'string' ? event.userId : null;
    // a service token's subject is no user id: such events without a userId are anonymous
    return caller.userId !== undefined && UUID.test(caller.userId)
      ? caller.userId
      : null;
  }

  private tracked(
    event: IncomingEvent,
    caller: Caller,
    receivedAt: string,
  ): TrackedEvent {
    return {
      eventId: event.eventId ?? randomUUID(),
      userId: this.userIdOf(event, caller),
      sessionId: event.sessionId,
      type: event.type,
      ...(event.productId !== undefined ? { productId: event.productId } : {}),
      ts: event.ts,
      meta: event.meta ?? {},
      ...(event.experiment ? { experiment: event.experiment } : {}),
      receivedAt,
    };
  }

  private deadLetter(
    candidate: unknown,
    errors: EventFieldError[],
    caller: Caller,
    type: Parameters<typeof dlqTopicFor>[1],
    failedAt: string,
  ): OutgoingRecord {
    const raw = candidate as { userId?: unknown; sessionId?: unknown };
    const userId = this.userIdOf(raw, caller);
    const key =
      userId ?? (typeof raw.sessionId === 'string' ? raw.sessionId : null);
    const message = errors
      .map(e => `${e.pointer || '/'} ${e.message}`)
      .join('; ');
    const letter: DeadLetter = {
      sourceTopic: topicFor(this.options.topicPrefix, type),
      key,
      payload: JSON.stringify(candidate),
      payloadEncoding: 'utf8',
      error: { kind: 'invalid-payload', message, errors },
      consumerGroup: DEAD_LETTER_SOURCE,
      failedAt,
    };
    return {
      topic: dlqTopicFor(this.options.topicPrefix, type),
      key,
      value: JSON.stringify(letter),
      headers: {
        'event-type': type,
        'dlq-reason': 'invalid-payload',
        'dlq-error': message.slice(0, 1000),
      },
    };
  }
}
