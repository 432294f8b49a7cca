import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** One outgoing reference of an entity, with the kind it defaults to. */
export interface RelationRef {
  field: string;
  ref: string;
  defaultKind?: string;
}

// Mirrors the spec fields the catalog's BuiltinKindsEntityProcessor turns into relations.
const FIELDS: Record<string, Array<[field: string, defaultKind?: string]>> = {
  Component: [
    ['owner', 'Group'],
    ['system', 'System'],
    ['subcomponentOf', 'Component'],
    ['providesApis', 'API'],
    ['consumesApis', 'API'],
    ['dependsOn'],
    ['dependencyOf'],
  ],
  API: [
    ['owner', 'Group'],
    ['system', 'System'],
  ],
  Resource: [
    ['owner', 'Group'],
    ['system', 'System'],
    ['dependsOn'],
    ['dependencyOf'],
  ],
  System: [
    ['owner', 'Group'],
    ['domain', 'Domain'],
  ],
  Domain: [
    ['owner', 'Group'],
    ['subdomainOf', 'Domain'],
  ],
  Group: [
    ['parent', 'Group'],
    ['children', 'Group'],
    ['members', 'User'],
  ],
  User: [['memberOf', 'Group']],
};

/** Every entity ref an entity's spec points at. */
export function relationRefs(entity: Entity): RelationRef[] {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const refs: RelationRef[] = [];
  for (const [field, defaultKind] of FIELDS[entity.kind] ?? []) {
    const value = spec[field];
    if (value === undefined) continue;
    for (const ref of Array.isArray(value) ? value : [value])
      refs.push({ field, ref: String(ref), defaultKind });
  }
  return refs;
}

/** References whose target does not parse or is not in the catalog. */
export function unresolvedRelations(entities: Entity[]): string[] {
  const known = new Set(
    entities.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US')),
  );
  const problems: string[] = [];
  for (const entity of entities) {
    const self = stringifyEntityRef(entity);
    const namespace = entity.metadata.namespace ?? 'default';
    for (const { field, ref, defaultKind } of relationRefs(entity)) {
      let target: string;
      try {
        target = stringifyEntityRef(
          parseEntityRef(ref, { defaultKind, defaultNamespace: namespace }),
        );
      } catch (e) {
        problems.push(`${self} spec.${field}: ${(e as Error).message}`);
        continue;
      }
      if (!known.has(target.toLocaleLowerCase('en-US'))) {
        problems.push(`${self} spec.${field}: ${target} does not exist`);
      }
    }
  }
  return problems;
}
