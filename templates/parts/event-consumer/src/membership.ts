import type { Consumer } from 'kafkajs';

export interface Membership {
  /** for /readyz: throws while this replica is not a member of its group */
  check(): Promise<void>;
  /** records why the consumer is not running (a failed start), for /readyz */
  failed(error: Error): void;
}

/**
 * Follows the consumer's group membership through kafkajs's instrumentation events: ready once it joined its group,
 * not ready after a crash or a stop. A crash kafkajs does not restart from is passed to onFatal.
 */
export function followMembership(
  consumer: Pick<Consumer, 'on' | 'events'>,
  groupId: string,
  onFatal: (error: Error) => void,
): Membership {
  let member = false;
  let problem = 'not started yet';
  consumer.on(consumer.events.GROUP_JOIN, () => {
    member = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    member = false;
    problem = `crashed: ${payload.error.message}`;
    if (!payload.restart) onFatal(payload.error);
  });
  consumer.on(consumer.events.STOP, () => {
    member = false;
    problem = 'stopped';
  });
  return {
    async check() {
      if (!member) throw new Error(`not a member of consumer group ${groupId} (${problem})`);
    },
    failed(error) {
      member = false;
      problem = `start failed: ${error.message}`;
    },
  };
}
