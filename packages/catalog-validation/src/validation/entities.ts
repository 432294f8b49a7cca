import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  KindValidator,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';

// The policies and kind validators the catalog backend applies by default.
const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const kindValidators: KindValidator[] = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

function describe(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return `${entity.kind ?? '?'}:${entity.metadata?.name ?? '?'}`;
  }
}

/**
 * Problems that would make the catalog reject the entity: the entity policies
 * and the validator of its kind. Expects `$text` placeholders already resolved.
 */
export async function entityProblems(entity: Entity): Promise<string[]> {
  const name = describe(entity);
  const problems: string[] = [];
  try {
    await policy.enforce(structuredClone(entity));
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message}`);
  }
  let claimed = false;
  for (const validator of kindValidators) {
    try {
      if (await validator.check(entity)) claimed = true;
    } catch (e) {
      claimed = true;
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (!claimed) {
    problems.push(`${name}: no validator accepts kind ${entity.kind}`);
  }
  return problems;
}

/** Entity refs that appear more than once. */
export function duplicateRefs(entities: Entity[]): string[] {
  const counts = new Map<string, number>();
  for (const entity of entities) {
    const ref = describe(entity);
    counts.set(ref, (counts.get(ref) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([ref]) => ref);
}
