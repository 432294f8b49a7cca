import { Partitioners } from 'kafkajs';
import {
  Contract,
  createJwtVerifierFromEnv,
  createKafka,
  createService,
  ensureTopics,
  requireAuth,
  type RequestHandler,
} from '@platform/service-kit';
import type { EventTrackingConfig } from './config';
import { EventIngestion } from './events/EventIngestion';
import { EventPublisher } from './events/EventPublisher';
import { createEventValidator } from './events/EventValidator';
import { eventMetrics } from './events/eventMetrics';
import { dlqTopicFor, EVENT_TYPES, topicFor } from './events/model';
import { eventRoutes } from './http/routes';

/** The topics the service writes: `<prefix>.<type>` and `<prefix>.<type>.dlq` for every event type. */
export function eventTopics(config: EventTrackingConfig) {
  return EVENT_TYPES.flatMap(type => [
    {
      topic: topicFor(config.EVENTS_TOPIC_PREFIX, type),
      numPartitions: config.EVENTS_TOPIC_PARTITIONS,
    },
    {
      topic: dlqTopicFor(config.EVENTS_TOPIC_PREFIX, type),
      numPartitions: config.EVENTS_DLQ_PARTITIONS,
    },
  ]);
}

/** Builds the event tracking service (HTTP API, validation, Kafka producer) without starting it. */
export async function createEventTrackingService(config: EventTrackingConfig) {
  // one load of the contract: the kit validates requests with it, and each event of a batch is checked against its Event
  const contract = Contract.load('event-tracking-api');
  const verifier = await createJwtVerifierFromEnv(config);
  const authenticate = requireAuth(verifier);
  const optionalAuth: RequestHandler = (req, res, next) =>
    req.get('authorization') ? authenticate(req, res, next) : next();

  // the producer logs through the service's logger and the routes need the producer: they meet through this holder
  const holder: { ingestion?: EventIngestion; publisher?: EventPublisher } = {};
  const service = createService({
    name: 'event-tracking-service',
    version: '0.1.0',
    contract,
    config,
    readiness: {
      kafka: () => holder.publisher!.connect(),
    },
    routes: router =>
      eventRoutes(router, {
        optionalAuth,
        retryAfterSeconds: config.KAFKA_RETRY_AFTER_S,
        ingest: (candidates, caller) =>
          holder.ingestion!.ingest(candidates, caller),
      }),
  });

  // short kafkajs timeouts and retries: a broker that is down must turn into a 503 within KAFKA_PUBLISH_TIMEOUT_MS
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'event-tracking-service',
    logger: service.logger,
    config: {
      connectionTimeout: Math.min(1000, config.KAFKA_PUBLISH_TIMEOUT_MS),
      requestTimeout: config.KAFKA_PUBLISH_TIMEOUT_MS,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    },
  });
  const metrics = eventMetrics(service.metrics.registry);
  const publisher = new EventPublisher({
    producer: kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    }),
    prepare: () => ensureTopics(kafka, eventTopics(config)),
    timeoutMs: config.KAFKA_PUBLISH_TIMEOUT_MS,
    logger: service.logger,
    ...metrics.publisherHooks,
  });
  holder.publisher = publisher;
  holder.ingestion = new EventIngestion({
    topicPrefix: config.EVENTS_TOPIC_PREFIX,
    validate: createEventValidator(contract),
    publisher,
    metrics,
    logger: service.logger,
  });
  service.onShutdown(() => publisher.stop());

  return {
    service,
    publisher,
    /** Creates the topics and connects the producer; a broker that is down is retried on the next request. */
    async connectKafka() {
      await publisher
        .connect()
        .catch(error =>
          service.logger.warn(
            { err: error },
            'Kafka not reachable at start; readiness reports it',
          ),
        );
    },
    async start() {
      const address = await service.start();
      await this.connectKafka();
      return address;
    },
    stop: () => service.stop(),
  };
}

export type EventTrackingService = Awaited<
  ReturnType<typeof createEventTrackingService>
>;
