import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

interface RequestScope {
  requestId: string;
  logger: Logger;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** A request's scope; its child logger is built the first time something logs for the request (most never do). */
export function requestScope(logger: Logger, requestId: string): RequestScope {
  let child: Logger | undefined;
  return {
    requestId,
    get logger() {
      child ??= logger.child({ requestId });
      return child;
    },
  };
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** The request being handled, wherever the code runs in its async call chain. */
export const requestContext = {
  run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  logger(): Logger | undefined {
    return storage.getStore()?.logger;
  },
};
