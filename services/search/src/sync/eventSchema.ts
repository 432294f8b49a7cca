import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { loadContract } from '@platform/catalog-validation';

export interface ProductChangeEvent {
  eventId: string;
  type: 'created' | 'updated' | 'deleted';
  occurredAt: string;
  product: {
    id: string;
    name: string;
    category: string;
    price: number;
    currency: string;
    tags: string[];
    attributes: Record<string, string | number | boolean>;
    stock: number;
    updatedAt: string;
  };
}

/**
 * Validator for `ProductChangeEvent`, compiled from the platform-events AsyncAPI document in
 * catalog-info (the contract is the single source; no copy of the schema lives here).
 */
export function productChangeEventValidator(): (
  value: unknown,
) => { ok: true; event: ProductChangeEvent } | { ok: false; error: string } {
  const contract = loadContract('platform-events') as unknown as Record<
    string,
    unknown
  >;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...contract, $id: 'platform-events' });
  const validate = ajv.getSchema(
    'platform-events#/components/schemas/ProductChangeEvent',
  );
  if (!validate)
    throw new Error('platform-events has no ProductChangeEvent schema');
  return value =>
    validate(value)
      ? { ok: true, event: value as ProductChangeEvent }
      : { ok: false, error: ajv.errorsText(validate.errors) };
}
