import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { Contract } from './contract';
import { loadServiceConfig, ConfigError } from './config';
import { createHttpClient } from './httpClient';
import { createService } from './service';
import { widgetContract } from './testing/fixtureContract';
import { HttpError } from './errors';

const WIDGET_ID = '0b6c3f1e-6d2a-4c1e-9a43-2f6f2e1d5a10';

function widgetService(overrides: { readiness?: Record<string, () => Promise<unknown>>; slowMs?: number } = {}) {
  const stored: unknown[] = [];
  const events: string[] = [];
  const config = loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent', BODY_LIMIT: '1kb', SHUTDOWN_TIMEOUT_MS: '2000' });
  const service = createService({
    name: 'widgets',
    contract: new Contract(widgetContract),
    config,
    readiness: overrides.readiness,
    routes(router) {
      router.get('/widgets', (req, res) => {
        res.json({ items: [], limit: req.query.limit });
      });
      router.post('/widgets', (req, res) => {
        stored.push(req.body);
        res.status(201).json({ id: WIDGET_ID, ...req.body });
      });
      router.get('/widgets/:id', async (req, res) => {
        if (overrides.slowMs) await new Promise(r => setTimeout(r, overrides.slowMs));
        if (req.params.id !== WIDGET_ID) throw new HttpError(404, 'Not Found', { detail: 'no such widget' });
        res.json({ id: WIDGET_ID, name: 'w', size: 1 });
        events.push('responded');
      });
      router.get('/boom', () => {
        throw new Error('database password is hunter2');
      });
    },
  });
  return { service, stored, events };
}

describe('createService', () => {
  it('answers problem+json for malformed JSON, unknown fields, wrong types and oversized bodies, storing nothing', async () => {
    const { service, stored } = widgetService();
    const malformed = await request(service.app).post('/widgets').set('content-type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.body).toMatchObject({ status: 400, title: 'Bad Request', instance: '/widgets' });

    const unknown = await request(service.app).post('/widgets').send({ name: 'a', size: 1, colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ pointer: '/colour', message: 'is not a known field' }]);

    const wrongType = await request(service.app).post('/widgets').send({ name: 'a', size: 'big' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0]).toMatchObject({ pointer: '/size' });

    const oversized = await request(service.app).post('/widgets').send({ name: 'x'.repeat(2000), size: 1 });
    expect(oversized.status).toBe(413);
    expect(oversized.body.title).toBe('Content Too Large');

    expect(stored).toEqual([]);
    const ok = await request(service.app).post('/widgets').send({ name: 'a', size: 1 });
    expect(ok.status).toBe(201);
    expect(stored).toEqual([{ name: 'a', size: 1 }]);
  });

  it('refuses the NUL character in any JSON string, member name, query or path value with a 400 problem, storing nothing', async () => {
    const { service, stored } = widgetService();
    const message = 'must not contain the NUL character (U+0000)';
    const inBody = await request(service.app).post('/widgets').send({ name: 'a\u0000b', size: 1 });
    expect(inBody.status).toBe(400);
    expect(inBody.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(inBody.body).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ pointer: '/name', message }] });

    const inName = await request(service.app).post('/widgets').send({ name: 'a', size: 1, 'x\u0000': 1 });
    expect(inName.status).toBe(400);
    expect(inName.body.errors).toEqual(expect.arrayContaining([{ pointer: '/x\u0000', message }]));

    const inQuery = await request(service.app).get('/widgets?limit=5&q=a%00b');
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.errors).toEqual([{ parameter: 'q', message }]);

    const inPath = await request(service.app).get('/widgets/%00');
    expect(inPath.status).toBe(400);
    expect(inPath.body.errors).toEqual(expect.arrayContaining([{ parameter: 'id', message }]));
    expect(stored).toEqual([]);
  });

  it('answers 401 before checking the input of an operation the contract secures with a bearer token', async () => {
    const secured = {
      ...widgetContract,
      security: [{ bearerAuth: [] }],
      components: { ...widgetContract.components, securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    };
    const service = createService({
      name: 'widgets',
      contract: new Contract(secured),
      config: loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent' }),
      routes(router) {
        router.get('/widgets', (_req, res) => {
          res.json({ items: [] });
        });
      },
    });
    const anonymous = await request(service.app).get('/widgets?limit=500');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(anonymous.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    const withToken = await request(service.app).get('/widgets?limit=500').set('authorization', 'Bearer abc');
    expect(withToken.status).toBe(400);
    expect((await request(service.app).get('/healthz')).status).toBe(200);
  });

  it('coerces and checks query and path parameters against the contract', async () => {
    const { service } = widgetService();
    expect((await request(service.app).get('/widgets?limit=5')).body.limit).toBe(5);
    const bad = await request(service.app).get('/widgets?limit=500');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].parameter).toBe('limit');
    expect((await request(service.app).get('/widgets/not-a-uuid')).status).toBe(400);
  });

  it('answers 404 and 405 as problems and hides the detail of a 500', async () => {
    const { service } = widgetService();
    const missing = await request(service.app).get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    const wrongMethod = await request(service.app).delete('/widgets');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');
    const boom = await request(service.app).get('/boom');
    expect(boom.status).toBe(500);
    expect(JSON.stringify(boom.body)).not.toContain('hunter2');
  });

  it('echoes or creates X-Request-Id', async () => {
    const { service } = widgetService();
    const given = await request(service.app).get('/healthz').set('x-request-id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const created = await request(service.app).get('/healthz');
    expect(created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('labels metrics with the route template, never the raw path', async () => {
    const { service } = widgetService();
    await request(service.app).get(`/widgets/${WIDGET_ID}`);
    await request(service.app).get('/widgets/0b6c3f1e-6d2a-4c1e-9a43-2f6f2e1d5a11');
    const text = (await request(service.app).get('/metrics')).text;
    expect(text).toContain('http_requests_total{route="/widgets/{id}",method="GET",status="200",service="widgets"} 1');
    expect(text).toContain('http_requests_total{route="/widgets/{id}",method="GET",status="404",service="widgets"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.1",service="widgets",route="/widgets/{id}",method="GET",status="200"} 1',
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain(WIDGET_ID);
  });

  it('reports readiness per dependency and 503 naming the failed one', async () => {
    const { service } = widgetService({
      readiness: { postgres: async () => 1, redis: async () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    const res = await request(service.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.detail).toBe('Not ready: redis.');
    expect(res.body.checks).toEqual({
      postgres: { status: 'ok' },
      redis: { status: 'unavailable', detail: 'ECONNREFUSED' },
    });
  });

  it('drains an in-flight request before stopping, then runs shutdown hooks', async () => {
    const { service, events } = widgetService({ slowMs: 300 });
    service.onShutdown(async () => {
      events.push('hook');
    });
    const { url } = await service.start();
    const slow = fetch(`${url}/widgets/${WIDGET_ID}`);
    await new Promise(r => setTimeout(r, 50));
    await service.stop();
    expect((await slow).status).toBe(200);
    expect(events).toEqual(['responded', 'hook']);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('loadServiceConfig', () => {
  it('binds to loopback unless HOST says otherwise', async () => {
    for (const [env, expected] of [[{}, '127.0.0.1'], [{ HOST: '0.0.0.0' }, '0.0.0.0']] as const) {
      const service = createService({
        name: 'bind',
        config: loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent', ...env }),
        routes() {},
      });
      const { address } = await service.start();
      await service.stop();
      expect(address).toBe(expected);
    }
  });

  it('names every bad key at once', () => {
    const load = () =>
      loadServiceConfig(z.object({ DATABASE_URL: z.string().url() }), { PORT: 'eighty', DATABASE_URL: 'nope' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^invalid configuration: (?=.*PORT: )(?=.*DATABASE_URL: )/);
  });
});

describe('createHttpClient', () => {
  it('passes the request id on, retries a 503 with backoff and reports a timeout as 504', async () => {
    let calls = 0;
    const seenIds: Array<string | undefined> = [];
    const upstream = express();
    upstream.get('/flaky', (req, res) => {
      calls++;
      seenIds.push(req.get('x-request-id'));
      if (calls < 3) res.status(503).json({ title: 'busy' });
      else res.json({ ok: true });
    });
    upstream.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ late: true }), 500);
    });
    upstream.post('/conflict', (_req, res) => {
      res.status(409).type('application/problem+json').send(JSON.stringify({ title: 'Conflict', status: 409, detail: 'out of stock' }));
    });
    const server = upstream.listen(0);
    const port = (server.address() as { port: number }).port;
    const client = createHttpClient({ name: 'upstream', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100, retries: 2, backoffMs: 10 });

    const caller = createService({
      name: 'caller',
      config: loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent' }),
      routes(router) {
        router.get('/call', async (_req, res) => {
          res.json(await client.get('/flaky'));
        });
        router.get('/timeout', async (_req, res) => {
          res.json(await client.get('/slow'));
        });
        router.get('/conflict', async (_req, res) => {
          res.json(await client.post('/conflict', {}));
        });
      },
    });
    try {
      const ok = await request(caller.app).get('/call').set('x-request-id', 'corr-42');
      expect(ok.body).toEqual({ ok: true });
      expect(calls).toBe(3);
      expect(seenIds).toEqual(['corr-42', 'corr-42', 'corr-42']);

      const late = await request(caller.app).get('/timeout');
      expect(late.status).toBe(504);
      expect(late.body.detail).toMatch(/upstream did not answer GET \/slow within 100 ms/);

      const conflict = await request(caller.app).get('/conflict');
      expect(conflict.status).toBe(409);
      expect(conflict.body.detail).toBe('out of stock');
    } finally {
      server.close();
    }
  });

  it('reports an unreachable upstream as 503 naming it', async () => {
    const client = createHttpClient({ name: 'product-service', baseUrl: 'http://127.0.0.1:9', retries: 0 });
    await expect(client.get('/products')).rejects.toMatchObject({ status: 503, options: { detail: expect.stringContaining('product-service could not be reached') } });
  });
});

describe('createService without JSON body parsing', () => {
  it('leaves the request body unread so a route can stream it on', async () => {
    const service = createService({
      name: 'relay',
      config: loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent', BODY_LIMIT: '1kb' }),
      parseJsonBodies: false,
      routes(router) {
        router.post('/relay', async (req, res) => {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          res.json({ parsed: req.body !== undefined, bytes: Buffer.concat(chunks).length });
        });
      },
    });
    // larger than BODY_LIMIT: only a parser would refuse it
    const body = JSON.stringify({ text: 'x'.repeat(5000) });
    const res = await request(service.app).post('/relay').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: false, bytes: body.length });
  });
});
