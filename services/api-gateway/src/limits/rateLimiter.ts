import type { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitClass } from '../routeTable';

export interface Client {
  /** the verified token's subject, when the caller sent one */
  userId?: string;
  ip: string;
}

export type LimitDecision =
  | { allowed: true; limit: number; remaining: number; resetSeconds: number }
  | { allowed: false; reason: 'rate' | 'quota'; limit: number; retryAfterSeconds: number; scope: 'user' | 'ip' };

interface Limiters {
  redis: RateLimiterAbstract;
  /** per-process stand-in while Redis cannot be reached, so limits still hold roughly (fail soft, not open) */
  local: RateLimiterAbstract;
  points: number;
}

const DAY_SECONDS = 86_400;

const secondsToNextUtcMidnight = (now: Date) => {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
};

/**
 * Per-client request rates and daily quotas counted in Redis, shared by every gateway replica. A signed-in
 * caller is counted by user id, anyone else by IP address, each with the limits of the route's class.
 */
export class GatewayRateLimiter {
  private readonly limiters = new Map<string, Limiters>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    classes: Record<string, RateLimitClass>,
    private readonly onStoreError: (error: unknown) => void,
  ) {
    for (const [name, limits] of Object.entries(classes)) {
      for (const scope of ['user', 'ip'] as const) {
        const window = scope === 'user' ? limits.perUser : limits.perIp;
        this.limiters.set(`${name}:${scope}:rate`, this.build(`${name}:${scope}:rate`, window.points, window.perSeconds));
        const quota = scope === 'user' ? limits.dailyQuota.perUser : limits.dailyQuota.perIp;
        // the day is part of the key, so a quota resets at 00:00 UTC; the key outlives its day a little
        this.limiters.set(`${name}:${scope}:quota`, this.build(`${name}:${scope}:quota`, quota, DAY_SECONDS + 3600));
      }
    }
  }

  async check(className: string, client: Client, now = new Date()): Promise<LimitDecision> {
    const scope = client.userId ? 'user' : 'ip';
    const id = client.userId ?? client.ip;
    const rate = this.limiters.get(`${className}:${scope}:rate`);
    const quota = this.limiters.get(`${className}:${scope}:quota`);
    if (!rate || !quota) throw new Error(`unknown rate-limit class ${className}`);

    const day = now.toISOString().slice(0, 10);
    // both counters in one Redis round trip (the client auto-pipelines); every request counts toward the quota,
    // refused ones too, and a spent quota is the refusal to report since it lasts longer
    const [rateResult, quotaResult] = await Promise.all([this.consume(rate, id), this.consume(quota, `${day}:${id}`)]);
    if (quotaResult.rejected) {
      return { allowed: false, reason: 'quota', scope, limit: quota.points, retryAfterSeconds: secondsToNextUtcMidnight(now) };
    }
    if (rateResult.rejected) {
      return { allowed: false, reason: 'rate', scope, limit: rate.points, retryAfterSeconds: Math.ceil(rateResult.res.msBeforeNext / 1000) };
    }
    return {
      allowed: true,
      limit: rate.points,
      remaining: rateResult.res.remainingPoints,
      resetSeconds: Math.ceil(rateResult.res.msBeforeNext / 1000),
    };
  }

  private build(name: string, points: number, duration: number): Limiters {
    const keyPrefix = `${this.keyPrefix}:${name}`;
    return {
      points,
      redis: new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true }),
      local: new RateLimiterMemory({ keyPrefix, points, duration }),
    };
  }

  private async consume(limiters: Limiters, key: string): Promise<{ rejected: boolean; res: RateLimiterRes }> {
    try {
      return { rejected: false, res: await limiters.redis.consume(key) };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { rejected: true, res: e };
      this.onStoreError(e);
    }
    try {
      return { rejected: false, res: await limiters.local.consume(key) };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { rejected: true, res: e };
      throw e;
    }
  }
}
