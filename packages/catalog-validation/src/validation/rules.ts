import fs from 'node:fs';
import path from 'node:path';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogEntry } from '../catalog';
import { resolveInside } from '../localText';
import { ASYNC_CONTRACT } from '../contracts';
import { relationRefs } from './relations';
import type { AsyncOperation } from './asyncapi';

/** The twelve services of the platform, by catalog Component name. */
export const SERVICE_COMPONENTS = [
  'user-service',
  'product-service',
  'recommendation-service',
  'event-tracking-service',
  'feature-store-service',
  'cart-checkout-service',
  'analytics-service',
  'notification-service',
  'search-service',
  'api-gateway',
  'ab-testing-service',
  'cost-monitoring-service',
];

/** The Kafka topics the platform uses; each also has a `.dlq`. */
export const TOPICS = [
  'events.click',
  'events.view',
  'events.cart',
  'events.purchase',
  'orders',
  'products',
];

/** Infrastructure the issue requires as Resource entities. */
export const REQUIRED_RESOURCES = [
  'users-db',
  'orders-db',
  'products-db',
  'feature-store-redis',
  'cache-redis',
  'rate-limit-redis',
  'kafka-cluster',
  ...TOPICS.flatMap(t => [`topic-${t}`, `topic-${t}.dlq`]),
  'data-lake-s3',
  'data-lake-blob',
  'eks-cluster',
  'aks-cluster',
  'cloud-run',
  'mlflow-model-registry',
  'search-index',
  'prometheus',
  'grafana',
];

export const ANNOTATIONS = {
  sourceLocation: 'backstage.io/source-location',
  techdocsRef: 'backstage.io/techdocs-ref',
  techdocsEntity: 'backstage.io/techdocs-entity',
  techdocsEntityPath: 'backstage.io/techdocs-entity-path',
  kubernetesId: 'backstage.io/kubernetes-id',
  costAllocationTag: 'platform.example.com/cost-allocation-tag',
  mlflowModel: 'platform.example.com/mlflow-model',
  experiments: 'platform.example.com/experiments',
};

const ref = (e: Entity) => stringifyEntityRef(e);

function targets(
  entity: Entity,
  field: string,
  defaultKind?: string,
): string[] {
  const namespace = entity.metadata.namespace ?? 'default';
  return relationRefs(entity)
    .filter(r => r.field === field)
    .map(r =>
      stringifyEntityRef(
        parseEntityRef(r.ref, {
          defaultKind: defaultKind ?? r.defaultKind,
          defaultNamespace: namespace,
        }),
      ),
    );
}

/** A `dir:` location annotation resolved against the entity's file, or undefined. */
function dirAnnotation(
  entry: CatalogEntry,
  key: string,
  repoRoot: string,
): string | undefined {
  const value = entry.entity.metadata.annotations?.[key];
  if (!value?.startsWith('dir:')) return undefined;
  return resolveInside(repoRoot, entry.file, value.slice('dir:'.length));
}

/** The handbook's sites (the repository's mkdocs.yml): site_name of each included service site -> its mkdocs.yml. */
function handbookSites(repoRoot: string): Map<string, string> {
  const sites = new Map<string, string>();
  const text = fs.readFileSync(path.join(repoRoot, 'mkdocs.yml'), 'utf8');
  for (const [, included] of text.matchAll(/'!include \.\/([^']+)'/g)) {
    const file = path.join(repoRoot, included);
    const site = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').match(/^site_name: (.+)$/m)?.[1] : undefined;
    if (site) sites.set(site.trim(), included);
  }
  return sites;
}

/**
 * A service's TechDocs is its part of the platform handbook: `techdocs-entity` names the handbook, and
 * `techdocs-entity-path` is /services/<name>/, a site the handbook's mkdocs.yml includes from the service's folder.
 */
function serviceDocsProblems(entity: Entity, repoRoot: string): string[] {
  const name = ref(entity);
  const annotations = entity.metadata.annotations ?? {};
  const site = `services/${entity.metadata.name}`;
  const problems: string[] = [];
  if (annotations[ANNOTATIONS.techdocsEntity] !== 'component:default/platform-handbook') {
    problems.push(`${name}: ${ANNOTATIONS.techdocsEntity} must be component:default/platform-handbook`);
  }
  if (annotations[ANNOTATIONS.techdocsEntityPath] !== `/${site}/`) {
    problems.push(`${name}: ${ANNOTATIONS.techdocsEntityPath} must be /${site}/`);
  }
  const included = handbookSites(repoRoot).get(site);
  const source = annotations[ANNOTATIONS.sourceLocation]?.replace(/^dir:(\.\.\/)*/, '');
  if (!included) problems.push(`${name}: the handbook's mkdocs.yml includes no site named ${site}`);
  else if (source && path.dirname(included) !== source) {
    problems.push(`${name}: its docs site ${included} is not in its source folder ${source}`);
  }
  return problems;
}

/** Rules every service Component must follow (owner, system, lifecycle, annotations). */
export function componentProblems(
  entries: CatalogEntry[],
  repoRoot: string,
): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const { entity } = entry;
    if (entity.kind !== 'Component') continue;
    const name = ref(entity);
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    for (const field of ['owner', 'system', 'lifecycle', 'type']) {
      if (!spec[field]) problems.push(`${name}: spec.${field} is missing`);
    }
    if (spec.owner && !targets(entity, 'owner')[0]?.startsWith('group:')) {
      problems.push(`${name}: owner must be a Group`);
    }
    if (!entity.metadata.description) problems.push(`${name}: no description`);
    if (!entity.metadata.tags?.length) problems.push(`${name}: no tags`);
    const annotations = entity.metadata.annotations ?? {};
    const docs = dirAnnotation(entry, ANNOTATIONS.techdocsRef, repoRoot);
    if (docs && !fs.existsSync(path.join(docs, 'mkdocs.yml'))) {
      problems.push(`${name}: ${ANNOTATIONS.techdocsRef} has no mkdocs.yml`);
    }
    // documentation (the platform handbook) is a site, not a deployable: it needs its docs and nothing else below
    if (spec.type === 'documentation') {
      if (!docs) problems.push(`${name}: a documentation component needs ${ANNOTATIONS.techdocsRef}`);
      continue;
    }
    if (spec.type !== 'service') problems.push(`${name}: spec.type must be service or documentation`);
    problems.push(...serviceDocsProblems(entity, repoRoot));
    for (const key of [
      ANNOTATIONS.kubernetesId,
      ANNOTATIONS.costAllocationTag,
    ]) {
      if (annotations[key] !== entity.metadata.name) {
        problems.push(`${name}: ${key} must be ${entity.metadata.name}`);
      }
    }
    // A service whose code is not in this repository yet has no source location; one that names it must exist.
    const source = annotations[ANNOTATIONS.sourceLocation];
    if (source !== undefined && !/^(dir|url):./.test(source)) {
      problems.push(
        `${name}: ${ANNOTATIONS.sourceLocation} must be dir:<path> or url:<url>`,
      );
    } else if (source !== undefined) {
      const dir = dirAnnotation(entry, ANNOTATIONS.sourceLocation, repoRoot);
      if (dir && !fs.existsSync(dir)) {
        problems.push(
          `${name}: ${ANNOTATIONS.sourceLocation} ${source} does not exist`,
        );
      }
    } else if (spec.lifecycle === 'production') {
      problems.push(`${name}: a production service needs ${ANNOTATIONS.sourceLocation}`);
    }
  }
  return problems;
}

/** Every API is provided by a component and has a contract file of its name and type. */
export function apiProblems(
  entries: CatalogEntry[],
  catalogDir: string,
): string[] {
  const problems: string[] = [];
  const entities = entries.map(e => e.entity);
  const provided = new Map<string, string[]>();
  for (const entity of entities.filter(e => e.kind === 'Component')) {
    for (const api of targets(entity, 'providesApis')) {
      provided.set(api, [...(provided.get(api) ?? []), entity.metadata.name]);
    }
  }
  const referenced = new Set<string>();
  for (const entry of entries.filter(e => e.entity.kind === 'API')) {
    const { entity } = entry;
    const name = ref(entity);
    const spec = entity.spec as { type?: string; definition?: unknown };
    const expectedType =
      entity.metadata.name === ASYNC_CONTRACT ? 'asyncapi' : 'openapi';
    if (spec.type !== expectedType)
      problems.push(`${name}: spec.type must be ${expectedType}`);
    const definition = spec.definition as { $text?: unknown } | undefined;
    const expectedFile = `./apis/${entity.metadata.name}.${expectedType}.yaml`;
    if (definition?.$text !== expectedFile) {
      problems.push(
        `${name}: spec.definition must be {$text: ${expectedFile}}`,
      );
    } else {
      referenced.add(path.resolve(path.dirname(entry.file), expectedFile));
    }
    const providers = provided.get(name) ?? [];
    if (providers.length === 0)
      problems.push(`${name}: no component provides it`);
    if (providers.length > 1 && entity.spec?.type === 'openapi') {
      problems.push(
        `${name}: provided by several components (${providers.join(', ')})`,
      );
    }
  }
  for (const file of fs.readdirSync(path.join(catalogDir, 'apis'))) {
    if (!referenced.has(path.join(catalogDir, 'apis', file))) {
      problems.push(`apis/${file}: no API entity points at it`);
    }
  }
  return problems;
}

/**
 * Synchronous calls are dependencies: a component that consumes an HTTP API
 * must depend on the component providing it; the gateway consumes every
 * public API.
 */
export function dependencyProblems(entities: Entity[]): string[] {
  const problems: string[] = [];
  const components = entities.filter(e => e.kind === 'Component');
  const apis = new Map(
    entities.filter(e => e.kind === 'API').map(e => [ref(e), e]),
  );
  const providerOf = new Map<string, string>();
  for (const c of components) {
    for (const api of targets(c, 'providesApis')) {
      if (apis.get(api)?.spec?.type === 'openapi') providerOf.set(api, ref(c));
    }
  }
  for (const c of components) {
    const dependsOn = new Set(targets(c, 'dependsOn'));
    for (const api of targets(c, 'consumesApis')) {
      const provider = providerOf.get(api);
      if (provider && !dependsOn.has(provider)) {
        problems.push(
          `${ref(c)}: consumes ${api} but does not depend on ${provider}`,
        );
      }
    }
  }
  const gateway = components.find(c => c.metadata.name === 'api-gateway');
  if (!gateway)
    return [...problems, 'component:default/api-gateway is missing'];
  const consumed = new Set(targets(gateway, 'consumesApis'));
  for (const [apiRef, api] of apis) {
    const isPublic = api.metadata.tags?.includes('public');
    if (
      isPublic &&
      apiRef !== 'api:default/api-gateway-api' &&
      !consumed.has(apiRef)
    ) {
      problems.push(`api-gateway: does not consume public ${apiRef}`);
    }
  }
  return problems;
}

/** Entity files under the catalog directory that all.yaml does not reach (contracts excepted). */
export function unreachableFiles(
  entries: CatalogEntry[],
  catalogDir: string,
): string[] {
  const reached = new Set(entries.map(e => e.file));
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, item.name);
      if (item.isDirectory() && full !== path.join(catalogDir, 'apis'))
        walk(full);
      else if (/\.ya?ml$/.test(item.name) && !reached.has(full)) {
        found.push(path.relative(catalogDir, full));
      }
    }
  };
  walk(catalogDir);
  return found.map(f => `${f}: not reachable from all.yaml`);
}

/** Every Resource takes part in a dependency, so the graph shows what it affects. */
export function resourceProblems(entities: Entity[]): string[] {
  const linked = new Set<string>();
  for (const e of entities) {
    for (const field of ['dependsOn', 'dependencyOf']) {
      const list = targets(e, field);
      if (list.length > 0) linked.add(ref(e));
      list.forEach(t => linked.add(t));
    }
  }
  const names = new Set(
    entities.filter(e => e.kind === 'Resource').map(e => e.metadata.name),
  );
  return [
    ...REQUIRED_RESOURCES.filter(n => !names.has(n)).map(
      n => `resource:${n} is missing`,
    ),
    ...entities
      .filter(e => e.kind === 'Resource' && !linked.has(ref(e)))
      .map(e => `${ref(e)}: takes part in no dependsOn/dependencyOf relation`),
  ];
}

/**
 * The AsyncAPI operations agree with the catalog: every topic and DLQ has a
 * channel, operations name real components, producers provide the events API
 * and consumers consume it.
 */
export function eventProblems(
  entities: Entity[],
  ops: AsyncOperation[],
  addresses: string[],
): string[] {
  const problems: string[] = [];
  for (const topic of TOPICS.flatMap(t => [t, `${t}.dlq`])) {
    if (!addresses.includes(topic))
      problems.push(`platform-events: no channel for ${topic}`);
  }
  const components = new Map(
    entities.filter(e => e.kind === 'Component').map(e => [e.metadata.name, e]),
  );
  const events = `api:default/${ASYNC_CONTRACT}`;
  for (const op of ops) {
    const component = op.service ? components.get(op.service) : undefined;
    if (!component) {
      problems.push(
        `platform-events operation ${op.id}: x-service ${op.service} is not a component`,
      );
      continue;
    }
    if (
      op.action === 'send' &&
      !op.address?.endsWith('.dlq') &&
      !targets(component, 'providesApis').includes(events)
    ) {
      problems.push(
        `${op.service}: sends to ${op.address} but does not provide ${events}`,
      );
    }
    if (
      op.action === 'receive' &&
      !targets(component, 'consumesApis').includes(events)
    ) {
      problems.push(
        `${op.service}: receives ${op.address} but does not consume ${events}`,
      );
    }
    const topicResource = `resource:default/topic-${op.address}`;
    if (!targets(component, 'dependsOn').includes(topicResource)) {
      problems.push(
        `${op.service}: uses ${op.address} but does not depend on ${topicResource}`,
      );
    }
  }
  return problems;
}
