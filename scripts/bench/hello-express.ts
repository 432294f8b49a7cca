/**
 * The baseline of the gateway benchmark: a bare express 5 hello-world (express 5, as the services use it;
 * the repository root resolves express 4 for Backstage, so it is loaded through the service kit).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const requireFromKit = createRequire(path.resolve(__dirname, '../../packages/service-kit/package.json'));
const express = requireFromKit('express') as () => {
  get(path: string, handler: (req: unknown, res: { json(body: unknown): void }) => void): void;
  listen(port: number, host: string, done: () => void): void;
};

const app = express();
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const port = Number(process.env.PORT ?? 3999);
app.listen(port, '127.0.0.1', () => {
  console.log(`hello-express listening on ${port}`);
});
