import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { createJwtIssuer } from '@platform/service-kit';
import type { JwtIssuer } from '@platform/service-kit';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** starts a real HTTP server on a free loopback port */
export async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise(resolve => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

const close = (server: Server) =>
  new Promise<void>(resolve => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * A stand-in for a service behind the gateway: records every request it gets (headers and body size, the body read
 * as a stream), answers `{ upstream, path, bodyBytes }`, and is slow on paths ending in /slow.
 */
export async function startEchoUpstream(name: string, own?: (app: express.Express) => void): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const app = express();
  own?.(app);
  app.use(async (req, res) => {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    seen.push({ method: req.method, url: req.originalUrl, headers: req.headers, bodyBytes });
    if (req.path.endsWith('/slow')) await new Promise(r => setTimeout(r, 500));
    if (res.writableEnded || res.destroyed) return;
    res.status(req.method === 'POST' ? 201 : 200).json({ upstream: name, path: req.originalUrl, bodyBytes });
  });
  const { url, server } = await listen(app);
  return { url, seen, close: () => close(server) };
}

const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A user-service stand-in: the JWKS endpoint a gateway verifies tokens with, and issuers of good and bad tokens. */
export async function startTokenIssuer(): Promise<Upstream & { tokens: JwtIssuer; expired: JwtIssuer; stranger: JwtIssuer }> {
  const privateKeyPem = pem(generateKeyPairSync('ed25519').privateKey);
  const base = { issuer: 'user-service', audience: 'platform' };
  const tokens = await createJwtIssuer({ ...base, privateKeyPem, ttlSeconds: 60 });
  // a negative lifetime gives a token that expired two minutes ago
  const expired = await createJwtIssuer({ ...base, privateKeyPem, ttlSeconds: -120 });
  // another key under the same issuer name: a forged token
  const stranger = await createJwtIssuer({ ...base, privateKeyPem: pem(generateKeyPairSync('ed25519').privateKey), ttlSeconds: 60 });
  const upstream = await startEchoUpstream('user-service', app => {
    app.get('/.well-known/jwks.json', async (_req, res) => {
      res.json(await tokens.jwks());
    });
  });
  return { ...upstream, tokens, expired, stranger };
}

/** a URL on which nothing listens */
export async function unusedUrl(): Promise<string> {
  const { url, server } = await listen(express());
  await close(server);
  return url;
}
