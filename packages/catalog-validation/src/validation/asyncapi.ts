import { Parser } from '@asyncapi/parser';
import type { AsyncApiDocument } from '../contracts';

/** Problems the AsyncAPI parser reports as errors (it validates against the AsyncAPI 3 schema). */
export async function asyncApiProblems(
  doc: AsyncApiDocument,
): Promise<string[]> {
  if (!/^3\.\d+\.\d+$/.test(String(doc.asyncapi))) {
    return [`asyncapi is ${doc.asyncapi}, expected 3.x`];
  }
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(JSON.stringify(doc));
  const errors = diagnostics
    .filter(d => d.severity === 0)
    .map(d => `${d.path.join('.')}: ${d.message}`);
  if (!document && errors.length === 0)
    errors.push('the document did not parse');
  return errors;
}

/** One send/receive operation and the service that performs it (`x-service`). */
export interface AsyncOperation {
  id: string;
  action: 'send' | 'receive';
  address: string;
  service: string | undefined;
}

/** The operations of the document with their channel addresses. */
export function asyncOperations(doc: AsyncApiDocument): AsyncOperation[] {
  return Object.entries(doc.operations ?? {}).map(([id, raw]) => {
    const op = raw as Record<string, any>;
    const channelId = String(op.channel?.$ref ?? '').replace('#/channels/', '');
    const channel = (doc.channels ?? {})[channelId] as
      | Record<string, any>
      | undefined;
    return {
      id,
      action: op.action,
      address: channel?.address,
      service: op['x-service'],
    };
  });
}
