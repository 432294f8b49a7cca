import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The two endpoints of MLflow's REST API the service calls (alias lookup, artifact proxy download), answered the
 * way MLflow answers them, on loopback: the tests need no MLflow server. The end-to-end test of the template runs the
 * service against a real one.
 */
export async function startMlflowServer() {
  const aliases = new Map<string, { version: string; source: string }>();
  const files = new Map<string, Buffer>();
  let down = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (down) {
      res.writeHead(503).end('unavailable');
      return;
    }
    if (url.pathname === '/api/2.0/mlflow/registered-models/alias') {
      const [name, alias] = [url.searchParams.get('name'), url.searchParams.get('alias')];
      const target = aliases.get(`${name}@${alias}`);
      if (!target) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Registered model alias ${alias} not found.` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ model_version: { name, version: target.version, source: target.source, aliases: [alias] } }));
      return;
    }
    const prefix = '/api/2.0/mlflow-artifacts/artifacts/';
    const file = url.pathname.startsWith(prefix) ? files.get(decodeURIComponent(url.pathname.slice(prefix.length))) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
  });
  server.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** a version whose model.json is `model`, behind `name@alias` */
    setAlias(name: string, alias: string, version: string, model: unknown) {
      const dir = `1/run-${version}/artifacts/model`;
      files.set(`${dir}/model.json`, Buffer.from(typeof model === 'string' ? model : JSON.stringify(model)));
      aliases.set(`${name}@${alias}`, { version, source: `mlflow-artifacts:/${dir}` });
    },
    setDown(value: boolean) {
      down = value;
    },
    close: () => new Promise(resolve => server.close(resolve)),
  };
}
