import { todayUtc } from '../domain/dates';
import type { CostSource } from '../sources/types';
import type { CostStore } from '../store/costStore';
import { pollSource, type PollOutcome } from './imports';

export interface PollerOptions {
  store: CostStore;
  sources: CostSource[];
  intervalMs: number;
  lookbackDays: number;
  onOutcome: (outcome: PollOutcome) => Promise<void> | void;
  onError: (source: string, error: unknown) => void;
}

/**
 * Polls each configured billing source on a timer. Every replica runs it; the advisory lock and the
 * "imported within the interval" check in pollSource make one replica do the work per interval.
 */
export function startPoller(options: PollerOptions) {
  let running: Promise<void> | undefined;
  const pollAll = async () => {
    for (const source of options.sources) {
      try {
        const outcome = await pollSource(options.store, source, {
          today: todayUtc(),
          lookbackDays: options.lookbackDays,
          // A little less than the interval, so the replica that imported last time is not skipped by its own record.
          minIntervalMs: options.intervalMs * 0.9,
        });
        await options.onOutcome(outcome);
      } catch (error) {
        options.onError(source.name, error);
      }
    }
  };
  const tick = () => {
    running ??= pollAll().finally(() => {
      running = undefined;
    });
  };
  const timer = options.sources.length > 0 ? setInterval(tick, options.intervalMs) : undefined;
  timer?.unref();
  if (options.sources.length > 0) tick();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
