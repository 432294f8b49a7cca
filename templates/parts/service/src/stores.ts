import type { Logger } from 'pino';
import type { Config } from './config.js';
{%- if 'postgresql' in values.stores %}
import pg from 'pg';
{%- endif %}
{%- if 'mongodb' in values.stores %}
import { MongoClient } from 'mongodb';
{%- endif %}
{%- if 'redis' in values.stores %}
import { Redis } from 'ioredis';
{%- endif %}
{%- if 'kafka' in values.stores %}
import { Kafka, logLevel } from 'kafkajs';
{%- endif %}

/** A check per backing store: /readyz runs them all and names the one that fails. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

export interface Stores {
  checks: ReadinessChecks;
{%- if 'postgresql' in values.stores %}
  postgresql: pg.Pool;
{%- endif %}
{%- if 'mongodb' in values.stores %}
  mongodb: MongoClient;
{%- endif %}
{%- if 'redis' in values.stores %}
  redis: Redis;
{%- endif %}
{%- if 'kafka' in values.stores %}
  kafka: Kafka;
{%- endif %}
  close(): Promise<void>;
}

/**
 * Creates the clients of the backing stores chosen when the service was created. Connections are lazy: the service
 * starts and reports "not ready" while a store is down, instead of crash-looping.
 */
export function connectStores(config: Config, logger: Logger): Stores {
  const closers: (() => Promise<unknown>)[] = [];
  const checks: ReadinessChecks = {};
{%- if 'postgresql' in values.stores %}

  const postgresql = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10, connectionTimeoutMillis: 2_000 });
  // an idle client losing its server emits 'error' on the pool; unhandled, it would end the process
  postgresql.on('error', err => logger.warn({ err }, 'postgresql: idle client error'));
  checks.postgresql = async () => {
    await postgresql.query('SELECT 1');
  };
  closers.push(() => postgresql.end());
{%- endif %}
{%- if 'mongodb' in values.stores %}

  const mongodb = new MongoClient(config.MONGODB_URI, { serverSelectionTimeoutMS: 2_000 });
  checks.mongodb = async () => {
    await mongodb.db().command({ ping: 1 });
  };
  closers.push(() => mongodb.close());
{%- endif %}
{%- if 'redis' in values.stores %}

  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', err => logger.warn({ err }, 'redis: connection error'));
  checks.redis = async () => {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  };
  closers.push(() => redis.quit().catch(() => redis.disconnect()));
{%- endif %}
{%- if 'kafka' in values.stores %}

  const kafka = new Kafka({
    clientId: config.SERVICE_NAME,
    brokers: config.KAFKA_BROKERS.split(','),
    connectionTimeout: 2_000,
    logLevel: logLevel.WARN,
  });
  checks.kafka = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  };
{%- endif %}

  return {
    checks,
{%- if 'postgresql' in values.stores %}
    postgresql,
{%- endif %}
{%- if 'mongodb' in values.stores %}
    mongodb,
{%- endif %}
{%- if 'redis' in values.stores %}
    redis,
{%- endif %}
{%- if 'kafka' in values.stores %}
    kafka,
{%- endif %}
    async close() {
      await Promise.allSettled(closers.map(close => close()));
    },
  };
}
