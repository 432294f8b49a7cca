export { loadServiceConfig, ConfigError } from './config';
export type { BaseConfig, EnvSchema } from './config';
export { HttpError, problems, PROBLEM_CONTENT_TYPE } from './errors';
export type { FieldProblem, HttpErrorOptions } from './errors';
export { requestContext, REQUEST_ID_HEADER } from './context';
export { createServiceMetrics, HTTP_METRICS } from './metrics';
export type { ServiceMetrics } from './metrics';
export { Contract } from './contract';
export type { MatchedOperation } from './contract';
export { createJwtIssuer, createJwtVerifier, createServiceTokenSource, keyIdOf, requireAuth, JWT_ALGORITHM } from './auth';
export type { JwtIssuer, JwtVerifier, PlatformClaims } from './auth';
export { createJwtVerifierFromEnv, jwtVerifierEnv, pemFromEnv } from './jwtConfig';
export type { JwtVerifierEnv } from './jwtConfig';
export { createHttpClient } from './httpClient';
export type { HttpClient, HttpClientOptions, RequestOptions } from './httpClient';
export { createKafka, ensureTopics } from './kafka';
export type { TopicSpec } from './kafka';
export { createBatchConsumer, DLQ_HEADERS, KAFKA_CONSUMER_METRICS } from './kafkaConsumer';
export type {
  BatchConsumer,
  BatchConsumerOptions,
  BatchContext,
  BatchHandler,
  BatchResult,
  CommitOffset,
  ConsumedMessage,
} from './kafkaConsumer';
export { createOutboxRelay } from './outboxRelay';
export type { OutboxRelay, OutboxRelayMetrics, OutboxRelayOptions, OutboxRelayStage } from './outboxRelay';
export { backoffDelay } from './backoff';
export type { BackoffOptions } from './backoff';
export { createPool, databaseUrl, dropDatabase, ensureDatabase, migrate } from './postgres';
export type { Migration, PoolOptions } from './postgres';
export { createService, runService } from './service';
export type { ReadinessCheck, Service, ServiceContext, ServiceOptions } from './service';
// Services take express types from here so that every service compiles against the kit's express 5.
export type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
