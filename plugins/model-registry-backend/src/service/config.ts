import type { Config } from '@backstage/config';

export interface ModelRegistryPluginConfig {
  mlflowUrl: string;
  /** the history database itself, when configured */
  historyDatabaseUrl?: string;
  /** the server on which the history database `model_registry` is created when historyDatabaseUrl is unset */
  databaseUrl?: string;
  cacheTtlSeconds: number;
  mlflowRetryMs: number;
  /** the running recommendation service whose `GET /models` the service Model tab shows */
  recommendationServiceUrl: string;
  /** signs the portal's service tokens for it; unset: calls carry no token (and are refused) */
  serviceToken?: { privateKey: string; issuer: string; audience: string };
  /** Prometheus's HTTP API for the live signals; unset: the card says it is not configured */
  prometheusUrl?: string;
  /** the rate window of the live signals, a PromQL duration */
  signalsWindow: string;
  /** one call to the serving service or Prometheus, in milliseconds */
  liveTimeoutMs: number;
}

/** Raised at startup for a missing or malformed `modelRegistry` setting: the backend does not start half-configured. */
export class ModelRegistryConfigError extends Error {
  constructor(message: string) {
    super(`modelRegistry config: ${message}`);
    this.name = 'ModelRegistryConfigError';
  }
}

function url(value: string | undefined, key: string, protocols: string[]): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new ModelRegistryConfigError(`${key} is not a URL`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ModelRegistryConfigError(`${key} must be a ${protocols.map(p => p.replace(':', '')).join(' or ')} URL`);
  return trimmed.replace(/\/+$/, '');
}

function positive(value: number | undefined, key: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw new ModelRegistryConfigError(`${key} must be a number >= ${min}`);
  return value;
}

/** Reads and checks `modelRegistry` once, at the plugin's start (schema: config.d.ts). */
export function readModelRegistryConfig(config: Config): ModelRegistryPluginConfig {
  const section = config.getOptionalConfig('modelRegistry');
  if (!section) throw new ModelRegistryConfigError('the section is missing (modelRegistry.mlflowUrl is required)');
  const mlflowUrl = url(section.getOptionalString('mlflowUrl'), 'mlflowUrl', ['http:', 'https:']);
  if (!mlflowUrl) throw new ModelRegistryConfigError('mlflowUrl is required');
  const historyDatabaseUrl = url(section.getOptionalString('historyDatabaseUrl'), 'historyDatabaseUrl', ['postgres:', 'postgresql:']);
  const databaseUrl = url(section.getOptionalString('databaseUrl'), 'databaseUrl', ['postgres:', 'postgresql:']);
  if (!historyDatabaseUrl && !databaseUrl)
    throw new ModelRegistryConfigError('set historyDatabaseUrl (or databaseUrl: the database model_registry on its server)');
  const window = section.getOptionalString('signalsWindow')?.trim() || '5m';
  if (!/^\d+[smhd]$/.test(window)) throw new ModelRegistryConfigError('signalsWindow must be a PromQL duration such as 5m');
  const privateKey = section.getOptionalString('serviceToken.privateKey')?.trim();
  return {
    mlflowUrl,
    historyDatabaseUrl,
    databaseUrl,
    cacheTtlSeconds: positive(section.getOptionalNumber('cacheTtlSeconds'), 'cacheTtlSeconds', 10, 0),
    mlflowRetryMs: positive(section.getOptionalNumber('mlflowRetryMs'), 'mlflowRetryMs', 1000, 0),
    recommendationServiceUrl:
      url(section.getOptionalString('recommendationServiceUrl'), 'recommendationServiceUrl', ['http:', 'https:']) ?? 'http://127.0.0.1:3003',
    serviceToken: privateKey
      ? {
          privateKey,
          issuer: section.getOptionalString('serviceToken.issuer') ?? 'user-service',
          audience: section.getOptionalString('serviceToken.audience') ?? 'platform',
        }
      : undefined,
    prometheusUrl: url(section.getOptionalString('prometheusUrl'), 'prometheusUrl', ['http:', 'https:']),
    signalsWindow: window,
    liveTimeoutMs: positive(section.getOptionalNumber('liveTimeoutMs'), 'liveTimeoutMs', 3000, 1),
  };
}
