import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { serviceNameProblem, serviceNameTakenMessage } from '@internal/plugin-scaffolder-common';

/**
 * Runs when the engineer presses Next: the name's shape first (no catalog round trip for a typo), then whether a
 * Component of that name exists. A catalog that cannot be asked is reported, not taken as "free".
 */
export const serviceNameValidation: CustomFieldValidator<string> = async (value, validation, { apiHolder }) => {
  const name = value ?? '';
  const problem = serviceNameProblem(name);
  if (problem) {
    validation.addError(problem);
    return;
  }
  const catalogApi = apiHolder.get(catalogApiRef);
  if (!catalogApi) {
    validation.addError('The catalog is not available to check whether the name is free; try again.');
    return;
  }
  const entityRef = stringifyEntityRef({ kind: 'Component', namespace: 'default', name });
  try {
    if (await catalogApi.getEntityByRef(entityRef)) validation.addError(serviceNameTakenMessage(entityRef));
  } catch (error) {
    validation.addError(`Could not check the catalog for ${entityRef}: ${(error as Error).message}`);
  }
};
