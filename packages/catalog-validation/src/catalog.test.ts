import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import {
  CatalogEntry,
  contractPath,
  findCatalogDir,
  findRepoRoot,
  listContracts,
  loadCatalog,
  loadContract,
  resolveTextPlaceholders,
} from './index';
import {
  SERVICE_COMPONENTS,
  apiProblems,
  asyncApiProblems,
  asyncOperations,
  componentProblems,
  conventionProblems,
  dependencyProblems,
  duplicateRefs,
  entityProblems,
  eventProblems,
  resourceProblems,
  schemaProblems,
  specProblems,
  unreachableFiles,
  unresolvedRelations,
} from './validation';

const catalogDir = findCatalogDir(__dirname);
const repoRoot = findRepoRoot(__dirname);
const entries = loadCatalog(catalogDir);
const resolved = entries.map(entry => resolveTextPlaceholders(entry));
const openApiNames = listContracts(catalogDir).filter(
  n => n !== 'platform-events',
);

const ofKind = (kind: string, list: Entity[] = resolved) =>
  list.filter(e => e.kind === kind);

/** A copy of the resolved catalog with one entity changed by `edit`. */
function withEdit(name: string, edit: (entity: any) => void): Entity[] {
  return resolved.map(entity => {
    if (entity.metadata.name !== name) return entity;
    const copy = structuredClone(entity);
    edit(copy);
    return copy;
  });
}

async function allEntityProblems(list: Entity[]): Promise<string[]> {
  return (await Promise.all(list.map(entityProblems))).flat();
}

describe('catalog entities', () => {
  it('holds the twelve service components, the handbook, the APIs and the org', () => {
    expect(
      ofKind('Component')
        .filter(e => e.spec?.type === 'service')
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual([...SERVICE_COMPONENTS].sort());
    // the only other component is the platform handbook, a documentation site
    expect(
      ofKind('Component')
        .filter(e => e.spec?.type !== 'service')
        .map(e => `${e.spec?.type} ${e.metadata.name}`),
    ).toEqual(['documentation platform-handbook']);
    const apis = ofKind('API');
    expect(apis.length).toBeGreaterThanOrEqual(13);
    expect(
      apis.every(
        a =>
          typeof a.spec?.definition === 'string' &&
          (a.spec.definition as string).length > 100,
      ),
    ).toBe(true);
    expect(
      apis.filter(a => a.spec?.type === 'asyncapi').length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      ofKind('System')
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual(['data', 'personalization', 'platform-operations', 'storefront']);
    expect(ofKind('Domain').length).toBeGreaterThanOrEqual(1);
    expect(ofKind('Group').length).toBeGreaterThanOrEqual(2);
    expect(
      ofKind('User').every(u => (u.spec?.memberOf as string[]).length > 0),
    ).toBe(true);
  });

  it('is valid under @backstage/catalog-model policies and kind validators', async () => {
    expect(await allEntityProblems(resolved)).toEqual([]);
    expect(duplicateRefs(resolved)).toEqual([]);
  });

  it('reaches every entity file from all.yaml', () => {
    expect(unreachableFiles(entries, catalogDir)).toEqual([]);
    const withoutComponent = entries.filter(
      e => e.entity.metadata.name !== 'search-service',
    );
    expect(unreachableFiles(withoutComponent, catalogDir)).toEqual([
      'components/search-service.yaml: not reachable from all.yaml',
    ]);
  });

  it('has no unresolved relation', () => {
    expect(unresolvedRelations(resolved)).toEqual([]);
  });

  it('gives every component an owner group, system, lifecycle and the annotations plugins read', () => {
    expect(componentProblems(entries, repoRoot)).toEqual([]);
  });

  it('ties every API to its provider and its contract file', () => {
    expect(apiProblems(entries, catalogDir)).toEqual([]);
  });

  it('makes every synchronous call a dependency and routes every public API through the gateway', () => {
    expect(dependencyProblems(resolved)).toEqual([]);
  });

  it('has every required resource, each in a dependency relation', () => {
    expect(resourceProblems(resolved)).toEqual([]);
  });
});

describe('API contracts', () => {
  it.each(openApiNames)(
    '%s is valid OpenAPI 3.1',
    async name => {
      expect(await specProblems(loadContract(name, catalogDir))).toEqual([]);
    },
    30_000,
  );

  it.each(openApiNames)('%s follows the contract conventions', name => {
    expect(conventionProblems(loadContract(name, catalogDir))).toEqual([]);
  });

  it.each(openApiNames)(
    '%s schemas compile strictly and its examples match',
    name => {
      expect(schemaProblems(loadContract(name, catalogDir))).toEqual([]);
    },
  );

  it('shares one Problem schema across every contract', () => {
    const first = loadContract(openApiNames[0], catalogDir).components?.schemas
      ?.Problem;
    expect(first).toBeDefined();
    for (const name of openApiNames) {
      expect(
        loadContract(name, catalogDir).components?.schemas?.Problem,
      ).toEqual(first);
    }
  });

  it('platform-events is valid AsyncAPI 3 and agrees with the catalog', async () => {
    const doc = loadContract('platform-events', catalogDir);
    expect(await asyncApiProblems(doc)).toEqual([]);
    const addresses = Object.values(doc.channels).map(
      c => (c as { address: string }).address,
    );
    expect(eventProblems(resolved, asyncOperations(doc), addresses)).toEqual(
      [],
    );
  }, 60_000);
});

describe('the checks catch broken input', () => {
  it('rejects an entity without an owner or with a malformed name', async () => {
    const noOwner = withEdit('search-service', e => delete e.spec.owner);
    expect((await allEntityProblems(noOwner)).join('\n')).toMatch(
      /search-service/,
    );
    const badName = withEdit('user-api', e => (e.metadata.name = 'user api!'));
    expect(await allEntityProblems(badName)).not.toEqual([]);
  });

  it('reports a relation to an entity that does not exist', () => {
    const dangling = withEdit('recommendation-service', e =>
      e.spec.dependsOn.push('resource:no-such-redis'),
    );
    expect(unresolvedRelations(dangling)).toEqual([
      'component:default/recommendation-service spec.dependsOn: resource:default/no-such-redis does not exist',
    ]);
    const noKind = withEdit('search-service', e =>
      e.spec.dependsOn.push('search-index'),
    );
    expect(unresolvedRelations(noKind).join('\n')).toMatch(
      /search-service spec\.dependsOn/,
    );
  });

  it('reports a component without a system or annotations, and a missing resource', () => {
    const broken: CatalogEntry[] = entries.map(entry =>
      entry.entity.metadata.name === 'analytics-service'
        ? {
            ...entry,
            entity: {
              ...structuredClone(entry.entity),
              spec: { ...entry.entity.spec, system: undefined },
              metadata: { ...entry.entity.metadata, annotations: {} },
            },
          }
        : entry,
    );
    const problems = componentProblems(broken, repoRoot);
    expect(problems).toContain(
      'component:default/analytics-service: spec.system is missing',
    );
    expect(problems.join('\n')).toMatch(
      /analytics-service: backstage\.io\/kubernetes-id/,
    );

    const withoutGrafana = resolved.filter(e => e.metadata.name !== 'grafana');
    expect(resourceProblems(withoutGrafana)).toContain(
      'resource:grafana is missing',
    );
  });

  it('reports a service whose docs are not its part of the handbook, and a documentation component without its site', () => {
    const edit = (entity: Entity): Entity => {
      const copy = structuredClone(entity);
      const annotations = copy.metadata.annotations!;
      if (copy.metadata.name === 'platform-handbook') delete annotations['backstage.io/techdocs-ref'];
      if (copy.metadata.name === 'search-service') delete annotations['backstage.io/techdocs-entity'];
      if (copy.metadata.name === 'recommendation-service') {
        annotations['backstage.io/techdocs-entity-path'] = '/services/recommendation/';
      }
      return copy;
    };
    const broken: CatalogEntry[] = entries.map(entry => ({ ...entry, entity: edit(entry.entity) }));
    expect(componentProblems(broken, repoRoot)).toEqual([
      'component:default/platform-handbook: a documentation component needs backstage.io/techdocs-ref',
      'component:default/recommendation-service: backstage.io/techdocs-entity-path must be /services/recommendation-service/',
      'component:default/search-service: backstage.io/techdocs-entity must be component:default/platform-handbook',
    ]);
  });

  it('reports a consumed API without a dependency on its provider', () => {
    const broken = withEdit('cart-checkout-service', e => {
      e.spec.dependsOn = e.spec.dependsOn.filter(
        (d: string) => d !== 'component:notification-service',
      );
    });
    expect(dependencyProblems(broken)).toEqual([
      'component:default/cart-checkout-service: consumes api:default/notification-api but does not depend on component:default/notification-service',
    ]);
  });

  it('rejects OpenAPI documents that break the spec or the conventions', async () => {
    const doc: any = loadContract('search-api', catalogDir);
    doc.paths['/search'].get.operationIdx =
      doc.paths['/search'].get.operationId;
    expect(await specProblems(doc)).not.toEqual([]);

    const noId: any = loadContract('search-api', catalogDir);
    delete noId.paths['/search'].get.operationId;
    noId.paths['/search'].get.responses['400'] = {
      description: 'x',
      content: { 'application/json': { schema: { type: 'object' } } },
    };
    expect(conventionProblems(noId)).toEqual([
      'GET /search: no operationId',
      'GET /search 400: content must be only application/problem+json, is application/json',
    ]);

    const open: any = loadContract('user-api', catalogDir);
    delete open.components.schemas.LoginRequest.additionalProperties;
    expect(conventionProblems(open)).toEqual([
      'POST /auth/login: requestBody must set additionalProperties: false',
    ]);

    const typo: any = loadContract('search-api', catalogDir);
    typo.components.schemas.SearchResult.properties.total.type = 'integr';
    expect(schemaProblems(typo).join('\n')).toMatch(/components\.schemas/);

    const badExample: any = loadContract('event-tracking-api', catalogDir);
    badExample.paths['/events'].post.requestBody.content[
      'application/json'
    ].examples.single.value.type = 'hover';
    expect(schemaProblems(badExample).join('\n')).toMatch(/examples\/single/);
  }, 30_000);

  it('rejects a broken AsyncAPI document and operations that disagree with the catalog', async () => {
    const doc: any = loadContract('platform-events', catalogDir);
    doc.operations.sendOrders.channel = { $ref: '#/channels/nowhere' };
    expect(await asyncApiProblems(doc)).not.toEqual([]);

    const good = loadContract('platform-events', catalogDir);
    const ops = asyncOperations(good).map(op =>
      op.id === 'sendProducts' ? { ...op, service: 'search-service' } : op,
    );
    const addresses = Object.values(good.channels)
      .map(c => (c as { address: string }).address)
      .filter(a => a !== 'orders.dlq');
    expect(eventProblems(resolved, ops, addresses)).toEqual([
      'platform-events: no channel for orders.dlq',
      'search-service: sends to products but does not provide api:default/platform-events',
    ]);
  }, 60_000);
});

describe('API definitions', () => {
  it('resolve only inside the directory of the entity file, as in the portal', () => {
    const apiEntry = entries.find(e => e.entity.metadata.name === 'user-api')!;
    const escaping: CatalogEntry = {
      ...apiEntry,
      entity: {
        ...apiEntry.entity,
        spec: {
          ...apiEntry.entity.spec,
          definition: { $text: '../package.json' },
        },
      },
    };
    expect(() => resolveTextPlaceholders(escaping)).toThrow(/outside/);
  });
});

describe('contract loading', () => {
  it('finds the repository from any directory below it', () => {
    const deep = path.join(repoRoot, 'packages', 'catalog-validation', 'src');
    expect(findRepoRoot(deep)).toBe(repoRoot);
    expect(contractPath('user-api', catalogDir)).toBe(
      path.join(repoRoot, 'catalog-info', 'apis', 'user-api.openapi.yaml'),
    );
    expect(loadContract('cart-checkout-api').paths['/checkout']).toBeDefined();
    expect(loadContract('platform-events').asyncapi).toMatch(/^3\./);
    expect(() => loadContract('no-such-api')).toThrow(
      /No contract named no-such-api/,
    );
  });

  it('hands every caller its own copy', () => {
    const a = loadContract('user-api', catalogDir);
    a.info.title = 'changed';
    expect(loadContract('user-api', catalogDir).info.title).toBe('User API');
  });
});
