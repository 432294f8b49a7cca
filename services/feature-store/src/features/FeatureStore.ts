import type { ChainableCommander, Redis } from 'ioredis';
import {
  Counts,
  dayBefore,
  EmbeddingPointer,
  FREQUENCY_WINDOWS,
  FrequencyWindow,
  INTERACTION_TYPES,
  INTERACTION_WEIGHTS,
  InteractionEvent,
  InteractionType,
  LONGEST_WINDOW_DAYS,
  OrderEvent,
  ProductChangeEvent,
  UserFeatures,
  utcDay,
} from './model';

/**
 * Fields of the hash `<prefix>user:{id}`:
 *   last:<type>          epoch ms of the latest interaction of that type (the event's ts)
 *   d:<yyyy-mm-dd>:<type> interactions of that type on that UTC day (days older than 30 are pruned)
 *   aff:<category>       sum of interaction weights on products of that category
 *   money:cents          sum of order totals in cents (placed orders minus cancelled ones)
 *   money:orders         placed orders minus cancelled ones
 *   embedding            JSON { model, version, row }, written through POST /features/{userId}
 *   updatedAt            epoch ms of the last write
 */
export const userKey = (prefix: string, userId: string) => `${prefix}user:${userId}`;
export const dedupKey = (prefix: string, eventId: string) => `${prefix}dedup:${eventId}`;
/** product id -> category, followed from the products topic */
export const productCategoryKey = (prefix: string) => `${prefix}product-category`;

// One script per event: the eventId marker and the counters change together, so a crash between them cannot
// make a redelivery skip an event that was never counted (or count one twice).
const APPLY_INTERACTION = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local user, kind, ts, day = KEYS[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local last = tonumber(redis.call('HGET', user, 'last:' .. kind) or '-1')
if ts > last then redis.call('HSET', user, 'last:' .. kind, ARGV[3]) end
if day >= ARGV[7] then
  if redis.call('HINCRBY', user, 'd:' .. day .. ':' .. kind, 1) == 1 then
    for _, field in ipairs(redis.call('HKEYS', user)) do
      if string.sub(field, 1, 2) == 'd:' and string.sub(field, 3, 12) < ARGV[7] then redis.call('HDEL', user, field) end
    end
  end
end
if ARGV[5] ~= '' then
  local category = redis.call('HGET', KEYS[3], ARGV[5])
  if category then redis.call('HINCRBY', user, 'aff:' .. category, ARGV[6]) end
end
redis.call('HSET', user, 'updatedAt', ARGV[8])
redis.call('EXPIRE', user, ARGV[9])
return 1
`;

const APPLY_ORDER = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local sign = tonumber(ARGV[2])
if sign ~= 0 then
  redis.call('HINCRBY', KEYS[1], 'money:cents', sign * tonumber(ARGV[3]))
  redis.call('HINCRBY', KEYS[1], 'money:orders', sign)
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** What an order event does to the monetary value: placed adds, cancelled takes back, the rest only dedupe. */
const ORDER_SIGN: Partial<Record<OrderEvent['status'], number>> = { pending: 1, cancelled: -1 };

type Scripted = Redis & {
  applyInteraction(...args: Array<string | number>): Promise<number>;
  applyOrder(...args: Array<string | number>): Promise<number>;
};
type ScriptedPipeline = ChainableCommander & {
  applyInteraction(...args: Array<string | number>): ChainableCommander;
  applyOrder(...args: Array<string | number>): ChainableCommander;
};

export interface FeatureStoreOptions {
  redis: Redis;
  keyPrefix: string;
  userTtlSeconds: number;
  dedupTtlSeconds: number;
  now?: () => number;
}

export interface ApplyResult {
  applied: number;
  duplicates: number;
}

export class FeatureStore {
  private readonly redis: Scripted;
  private readonly now: () => number;

  constructor(private readonly options: FeatureStoreOptions) {
    options.redis.defineCommand('applyInteraction', { numberOfKeys: 3, lua: APPLY_INTERACTION });
    options.redis.defineCommand('applyOrder', { numberOfKeys: 2, lua: APPLY_ORDER });
    this.redis = options.redis as Scripted;
    this.now = options.now ?? Date.now;
  }

  private get prefix() {
    return this.options.keyPrefix;
  }

  /** Applies interaction events in one pipeline; anonymous events (no userId) change nothing. */
  async applyInteractions(events: InteractionEvent[]): Promise<ApplyResult> {
    const now = this.now();
    const cutoff = dayBefore(now, LONGEST_WINDOW_DAYS - 1);
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    const known = events.filter(event => event.userId !== null);
    for (const event of known) {
      const ts = Date.parse(event.ts);
      pipeline.applyInteraction(
        userKey(this.prefix, event.userId!),
        dedupKey(this.prefix, event.eventId),
        productCategoryKey(this.prefix),
        this.options.dedupTtlSeconds,
        event.type,
        ts,
        utcDay(ts),
        event.productId ?? '',
        INTERACTION_WEIGHTS[event.type],
        cutoff,
        now,
        this.options.userTtlSeconds,
      );
    }
    return this.run(pipeline);
  }

  /** Placed orders (`pending`) add their total, `cancelled` ones take it back; other statuses only dedupe. */
  async applyOrders(events: OrderEvent[]): Promise<ApplyResult> {
    const now = this.now();
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    for (const event of events) {
      const sign = ORDER_SIGN[event.status] ?? 0;
      pipeline.applyOrder(
        userKey(this.prefix, event.userId),
        dedupKey(this.prefix, event.eventId),
        this.options.dedupTtlSeconds,
        sign,
        Math.round(event.total * 100),
        now,
        this.options.userTtlSeconds,
      );
    }
    return this.run(pipeline);
  }

  /** Follows product categories: the map is a state, so a replayed change is harmless and needs no dedupe. */
  async applyProducts(events: ProductChangeEvent[]): Promise<ApplyResult> {
    const pipeline = this.redis.pipeline();
    const key = productCategoryKey(this.prefix);
    for (const event of events) {
      if (event.type === 'deleted') pipeline.hdel(key, event.product.id);
      else pipeline.hset(key, event.product.id, event.product.category);
    }
    await this.run(pipeline);
    return { applied: events.length, duplicates: 0 };
  }

  private async run(pipeline: ChainableCommander): Promise<ApplyResult> {
    if (pipeline.length === 0) return { applied: 0, duplicates: 0 };
    const results = (await pipeline.exec()) ?? [];
    let applied = 0;
    for (const [error, value] of results) {
      if (error) throw error;
      if (value === 1) applied++;
    }
    return { applied, duplicates: results.length - applied };
  }

  /** Sets the embedding pointer; creates the user's features when there were none. */
  async writeEmbedding(userId: string, embedding: EmbeddingPointer | null): Promise<void> {
    const key = userKey(this.prefix, userId);
    const pipeline = this.redis.multi();
    if (embedding) pipeline.hset(key, 'embedding', JSON.stringify(embedding));
    else pipeline.hdel(key, 'embedding');
    pipeline.hset(key, 'updatedAt', String(this.now()));
    pipeline.expire(key, this.options.userTtlSeconds);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
  }

  /** The user's features as of now; undefined for a user without features. */
  async read(userId: string): Promise<UserFeatures | undefined> {
    const hash = await this.redis.hgetall(userKey(this.prefix, userId));
    if (!hash.updatedAt) return undefined;
    return featuresOf(userId, hash, this.now());
  }

  async categoryOf(productId: string): Promise<string | null> {
    return this.redis.hget(productCategoryKey(this.prefix), productId);
  }
}

const iso = (millis: string | undefined) => (millis === undefined ? null : new Date(Number(millis)).toISOString());

const emptyCounts = (): Counts => ({ click: 0, view: 0, cart: 0, purchase: 0, total: 0 });

/** Turns the stored hash into the API's features; frequency windows are relative to `now`. */
export function featuresOf(userId: string, hash: Record<string, string>, now: number): UserFeatures {
  const byType = Object.fromEntries(INTERACTION_TYPES.map(type => [type, iso(hash[`last:${type}`])])) as Record<
    InteractionType,
    string | null
  >;
  const lastMillis = Math.max(...INTERACTION_TYPES.map(type => Number(hash[`last:${type}`] ?? -1)));
  const windows = Object.entries(FREQUENCY_WINDOWS) as Array<[FrequencyWindow, number]>;
  const frequency = Object.fromEntries(windows.map(([name]) => [name, emptyCounts()])) as Record<FrequencyWindow, Counts>;
  const today = utcDay(now);
  const affinity: Record<string, number> = {};
  let affinityTotal = 0;
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('d:')) {
      const day = field.slice(2, 12);
      const type = field.slice(13) as InteractionType;
      if (day > today || !INTERACTION_TYPES.includes(type)) continue;
      for (const [name, days] of windows) {
        if (day >= dayBefore(now, days - 1)) {
          frequency[name][type] += Number(value);
          frequency[name].total += Number(value);
        }
      }
    } else if (field.startsWith('aff:')) {
      affinity[field.slice(4)] = Number(value);
      affinityTotal += Number(value);
    }
  }
  const categoryAffinity = Object.fromEntries(
    Object.entries(affinity)
      .filter(([, weight]) => weight > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, weight]) => [category, weight / affinityTotal]),
  );
  return {
    userId,
    recency: { lastInteractionAt: lastMillis >= 0 ? new Date(lastMillis).toISOString() : null, byType },
    frequency,
    monetary: { total: Number(hash['money:cents'] ?? 0) / 100, orders: Number(hash['money:orders'] ?? 0) },
    categoryAffinity,
    embedding: hash.embedding ? (JSON.parse(hash.embedding) as EmbeddingPointer) : null,
    updatedAt: new Date(Number(hash.updatedAt)).toISOString(),
  };
}
