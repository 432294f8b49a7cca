import type { ServerName } from '../definitions';
import { azuriteDriver } from './azurite';
import { ferretdbDriver } from './ferretdb';
import { kafkaDriver } from './kafka';
import { mailpitDriver } from './mailpit';
import { mlflowDriver } from './mlflow';
import { postgresDriver } from './postgres';
import { prometheusDriver } from './prometheus';
import { redisDriver } from './redis';
import type { ServerDriver } from './types';
import { versitygwDriver } from './versitygw';

export const drivers: Record<ServerName, ServerDriver> = {
  postgres: postgresDriver,
  redis: redisDriver,
  kafka: kafkaDriver,
  mongodb: ferretdbDriver,
  mlflow: mlflowDriver,
  prometheus: prometheusDriver,
  s3: versitygwDriver,
  azurite: azuriteDriver,
  mailpit: mailpitDriver,
};

export type { ServerContext, ServerDriver } from './types';
