import { loadRouteTable, parseRouteTable, resolveRoutes, RouteTableError } from './routeTable';

describe('route table', () => {
  it('ships routes for every public API prefix, public browsing and credentials, the rest protected', () => {
    const routes = resolveRoutes(loadRouteTable(), { SEARCH_SERVICE_URL: 'http://search.internal:80/' });
    const byPrefix = Object.fromEntries(routes.map(r => [r.prefix, r]));
    expect(Object.keys(byPrefix).sort()).toEqual(
      ['/auth', '/cart', '/checkout', '/events', '/orders', '/products', '/recommendations', '/search', '/users'].sort(),
    );
    const access = (prefix: string, method: string) => byPrefix[prefix].access(method);
    expect(access('/users', 'POST')).toBe('public');
    expect(access('/users', 'PATCH')).toBe('protected');
    expect(access('/auth', 'POST')).toBe('public');
    expect(access('/products', 'GET')).toBe('public');
    expect(access('/products', 'DELETE')).toBe('protected');
    expect(access('/search', 'GET')).toBe('public');
    expect(access('/events', 'POST')).toBe('public');
    for (const prefix of ['/cart', '/checkout', '/orders', '/events', '/recommendations']) expect(access(prefix, 'GET')).toBe('protected');
    expect(byPrefix['/search'].upstream).toEqual({ name: 'search-service', url: 'http://search.internal:80' });
    expect(byPrefix['/products'].upstream.url).toBe('http://127.0.0.1:3002');
    expect(byPrefix['/auth'].rateLimit.name).toBe('credentials');
    expect(byPrefix['/recommendations'].experiment).toEqual({
      key: 'recommendation-ranking',
      upstream: { name: 'ab-testing-service', url: 'http://127.0.0.1:3011' },
      timeoutMs: 100,
      fallbackVariant: 'control',
    });
  });

  it('names every problem of a bad table at once', () => {
    const bad = `
upstreams:
  product-service: { urlEnv: PRODUCT_SERVICE_URL, defaultUrl: not-a-url }
rateLimitClasses:
  open:
    perUser: { points: 10, perSeconds: 60 }
    perIp: { points: 0, perSeconds: 60 }
    dailyQuota: { perUser: 1, perIp: 1 }
routes:
  - { prefix: /products, upstream: product-service, auth: { default: public }, timeoutMs: 5, rateLimit: open }
  - { prefix: /products, upstream: nowhere, auth: { default: public, GET: maybe }, timeoutMs: 1000, rateLimit: premium }
  - { prefix: products, upstream: product-service, auth: { default: public }, timeoutMs: 1000, rateLimit: open, retries: 3 }
`;
    let error: RouteTableError | undefined;
    try {
      parseRouteTable(bad, 'bad.yaml');
    } catch (e) {
      error = e as RouteTableError;
    }
    expect(error).toBeInstanceOf(RouteTableError);
    expect(error!.problems.map(p => p.split(':')[0]).sort()).toEqual(
      [
        'upstreams.product-service.defaultUrl',
        'rateLimitClasses.open.perIp.points',
        'routes.0.timeoutMs',
        'routes.1.auth.GET',
        'routes.2.prefix',
        'routes.2',
      ].sort(),
    );
  });

  it('reports the cross-references after the shapes are right', () => {
    const table = `
upstreams:
  product-service: { urlEnv: PRODUCT_SERVICE_URL, defaultUrl: http://127.0.0.1:3002 }
rateLimitClasses:
  open:
    perUser: { points: 10, perSeconds: 60 }
    perIp: { points: 10, perSeconds: 60 }
    dailyQuota: { perUser: 1, perIp: 1 }
routes:
  - { prefix: /products, upstream: product-service, auth: { default: public }, timeoutMs: 100, rateLimit: open }
  - { prefix: /products, upstream: nowhere, auth: { default: public }, timeoutMs: 100, rateLimit: premium }
`;
    expect(() => parseRouteTable(table)).toThrow(
      'invalid route table routes.yaml: routes.1.upstream: unknown upstream nowhere; routes.1.rateLimit: unknown rate-limit class premium; routes.1.prefix: duplicate prefix /products',
    );
    expect(() => resolveRoutes(parseRouteTable(table.replace('/products, upstream: nowhere', '/other, upstream: product-service').replace('premium', 'open')), { PRODUCT_SERVICE_URL: 'nope' })).toThrow(
      'PRODUCT_SERVICE_URL is not a URL: nope',
    );
  });
});
