import fs from 'node:fs';
import path from 'node:path';
import { findRepoRoot } from './paths';

export const SERVER_NAMES = [
  'postgres',
  'redis',
  'kafka',
  'mongodb',
  'mlflow',
  'prometheus',
  's3',
  'azurite',
  'mailpit',
] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export interface PortDefinition {
  /** The standard port. */
  default: number;
  /** Environment variable that overrides it. */
  env: string;
}

export interface ServerDefinition {
  name: ServerName;
  /** What actually runs. */
  product: string;
  /** The pinned version (a release line for Debian packages, whose patch level follows Debian security updates). */
  version: string;
  /** Where it comes from. */
  source: string;
  ports: { main: PortDefinition } & Record<string, PortDefinition>;
  /** The official container image of the same version, for infra/compose/docker-compose.yml. */
  image: string;
}

const localInfraDir = (repoRoot: string) =>
  path.join(repoRoot, 'infra', 'local');

function pinned(file: string, pattern: RegExp): string {
  const match = pattern.exec(fs.readFileSync(file, 'utf8'));
  if (!match)
    throw new Error(`no pinned version matching ${pattern} in ${file}`);
  return match[1];
}

/** Mailpit is installed with `go install <module>@<version>`: the version is pinned here, not in a go.mod. */
export const MAILPIT_VERSION = '1.33.1';

/** The servers of `yarn infra`: the single source of versions and ports (the compose file is tested against it). */
export function serverDefinitions(
  repoRoot: string = findRepoRoot(),
): Record<ServerName, ServerDefinition> {
  const local = localInfraDir(repoRoot);
  const kafkaVersion = pinned(
    path.join(local, 'kafka', 'pom.xml'),
    /<kafka\.version>([^<]+)<\/kafka\.version>/,
  );
  const ferretdbVersion = pinned(
    path.join(local, 'ferretdb', 'go.mod'),
    /github\.com\/FerretDB\/FerretDB v(\d+\.\d+\.\d+)/,
  );
  const mlflowVersion = pinned(
    path.join(local, 'mlflow', 'requirements.txt'),
    /^mlflow==(\S+)$/m,
  );
  const versitygwVersion = pinned(
    path.join(local, 'versitygw', 'go.mod'),
    /github\.com\/versity\/versitygw v(\d+\.\d+\.\d+)/,
  );
  const azuriteVersion = pinned(
    path.join(local, 'azurite', 'package.json'),
    /"azurite": "(\d+\.\d+\.\d+)"/,
  );
  return {
    postgres: {
      name: 'postgres',
      product: 'PostgreSQL',
      version: '15',
      source: 'Debian package postgresql (bookworm: PostgreSQL 15)',
      ports: { main: { default: 5432, env: 'INFRA_POSTGRES_PORT' } },
      image: 'postgres:15',
    },
    redis: {
      name: 'redis',
      product: 'Redis',
      version: '7.0',
      source: 'Debian package redis-server (bookworm: Redis 7.0)',
      ports: { main: { default: 6379, env: 'INFRA_REDIS_PORT' } },
      image: 'redis:7.0',
    },
    kafka: {
      name: 'kafka',
      product: 'Apache Kafka (KRaft, single broker)',
      version: kafkaVersion,
      source:
        'Maven Central org.apache.kafka:kafka_2.13 via infra/local/kafka/pom.xml',
      ports: {
        main: { default: 9092, env: 'INFRA_KAFKA_PORT' },
        controller: { default: 9093, env: 'INFRA_KAFKA_CONTROLLER_PORT' },
      },
      image: `apache/kafka:${kafkaVersion}`,
    },
    mongodb: {
      name: 'mongodb',
      product: 'FerretDB (MongoDB wire protocol, SQLite backend)',
      version: ferretdbVersion,
      source:
        'Go module github.com/FerretDB/FerretDB via infra/local/ferretdb/go.mod',
      ports: { main: { default: 27017, env: 'INFRA_MONGODB_PORT' } },
      image: `ghcr.io/ferretdb/ferretdb:${ferretdbVersion}`,
    },
    mlflow: {
      name: 'mlflow',
      product: 'MLflow tracking server + model registry',
      version: mlflowVersion,
      source: 'PyPI mlflow via infra/local/mlflow/requirements.txt',
      ports: { main: { default: 5000, env: 'INFRA_MLFLOW_PORT' } },
      image: `ghcr.io/mlflow/mlflow:v${mlflowVersion}`,
    },
    prometheus: {
      name: 'prometheus',
      product: 'Prometheus',
      version: '2.42',
      source: 'Debian package prometheus (bookworm: Prometheus 2.42)',
      ports: { main: { default: 9090, env: 'INFRA_PROMETHEUS_PORT' } },
      image: 'prom/prometheus:v2.42.0',
    },
    s3: {
      name: 's3',
      product: 'Versity S3 Gateway (S3 API, POSIX backend)',
      version: versitygwVersion,
      source:
        'Go module github.com/versity/versitygw via infra/local/versitygw/go.mod',
      ports: { main: { default: 7070, env: 'INFRA_S3_PORT' } },
      image: `versity/versitygw:v${versitygwVersion}`,
    },
    azurite: {
      name: 'azurite',
      product: 'Azurite (Azure Storage emulator, Blob service)',
      version: azuriteVersion,
      source: 'npm azurite via infra/local/azurite/package-lock.json',
      ports: { main: { default: 10000, env: 'INFRA_AZURITE_PORT' } },
      image: `mcr.microsoft.com/azure-storage/azurite:${azuriteVersion}`,
    },
    mailpit: {
      name: 'mailpit',
      product: 'Mailpit (SMTP server with an HTTP API to read what arrived)',
      version: MAILPIT_VERSION,
      source: `Go module github.com/axllent/mailpit@v${MAILPIT_VERSION} (go install)`,
      ports: {
        main: { default: 8025, env: 'INFRA_MAILPIT_PORT' },
        smtp: { default: 1025, env: 'INFRA_MAILPIT_SMTP_PORT' },
      },
      image: `axllent/mailpit:v${MAILPIT_VERSION}`,
    },
  };
}

export function isServerName(name: string): name is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(name);
}

/** Effective ports: the standard ones unless overridden in the environment. */
export function resolvePorts(
  def: ServerDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const [key, port] of Object.entries(def.ports)) {
    const override = env[port.env];
    if (override === undefined || override === '') {
      ports[key] = port.default;
      continue;
    }
    const value = Number(override);
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${port.env}=${override} is not a TCP port (1-65535)`);
    }
    ports[key] = value;
  }
  return ports;
}
