import express from 'express';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { z } from 'zod';
import { decodeProtectedHeader } from 'jose';
import { createJwtIssuer, createJwtVerifier, createServiceTokenSource, keyIdOf, requireAuth } from './auth';
import { loadServiceConfig } from './config';
import { Contract } from './contract';
import { createService } from './service';
import { widgetContract } from './testing/fixtureContract';

function ed25519Pems() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const claims = { iss: 'user-service', aud: 'platform' };
const claimsOf = () => ({ issuer: claims.iss, audience: claims.aud });

describe('the key-id rule', () => {
  // RFC 8037 appendix A.1 (Ed25519 key) and A.3 (its RFC 7638 thumbprint): an independent expected value
  const rfc8037Key = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    },
    format: 'jwk',
  })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it('is the RFC 7638 thumbprint of the public key, in the token header and the JWKS', async () => {
    expect(await keyIdOf(rfc8037Key)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    const issuer = await createJwtIssuer({ privateKeyPem: rfc8037Key, issuer: claims.iss, audience: claims.aud, ttlSeconds: 60 });
    const token = await issuer.sign({ sub: 'u-1', roles: [] });
    expect(decodeProtectedHeader(token).kid).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect((await issuer.jwks()).keys.map(k => k.kid)).toEqual(['kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k']);
  });

  it('lets a second signer of the same key (a service token) verify against the first signer\'s JWKS', async () => {
    // the user service publishes the JWKS; checkout signs service tokens with the same key in its own process
    const { privateKeyPem } = ed25519Pems();
    const userService = await createJwtIssuer({ privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 60 });
    const checkout = await createJwtIssuer({ privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 300 });
    const verifier = await createJwtVerifier({ jwks: await userService.jwks(), issuer: claims.iss, audience: claims.aud });
    await expect(verifier.verify(await checkout.sign({ sub: 'cart-checkout', roles: ['service'] }))).resolves.toMatchObject({
      sub: 'cart-checkout',
      roles: ['service'],
    });
  });
});

describe('JWT issuer, verifier and requireAuth', () => {
  const keys = ed25519Pems();

  it('verifies its tokens by PEM, JWKS document and JWKS URL, and refuses foreign, expired and misaddressed ones', async () => {
    const issuer = await createJwtIssuer({ privateKeyPem: keys.privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 60 });
    const token = await issuer.sign({ sub: 'u-1', roles: ['customer'], email: 'a@example.com' });

    const jwksServer = express().get('/.well-known/jwks.json', async (_req, res) => { res.json(await issuer.jwks()); }).listen(0);
    try {
      const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
      for (const source of [{ publicKeyPem: keys.publicKeyPem }, { jwks: await issuer.jwks() }, { jwksUrl }]) {
        const verifier = await createJwtVerifier({ ...source, issuer: claims.iss, audience: claims.aud });
        await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'u-1', roles: ['customer'], email: 'a@example.com' });
      }
    } finally {
      jwksServer.close();
    }

    const verifier = await createJwtVerifier({ publicKeyPem: keys.publicKeyPem, issuer: claims.iss, audience: claims.aud });
    const foreign = await createJwtIssuer({ privateKeyPem: ed25519Pems().privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 60 });
    await expect(verifier.verify(await foreign.sign({ sub: 'u-1', roles: [] }))).rejects.toThrow(/signature/);
    const expired = await createJwtIssuer({ privateKeyPem: keys.privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: -10 });
    await expect(verifier.verify(await expired.sign({ sub: 'u-1', roles: [] }))).rejects.toThrow(/exp/);
    const otherAudience = await createJwtIssuer({ privateKeyPem: keys.privateKeyPem, issuer: claims.iss, audience: 'elsewhere', ttlSeconds: 60 });
    await expect(verifier.verify(await otherAudience.sign({ sub: 'u-1', roles: [] }))).rejects.toThrow(/aud/);
  });

  it('remembers a verified token only until it expires, and never a token whose signature fails', async () => {
    const issuer = await createJwtIssuer({ privateKeyPem: keys.privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 1 });
    const verifier = await createJwtVerifier({ publicKeyPem: keys.publicKeyPem, issuer: claims.iss, audience: claims.aud });
    const token = await issuer.sign({ sub: 'u-2', roles: ['customer'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'u-2' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'u-2' });
    // the same claims with the last signature character changed: not the remembered token
    const [header, body, signature] = token.split('.');
    const forged = `${header}.${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifier.verify(forged)).rejects.toThrow();
    // exp has second resolution: two seconds on, the remembered token is expired like any other
    await new Promise(resolve => setTimeout(resolve, 2_100));
    await expect(verifier.verify(token)).rejects.toThrow(/exp/);
  });

  it('signs service tokens the platform verifies, reuses one until a minute before its expiry, and reads a one-line PEM', async () => {
    let clock = Date.now();
    const oneLine = keys.privateKeyPem.trim().replace(/\n/g, '\\n');
    const token = await createServiceTokenSource({ privateKeyPem: oneLine, subject: 'backstage-portal', ...claimsOf(), now: () => clock });
    const verifier = await createJwtVerifier({ publicKeyPem: keys.publicKeyPem, issuer: claims.iss, audience: claims.aud });
    const first = await token();
    await expect(verifier.verify(first)).resolves.toMatchObject({ sub: 'backstage-portal', roles: ['service'] });
    clock += 239_000; // 4 min less a second: still the same token
    expect(await token()).toBe(first);
    clock += 2_000; // past ttl - 60 s: a new one (iat has second resolution, so wait for the next second)
    await new Promise(resolve => setTimeout(resolve, 1_100));
    expect(await token()).not.toBe(first);
  });

  it('answers 401 without or with a bad token, 403 without the role, and sets req.auth otherwise', async () => {
    const issuer = await createJwtIssuer({ privateKeyPem: keys.privateKeyPem, issuer: claims.iss, audience: claims.aud, ttlSeconds: 60 });
    const verifier = await createJwtVerifier({ publicKeyPem: keys.publicKeyPem, issuer: claims.iss, audience: claims.aud });
    const service = createService({
      name: 'widgets',
      contract: new Contract(widgetContract),
      config: loadServiceConfig(z.object({}), { LOG_LEVEL: 'silent' }),
      routes(router) {
        router.get('/widgets', requireAuth(verifier, { roles: ['admin'] }), (req, res) => {
          res.json({ items: [], caller: req.auth?.sub });
        });
      },
    });
    const admin = await issuer.sign({ sub: 'admin-1', roles: ['admin'] });
    const customer = await issuer.sign({ sub: 'u-2', roles: ['customer'] });

    const missing = await request(service.app).get('/widgets');
    expect(missing.status).toBe(401);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const garbled = await request(service.app).get('/widgets').set('authorization', 'Bearer not-a-jwt');
    expect(garbled.status).toBe(401);
    expect(garbled.body.detail).toMatch(/not valid/);
    const basic = await request(service.app).get('/widgets').set('authorization', `Basic ${admin}`);
    expect(basic.status).toBe(401);

    const forbidden = await request(service.app).get('/widgets').set('authorization', `Bearer ${customer}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ status: 403, detail: expect.stringMatching(/admin/) });

    const allowed = await request(service.app).get('/widgets').set('authorization', `Bearer ${admin}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body.caller).toBe('admin-1');
  });
});
