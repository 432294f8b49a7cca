import type { ApiHolder, ApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { maxReplicasValidation } from './MaxReplicasPicker';
import { serviceNameValidation } from './validation';

type FieldValidation = Parameters<typeof serviceNameValidation>[1];

function collect() {
  const errors: string[] = [];
  return { errors, validation: { addError: (m: string) => errors.push(m) } as unknown as FieldValidation };
}

function catalogWith(getEntityByRef: (ref: string) => Promise<unknown>): ApiHolder {
  return { get: <T,>(ref: ApiRef<T>) => (ref.id === catalogApiRef.id ? ({ getEntityByRef } as T) : undefined) };
}

async function validate(name: string, getEntityByRef: (ref: string) => Promise<unknown>) {
  const { errors, validation } = collect();
  await serviceNameValidation(name, validation, { apiHolder: catalogWith(getEntityByRef), formData: {}, schema: {} });
  return errors;
}

describe('serviceNameValidation', () => {
  it('accepts a well-formed name no Component has', async () => {
    const asked: string[] = [];
    expect(await validate('wishlist-service', async ref => void asked.push(ref))).toEqual([]);
    expect(asked).toEqual(['component:default/wishlist-service']);
  });

  it('explains a malformed name without asking the catalog', async () => {
    const lookup = jest.fn();
    expect(await validate('Wishlist', lookup)).toEqual(['Use lowercase letters only (kebab-case), e.g. wishlist.']);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses a name a Component already has', async () => {
    expect(await validate('user-service', async () => ({ kind: 'Component' }))).toEqual([
      'component:default/user-service already exists in the catalog; choose another name.',
    ]);
  });

  it('reports a catalog it cannot ask instead of taking the name as free', async () => {
    const errors = await validate('wishlist-service', async () => {
      throw new Error('503 Service Unavailable');
    });
    expect(errors).toEqual(['Could not check the catalog for component:default/wishlist-service: 503 Service Unavailable']);
  });
});

describe('maxReplicasValidation', () => {
  it.each([
    [50, 2, []],
    [2, 2, []],
    [1, 2, ['Must be at least the minimum replicas (2).']],
  ])('max %d with min %d', (max, min, expected) => {
    const { errors, validation } = collect();
    maxReplicasValidation(max, validation, { apiHolder: { get: () => undefined }, formData: { minReplicas: min }, schema: {} });
    expect(errors).toEqual(expected);
  });
});
