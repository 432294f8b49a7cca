import pino, { Logger } from 'pino';
import { backoffDelay, BackoffOptions } from './backoff';

/** Where a relay pass failed: reading the outbox, publishing, or recording the publication. */
export type OutboxRelayStage = 'fetch' | 'publish' | 'mark';

/** Told of every pass; a service counts with them under its own metric names. */
export interface OutboxRelayMetrics {
  published?(count: number): void;
  failed?(error: unknown, stage: OutboxRelayStage): void;
}

export interface OutboxRelayOptions<T, Tx = undefined> {
  /** names the relay in logs (e.g. the destination) */
  name: string;
  /** up to `limit` items waiting for publication, oldest first */
  fetchPending(limit: number, tx: Tx): Promise<T[]>;
  /** publishes every item or throws; a throw publishes none of them as far as the relay knows */
  publish(items: T[]): Promise<void>;
  /** records that the items went out, so they are not fetched again */
  markPublished(items: T[], tx: Tx): Promise<void>;
  /** records a failed publication (attempt counts, a later due time, parking after too many) */
  markFailed?(items: T[], error: unknown, tx: Tx): Promise<void>;
  /**
   * Runs each pass (fetch, publish, mark) as one unit of work, e.g. a transaction whose
   * `FOR UPDATE SKIP LOCKED` claims keep other replicas off the rows until they are marked.
   * A failed publish still completes normally here, so `markFailed`'s writes are kept.
   */
  transaction?<R>(work: (tx: Tx) => Promise<R>): Promise<R>;
  /** items per pass; a full pass is followed by the next at once (default 100) */
  batchSize?: number;
  /** wait between passes when the outbox is drained (default 250 ms) */
  pollIntervalMs?: number;
  /** wait after failed passes (default twice the poll interval, doubling up to 10 s, half jittered) */
  backoff?: BackoffOptions;
  metrics?: OutboxRelayMetrics;
  logger?: Logger;
  /** releases what publish holds (a producer connection) once the loop has stopped */
  close?(): Promise<void>;
}

export interface OutboxRelay {
  /** starts the loop in the background */
  start(): void;
  /** runs the next pass now instead of after the poll interval (call it after writing to the outbox) */
  nudge(): void;
  /** lets the pass in flight finish, stops the loop, then closes */
  stop(): Promise<void>;
  /** one pass: returns how many items it published; throws when the pass failed */
  drainOnce(): Promise<number>;
}

type PassResult = { published: number } | { error: unknown };

/**
 * The loop of a transactional outbox: fetch pending items, publish them, mark them published; on
 * failure back off and try again. Publication is at least once: a crash between publishing and
 * marking publishes those items again, so events carry a stable id for consumers to deduplicate.
 */
export function createOutboxRelay<T, Tx = undefined>(options: OutboxRelayOptions<T, Tx>): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const backoff = { initialMs: 2 * pollIntervalMs, maxMs: 10_000, ...options.backoff };
  const logger = (options.logger ?? pino({ level: 'warn' })).child({ component: 'outbox-relay', relay: options.name });
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function pass(tx: Tx): Promise<PassResult> {
    let stage: OutboxRelayStage = 'fetch';
    try {
      const items = await options.fetchPending(batchSize, tx);
      if (items.length === 0) return { published: 0 };
      stage = 'publish';
      try {
        await options.publish(items);
      } catch (error) {
        stage = 'mark';
        await options.markFailed?.(items, error, tx);
        stage = 'publish';
        return { error };
      }
      stage = 'mark';
      await options.markPublished(items, tx);
      return { published: items.length };
    } catch (error) {
      options.metrics?.failed?.(error, stage);
      throw error;
    }
  }

  async function drainOnce(): Promise<number> {
    const result = options.transaction ? await options.transaction(pass) : await pass(undefined as Tx);
    if ('error' in result) {
      options.metrics?.failed?.(result.error, 'publish');
      throw result.error;
    }
    if (result.published) {
      options.metrics?.published?.(result.published);
      logger.debug({ count: result.published }, 'outbox items published');
    }
    return result.published;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      let published = 0;
      try {
        published = await drainOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, failures }, 'outbox relay pass failed; will retry');
      }
      if (!running) break;
      if (published === batchSize) continue;
      await idle(failures ? backoffDelay(failures, backoff) : pollIntervalMs);
    }
  }

  /** Waits for the next pass; nudge() and stop() end the wait early. */
  function idle(ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    nudge() {
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      await options.close?.().catch(error => logger.warn({ err: error }, 'outbox relay close failed'));
    },
    drainOnce,
  };
}
