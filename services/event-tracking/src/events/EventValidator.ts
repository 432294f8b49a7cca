import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Contract } from '@platform/service-kit';
import type { IncomingEvent } from './model';

export interface EventFieldError {
  /** JSON pointer inside the event, e.g. `/type` */
  pointer: string;
  message: string;
}

export type EventCheck =
  | { valid: true; event: IncomingEvent }
  | { valid: false; errors: EventFieldError[] };

/**
 * Checks one event of a batch against the contract's `Event` schema, compiled from the same loaded
 * contract the kit validates requests with (catalog-info/apis/event-tracking-api.openapi.yaml), so the
 * envelope and the events inside it have one definition.
 */
export function createEventValidator(
  contract: Contract,
): (candidate: unknown) => EventCheck {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
  });
  addFormats(ajv);
  ajv.addSchema(contract.document, 'contract');
  const validate = ajv.compile({ $ref: 'contract#/components/schemas/Event' });
  return candidate => {
    if (validate(candidate))
      return { valid: true, event: candidate as IncomingEvent };
    const errors = (validate.errors ?? [])
      // "must match then schema" only repeats the `required` error beside it
      .filter(e => e.keyword !== 'if')
      .map(e => ({ pointer: pointerOf(e), message: describe(e) }));
    return { valid: false, errors };
  };
}

// the same wording as the kit's request validation, so a problem reads alike whichever checked it
function pointerOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties')
    return `${e.instancePath}/${
      (e.params as { additionalProperty: string }).additionalProperty
    }`;
  if (e.keyword === 'required')
    return `${e.instancePath}/${
      (e.params as { missingProperty: string }).missingProperty
    }`;
  return e.instancePath;
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'required') return 'is required';
  return e.message ?? 'is invalid';
}
