import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { loadServiceConfig } from './config';
import { requestContext } from './context';
import { createService } from './service';

/** a service whose pino lines are kept, at the given level */
function loggedService(level: string) {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const config = loadServiceConfig(z.object({}), { LOG_LEVEL: level });
  const service = createService({
    name: 'logged',
    config,
    logger: pino({ level, base: { service: 'logged' } }, destination),
    routes(router) {
      router.get('/things/:id', (req, res) => {
        requestContext.logger()?.info({ thing: req.params.id }, 'looked up');
        res.json({ id: req.params.id });
      });
      router.get('/boom', () => {
        throw new Error('kaput');
      });
    },
  });
  const access = () => lines.filter(l => l.msg === 'request completed' || l.msg === 'request errored');
  return { service, lines, access };
}

describe('access log', () => {
  it('writes one line per request with req, res and responseTime, at info, warn (4xx) or error (5xx)', async () => {
    const { service, lines, access } = loggedService('info');
    await request(service.app).get('/things/7?x=1').set('x-request-id', 'req-1').expect(200);
    await request(service.app).get('/nothing').set('x-request-id', 'req-2').expect(404);
    await request(service.app).get('/boom').set('x-request-id', 'req-3').expect(500);
    await request(service.app).get('/healthz').expect(200);
    await request(service.app).get('/metrics').expect(200);

    const [ok, missing, failed] = access();
    expect(access()).toHaveLength(3);
    expect(ok).toMatchObject({
      level: 30,
      service: 'logged',
      msg: 'request completed',
      req: { id: 'req-1', method: 'GET', url: '/things/7?x=1', query: { x: '1' }, headers: expect.objectContaining({ 'x-request-id': 'req-1' }) },
      res: { statusCode: 200, headers: expect.objectContaining({ 'x-request-id': 'req-1' }) },
      responseTime: expect.any(Number),
    });
    expect(missing).toMatchObject({ level: 40, msg: 'request completed', req: { id: 'req-2', url: '/nothing' }, res: { statusCode: 404 } });
    expect(failed).toMatchObject({
      level: 50,
      msg: 'request errored',
      req: { id: 'req-3' },
      res: { statusCode: 500 },
      err: { type: 'Error', message: 'failed with status code 500' },
    });
    // the route's own line carries the request id (the context's child logger)
    expect(lines.find(l => l.msg === 'looked up')).toMatchObject({ requestId: 'req-1', thing: '7' });
  });

  it('below its level writes nothing for a request, and still the 4xx and 5xx lines at warn', async () => {
    const { service, access } = loggedService('warn');
    await request(service.app).get('/things/7').expect(200);
    await request(service.app).get('/nothing').expect(404);
    await request(service.app).get('/boom').expect(500);
    expect(access().map(l => [l.level, l.res.statusCode])).toEqual([
      [40, 404],
      [50, 500],
    ]);
  });
});
